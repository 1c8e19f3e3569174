"""Statistics: group sizes, nested bootstrap, permutation tests, caveats.

Expected values come from hand enumeration or from scipy, never from the code under test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis import stats
from analysis.errors import CorpusError, DesignWarning


def frame(rows):
    return pd.DataFrame(rows, columns=["doc_id", "g", "v"])


def test_group_sizes_counts_documents_not_rows():
    f = frame([("a", "x", 1), ("a", "x", 2), ("b", "x", 3), ("c", "y", 4), ("d", None, 5)])
    assert stats.group_sizes(f, group="g").to_dict() == {"x": 2, "y": 1}


def test_n_label_assignments_is_the_multinomial_coefficient():
    assert stats.n_label_assignments([3, 2]) == math.comb(5, 2) == 10
    assert stats.n_label_assignments([2, 2, 1]) == math.comb(5, 2) * math.comb(3, 2)


def test_exact_permutation_two_groups_matches_hand_enumeration():
    # 1,2 | 3,4: |mean diff| over the 6 splits = 2,1,0,0,1,2 -> two splits reach 2 -> p = 2/6
    r = stats.exact_permutation_test([1, 2, 3, 4], ["a", "a", "b", "b"])
    assert r["statistic"] == pytest.approx(2.0)
    assert r["p_value"] == pytest.approx(2 / 6)
    assert r["min_p"] == pytest.approx(2 / 6)  # equal sizes: the mirror split always ties
    assert r["exact"] and r["n_assignments"] == 6


def test_exact_permutation_three_vs_two_has_floor_of_one_tenth():
    r = stats.exact_permutation_test([1, 2, 3, 10, 11], list("aaabb"))
    assert r["p_value"] == pytest.approx(0.1)
    assert r["min_p"] == pytest.approx(0.1)


def test_exact_permutation_agrees_with_scipy():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=4), rng.normal(size=3) + 0.5
    ours = stats.exact_permutation_test(np.r_[x, y], ["x"] * 4 + ["y"] * 3)
    ref = sps.permutation_test(
        (x, y), lambda a, b: abs(a.mean() - b.mean()), permutation_type="independent",
        alternative="greater", n_resamples=np.inf,
    )
    assert ours["p_value"] == pytest.approx(ref.pvalue)


def test_permutation_more_groups_uses_between_group_sum_of_squares():
    # groups {0,0}, {1,1}, {5,5}: the observed split is the unique maximum of the
    # between-group sum of squares, up to relabelling the three groups' names -> but group
    # sizes are equal, so the 3! relabellings of the same partition all tie: p = 6/90.
    r = stats.exact_permutation_test([0, 0, 1, 1, 5, 5], list("aabbcc"))
    assert r["n_assignments"] == 90
    assert r["p_value"] == pytest.approx(6 / 90)


def test_cluster_bootstrap_resamples_documents_not_just_sentences():
    # doc A: 100 sentences scored 0; doc B: one sentence scored 1. Pooled mean = 1/101.
    # A sentence-level bootstrap would give an upper bound near 0.03. Resampling documents,
    # a quarter of replicates draw B twice (mean 1.0), so the 97.5% bound is exactly 1.
    f = frame([("A", "x", 0.0)] * 100 + [("B", "x", 1.0)])
    out = stats.cluster_bootstrap(f, value="v", group="g", n_boot=4000, random_state=0)
    row = out.iloc[0]
    assert row["estimate"] == pytest.approx(1 / 101)
    assert row["ci_high"] == pytest.approx(1.0)
    assert row["ci_low"] == pytest.approx(0.0)
    assert (row["n_docs"], row["n_units"]) == (2, 101)


def test_cluster_bootstrap_document_weighting_distribution():
    # Two documents with constant values 0 and 1, weighted per document: the replicate
    # mean is 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4.
    f = frame([("A", "x", 0.0)] * 5 + [("B", "x", 1.0)] * 2)
    data = stats._prepare(f, value="v", group="g", cluster="doc_id", weights=None)["x"]
    reps = data.replicates(8000, np.random.default_rng(1), "document")
    assert data.estimate("document") == pytest.approx(0.5)
    assert np.mean(reps == 0.0) == pytest.approx(0.25, abs=0.02)
    assert np.mean(reps == 0.5) == pytest.approx(0.5, abs=0.02)


def test_cluster_bootstrap_weights_give_weighted_mean():
    f = pd.DataFrame({"doc_id": ["a", "a", "b"], "g": "x", "v": [1.0, 0.0, 0.0], "w": [3, 1, 4]})
    out = stats.cluster_bootstrap(f, value="v", group="g", weights="w", n_boot=50)
    assert out.loc[0, "estimate"] == pytest.approx(3 / 8)


def test_cluster_bootstrap_is_reproducible_and_seed_dependent():
    rng = np.random.default_rng(0)
    f = pd.DataFrame({"doc_id": rng.integers(0, 6, 60).astype(str), "g": "x", "v": rng.normal(size=60)})
    f["g"] = np.where(f["doc_id"].astype(int) < 3, "x", "y")
    a = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, random_state=5)
    b = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, random_state=5)
    c = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, random_state=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])


def test_bootstrap_difference_estimates_match_hand_values():
    f = frame([("a", "x", 1.0), ("a", "x", 3.0), ("b", "x", 2.0), ("c", "y", 0.0), ("d", "y", 1.0),
               ("e", "z", 5.0), ("f", "z", 7.0)])
    two = stats.bootstrap_difference(f[f["g"] != "z"], value="v", group="g", n_boot=100)
    assert two["contrast"].tolist() == ["x - y"]
    assert two.loc[0, "estimate"] == pytest.approx(2.0 - 0.5)
    three = stats.bootstrap_difference(f, value="v", group="g", n_boot=100).set_index("group_a")
    # x vs rest: mean(1,3,2) - mean(0,1,5,7) = 2 - 3.25
    assert three.loc["x", "estimate"] == pytest.approx(2.0 - 3.25)
    assert three.loc["z", "estimate"] == pytest.approx(6.0 - 7.0 / 5.0)
    assert set(three["group_b"]) == {"rest"}


def test_check_groups_errors_and_warnings_name_the_problem():
    f = frame([("a", "x", 0), ("b", "x", 0), ("c", "y", 0)])
    with pytest.raises(CorpusError, match="'nope' not found"):
        stats.check_groups(f, group="nope")
    with pytest.raises(CorpusError, match="only one group"):
        stats.check_groups(f[f["g"] == "x"], group="g")
    with pytest.warns(DesignWarning, match=r"group 'y'.*1 document\(s\) \(c\)"):
        stats.check_groups(f, group="g")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.check_groups(f, group="g", min_docs=1)


def test_caveat_is_computed_from_sizes():
    text = stats.caveat({"2023-moscow": 3, "2024-beijing": 2})
    assert "5 articles in 2 groups" in text
    assert "only 10 ways" in text and "below 0.1" in text
    assert "significant" not in text.lower()
    single = stats.caveat({"a": 1, "b": 4})
    assert "a have a single article" in single and "only 5 ways" in single
    large = stats.caveat({"a": 40, "b": 50})
    assert "ways" not in large and "rough" not in large
