"""Words in use: keyword-in-context lines and collocations.

Counts say *how often*; these tools show *how* a term is used. :func:`kwic` finds a
term, phrase or glob pattern in the documents' clean text and returns the real words
around each hit, so a reader sees the sentence rather than a normalised token. When the
pattern is a term of the vocabulary (say "ceasefire" or "united states"), its spelling
variants from ``analysis/resources/variants.csv`` ("cease-fire", "U.S.", "US") are found
too. :func:`collocations` ranks word pairs per group with NLTK's
``BigramCollocationFinder`` (no NLTK data needed) over the same tokens as the term counts.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
...                        "text": ["The West imposed new sanctions on Moscow."]})
>>> kwic(corpus, "sanction*", window=2)[["left", "match", "right"]].to_dict("records")
[{'left': 'imposed new', 'match': 'sanctions', 'right': 'on Moscow'}]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter

import numpy as np
import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

from . import config
from .errors import CorpusError
from .terms import _prepared, _texts

__all__ = ["COLLOCATION_MEASURES", "collocations", "kwic", "pattern_regex"]

#: Association measures accepted by :func:`collocations`.
COLLOCATION_MEASURES: tuple[str, ...] = ("pmi", "likelihood_ratio")

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_APOS = "'’‘ʼ"
_LEFT = r"(?<![^\W_])(?<![^\W_]['’‘ʼ\-])"
# a match may be followed by a possessive 's, never by more of the same word
_RIGHT = r"(?=(?:['’‘ʼ]s)?(?![^\W_]|['’‘ʼ\-][^\W_]))"
_GLOB_CHARS = set("*?[")


# --------------------------------------------------------------------------- kwic


def _part_regex(part: str) -> str:
    """One word of a pattern as regex: glob ``*``/``?``, apostrophe-insensitive."""
    out = []
    for ch in part:
        if ch == "*":
            out.append(r"(?:[^\W_]|['’‘ʼ\-](?=[^\W_]))*")
        elif ch == "?":
            out.append(r"[^\W_]")
        elif ch in _APOS:
            out.append("['’‘ʼ]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _phrase_regex(text: str) -> str:
    return r"\s+".join(_part_regex(p) for p in text.split())


def _variants_of(pattern: str) -> tuple[list[str], list[str]]:
    """Surface forms the vocabulary merges into ``pattern`` (plain and case-sensitive)."""
    from .vocab import load_rules

    rules = load_rules()
    key = " ".join(pattern.lower().replace("’", "'").split())
    plain = [s for s, c in rules.variants.items() if c == key]
    cased = [s for s, c in rules.variants_cs.items() if c == key]
    return plain, cased


def pattern_regex(pattern: str, *, variants: bool = True) -> re.Pattern:
    """Compile a kwic pattern: a word, a phrase, or a glob (``*`` any letters, ``?`` one).

    Matching ignores case and the kind of apostrophe, needs whole words (a possessive
    "'s" may follow), and lets the words of a phrase be separated by any whitespace. With
    ``variants`` a pattern without glob characters also matches the spelling variants the
    vocabulary merges into it (case-sensitive variants such as "US" keep their case).

    Examples
    --------
    >>> rx = pattern_regex("peace plan")
    >>> [m.group() for m in rx.finditer("China's Peace\\nplan; peace plans")]
    ['Peace\\nplan']
    >>> [m.group() for m in pattern_regex("sanction*").finditer("sanctions, sanctioned")]
    ['sanctions', 'sanctioned']
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError("pattern must be a non-empty string: a word, a phrase or a glob")
    alternatives = [_phrase_regex(pattern)]
    if variants and not (_GLOB_CHARS & set(pattern)):
        plain, cased = _variants_of(pattern)
        alternatives += [_phrase_regex(v) for v in sorted(plain, key=len, reverse=True)]
        alternatives += [f"(?-i:{_phrase_regex(v)})" for v in sorted(cased, key=len, reverse=True)]
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(f"{_LEFT}(?:{body}){_RIGHT}", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


def kwic(
    corpus: pd.DataFrame,
    pattern: str,
    *,
    window: int = 8,
    group: str | None = config.DEFAULT_GROUP,
    variants: bool = True,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``pattern`` with the words around it.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` (and the ``group`` column)
    pattern : a word ("sanctions"), a phrase ("peace plan") or a glob ("sanction*",
        "re?elect*"), matched case-insensitively on whole words of the clean text
    window : words of context on each side (punctuation between them is kept)
    group : grouping column copied to the output; ``None`` for none
    variants : also match spelling variants the vocabulary merges into the pattern

    Returns
    -------
    DataFrame with ``doc_id``, the group column, ``left``, ``match``, ``right`` (the text
    as written, whitespace collapsed to single spaces), ``start`` and ``end`` (character
    offsets of the match in the clean text), in corpus order. Note that a term's count can
    differ from its number of lines: counts see a word inside a longer phrase term (e.g.
    "xi" in "xi jinping") as that phrase, kwic shows every written occurrence.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["China's peace plan was criticized.", "A cease-fire, then a ceasefire."]})
    >>> kwic(corpus, "peace plan", window=1)[["doc_id", "left", "match", "right"]].to_dict("records")
    [{'doc_id': 'a', 'left': "China's", 'match': 'peace plan', 'right': 'was'}]
    >>> kwic(corpus, "ceasefire", window=1)["match"].tolist()
    ['cease-fire', 'ceasefire']
    """
    if int(window) < 0:
        raise ValueError(f"window must be 0 or more words, not {window!r}")
    corpus = _prepared(corpus, group=group, dedupe=False)
    rx = pattern_regex(pattern, variants=variants)
    rows = []
    groups = corpus[group].tolist() if group is not None else [None] * len(corpus)
    for doc_id, grp, text in zip(corpus["doc_id"].astype(str), groups, _texts(corpus),
                                 strict=True):
        hits = list(rx.finditer(text))
        if not hits:
            continue
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        starts = [s for s, _ in spans]
        ends = [e for _, e in spans]
        for m in hits:
            s, e = m.start(), m.end()
            i0 = bisect_right(ends, s)  # first word ending after the match start
            left_from = starts[max(i0 - window, 0)] if window and i0 > 0 else s
            j0 = bisect_left(starts, e)  # first word starting at/after the match end
            right_to = ends[min(j0 + window, len(ends)) - 1] if window and j0 < len(ends) else e
            rows.append({
                "doc_id": doc_id,
                "group": grp,
                "left": _squash(text[left_from:s]),
                "match": _squash(m.group()),
                "right": _squash(text[e:right_to]),
                "start": s,
                "end": e,
            })
    out = pd.DataFrame(rows, columns=["doc_id", "group", "left", "match", "right", "start", "end"])
    out = out.astype({"doc_id": "string", "left": "string", "match": "string",
                      "right": "string", "start": "int64", "end": "int64"})
    if group is None:
        return out.drop(columns="group")
    out["group"] = out["group"].astype(corpus[group].dtype) if len(out) else out["group"]
    return out.rename(columns={"group": group})


# --------------------------------------------------------------------------- collocations


def _runs(text: str) -> list[list[str]]:
    """Runs of vocabulary tokens uninterrupted by punctuation or removed words.

    The same units :func:`analysis.vocab.make_analyzer` builds its n-grams from, so a
    collocation never spans a sentence boundary or a stop word.
    """
    from .vocab import _default_rules
    from .vocab import _runs as vocab_runs

    return vocab_runs(text, _default_rules())


def collocations(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    measure: str = "pmi",
    min_freq: int = 3,
    top: int = 20,
    dedupe: bool = False,
) -> pd.DataFrame:
    """Word pairs that occur together more than chance, per group (NLTK collocations).

    Tokens are the vocabulary's (:mod:`analysis.vocab`: stop words removed, phrases such
    as "xi jinping" one token); a pair is two adjacent tokens with no punctuation or
    removed word between them. Scores are NLTK's ``BigramAssocMeasures``: ``"pmi"``
    (pointwise mutual information, log2 of observed over expected; favours rare pairs,
    hence ``min_freq``) or ``"likelihood_ratio"`` (Dunning's G2 of the pair's 2 x 2
    table; favours frequent pairs).

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` and the ``group`` column
    group : grouping column (documents without a group are left out)
    measure : ``"pmi"`` or ``"likelihood_ratio"``
    min_freq : pairs seen fewer times in the group are dropped before scoring
    top : pairs kept per group
    dedupe : count passages shared between documents once

    Returns
    -------
    DataFrame with the group column, ``rank`` (1 = strongest), ``collocation`` ("w1 w2"),
    ``first``, ``second``, ``count`` (in the group), ``n_docs`` (documents of the group
    containing the pair), ``n_docs_group``, ``score`` and ``measure``.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "x"],
    ...     "text": ["Nuclear submarines sail. Nuclear submarines dive.",
    ...              "Nuclear submarines again. Quiet seas."]})
    >>> c = collocations(corpus, min_freq=2)
    >>> c[["collocation", "count", "n_docs"]].to_dict("records")
    [{'collocation': 'nuclear submarines', 'count': 3, 'n_docs': 2}]
    """
    if measure not in COLLOCATION_MEASURES:
        raise ValueError(f"measure must be one of {COLLOCATION_MEASURES}, not {measure!r}")
    if int(min_freq) < 1 or int(top) < 1:
        raise ValueError("min_freq and top must be at least 1")
    corpus = _prepared(corpus, group=group, dedupe=dedupe)
    corpus = corpus.loc[corpus[group].notna()]
    if corpus.empty:
        raise CorpusError(f"column {group!r} has no values: no document has a group.")
    scorer = getattr(BigramAssocMeasures, measure)
    labels = corpus[group].astype(str).to_numpy()
    texts = _texts(corpus)
    frames = []
    for name in sorted(set(labels)):
        idx = np.flatnonzero(labels == name)
        doc_runs = [_runs(texts[i]) for i in idx]
        finder = BigramCollocationFinder.from_documents(
            run for runs in doc_runs for run in runs)
        finder.apply_freq_filter(int(min_freq))
        scored = finder.score_ngrams(scorer)[: int(top)]
        doc_freq: Counter = Counter()
        wanted = {pair for pair, _ in scored}
        for runs in doc_runs:
            seen = {p for run in runs for p in zip(run, run[1:], strict=False)}
            doc_freq.update(seen & wanted)
        frames.append(pd.DataFrame({
            group: name,
            "rank": np.arange(1, len(scored) + 1),
            "collocation": [f"{a} {b}" for (a, b), _ in scored],
            "first": [a for (a, _b), _ in scored],
            "second": [b for (_a, b), _ in scored],
            "count": [int(finder.ngram_fd[p]) for p, _ in scored],
            "n_docs": [int(doc_freq[p]) for p, _ in scored],
            "n_docs_group": len(idx),
            "score": [float(s) for _, s in scored],
            "measure": measure,
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.astype({group: "string", "collocation": "string", "first": "string",
                       "second": "string", "measure": "string", "rank": "int64",
                       "count": "int64", "n_docs": "int64", "n_docs_group": "int64"})
