"""Shared passages: text that several documents print as (near-)identical copy, as clusters.

Syndicated copy is normal in news (one wire story in hundreds of outlets), so shared text is
represented as **clusters** of near-identical sentences, one row per occurrence, never as all
pairs: memory and time grow with the number of sentences, not with the square of a cluster.
Short stock phrases repeated across documents are **formulas**, reported apart from copy.

Method (vectorised; sentences from :func:`analysis.sentences` or the same splitter):

1. **words**: each sentence is lower-cased, apostrophes unified, a possessive ``'s`` dropped
   and cut into word tokens (letters/digits with inner hyphens or apostrophes; punctuation
   and quotation marks ignored), see :func:`passage_words`. *Content words* are tokens with
   a letter that are not stop words of :func:`analysis.text.vocab.load_rules` (scikit-learn's
   English list plus ``stopwords_news.txt``), see :func:`content_words`;
2. **exact groups**: sentences with the same word sequence are one text (a hash of the
   normalised text), so a story printed verbatim in 200 outlets is handled once;
3. **near-identical**: two texts with at least ``min_content_words`` distinct content words
   are linked when the Jaccard similarity of their sets of word bigrams (consecutive word
   pairs, stop words included, so order matters) is at least ``threshold`` (default
   :data:`DEFAULT_THRESHOLD` = 0.5), see :func:`passage_similarity`. For a sentence of L
   words, 0.5 allows about one changed word in six (a changed word alters two bigrams on
   each side) or a copy cut to half the sentence. It is a near-identity test: a sentence
   an editor *rewrote* (new order, synonyms) is not linked. Shorter texts are grouped only
   when identical;
4. **candidates without all pairs** (prefix filtering: Bayardo, Ma & Srikant 2007; Wang, Li
   & Feng 2012): the bigrams of each text are ordered from rarest to commonest in the
   corpus; two texts with Jaccard >= t share at least 2 of the first ``n - ceil(t n) + 2``
   bigrams of each, so only texts sharing two such *rare* bigrams are compared, and pairs
   whose sizes already rule out t are skipped. Where more than ``max_group`` distinct texts
   share one rare bigram (only when dozens of *different* variants of a sentence exist),
   each is compared with the group's first text and its neighbour instead of all others,
   which keeps the work linear; below that bound the candidates are exact;
5. **clusters**: connected components of the verified links
   (:func:`scipy.sparse.csgraph.connected_components`) and of identical texts; a sentence is
   *shared* when its cluster has sentences in at least two documents;
6. **content rule, per passage**: a *passage* is a run of consecutive shared sentences of
   one document; it is **copy** when it carries at least ``min_content_words`` (default
   :data:`MIN_CONTENT_WORDS` = 8) distinct content words, so a short sentence of a shared
   wire paragraph is copy with its neighbours. A cluster whose copy sits in one document
   only no longer counts as shared, and runs are recomputed until nothing changes.
   Whatever is repeated in two or more documents but is not copy is a **formula**
   ("God bless America", "Good evening", "Thank you very much", "All rights reserved"):
   reported in :attr:`SharedPassages.formulas`, never removed by :func:`deduplicated`.
   Why 8: greetings, sign-offs, datelines and attributions have 1-6 content words, and a
   repeated run with fewer is as likely a stock phrase or coincidence as copy; 8 distinct
   content words repeated nearly word for word are very unlikely to arise independently.
   The rule was set before looking at any labelled copy and checked (not fitted) on the
   189 convention speeches and the development set (README);
7. cluster ids number clusters by first occurrence, documents in ``doc_id`` order; the
   occurrences in a cluster's first document are ``kept`` by :func:`deduplicated`.

On the five seed articles the rewritten AP copy that 003 and 004 share is mostly *below*
the near-identity threshold (only two sentences are nearly identical): intended, since a
threshold low enough for rewrites links unrelated sentences that share names and stock
phrases (on the speeches, "Mitt Romney and Paul Ryan ...").

Examples
--------
>>> import pandas as pd
>>> wire = ("Russia and China signed a broad agreement on energy trade, "
...         "weapons research and grain exports on Monday.")
>>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [
...     wire + " Xi smiled. Good evening.",
...     wire.replace("Monday", "Tuesday") + " Good evening.",
...     "Nothing alike here at all."]})
>>> found = shared_passages(corpus)
>>> found.clusters[["cluster_id", "doc_id", "sentence", "kept"]].values.tolist()
[[0, 'a', 0, True], [0, 'b', 0, False]]
>>> found.formulas[["text", "n_docs"]].values.tolist()
[['Good evening.', 2]]
>>> deduplicated(corpus)["text"].tolist()
['Russia and China signed a broad agreement on energy trade, weapons research and grain \
exports on Monday. Xi smiled. Good evening.', 'Good evening.', 'Nothing alike here at all.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from analysis.corpus.wordlists import resource_path
from analysis.errors import CorpusError
from analysis.text.quotes import quoted_shares
from analysis.text.segment import check_corpus, paragraph_spans, sentence_spans, sentence_tokenizer
from analysis.text.vocab import load_rules

__all__ = [
    "DEFAULT_MAX_GROUP",
    "DEFAULT_THRESHOLD",
    "MIN_CONTENT_WORDS",
    "SharedPassages",
    "content_words",
    "deduplicated",
    "passage_similarity",
    "passage_words",
    "shared_passages",
]

#: Jaccard similarity of word-bigram sets at or above which two sentences are one passage.
DEFAULT_THRESHOLD: float = 0.5
#: Distinct content words a sentence needs to count as copy (shorter repeats are formulas).
MIN_CONTENT_WORDS: int = 8
#: Distinct texts sharing one rare bigram above which candidates are star + chain, not all pairs.
DEFAULT_MAX_GROUP: int = 32
_ELL = 2  # shared prefix bigrams a candidate pair needs (see _link)
_BATCH = 2_000_000  # candidate pairs generated at a time
#: Pairs :meth:`SharedPassages.pairs` builds before asking for an explicit ``max_pairs``.
DEFAULT_MAX_PAIRS: int = 10_000

_APOSTROPHES = re.compile(r"[’‘ʼ′`´]")
_POSSESSIVE = re.compile(r"'s(?![^\W_])")
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_COUNT_WORDS = re.compile(r"\w+(?:['’-]\w+)*")  # as analysis.corpus.loader counts n_words
_UNIT_COLUMNS = ("doc_id", "paragraph", "sentence", "start", "end", "text")


# --------------------------------------------------------------------------- definitions
def passage_words(text: str) -> list[str]:
    """The word tokens passages are compared on (step 1 of the module docstring).

    Examples
    --------
    >>> passage_words("“Putin’s visit,” Xi said — on May 16, 2024.")
    ['putin', 'visit', 'xi', 'said', 'on', 'may', '16', '2024']
    """
    return _WORD.findall(_POSSESSIVE.sub("", _APOSTROPHES.sub("'", str(text).lower())))


@lru_cache(maxsize=4)
def _stop_words_for(_mtime: int) -> frozenset[str]:
    return load_rules().stop_words


def _stop_words() -> frozenset[str]:
    """The vocabulary's stop words (re-read when ``stopwords_news.txt`` changes)."""
    return _stop_words_for(resource_path("stopwords_news.txt").stat().st_mtime_ns)


def content_words(text: str) -> int:
    """Number of distinct content words of ``text`` (step 3 of the module docstring).

    Examples
    --------
    >>> content_words("God bless you, and God bless the United States of America.")
    5
    >>> content_words("Moscow has diverted most of its energy exports to China and relied "
    ...               "on Chinese companies.")
    8
    """
    stop = _stop_words()
    return len({w for w in passage_words(text) if w not in stop and _HAS_LETTER.search(w)})


def _bigrams(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < 2:
        return {tuple(words)} if words else set()
    return set(zip(words, words[1:], strict=False))


def passage_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word-bigram sets of two texts (step 4 of the module docstring).

    Examples
    --------
    >>> passage_similarity("Xi met Putin in Moscow on Monday.", "Xi met Putin in Moscow on Monday!")
    1.0
    >>> round(passage_similarity("Xi met Putin in Moscow on Monday.",
    ...                          "Xi met Putin in Beijing on Monday."), 3)
    0.5
    """
    x, y = _bigrams(passage_words(a)), _bigrams(passage_words(b))
    if not x and not y:
        return 0.0
    return len(x & y) / len(x | y)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class SharedPassages:
    """Shared copy as clusters, and formulas, from :func:`shared_passages`.

    Attributes
    ----------
    clusters : DataFrame
        One row per occurrence of a shared copy passage (a sentence in a cluster that spans
        at least two documents): ``cluster_id``, ``doc_id``, the group column (when one was
        given), ``paragraph``, ``sentence``, ``start``, ``end`` (offsets into the document's
        ``text``), ``text``, ``n_docs`` (documents in the cluster), ``kept`` (True in the
        cluster's first document in ``doc_id`` order: :func:`deduplicated` keeps these and
        removes the others) and ``similarity`` (to the cluster's first occurrence, 0..1).
        Sorted by ``cluster_id``, then document order and sentence.
    formulas : DataFrame
        One row per short text (fewer than ``min_content_words`` content words) repeated in
        at least two documents: ``text`` (first occurrence), ``n_docs``, ``n_occurrences``,
        ``n_content_words``, ``first_doc_id``; most widespread first.
    quotations : DataFrame
        Like ``clusters``, for shared sentences that every document prints as a quotation (at
        least half of the sentence's characters inside quotation marks) with no shared text
        around it: the same quotation reported by several documents, not copy, not removed
        by :func:`deduplicated`.
    threshold, min_content_words : float, int
        The settings used.
    group : str or None
        The group column carried in ``clusters``.
    n_documents, n_sentences : int
        Size of the corpus the result was computed on.
    """

    clusters: pd.DataFrame
    formulas: pd.DataFrame
    quotations: pd.DataFrame
    threshold: float
    min_content_words: int
    group: str | None
    n_documents: int
    n_sentences: int

    def summary(self, *, max_docs: int = 5) -> pd.DataFrame:
        """One row per cluster: its first text, documents and closeness of the copies.

        Parameters
        ----------
        max_docs : int, default 5
            Document ids listed in ``docs`` (the rest counted as "+ N more").

        Returns
        -------
        DataFrame
            ``cluster_id``, ``n_docs``, ``n_occurrences``, ``n_groups`` (when a group column
            was given), ``min_similarity``, ``docs``, ``text``; most widespread first.

        Examples
        --------
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": [
        ...     "The two leaders signed a broad pact on energy, grain and weapons research.",
        ...     "The two leaders signed a broad pact on energy, grain and weapons research."]})
        >>> shared_passages(corpus).summary()[["n_docs", "docs"]].values.tolist()
        [[2, 'a, b']]
        """
        c = self.clusters
        cols = ["cluster_id", "n_docs", "n_occurrences"]
        if self.group is not None:
            cols.append("n_groups")
        cols += ["min_similarity", "docs", "text"]
        if c.empty:
            return pd.DataFrame(columns=cols)
        by = c.groupby("cluster_id", sort=True)
        out = pd.DataFrame({
            "cluster_id": by.size().index.to_numpy(),
            "n_docs": by["n_docs"].first().to_numpy(),
            "n_occurrences": by.size().to_numpy(),
            "min_similarity": by["similarity"].min().round(3).to_numpy(),
            "text": by["text"].first().astype(str).to_numpy(),
        })
        if self.group is not None:
            out["n_groups"] = by[self.group].nunique().to_numpy()
        docs = by["doc_id"].agg(lambda s: list(dict.fromkeys(s.astype(str))))
        out["docs"] = [", ".join(d[:max_docs]) + (f" + {len(d) - max_docs} more"
                                                   if len(d) > max_docs else "")
                       for d in docs.tolist()]
        out = out.sort_values(["n_docs", "cluster_id"], ascending=[False, True], kind="stable")
        return out[cols].reset_index(drop=True)

    def pairs(self, *, max_pairs: int = DEFAULT_MAX_PAIRS) -> pd.DataFrame:
        """Every pair of occurrences of one cluster in two different documents.

        Built from :attr:`clusters`; the number of pairs grows with the square of a
        cluster's size, so it is counted first and refused above ``max_pairs``.

        Parameters
        ----------
        max_pairs : int, default 10,000
            Raise instead of building more pairs than this.

        Returns
        -------
        DataFrame
            ``cluster_id``, then ``doc_id``, group, ``paragraph``, ``sentence``, ``start``,
            ``end``, ``text`` with suffix ``_a`` (the document earlier in ``doc_id`` order)
            and ``_b``, and ``similarity`` (:func:`passage_similarity` of the two texts).

        Examples
        --------
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [
        ...     "The two leaders signed a broad pact on energy, grain and weapons research."] * 3})
        >>> shared_passages(corpus).pairs()[["doc_id_a", "doc_id_b"]].values.tolist()
        [['a', 'b'], ['a', 'c'], ['b', 'c']]
        """
        c = self.clusters
        sizes = c.groupby(["cluster_id", "doc_id"], sort=False).size()
        per_cluster = sizes.groupby(level=0)
        total = per_cluster.sum()
        n_pairs = int(((total ** 2 - (sizes ** 2).groupby(level=0).sum()) // 2).sum())
        if n_pairs > max_pairs:
            raise ValueError(
                f"the clusters make {n_pairs:,} pairs of occurrences (largest cluster: "
                f"{int(c['n_docs'].max()):,} documents), more than max_pairs={max_pairs:,}. "
                "Use .clusters or .summary(), or pass a larger max_pairs.")
        cols = [col for col in ("doc_id", self.group, "paragraph", "sentence", "start", "end",
                                "text") if col is not None]
        left = c[["cluster_id", *cols]].assign(_rank=np.arange(len(c)))
        both = left.merge(left, on="cluster_id", suffixes=("_a", "_b"))
        order = {d: i for i, d in enumerate(sorted(c["doc_id"].astype(str).unique()))}
        da = both["doc_id_a"].astype(str).map(order).to_numpy()
        db = both["doc_id_b"].astype(str).map(order).to_numpy()
        both = both[da < db]
        out = both[["cluster_id", *[f"{col}_a" for col in cols], *[f"{col}_b" for col in cols]]]
        out = out.assign(similarity=[round(passage_similarity(a, b), 6) for a, b in
                                     zip(out["text_a"].astype(str), out["text_b"].astype(str),
                                         strict=True)])
        return out.sort_values(["doc_id_a", "doc_id_b", "sentence_a", "sentence_b"],
                               kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- sentence units
def _doc_texts(corpus: pd.DataFrame) -> list[str]:
    return ["" if (t is None or t is pd.NA or (isinstance(t, float) and np.isnan(t))) else str(t)
            for t in corpus["text"].tolist()]


def _split_units(corpus: pd.DataFrame, *, train: bool) -> pd.DataFrame:
    """Sentence rows as :func:`analysis.sentences` splits them, each distinct paragraph once.

    Punkt splits every paragraph on its own (see :mod:`analysis.text.segment`), so a paragraph
    printed by many documents is split once and its spans reused.
    """
    texts = _doc_texts(corpus)
    order = np.argsort(corpus["doc_id"].astype(str).to_numpy(), kind="stable")
    tok = sentence_tokenizer((texts[i] for i in order) if train else ())
    cache: dict[str, list[tuple[int, int]]] = {}
    doc, par, sent, start, end, out = [], [], [], [], [], []
    for d, text in enumerate(texts):
        k = 0
        for p, (pstart, pend) in enumerate(paragraph_spans(text)):
            para = text[pstart:pend]
            spans = cache.get(para)
            if spans is None:
                # the blank line keeps the paragraph whole (as inside its document)
                spans = [(s, e) for _, s, e in sentence_spans(para + "\n\n", tok)]
                cache[para] = spans
            for s, e in spans:
                doc.append(d)
                par.append(p)
                sent.append(k)
                start.append(pstart + s)
                end.append(pstart + e)
                out.append(para[s:e])
                k += 1
    del cache
    return pd.DataFrame({
        "doc_id": corpus["doc_id"].iloc[np.asarray(doc, dtype="int64")].to_numpy(),
        "paragraph": np.asarray(par, dtype="int64"), "sentence": np.asarray(sent, dtype="int64"),
        "start": np.asarray(start, dtype="int64"), "end": np.asarray(end, dtype="int64"),
        "text": pd.array(out, dtype="string")}).astype({"doc_id": corpus["doc_id"].dtype})


def _given_units(sents: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(sents, pd.DataFrame):
        raise CorpusError(f"sents must be a DataFrame from analysis.sentences, got "
                          f"{type(sents).__name__}.")
    missing = [c for c in _UNIT_COLUMNS if c not in sents.columns]
    if missing:
        raise CorpusError(f"sents has no column(s) {', '.join(map(repr, missing))}; pass the "
                          "table analysis.sentences(corpus) returns.")
    ids = pd.Series(pd.unique(sents["doc_id"].astype(str)))
    unknown = ids[~ids.isin(corpus["doc_id"].astype(str))]
    if len(unknown):
        raise CorpusError(f"sents names doc_id {unknown.iloc[0]!r}, which is not in the "
                          "corpus; pass sentences of this corpus.")
    return sents[list(_UNIT_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- core
def _group_positions(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Indices of every member of the groups given by ``starts``/``sizes``, group by group."""
    return np.repeat(starts, sizes) + (np.arange(sizes.sum())
                                       - np.repeat(np.cumsum(sizes) - sizes, sizes))


def _all_pairs(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
               ) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of members inside each group (groups contiguous in ``members``)."""
    idx = _group_positions(starts, sizes)
    later = np.repeat(starts + sizes, sizes) - 1 - idx  # partners after each member
    left = np.repeat(idx, later)
    step = np.arange(later.sum()) - np.repeat(np.cumsum(later) - later, later)
    return members[left], members[left + 1 + step]


def _star_chain_pairs(members: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Each member with its group's first member and with the member before it."""
    idx = _group_positions(starts, sizes)
    head = np.repeat(starts, sizes)
    rest = idx != head
    return (np.concatenate([members[head[rest]], members[idx[rest] - 1]]),
            np.concatenate([members[idx[rest]], members[idx[rest]]]))


def _runs(sorted_values: np.ndarray) -> np.ndarray:
    """Start of every run of equal values in a sorted array, plus its length at the end."""
    if len(sorted_values) == 0:
        return np.zeros(1, dtype="int64")
    return np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1], True])


def _words_of(texts: Sequence[str], *, chunk: int = 5_000,
              ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Word tokens of many texts: owner (text index), word id (both int32), and the words.

    Same tokens as :func:`passage_words` applied to each text; one regex pass per chunk of
    texts joined by a separator, words numbered through one dictionary.
    """
    sep = "\x00"
    pattern = re.compile(_WORD.pattern + "|\x00")
    vocab: dict[str, int] = {sep: 0}
    owners, ids = [], []
    for s in range(0, len(texts), chunk):
        part = np.asarray(texts[s:s + chunk], dtype=object)
        joined = sep.join(part)
        if joined.count(sep) != len(part) - 1:  # a text holds the separator itself
            joined = sep.join(t.replace(sep, " ") for t in part)
        del part
        joined = _POSSESSIVE.sub("", _APOSTROPHES.sub("'", joined.lower()))
        local, uniques = pd.factorize(np.asarray(pattern.findall(joined), dtype=object))
        del joined
        codes = np.fromiter((vocab.setdefault(w, len(vocab)) for w in uniques),
                            dtype="int32", count=len(uniques))[local]
        del local
        is_sep = codes == 0
        owners.append(s + np.cumsum(is_sep, dtype="int32")[~is_sep])
        ids.append(codes[~is_sep] - 1)
    words = list(vocab)[1:]
    if not owners:
        return np.zeros(0, dtype="int32"), np.zeros(0, dtype="int32"), words
    return np.concatenate(owners), np.concatenate(ids), words


def _distinct_texts(texts: Sequence[str],
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Group texts by their word sequence (exact hash of the normalised text).

    Returns the key of every text and, for one text per key, its words in reading order
    (``owner`` = key, int32; ``wid`` int32), and the vocabulary.
    """
    owner, wid, words = _words_of(texts)
    n = len(texts)
    length = np.bincount(owner, minlength=n)
    end = np.cumsum(length)
    key, _ = pd.factorize(np.asarray([wid[e - k:e].tobytes() for k, e in
                                      zip(length.tolist(), end.tolist(), strict=True)],
                                     dtype=object))
    n_keys = int(key.max()) + 1 if n else 0
    rep = np.full(n_keys, -1, dtype="int64")  # first text of every key
    rep[key[::-1]] = np.arange(n)[::-1]
    is_rep = np.zeros(n, dtype=bool)
    is_rep[rep] = True
    take = is_rep[owner]
    owner, wid = key[owner[take]].astype("int32"), wid[take]
    order = np.argsort(owner, kind="stable")  # keys numbered by first occurrence
    return key.astype("int64"), owner[order], wid[order], words


def _shingle_matrix(owner: np.ndarray, wid: np.ndarray, m: int, rows: np.ndarray,
                    ) -> sp.csr_matrix:
    """Binary matrix: ``rows`` of the ``m`` texts x their distinct word bigrams.

    A one-word text's word is its only shingle. Rows not in ``rows`` are empty.
    """
    keep = np.zeros(m, dtype=bool)
    keep[rows] = True
    take = keep[owner]
    owner, wid = owner[take], wid[take]
    del take
    if len(wid) == 0:
        return sp.csr_matrix((m, 1), dtype="int32")
    n_words = int(wid.max()) + 1
    same = owner[:-1] == owner[1:]
    code = wid[:-1][same].astype("int64") * n_words + wid[1:][same]
    s_owner = owner[:-1][same]
    del same
    lengths = np.bincount(owner, minlength=m)
    single = np.flatnonzero(lengths == 1)
    if len(single):
        code = np.concatenate([code, -1 - wid[np.cumsum(lengths)[single] - 1].astype("int64")])
        s_owner = np.concatenate([s_owner, single.astype(s_owner.dtype)])
    del owner, wid
    # shingle ids by a stable sort on the code: equal codes adjacent, their owners ascending
    order = np.argsort(code, kind="stable")
    code = code[order]
    s_owner = s_owner[order]
    del order
    new_code = np.r_[True, code[1:] != code[:-1]]
    del code
    sid = (np.cumsum(new_code) - 1).astype("int32")
    fresh = new_code | np.r_[True, s_owner[1:] != s_owner[:-1]]  # drop repeats in a text
    del new_code
    sid, s_owner = sid[fresh], s_owner[fresh]
    del fresh
    n_sh = int(sid[-1]) + 1
    # (row, column) pairs are distinct; coo -> csr keeps each row's columns ascending
    return sp.coo_matrix((np.ones(len(sid), dtype="int32"), (s_owner, sid)),
                         shape=(m, n_sh)).tocsr()


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort: faster than hashing here)."""
    values = np.sort(values)
    return values[_runs(values)[:-1]]


def _candidate_pairs(x: sp.csr_matrix, threshold: float, max_group: int,
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows of ``x`` that may reach ``threshold`` (step 5 of the module docstring)."""
    m, n_sh = x.shape
    size = np.diff(x.indptr)
    # global order: rarest bigram first (rows containing it), then id; each row's bigrams
    # sorted in that order (columns relabelled by rank, indices sorted in place)
    df = np.bincount(x.indices, minlength=n_sh)
    rank = np.empty(n_sh, dtype="int32")
    rank[np.lexsort((np.arange(n_sh), df))] = np.arange(n_sh, dtype="int32")
    del df
    xr = sp.csr_matrix((x.data, rank[x.indices], x.indptr), shape=x.shape)
    xr.sort_indices()
    del rank
    # ell-prefix filtering (Wang, Li & Feng 2012): texts with >= alpha shared bigrams share
    # >= ell of their first n - alpha + ell bigrams; ell = 2 where alpha allows it
    alpha = np.maximum(np.ceil(threshold * size - 1e-9).astype("int64"), 1)
    ell_of = np.minimum(alpha, _ELL)
    prefix_len = np.where(size > 0, size - alpha + ell_of, 0)
    row = np.repeat(np.arange(m, dtype="int32"), size)
    keep = (np.arange(len(row), dtype="int64") - x.indptr[row]) < prefix_len[row]
    del row
    prefix = sp.csr_matrix((xr.data[keep], xr.indices[keep],
                            np.r_[0, np.cumsum(prefix_len)]), shape=x.shape)
    del xr, keep
    groups = prefix.tocsc()  # per bigram: the rows with it in their prefix, in row order
    del prefix
    owner = groups.indices
    starts, sizes = groups.indptr[:-1], np.diff(groups.indptr)

    def codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        lo, hi = np.minimum(a, b).astype("int64"), np.maximum(a, b).astype("int64")
        fits = (lo != hi) & (np.minimum(size[lo], size[hi]) >= threshold * np.maximum(
            size[lo], size[hi]) - 1e-9)
        return lo[fits] * m + hi[fits]

    # small groups: all pairs, in batches; a pair must share >= ell prefix bigrams
    small = np.flatnonzero((sizes >= 2) & (sizes <= max_group))
    n_pairs = sizes[small] * (sizes[small] - 1) // 2
    cuts = np.searchsorted(np.cumsum(n_pairs),
                           np.arange(1, 1 + int(n_pairs.sum()) // _BATCH) * _BATCH)
    found = [codes(*_all_pairs(owner, starts[g], sizes[g]))
             for g in np.split(small, cuts) if len(g)]
    found = np.sort(np.concatenate(found)) if found else np.zeros(0, dtype="int64")
    run = _runs(found)
    once = np.diff(run) < 2
    found = found[run[:-1]]
    del run
    # big groups (hundreds of distinct variants of a sentence): star + chain, all verified.
    # A pair seen in one small group passes only if ell = 1 for one of its texts or both
    # texts also sit in big groups (whose shared bigrams the count does not see)
    big = sizes > max_group
    in_big = np.zeros(m, dtype=bool)
    in_big[owner[_group_positions(starts[big], sizes[big])]] = True
    loose = (ell_of < 2)
    for s in range(0, len(found), _BATCH):
        part = found[s:s + _BATCH]
        lo, hi = part // m, part % m
        once[s:s + _BATCH] &= ~((in_big[lo] & in_big[hi]) | loose[lo] | loose[hi])
    found = found[~once]
    del once
    extra = (codes(*_star_chain_pairs(owner, starts[big], sizes[big])) if big.any()
             else np.zeros(0, dtype="int64"))
    pair = _unique(np.concatenate([found, extra])) if len(extra) else found
    return pair // m, pair % m


def _jaccard(x: sp.csr_matrix, a: np.ndarray, b: np.ndarray,
             chunk: int = 200_000) -> np.ndarray:
    """Jaccard similarity of rows ``a`` and ``b`` of a binary matrix, in chunks."""
    size = np.diff(x.indptr)
    out = np.zeros(len(a), dtype="float64")
    for s in range(0, len(a), chunk):
        ia, ib = a[s:s + chunk], b[s:s + chunk]
        inter = np.asarray(x[ia].multiply(x[ib]).sum(axis=1)).ravel()
        union = size[ia] + size[ib] - inter
        out[s:s + chunk] = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return out


def _clusters_of(x: sp.csr_matrix, threshold: float, max_group: int) -> np.ndarray:
    """Connected components of the rows of ``x`` linked at Jaccard >= threshold."""
    m = x.shape[0]
    lo, hi = _candidate_pairs(x, threshold, max_group)
    hit = _jaccard(x, lo, hi) >= threshold
    lo, hi = lo[hit], hi[hit]
    if len(lo) == 0:
        return np.arange(m)
    graph = sp.csr_matrix((np.ones(len(lo), dtype="int8"), (lo, hi)), shape=(m, m))
    return connected_components(graph, directed=False)[1]


def _docs_per_label(label: np.ndarray, doc: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Number of distinct documents of every label among the ``active`` units."""
    n_labels = int(label.max()) + 1 if len(label) else 0
    n_docs = int(doc.max()) + 1 if len(doc) else 1
    pairs = _unique(label[active].astype("int64") * n_docs + doc[active])
    return np.bincount(pairs // n_docs, minlength=n_labels)


def _run_ids(doc: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Run id of every unit: runs are consecutive ``member`` units of one document."""
    cont = np.r_[False, member[:-1] & (doc[1:] == doc[:-1])]
    return np.cumsum(member & ~cont) - 1


def _copy_runs(doc: np.ndarray, label: np.ndarray, key: np.ndarray, start: np.ndarray,
               content_ptr: np.ndarray, content_ids: np.ndarray, n_vocab: int,
               min_content: int) -> np.ndarray:
    """Copy flag of each unit (units in reading order), starting from the units ``start``.

    A unit is *shared* when its label occurs in >= 2 documents; a *run* is a maximal
    sequence of consecutive shared units of one document; its units are copy when the run
    has >= ``min_content`` distinct content words. Labels whose copy units then sit in one
    document only stop counting as shared, and runs are recomputed until nothing changes.
    """
    active = start.copy()
    while True:
        shared = active & (_docs_per_label(label, doc, active)[label] >= 2)
        run = _run_ids(doc, shared)
        idx = np.flatnonzero(shared)
        k = key[idx]
        lens = content_ptr[k + 1] - content_ptr[k]
        where = _group_positions(content_ptr[k], lens)
        words = _unique(np.repeat(run[idx], lens).astype("int64") * n_vocab
                        + content_ids[where])
        per_run = np.bincount(words // n_vocab, minlength=int(run[idx].max()) + 1
                              if len(idx) else 0)
        copy = np.zeros(len(doc), dtype=bool)
        copy[idx] = per_run[run[idx]] >= min_content
        if (copy == active).all():
            return copy
        active = copy


def _quoted(units: pd.DataFrame, idx: np.ndarray, corpus: pd.DataFrame) -> np.ndarray:
    """Whether each unit ``idx`` lies mostly (>= half its characters) inside quotation marks.

    Uses the ``quoted_share`` column of a given sentences table, else
    :func:`analysis.text.quotes.quoted_shares` on the documents involved only.
    """
    if "quoted_share" in units.columns:
        return units["quoted_share"].to_numpy(dtype="float64")[idx] >= 0.5
    out = np.zeros(len(idx), dtype=bool)
    texts = dict(zip(corpus["doc_id"].astype(str), _doc_texts(corpus), strict=True))
    part = units.iloc[idx]
    docs = part["doc_id"].astype(str).to_numpy()
    spans = np.stack([part["start"].to_numpy(), part["end"].to_numpy()], axis=1)
    order = np.argsort(docs, kind="stable")
    bounds = _runs(docs[order])
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = order[lo:hi]
        text = texts[docs[rows[0]]]
        out[rows] = quoted_shares(text, [tuple(x) for x in spans[rows].tolist()]) >= 0.5
    return out


def shared_passages(corpus: pd.DataFrame, *, group: str | None = None,
                    threshold: float = DEFAULT_THRESHOLD,
                    min_content_words: int = MIN_CONTENT_WORDS,
                    sents: pd.DataFrame | None = None, train: bool = True,
                    max_group: int = DEFAULT_MAX_GROUP) -> SharedPassages:
    """Clusters of near-identical sentences printed by several documents, and formulas.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id`` and ``text`` (and the ``group`` column when one is given).
    group : str, optional
        Column carried into :attr:`SharedPassages.clusters` (e.g. ``"event"``, ``"outlet"``).
    threshold : float, default DEFAULT_THRESHOLD (0.5)
        Jaccard similarity of word-bigram sets that links two sentences (0 < threshold <= 1;
        see the module docstring).
    min_content_words : int, default MIN_CONTENT_WORDS (8)
        Distinct content words a sentence needs to count as copy; shorter repeats are
        formulas.
    sents : DataFrame, optional
        The corpus's sentences from :func:`analysis.sentences` (a prepared stage); default:
        split here, with the same splitter.
    train : bool, default True
        As in :func:`analysis.sentences` (used only when ``sents`` is not given).
    max_group : int, default DEFAULT_MAX_GROUP (100)
        Distinct texts sharing one rare bigram above which they are compared with the group's
        first text and neighbour only (step 5 of the module docstring).

    Returns
    -------
    SharedPassages
        ``.clusters`` (one row per occurrence), ``.formulas``, ``.summary()``, ``.pairs()``.

    Examples
    --------
    >>> text = "The two leaders signed a broad pact on energy, grain and weapons research."
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "y", "y"],
    ...                        "text": [text, text.replace("broad", "wide"), "Unrelated."]})
    >>> found = shared_passages(corpus, group="event")
    >>> found.clusters[["cluster_id", "doc_id", "event", "kept", "similarity"]].values.tolist()
    [[0, 'a', 'x', True, 1.0], [0, 'b', 'y', False, 0.714286]]
    """
    threshold = float(threshold)
    if not 0 < threshold <= 1:
        raise CorpusError(f"threshold must be above 0 and at most 1, got {threshold!r}.")
    if int(min_content_words) != min_content_words or min_content_words < 1:
        raise CorpusError(f"min_content_words must be a positive integer, got "
                          f"{min_content_words!r}.")
    if int(max_group) != max_group or max_group < 2:
        raise CorpusError(f"max_group must be an integer of at least 2, got {max_group!r}.")
    check_corpus(corpus, group=group)
    units = (_split_units(corpus, train=train) if sents is None
             else _given_units(sents, corpus))
    # documents in doc_id order; units in document order
    doc_str = corpus["doc_id"].astype(str)
    doc_rank = pd.Series(np.argsort(np.argsort(doc_str.to_numpy(), kind="stable"),
                                    kind="stable"), index=doc_str.to_numpy())
    u_rank = doc_rank.reindex(units["doc_id"].astype(str).to_numpy()).to_numpy()
    order = np.lexsort((units["sentence"].to_numpy(), u_rank))
    seq = np.empty(len(order), dtype="int64")  # position of each unit in reading order
    seq[order] = np.arange(len(order))
    # exact groups: raw text first (fast hash), then the normalised word sequence; texts
    # numbered in reading order, so keys (and cluster ids) do not depend on row order
    raw_code, raw_texts = pd.factorize(units["text"].astype("string"))
    first = np.full(len(raw_texts), len(seq), dtype="int64")
    np.minimum.at(first, raw_code, seq)
    renumber = np.argsort(first, kind="stable")  # distinct texts in reading order
    raw_key, owner, wid, vocab = _distinct_texts(raw_texts.take(renumber))
    del raw_texts, first
    n_keys = int(raw_key.max()) + 1 if len(raw_key) else 0
    position = np.empty(len(renumber), dtype="int64")
    position[renumber] = np.arange(len(renumber))
    unit_key = raw_key[position[raw_code]]
    del raw_code, raw_key, position, renumber
    stop = _stop_words()
    is_content = np.fromiter((w not in stop and _HAS_LETTER.search(w) is not None
                              for w in vocab), dtype=bool, count=len(vocab))
    c = is_content[wid]
    n_vocab = max(len(vocab), 1)
    distinct = _unique(owner[c].astype("int64") * n_vocab + wid[c])  # (key, content word)
    n_content = np.bincount(distinct // n_vocab, minlength=n_keys)
    content_ptr = np.r_[0, np.cumsum(n_content)]
    content_ids = distinct % n_vocab
    has_words = np.bincount(owner, minlength=n_keys)[unit_key] > 0
    del c, distinct
    linkable = n_content >= int(min_content_words)
    x = _shingle_matrix(owner, wid, n_keys, np.flatnonzero(linkable))
    del owner, wid
    labels = _clusters_of(x, threshold, int(max_group))
    unit_label = labels[unit_key]
    # passages: runs of shared sentences in reading order, copy when they carry the content
    doc_r, label_r, key_r = u_rank[order], unit_label[order], unit_key[order]
    runs = (content_ptr, content_ids, n_vocab, int(min_content_words))
    copy_r = _copy_runs(doc_r, label_r, key_r, has_words[order], *runs)
    # a run made only of quoted sentences is the same quotation reported twice, not copy
    idx = np.flatnonzero(copy_r)
    run = _run_ids(doc_r, copy_r)[idx]
    unquoted = np.bincount(run, weights=(~_quoted(units, order[idx], corpus)).astype(float),
                           minlength=int(run.max()) + 1 if len(run) else 0)
    in_quote_run = np.zeros(len(copy_r), dtype=bool)
    in_quote_run[idx] = unquoted[run] == 0
    # ... when every occurrence of its cluster stands in such a run (one copy printed
    # without the marks is copy-editing of the same text: copy)
    n_labels = int(label_r.max()) + 1 if len(label_r) else 0
    outside = np.bincount(label_r[copy_r & ~in_quote_run], minlength=n_labels)
    quote_r = in_quote_run & (outside[label_r] == 0)
    copy_r = _copy_runs(doc_r, label_r, key_r, copy_r & ~quote_r, *runs)
    quote_r &= _docs_per_label(label_r, doc_r, quote_r)[label_r] >= 2
    is_copy, is_quote = copy_r[seq], quote_r[seq]
    copy_docs = _docs_per_label(unit_label, u_rank, is_copy)[unit_label]
    quote_docs = _docs_per_label(unit_label, u_rank, is_quote)[unit_label]
    # formulas: short texts repeated in >= 2 documents outside copy and quotations
    rest = has_words & ~is_copy & ~is_quote & ~linkable[unit_key]
    rest_docs = _docs_per_label(unit_label, u_rank, rest)[unit_label]
    is_formula = rest & (rest_docs >= 2)
    gcols = [group] if group is not None else []
    if group is not None:
        gmap = pd.Series(corpus[group].to_numpy(), index=doc_str.to_numpy())
        units[group] = pd.array(gmap.reindex(units["doc_id"].astype(str).to_numpy()).to_numpy(),
                                dtype=corpus[group].dtype)
    clusters = _cluster_table(units[is_copy], unit_label[is_copy], unit_key[is_copy],
                              seq[is_copy], u_rank[is_copy], copy_docs[is_copy], x, gcols)
    quotations = _cluster_table(units[is_quote], unit_label[is_quote], unit_key[is_quote],
                                seq[is_quote], u_rank[is_quote], quote_docs[is_quote], x,
                                gcols)
    formulas = _formula_table(units[is_formula], unit_label[is_formula], seq[is_formula],
                              rest_docs[is_formula], n_content[unit_key[is_formula]])
    return SharedPassages(clusters=clusters, formulas=formulas, quotations=quotations,
                          threshold=threshold,
                          min_content_words=int(min_content_words), group=group,
                          n_documents=len(corpus), n_sentences=len(units))


def _cluster_table(units: pd.DataFrame, label: np.ndarray, key: np.ndarray, seq: np.ndarray,
                   rank: np.ndarray, n_docs: np.ndarray, x: sp.csr_matrix,
                   gcols: list[str]) -> pd.DataFrame:
    cols = ["cluster_id", "doc_id", *gcols, "paragraph", "sentence", "start", "end", "text",
            "n_docs", "kept", "similarity"]
    if len(units) == 0:
        out = units.reindex(columns=cols)
        return out.astype({"cluster_id": "int64", "n_docs": "int64", "kept": "bool",
                           "similarity": "float64"})
    order = np.argsort(seq, kind="stable")  # reading order
    units, label, key, seq, rank, n_docs = (units.iloc[order], label[order], key[order],
                                            seq[order], rank[order], n_docs[order])
    # a label's first row in reading order is its first occurrence
    first = pd.Series(np.arange(len(label))).groupby(label).transform("min").to_numpy()
    cid = pd.factorize(first, sort=True)[0]
    rep_key = key[first]
    sim = np.ones(len(key))
    differ = key != rep_key
    if differ.any():
        sim[differ] = _jaccard(x, key[differ], rep_key[differ])
    out = units.reset_index(drop=True).assign(
        cluster_id=cid.astype("int64"), n_docs=n_docs.astype("int64"),
        kept=rank == rank[first], similarity=np.round(sim, 6))
    out = out.iloc[np.lexsort((out["sentence"].to_numpy(), rank, cid))]
    return out[cols].reset_index(drop=True)


def _formula_table(units: pd.DataFrame, label: np.ndarray, seq: np.ndarray, n_docs: np.ndarray,
                   n_content: np.ndarray) -> pd.DataFrame:
    cols = ["text", "n_docs", "n_occurrences", "n_content_words", "first_doc_id"]
    if len(units) == 0:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c.startswith("n_") else "string")
                             for c in cols})
    frame = units.reset_index(drop=True).assign(_key=label, _n_docs=n_docs, _row=seq,
                                                _n_content=n_content)
    frame = frame.sort_values("_row", kind="stable")
    by = frame.groupby("_key", sort=False)
    out = pd.DataFrame({
        "text": by["text"].first().astype("string"),
        "n_docs": by["_n_docs"].first().astype("int64"),
        "n_occurrences": by.size().astype("int64"),
        "first_doc_id": by["doc_id"].first(),
        "n_content_words": by["_n_content"].first().astype("int64"),
        "_row": by["_row"].first(),
    })
    out = out.sort_values(["n_docs", "n_occurrences", "_row"], ascending=[False, False, True],
                          kind="stable")
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- deduplication
def deduplicated(corpus: pd.DataFrame, *, group: str | None = None,
                 passages: SharedPassages | None = None,
                 threshold: float = DEFAULT_THRESHOLD,
                 min_content_words: int = MIN_CONTENT_WORDS,
                 sents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The corpus with every copy of a shared passage but the first removed from ``text``.

    For every cluster of :func:`shared_passages`, its sentences in documents other than the
    first (in ``doc_id`` order) are cut from those documents' ``text``, so the passage is
    counted once. Formulas are not copy and stay. Paragraph breaks are kept (a paragraph
    left empty disappears).

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id`` and ``text``; all columns are kept. No group column is needed.
    group : str, optional
        Accepted for symmetry with the other steps (checked to exist when given); the
        result does not depend on it.
    passages : SharedPassages, optional
        A result of :func:`shared_passages` on this corpus, to avoid computing it again.
    threshold, min_content_words, sents
        As in :func:`shared_passages` (used when ``passages`` is not given).

    Returns
    -------
    DataFrame
        A copy of ``corpus`` with ``text`` reduced, ``n_shared_dropped`` (sentences cut from
        each document) and, when the corpus has it, ``n_words`` recounted.

    Examples
    --------
    >>> text = "The two leaders signed a broad pact on energy, grain and weapons research."
    >>> corpus = pd.DataFrame({"doc_id": ["b", "a"], "outlet": ["y", "x"], "text": [
    ...     text + "\\n\\nThen they ate.", text]})
    >>> deduplicated(corpus, group="outlet")[["doc_id", "text", "n_shared_dropped"]].values.tolist()
    [['b', 'Then they ate.', 1], ['a', 'The two leaders signed a broad pact on energy, grain \
and weapons research.', 0]]
    """
    check_corpus(corpus, group=group)
    if passages is None:
        passages = shared_passages(corpus, threshold=threshold,
                                   min_content_words=min_content_words, sents=sents)
    elif not isinstance(passages, SharedPassages):
        raise CorpusError(f"passages must come from analysis.shared_passages, got "
                          f"{type(passages).__name__}.")
    drop = passages.clusters.loc[~passages.clusters["kept"], ["doc_id", "start", "end"]]
    unknown = set(drop["doc_id"].astype(str)) - set(corpus["doc_id"].astype(str))
    if unknown:
        raise CorpusError(f"passages name doc_id {sorted(unknown)[0]!r}, which is not in the "
                          "corpus; compute shared_passages on this corpus.")
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
        out["n_words"] = [len(_COUNT_WORDS.findall(t)) if isinstance(t, str) else 0
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
