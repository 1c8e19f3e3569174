"""Topic-model quality measures: NPMI coherence, diversity, matching across runs, relevance.

Everything here works on plain inputs (lists of top words, token sequences, arrays) so the
measures can be checked by hand and reused on any topic model, not only the ones built in
:mod:`analysis.measures.topics`.

Formulas
--------
**NPMI coherence** (Bouma 2009; Lau, Newman & Baldwin 2014; Röder, Both & Hinneburg 2015).
Each unit's token sequence (stop words already removed, phrases one token) is cut into
overlapping windows of ``npmi_window`` consecutive tokens: a unit of ``L`` tokens gives
``max(1, L - npmi_window + 1)`` windows (a unit shorter than the window is one window; an empty unit
gives none). Windows never cross units. With ``N`` windows in all,
``P(w) = #windows containing w / N`` and ``P(wi, wj) = #windows containing both / N``, and

    NPMI(wi, wj) = ln(P(wi, wj) / (P(wi) P(wj))) / -ln P(wi, wj)

which lies in [-1, 1]. Two edge cases are defined by their limits rather than by an epsilon:
a pair that never shares a window has NPMI = -1 (the limit as ``P(wi, wj) -> 0``), and a pair
found together in every window (``P(wi, wj) = 1``, so the denominator is 0) has NPMI = 1 (the
words always co-occur: with ``P(wi) = P(wj) = P(wi, wj) = p`` NPMI is 1 for every p < 1). A
topic's coherence is the mean NPMI over all unordered pairs of its top words.

**Diversity** (Dieng, Ruiz & Blei 2020): unique words among all topics' top-``t`` lists divided
by ``K * t``; 1 means no two topics share a top word.

**Matching and stability** (Greene, O'Callaghan & Cunningham 2014): topics of two runs are
compared by the Jaccard similarity of their top-word sets and paired one-to-one by the
Hungarian method (:func:`scipy.optimize.linear_sum_assignment`, maximising total similarity).
A reference topic's stability is its mean matched Jaccard over the other runs. For two top-10
lists sharing ``m`` words the Jaccard is ``m / (20 - m)``: 7 shared words give 0.54, 6 give 0.43,
5 give 0.33.

**Recovery.** A run *recovers* a reference topic when its matched topic shares more than half
of the top words. For two lists of ``n`` words sharing ``m``, ``m > n / 2`` is the same as
Jaccard ``m / (2n - m) > 1/3`` (``RECOVERY_JACCARD``), whatever ``n``. A topic's recovery is the
share of runs that recover it; it is a count (6 of 10 runs), so the distance from a cut can be
read in runs.

**Listed-word share.** The share of a topic's top-``n`` weight ``p(w|k)`` that lies on words
of a given list (formulas, the groups' own names): ``sum over listed top words / sum over all
top words``.

**Relevance** (Sievert & Shirley 2014, as in pyLDAvis):
``r(w, k) = lambda * ln p(w|k) + (1 - lambda) * ln(p(w|k) / p(w))``; ``lambda = 1`` ranks by
probability within the topic, ``lambda = 0`` by lift; the authors' user study suggests 0.6.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

__all__ = [
    "RECOVERY_JACCARD",
    "jaccard_matrix",
    "listed_share",
    "match_topics",
    "matched_jaccard",
    "npmi_coherence",
    "npmi_matrix",
    "relevance_scores",
    "top_terms",
    "topic_diversity",
    "topic_recovery",
    "topic_stability",
]

#: Sliding-window length (tokens) for NPMI, as in Röder et al.'s C_NPMI ("boolean sliding
#: window" of 10).
NPMI_WINDOW: int = 10
#: A run recovers a topic when the matched Jaccard exceeds this: more than half of the top words
#: shared (for two lists of equal length, ``m > n / 2`` is ``m / (2n - m) > 1/3``).
RECOVERY_JACCARD: float = 1.0 / 3.0


def _window_incidence(
    words: Sequence[str], token_lists: Sequence[Sequence[str]], npmi_window: int
) -> tuple[sparse.csr_matrix, int]:
    """Binary windows x words incidence matrix and the total number of windows.

    Vectorised: each occurrence of a listed word at local position q of a unit with n windows
    lies in the windows starting at max(0, q - npmi_window + 1) .. min(q, n - 1).
    """
    if npmi_window < 1:
        raise ValueError(f"npmi_window must be a positive number of tokens, got {npmi_window!r}")
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    n_win = np.where(lengths > 0, np.maximum(1, lengths - npmi_window + 1), 0)
    n_windows = int(n_win.sum())
    n_words = len(words)
    if n_windows == 0 or n_words == 0:
        return sparse.csr_matrix((n_windows, n_words), dtype=np.int64), n_windows
    flat = pd.Index(list(words), dtype=object).get_indexer(
        pd.Index(list(chain.from_iterable(token_lists)), dtype=object)
    ).astype(np.int64)
    unit_of = np.repeat(np.arange(len(lengths)), lengths)
    unit_start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    win_offset = np.concatenate([[0], np.cumsum(n_win)[:-1]])
    pos = np.flatnonzero(flat >= 0)
    if pos.size == 0:
        return sparse.csr_matrix((n_windows, n_words), dtype=np.int64), n_windows
    unit = unit_of[pos]
    q = pos - unit_start[unit]
    lo = np.maximum(0, q - npmi_window + 1)
    hi = np.minimum(q, n_win[unit] - 1)
    count = hi - lo + 1
    starts = np.repeat(win_offset[unit] + lo, count)
    steps = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    rows = starts + steps
    cols = np.repeat(flat[pos], count)
    inc = sparse.csr_matrix(
        (np.ones(rows.size, dtype=np.int64), (rows, cols)), shape=(n_windows, n_words)
    )
    inc.sum_duplicates()
    inc.data[:] = 1
    return inc, n_windows


def npmi_matrix(
    words: Sequence[str], token_lists: Sequence[Sequence[str]], *, npmi_window: int = NPMI_WINDOW
) -> pd.DataFrame:
    """Pairwise NPMI of ``words`` from sliding windows over ``token_lists``.

    Parameters
    ----------
    words : sequence of str
        Distinct words (tokens as produced by the tokenizer; a phrase is one token).
    token_lists : sequence of sequences of str
        One token sequence per unit (paragraph); windows never cross units.
    npmi_window : int
        Window length in tokens (see the module docstring for the counting rule).

    Returns
    -------
    pandas.DataFrame
        Symmetric words x words matrix of NPMI; the diagonal is 1 for words that occur at all.
        Pairs never in a common window are -1; pairs in every window are 1.

    Examples
    --------
    >>> m = npmi_matrix(["a", "b", "c"], [["a", "b"], ["a", "c"], ["b"]], npmi_window=10)
    >>> round(float(m.loc["a", "b"]), 4)  # ln((1/3)/((2/3)(2/3))) / -ln(1/3)
    -0.2619
    >>> float(m.loc["b", "c"])
    -1.0
    """
    words = list(words)
    if len(set(words)) != len(words):
        raise ValueError("npmi_matrix needs distinct words")
    inc, n_windows = _window_incidence(words, token_lists, npmi_window)
    co = (inc.T @ inc).toarray().astype(float)
    out = np.full(co.shape, -1.0)
    if n_windows > 0:
        p = np.diag(co) / n_windows
        p_joint = co / n_windows
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(p_joint / np.outer(p, p)) / -np.log(p_joint)
        partial = (co > 0) & (co < n_windows)
        out[partial] = npmi[partial]
        out[co == n_windows] = 1.0
    return pd.DataFrame(out, index=words, columns=words)


def npmi_coherence(
    topics: Sequence[Sequence[str]],
    token_lists: Sequence[Sequence[str]],
    *,
    npmi_window: int = NPMI_WINDOW,
) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top words (sliding-window probabilities).

    Parameters
    ----------
    topics : sequence of sequences of str
        Top words of each topic.
    token_lists : sequence of sequences of str
        The reference units' token sequences (usually the units the model was fitted on).
    npmi_window : int
        Window length in tokens.

    Returns
    -------
    numpy.ndarray
        One coherence per topic in [-1, 1]; NaN for a topic with fewer than two words.

    Examples
    --------
    >>> units = [["peace", "plan", "talks"], ["peace", "plan"], ["war", "talks"]]
    >>> npmi_coherence([["peace", "plan"], ["peace", "war"]], units).round(4).tolist()
    [1.0, -1.0]
    """
    vocab = sorted(set(chain.from_iterable(topics)))
    m = npmi_matrix(vocab, token_lists, npmi_window=npmi_window).to_numpy()
    index = {w: i for i, w in enumerate(vocab)}
    out = np.full(len(topics), np.nan)
    for t, words in enumerate(topics):
        idx = np.array([index[w] for w in dict.fromkeys(words)], dtype=int)
        if idx.size < 2:
            continue
        iu = np.triu_indices(idx.size, k=1)
        out[t] = float(m[np.ix_(idx, idx)][iu].mean())
    return out


def topic_diversity(topics: Sequence[Sequence[str]], *, top_n: int | None = None) -> float:
    """Share of unique words among all topics' top-``top_n`` words (Dieng et al. 2020).

    Parameters
    ----------
    topics : sequence of sequences of str
        Ranked top words per topic.
    top_n : int, optional
        How many words of each list to use (default: each list's full length).

    Returns
    -------
    float
        ``unique words / (K * top_n)`` in (0, 1]; NaN when there are no words.

    Examples
    --------
    >>> topic_diversity([["a", "b", "c"], ["a", "d", "e"]])  # 5 unique / (2 * 3)
    0.8333333333333334
    """
    lists = [list(t)[:top_n] if top_n is not None else list(t) for t in topics]
    total = sum(len(t) for t in lists)
    if total == 0:
        return float("nan")
    return len(set(chain.from_iterable(lists))) / total


def jaccard_matrix(
    topics_a: Sequence[Sequence[str]], topics_b: Sequence[Sequence[str]]
) -> np.ndarray:
    """Jaccard similarity |A & B| / |A | B| between every topic of ``a`` and of ``b``.

    Examples
    --------
    >>> jaccard_matrix([["a", "b"]], [["b", "c"], ["a", "b"]]).tolist()
    [[0.3333333333333333, 1.0]]
    """
    sets_a = [set(t) for t in topics_a]
    sets_b = [set(t) for t in topics_b]
    out = np.zeros((len(sets_a), len(sets_b)))
    for i, a in enumerate(sets_a):
        for j, b in enumerate(sets_b):
            union = len(a | b)
            out[i, j] = len(a & b) / union if union else 0.0
    return out


def match_topics(
    topics_a: Sequence[Sequence[str]], topics_b: Sequence[Sequence[str]]
) -> pd.DataFrame:
    """Pair topics of two runs one-to-one, maximising total top-word Jaccard (Hungarian method).

    Returns
    -------
    pandas.DataFrame
        Columns ``topic_a``, ``topic_b``, ``jaccard``; one row per topic of ``a`` that gets a
        partner (all of them when ``b`` has at least as many topics), ordered by ``topic_a``.

    Examples
    --------
    >>> match_topics([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "x"]])
       topic_a  topic_b   jaccard
    0        0        1  0.333333
    1        1        0  1.000000
    """
    sim = jaccard_matrix(topics_a, topics_b)
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return pd.DataFrame({"topic_a": rows, "topic_b": cols, "jaccard": sim[rows, cols]})


def matched_jaccard(
    reference: Sequence[Sequence[str]], runs: Sequence[Sequence[Sequence[str]]]
) -> np.ndarray:
    """Matched Jaccard of every reference topic in every run (Hungarian matching per run).

    A reference topic left without a partner in a run (that run has fewer topics) scores 0
    for that run.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(runs), len(reference))``.

    Examples
    --------
    >>> ref = [["a", "b"], ["c", "d"]]
    >>> runs = [[["c", "d"], ["a", "b"]], [["a", "x"], ["c", "d"]]]
    >>> matched_jaccard(ref, runs).round(4).tolist()
    [[1.0, 1.0], [0.3333, 1.0]]
    """
    scores = np.zeros((len(runs), len(reference)))
    for r, run in enumerate(runs):
        m = match_topics(reference, run)
        scores[r, m["topic_a"].to_numpy()] = m["jaccard"].to_numpy()
    return scores


def topic_stability(
    reference: Sequence[Sequence[str]], runs: Sequence[Sequence[Sequence[str]]]
) -> np.ndarray:
    """Mean matched Jaccard of each reference topic over the other runs (Greene et al. 2014).

    The column means of :func:`matched_jaccard`; NaN for every topic when there is no run.

    Examples
    --------
    >>> topic_stability([["a", "b"], ["c", "d"]],
    ...                 [[["c", "d"], ["a", "b"]], [["a", "x"], ["c", "d"]]]).round(4).tolist()
    [0.6667, 1.0]
    """
    if not runs:
        return np.full(len(reference), np.nan)
    return matched_jaccard(reference, runs).mean(axis=0)


def topic_recovery(
    reference: Sequence[Sequence[str]],
    runs: Sequence[Sequence[Sequence[str]]],
    *,
    min_jaccard: float = RECOVERY_JACCARD,
) -> np.ndarray:
    """Number of runs that recover each reference topic (matched Jaccard above ``min_jaccard``).

    With the default, a run recovers a topic when its matched topic shares more than half of
    the top words (module docstring).

    Returns
    -------
    numpy.ndarray
        Integer counts, one per reference topic (divide by ``len(runs)`` for a share).

    Examples
    --------
    >>> ref = [["a", "b", "c", "d"], ["e", "f", "g", "h"]]
    >>> runs = [[["a", "b", "c", "x"], ["e", "f", "y", "z"]],   # 3 of 4 shared; 2 of 4 shared
    ...         [["a", "b", "c", "d"], ["e", "f", "g", "z"]]]
    >>> topic_recovery(ref, runs).tolist()  # Jaccard 3/5 and 2/6 = 1/3 (not above it)
    [2, 1]
    """
    if not runs:
        return np.zeros(len(reference), dtype=int)
    # a tiny tolerance so that exactly half of the words shared (Jaccard = 1/3 computed in
    # floating point) never counts as more than half
    return (matched_jaccard(reference, runs) > min_jaccard + 1e-12).sum(axis=0).astype(int)


def listed_share(
    weights: np.ndarray, terms: Sequence[str], listed: set[str] | frozenset[str], *,
    top_n: int = 10,
) -> np.ndarray:
    """Share of each topic's top-``top_n`` weight that lies on ``listed`` words.

    Parameters
    ----------
    weights : array of shape (K, V)
        Topic-term weights (e.g. ``p(w|k)``).
    terms : sequence of str
        The V terms.
    listed : set of str
        Words to look for (formulas, group names).
    top_n : int
        How many of each topic's highest-weighted terms count.

    Returns
    -------
    numpy.ndarray
        One share in [0, 1] per topic (0 for a topic without positive weight).

    Examples
    --------
    >>> import numpy as np
    >>> listed_share(np.array([[0.5, 0.3, 0.2]]), ["thank", "tax", "bless"], {"thank", "bless"},
    ...              top_n=2)  # top 2: thank 0.5, tax 0.3 -> 0.5 / 0.8
    array([0.625])
    """
    weights = np.asarray(weights, dtype=float)
    flags = np.array([str(t) in listed for t in terms], dtype=bool)
    out = np.zeros(weights.shape[0])
    for i, row in enumerate(weights):
        order = np.argsort(-row, kind="stable")[:top_n]
        order = order[row[order] > 0]
        total = row[order].sum()
        if total > 0:
            out[i] = row[order][flags[order]].sum() / total
    return out


def relevance_scores(
    p_term_topic: np.ndarray, p_term: np.ndarray, *, lambda_: float = 0.6
) -> np.ndarray:
    """pyLDAvis relevance ``lambda ln p(w|k) + (1 - lambda) ln(p(w|k) / p(w))``.

    Parameters
    ----------
    p_term_topic : array of shape (K, V)
        Each row a topic's term distribution (rows sum to 1).
    p_term : array of shape (V,)
        Corpus-wide term shares.
    lambda_ : float
        Weight in [0, 1].

    Returns
    -------
    numpy.ndarray
        Shape (K, V); ``-inf`` where ``p(w|k) = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> relevance_scores(np.array([[0.5, 0.5]]), np.array([0.25, 0.75]), lambda_=0.0).round(4)
    array([[ 0.6931, -0.4055]])
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"lambda_ must be between 0 and 1, got {lambda_!r}")
    p_term_topic = np.asarray(p_term_topic, dtype=float)
    p_term = np.asarray(p_term, dtype=float)
    zero = p_term_topic <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.log(np.where(zero, 1.0, p_term_topic))
        lift = log_p - np.log(p_term)[None, :]
    out = lambda_ * log_p + (1.0 - lambda_) * lift
    out[zero] = -np.inf
    return out


def top_terms(weights: np.ndarray, terms: Sequence[str], *, top_n: int = 10) -> list[list[str]]:
    """The ``top_n`` highest-weighted terms per row; ties broken by term order, zeros dropped.

    Examples
    --------
    >>> import numpy as np
    >>> top_terms(np.array([[0.1, 0.5, 0.5, 0.0]]), ["a", "b", "c", "d"], top_n=3)
    [['b', 'c', 'a']]
    """
    weights = np.asarray(weights, dtype=float)
    terms = np.asarray(terms, dtype=object)
    out = []
    for row in weights:
        order = np.argsort(-row, kind="stable")[:top_n]
        out.append([str(t) for t in terms[order[row[order] > 0]]])
    return out
