"""Topic quality measures against hand-computed values on tiny examples."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest

from analysis.measures.topic_metrics import (
    RECOVERY_JACCARD,
    jaccard_matrix,
    listed_share,
    match_topics,
    matched_jaccard,
    npmi_coherence,
    npmi_matrix,
    relevance_scores,
    top_terms,
    topic_diversity,
    topic_recovery,
    topic_stability,
)

# window = 3 over four units:
#   u1 = a b c d     -> windows {a,b,c} {b,c,d}           (4 - 3 + 1 = 2 windows)
#   u2 = a d         -> one window {a,d}                  (shorter than the window)
#   u3 = b c e b c   -> windows {b,c,e} {c,e,b} {e,b,c}   (3 windows)
#   u4 = (empty)     -> no window
# N = 6 windows. Windows containing: a 2, b 5, c 5, d 2, e 3.
# Together: (a,b) 1, (a,d) 1, (b,c) 5, (b,e) 3, (c,e) 3, (a,e) 0, (b,d) 1.
UNITS = [["a", "b", "c", "d"], ["a", "d"], ["b", "c", "e", "b", "c"], []]


def test_npmi_pairs_by_hand():
    m = npmi_matrix(["a", "b", "c", "d", "e"], UNITS, npmi_window=3)
    # (a,b): ln((1/6) / ((2/6)(5/6))) / -ln(1/6) = ln(0.6) / ln(6)
    assert m.loc["a", "b"] == pytest.approx(math.log(0.6) / math.log(6))
    assert m.loc["a", "b"] == pytest.approx(-0.285097, abs=1e-6)
    # (a,d): ln((1/6) / ((2/6)(2/6))) / ln 6 = ln(1.5) / ln 6
    assert m.loc["a", "d"] == pytest.approx(math.log(1.5) / math.log(6))
    # (c,e): ln((3/6) / ((5/6)(3/6))) / -ln(1/2) = ln(1.2) / ln 2
    assert m.loc["c", "e"] == pytest.approx(math.log(1.2) / math.log(2))
    # (b,c): together whenever either occurs: ln((5/6)/(5/6)^2) / -ln(5/6) = 1
    assert m.loc["b", "c"] == pytest.approx(1.0)
    # (a,e) never share a window: defined as -1
    assert m.loc["a", "e"] == -1.0
    # symmetric
    assert m.loc["e", "c"] == m.loc["c", "e"]


def test_npmi_window_boundary_matters():
    # With a window of 2 instead of 3, u1 gives {a,b} {b,c} {c,d}: a and d no longer meet
    # in u1 but still meet in u2 (one window {a,d}); N = 3 + 1 + 4 = 8, a in 2, d in 2,
    # together 1 -> ln((1/8) / ((2/8)(2/8))) / ln 8 = ln 2 / ln 8 = 1/3.
    m = npmi_matrix(["a", "d"], UNITS, npmi_window=2)
    assert m.loc["a", "d"] == pytest.approx(1 / 3)


def test_npmi_pair_in_every_window_is_one():
    # P(x,y) = 1: the denominator -ln 1 is zero; defined as 1 (complete co-occurrence).
    m = npmi_matrix(["x", "y"], [["x", "y"], ["y", "x", "x"]], npmi_window=10)
    assert m.loc["x", "y"] == 1.0


def test_npmi_word_absent_from_reference_is_minus_one():
    m = npmi_matrix(["a", "zzz"], UNITS, npmi_window=3)
    assert m.loc["a", "zzz"] == -1.0


def test_topic_coherence_is_mean_over_pairs():
    # topic [a, b, e]: (a,b) = ln 0.6/ln 6, (a,e) = -1, (b,e) = ln(1.2)/ln 2 (3 of 6 windows,
    # b in 5, e in 3) -> mean of the three.
    expected = (math.log(0.6) / math.log(6) - 1 + math.log(1.2) / math.log(2)) / 3
    got = npmi_coherence([["a", "b", "e"], ["b", "c"], ["a"]], UNITS, npmi_window=3)
    assert got[0] == pytest.approx(expected)
    assert got[0] == pytest.approx(-0.340688, abs=1e-6)
    assert got[1] == pytest.approx(1.0)
    assert np.isnan(got[2])  # a single word has no pair


def _npmi_brute_force(w1, w2, units, window):
    """Independent reference: enumerate every window explicitly."""
    windows = []
    for toks in units:
        if not toks:
            continue
        n = max(1, len(toks) - window + 1)
        windows.extend(set(toks[i : i + window]) for i in range(n))
    n = len(windows)
    p1 = sum(w1 in w for w in windows) / n
    p2 = sum(w2 in w for w in windows) / n
    p12 = sum(w1 in w and w2 in w for w in windows) / n
    if p12 == 0:
        return -1.0
    if p12 == 1:
        return 1.0
    return math.log(p12 / (p1 * p2)) / -math.log(p12)


def test_npmi_matches_brute_force_on_random_units():
    rng = np.random.default_rng(3)
    vocab = list("abcdefgh")
    units = [list(rng.choice(vocab, size=int(rng.integers(0, 25)))) for _ in range(30)]
    m = npmi_matrix(vocab, units, npmi_window=5)
    for w1, w2 in combinations(vocab, 2):
        assert m.loc[w1, w2] == pytest.approx(_npmi_brute_force(w1, w2, units, 5))


def test_diversity_by_hand():
    # 5 unique of 2 * 3 words
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]]) == pytest.approx(5 / 6)
    # top_n=2: {a, b} and {a, d} -> 3 unique of 4
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]], top_n=2) == pytest.approx(3 / 4)
    assert topic_diversity([["a", "b"], ["c", "d"]]) == 1.0


def test_jaccard_by_hand():
    j = jaccard_matrix([["a", "b", "c"]], [["b", "c", "d", "e"]])
    # intersection {b, c} = 2, union {a..e} = 5
    assert j[0, 0] == pytest.approx(2 / 5)


def test_hungarian_beats_greedy():
    # A0={a,b,c,d} A1={c,e,g,h}; B0={a,b,c,e} B1={a,b,x,y}
    # J(A0,B0)=3/5=.6  J(A0,B1)=2/6  J(A1,B0)=2/6  J(A1,B1)=0/8
    # Greedy (best pair first) takes A0-B0 then A1-B1: 0.6 + 0 = 0.6.
    # Optimal one-to-one: A0-B1 + A1-B0 = 2/6 + 2/6 = 0.667.
    a = [["a", "b", "c", "d"], ["c", "e", "g", "h"]]
    b = [["a", "b", "c", "e"], ["a", "b", "x", "y"]]
    m = match_topics(a, b)
    assert m["topic_b"].tolist() == [1, 0]
    assert m["jaccard"].tolist() == pytest.approx([2 / 6, 2 / 6])


def test_matching_recovers_permutation():
    a = [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]]
    b = [a[2], a[0], ["d", "e", "z"]]
    m = match_topics(a, b)
    assert m["topic_b"].tolist() == [1, 2, 0]
    # A1={d,e,f} vs {d,e,z}: 2 shared of 4
    assert m["jaccard"].tolist() == pytest.approx([1.0, 0.5, 1.0])


def test_stability_mean_over_runs():
    ref = [["a", "b", "c"], ["d", "e", "f"]]
    run1 = [["d", "e", "f"], ["a", "b", "c"]]  # same topics, permuted: 1, 1
    run2 = [["a", "b", "x"], ["d", "y", "z"]]  # 2/4 and 1/5
    got = topic_stability(ref, [run1, run2])
    assert got.tolist() == pytest.approx([(1 + 0.5) / 2, (1 + 0.2) / 2])


def test_relevance_at_lambda_one_and_zero():
    p_wk = np.array([[0.5, 0.3, 0.2]])
    p_w = np.array([0.25, 0.5, 0.25])
    # lambda = 1: ln p(w|k)
    r1 = relevance_scores(p_wk, p_w, lambda_=1.0)
    assert r1[0].tolist() == pytest.approx([-0.693147, -1.203973, -1.609438], abs=1e-6)
    # lambda = 0: ln lift = ln(0.5/0.25), ln(0.3/0.5), ln(0.2/0.25)
    r0 = relevance_scores(p_wk, p_w, lambda_=0.0)
    assert r0[0].tolist() == pytest.approx([0.693147, -0.510826, -0.223144], abs=1e-6)
    # lambda = 0.6 for w1: 0.6 ln 0.3 + 0.4 ln 0.6
    r = relevance_scores(p_wk, p_w, lambda_=0.6)
    assert r[0, 1] == pytest.approx(0.6 * math.log(0.3) + 0.4 * math.log(0.6))
    # the ranking changes: by probability w0 > w1 > w2, by lift w0 > w2 > w1
    assert np.argsort(-r1[0]).tolist() == [0, 1, 2]
    assert np.argsort(-r0[0]).tolist() == [0, 2, 1]


def test_relevance_rejects_bad_lambda_and_marks_zero_terms():
    with pytest.raises(ValueError, match="lambda_"):
        relevance_scores(np.array([[1.0]]), np.array([1.0]), lambda_=1.5)
    r = relevance_scores(np.array([[1.0, 0.0]]), np.array([0.5, 0.5]), lambda_=0.6)
    assert r[0, 1] == -np.inf


def test_top_terms_order_and_ties():
    w = np.array([[0.0, 0.2, 0.9, 0.2], [1.0, 0.0, 0.0, 0.0]])
    assert top_terms(w, ["a", "b", "c", "d"], top_n=3) == [["c", "b", "d"], ["a"]]


# ----------------------------------------------------------------- recovery and listed words
def test_matched_jaccard_per_run_by_hand():
    ref = [["a", "b", "c"], ["d", "e", "f"]]
    runs = [
        [["d", "e", "x"], ["a", "b", "c"]],  # topic 0 -> run topic 1 (J = 1); 1 -> 0 (2/4)
        [["a", "y", "z"]],                   # one topic only: 0 -> J = 1/5, topic 1 unmatched
    ]
    m = matched_jaccard(ref, runs)
    assert m.shape == (2, 2)
    np.testing.assert_allclose(m, [[1.0, 0.5], [0.2, 0.0]])
    # the mean over runs is the stability
    np.testing.assert_allclose(topic_stability(ref, runs), [0.6, 0.25])


def test_recovery_needs_more_than_half_of_the_top_words():
    # 10-word lists: 6 shared words give J = 6/14 > 1/3 (recovered), 5 give 5/15 = 1/3 (not)
    ref = [[f"w{i}" for i in range(10)]]
    six = [[f"w{i}" for i in range(6)] + [f"x{i}" for i in range(4)]]
    five = [[f"w{i}" for i in range(5)] + [f"x{i}" for i in range(5)]]
    assert jaccard_matrix(ref, five)[0, 0] == pytest.approx(RECOVERY_JACCARD)
    assert topic_recovery(ref, [six, five, six]).tolist() == [2]
    assert topic_recovery(ref, [five, five]).tolist() == [0]
    assert topic_recovery(ref, []).tolist() == [0]


def test_listed_share_by_hand():
    weights = np.array([
        [0.40, 0.30, 0.20, 0.10, 0.00],  # top 3: thank .4, tax .3, bless .2 -> .6 / .9
        [0.05, 0.50, 0.05, 0.40, 0.00],  # top 3: tax .5, jobs .4, thank .05 -> .05 / .95
        [0.00, 0.00, 0.00, 0.00, 0.00],  # no weight -> 0
    ])
    terms = ["thank", "tax", "bless", "jobs", "god"]
    out = listed_share(weights, terms, {"thank", "bless", "god"}, top_n=3)
    np.testing.assert_allclose(out, [0.6 / 0.9, 0.05 / 0.95, 0.0])
