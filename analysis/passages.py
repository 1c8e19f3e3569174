"""Shared passages: near-duplicate or paraphrased sentences across documents (wire copy).

Method (vectorised, no loop over sentence pairs):

1. sentences come from :func:`analysis.sentences`;
2. **candidates**: pairs of sentences from *different* documents that share at least one
   pair of consecutive content words (:func:`analysis.tokenize`, stop words skipped, so "ready
   to negotiate" and "ready to negotiate" share "ready negotiate") that occurs in at most
   ``max_df`` sentences: one sparse product of the binary sentence x bigram matrix with
   its transpose. Bigrams in more than ``max_df`` sentences (boilerplate such as "president
   vladimir putin" in a big corpus) do not seed candidates, which keeps the product sparse
   and the work near-linear in corpus size;
3. **similarity** of each candidate pair: cosine of TF-IDF vectors of character 4- and
   5-grams within word boundaries (``char_wb``, sublinear tf, IDF from the corpus's
   sentences) after normalising case, apostrophes, quotation marks and spelling variants
   ("Putin’s"/"Putin's", "Moscow has become"/"Russia has become" still share most n-grams).
   Character n-grams reward close paraphrases (changed function words, inflections) that
   word overlap misses.

Default threshold (``DEFAULT_THRESHOLD = 0.44``), chosen by inspecting all cross-document
sentence pairs of the five seeds: the nine sentence pairs that 003 and 004 share as
paraphrased AP copy score 0.50-0.86 and the one Blinken statement that 000 and 002 both
quote (in different translations) 0.52, while the highest-scoring pair of unrelated
sentences (the ledes of 000 and 002, both "MOSCOW ... Putin ... Xi Jinping ... on Monday")
scores 0.38; 0.44 is the midpoint of that gap. Two looser paraphrases in 003/004 stay
below it ("Beijing insists it maintains a neutral stance" / "China claims to take a neutral
stance", 0.28; "a “borderless” relationship they signed in 2022" / "the no-holds-barred
friendly relationship they signed in 2022", 0.30): going that low would admit unrelated
pairs, which score up to 0.38. The scores depend on
the corpus's IDF, so look at the pairs table on a new corpus before relying on the default.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
...     "Since then, Moscow has become increasingly dependent on China. Xi smiled.",
...     "Since then, Russia has become increasingly dependent on China. Putin left."]})
>>> shared_passages(corpus)[["doc_id_a", "sentence_a", "doc_id_b", "sentence_b"]].values.tolist()
[['a', 0, 'b', 0]]
>>> deduplicated(corpus)[["text", "n_shared_dropped"]].values.tolist()
[['Since then, Moscow has become increasingly dependent on China. Xi smiled.', 0], ['Putin left.', 1]]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from analysis import config
from analysis.errors import CorpusError
from analysis.segment import check_corpus, paragraph_spans, sentences
from analysis.vocab import normalize, tokenize

__all__ = ["DEFAULT_THRESHOLD", "deduplicated", "shared_passages"]

#: Cosine of character 4/5-gram TF-IDF vectors at or above which two sentences are shared.
DEFAULT_THRESHOLD: float = 0.44
#: Bigrams found in more sentences than this do not seed candidate pairs.
DEFAULT_MAX_DF: int = 200

_QUOTES = re.compile(r"[“”\"«»]")
_WORDS = re.compile(r"\w+(?:['’-]\w+)*")  # as analysis.corpus counts n_words


def _prepare(text: str) -> str:
    return _QUOTES.sub(" ", normalize(text)).replace("\x1f", " ")


def _content_bigrams(text: str) -> list[str]:
    """Pairs of consecutive content tokens, skipping stop words ("ready [to] negotiate")."""
    toks = tokenize(text)
    return [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def _candidate_pairs(texts: list[str], docs: np.ndarray, max_df: int,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j, different documents) that share a not-too-common bigram."""
    if len(texts) < 2:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    vec = CountVectorizer(analyzer=_content_bigrams, binary=True, dtype=np.int32)
    try:
        b = vec.fit_transform(texts).tocsc()
    except ValueError:  # no bigram anywhere
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    df = np.diff(b.indptr)
    keep = np.flatnonzero((df >= 2) & (df <= max_df))
    b = b[:, keep].tocsr()
    shared = sp.triu(b @ b.T, k=1).tocoo()
    i, j = shared.row.astype("int64"), shared.col.astype("int64")
    cross = docs[i] != docs[j]
    return i[cross], j[cross]


def shared_passages(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
                    threshold: float = DEFAULT_THRESHOLD, max_df: int = DEFAULT_MAX_DF,
                    ) -> pd.DataFrame:
    """Pairs of sentences from different documents that are near-duplicates or paraphrases.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column; each side's group is reported.
    threshold : float, default DEFAULT_THRESHOLD (0.44)
        Minimum similarity (see module docstring for how it was chosen).
    max_df : int, default 200
        Bigrams in more sentences than this do not seed candidate pairs.

    Returns
    -------
    DataFrame
        One row per pair, ``a`` the earlier document in ``doc_id`` order: ``doc_id_a``,
        ``<group>_a``, ``sentence_a``, ``paragraph_a``, ``start_a``, ``end_a``, ``text_a``,
        the same for ``b``, and ``similarity`` (0..1). Sorted by ``doc_id_a``, ``doc_id_b``,
        ``sentence_a``, ``sentence_b``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "text": ["Xi met Putin in the Kremlin today.",
    ...                                 "Xi met Putin in the Kremlin on Monday."]})
    >>> round(float(shared_passages(corpus)["similarity"].iloc[0]), 2)
    0.66
    """
    if not 0 <= float(threshold) <= 1:
        raise CorpusError(f"threshold must be between 0 and 1, got {threshold!r}.")
    check_corpus(corpus, group=group)
    sents = sentences(corpus, group=group)
    gname = group if group is not None else "group"
    texts = sents["text"].astype(str).tolist()
    docs = sents["doc_id"].astype(str).to_numpy()
    i, j = _candidate_pairs(texts, docs, int(max_df))
    sim = np.zeros(0)
    if len(i):
        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True,
                                preprocessor=_prepare, dtype=np.float64)
        x = tfidf.fit_transform(texts)
        sim = np.asarray(x[i].multiply(x[j]).sum(axis=1)).ravel()
        hit = sim >= threshold
        i, j, sim = i[hit], j[hit], sim[hit]
    # a = earlier document in doc_id order
    swap = docs[i] > docs[j]
    a = np.where(swap, j, i)
    b = np.where(swap, i, j)
    cols = ["doc_id", gname, "sentence", "paragraph", "start", "end", "text"]
    left = sents.iloc[a][cols].reset_index(drop=True).add_suffix("_a")
    right = sents.iloc[b][cols].reset_index(drop=True).add_suffix("_b")
    out = pd.concat([left, right], axis=1)
    out["similarity"] = np.round(sim.astype("float64"), 6)
    return out.sort_values(["doc_id_a", "doc_id_b", "sentence_a", "sentence_b"],
                           kind="stable").reset_index(drop=True)


def deduplicated(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
                 threshold: float = DEFAULT_THRESHOLD, max_df: int = DEFAULT_MAX_DF,
                 ) -> pd.DataFrame:
    """The corpus with the later copy of each shared passage removed from ``text``.

    For every pair from :func:`shared_passages`, the sentence of the document later in
    ``doc_id`` order is cut from that document's ``text``; the earlier copy stays, so the
    passage is counted once. Paragraph breaks are kept (a paragraph left empty disappears).

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column; all columns are kept.
    group, threshold, max_df
        As in :func:`shared_passages`.

    Returns
    -------
    DataFrame
        A copy of ``corpus`` with ``text`` reduced, ``n_shared_dropped`` (sentences cut from
        each document) and, when the corpus has it, ``n_words`` recounted.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["b", "a"], "event": ["y", "x"], "text": [
    ...     "Xi met Putin in the Kremlin today.\\n\\nThen they ate.",
    ...     "Xi met Putin in the Kremlin on Monday."]})
    >>> deduplicated(corpus)[["doc_id", "text", "n_shared_dropped"]].values.tolist()
    [['b', 'Then they ate.', 1], ['a', 'Xi met Putin in the Kremlin on Monday.', 0]]
    """
    pairs = shared_passages(corpus, group=group, threshold=threshold, max_df=max_df)
    drop = pairs[["doc_id_b", "start_b", "end_b"]].drop_duplicates()
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in drop.itertuples(index=False, name=None):
        by_doc.setdefault(str(doc_id), []).append((int(start), int(end)))
    out = corpus.copy()
    new_texts, n_dropped = [], []
    for doc_id, text in zip(out["doc_id"].astype(str).tolist(), out["text"].tolist(),
                            strict=True):
        cuts = sorted(by_doc.get(doc_id, []))
        n_dropped.append(len(cuts))
        new_texts.append(_cut(str(text), cuts) if cuts else text)
    out["text"] = pd.Series(new_texts, index=out.index, dtype=corpus["text"].dtype)
    out["n_shared_dropped"] = np.asarray(n_dropped, dtype="int64")
    if "n_words" in out.columns:
        out["n_words"] = [len(_WORDS.findall(t)) if isinstance(t, str) else 0
                          for t in out["text"].tolist()]
    return out


def _cut(text: str, cuts: list[tuple[int, int]]) -> str:
    """Remove sentence spans; rebuild paragraphs joined by one blank line."""
    paragraphs = []
    for pstart, pend in paragraph_spans(text):
        pieces, pos = [], pstart
        for start, end in cuts:
            if end <= pstart or start >= pend:
                continue
            pieces.append(text[pos:start])
            pos = end
        pieces.append(text[pos:pend])
        para = re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()
        if para:
            paragraphs.append(para)
    return "\n\n".join(paragraphs)
