"""Topic-model quality measures: NPMI coherence, diversity, matching across runs, relevance.

Everything here works on plain inputs (lists of top words, token sequences, arrays) so the
measures can be checked by hand and reused on any topic model, not only the ones built in
:mod:`analysis.topics`.

Formulas
--------
**NPMI coherence** (Bouma 2009; Lau, Newman & Baldwin 2014; Röder, Both & Hinneburg 2015).
Each unit's token sequence (stop words already removed, phrases one token) is cut into
overlapping windows of ``window`` consecutive tokens: a unit of ``L`` tokens gives
``max(1, L - window + 1)`` windows (a unit shorter than the window is one window; an empty unit
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
    "jaccard_matrix",
    "match_topics",
    "npmi_coherence",
    "npmi_matrix",
    "relevance_scores",
    "top_terms",
    "topic_diversity",
    "topic_stability",
]

#: Sliding-window length (tokens) for NPMI, as in Röder et al.'s C_NPMI ("boolean sliding
#: window" of 10).
NPMI_WINDOW: int = 10


def _window_incidence(
    words: Sequence[str], token_lists: Sequence[Sequence[str]], window: int
) -> tuple[sparse.csr_matrix, int]:
    """Binary windows x words incidence matrix and the total number of windows.

    Vectorised: each occurrence of a listed word at local position q of a unit with n windows
    lies in the windows starting at max(0, q - window + 1) .. min(q, n - 1).
    """
    if window < 1:
        raise ValueError(f"window must be a positive number of tokens, got {window!r}")
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    n_win = np.where(lengths > 0, np.maximum(1, lengths - window + 1), 0)
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
    lo = np.maximum(0, q - window + 1)
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
    words: Sequence[str], token_lists: Sequence[Sequence[str]], *, window: int = NPMI_WINDOW
) -> pd.DataFrame:
    """Pairwise NPMI of ``words`` from sliding windows over ``token_lists``.

    Parameters
    ----------
    words : sequence of str
        Distinct words (tokens as produced by the tokenizer; a phrase is one token).
    token_lists : sequence of sequences of str
        One token sequence per unit (paragraph); windows never cross units.
    window : int
        Window length in tokens (see the module docstring for the counting rule).

    Returns
    -------
    pandas.DataFrame
        Symmetric words x words matrix of NPMI; the diagonal is 1 for words that occur at all.
        Pairs never in a common window are -1; pairs in every window are 1.

    Examples
    --------
    >>> m = npmi_matrix(["a", "b", "c"], [["a", "b"], ["a", "c"], ["b"]], window=10)
    >>> round(float(m.loc["a", "b"]), 4)  # ln((1/3)/((2/3)(2/3))) / -ln(1/3)
    -0.2619
    >>> float(m.loc["b", "c"])
    -1.0
    """
    words = list(words)
    if len(set(words)) != len(words):
        raise ValueError("npmi_matrix needs distinct words")
    inc, n_windows = _window_incidence(words, token_lists, window)
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
    window: int = NPMI_WINDOW,
) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top words (sliding-window probabilities).

    Parameters
    ----------
    topics : sequence of sequences of str
        Top words of each topic.
    token_lists : sequence of sequences of str
        The reference units' token sequences (usually the units the model was fitted on).
    window : int
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
    m = npmi_matrix(vocab, token_lists, window=window).to_numpy()
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


def topic_stability(
    reference: Sequence[Sequence[str]], runs: Sequence[Sequence[Sequence[str]]]
) -> np.ndarray:
    """Mean matched Jaccard of each reference topic over the other runs.

    A reference topic left without a partner in a run (that run has fewer topics) scores 0
    for that run.

    Examples
    --------
    >>> ref = [["a", "b"], ["c", "d"]]
    >>> runs = [[["c", "d"], ["a", "b"]], [["a", "x"], ["c", "d"]]]
    >>> topic_stability(ref, runs).round(4).tolist()  # topic 0: (1 + 1/3) / 2
    [0.6667, 1.0]
    """
    if not runs:
        return np.full(len(reference), np.nan)
    scores = np.zeros((len(runs), len(reference)))
    for r, run in enumerate(runs):
        m = match_topics(reference, run)
        scores[r, m["topic_a"].to_numpy()] = m["jaccard"].to_numpy()
    return scores.mean(axis=0)


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
