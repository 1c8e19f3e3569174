"""Statistics: group sizes, nested bootstrap, permutation tests, caveats.

Expected values come from hand enumeration or from scipy, never from the code under test.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analysis.errors import CorpusError, DesignWarning
from analysis.measures import stats


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
    r = stats.permutation_test([1, 2, 3, 4], ["a", "a", "b", "b"])
    assert r.statistic == pytest.approx(2.0)
    assert r.p_value == pytest.approx(2 / 6)
    assert r.floor == pytest.approx(2 / 6)  # equal sizes: the mirror split always ties
    assert r.exact and not r.sampled and r.n_assignments == 6 and r.n_permutations == 6


def test_exact_permutation_three_vs_two_has_floor_of_one_tenth():
    # C(5, 2) = 10 splits of 3 vs 2; only the observed split puts 10 and 11 together -> 1/10
    r = stats.permutation_test([1, 2, 3, 10, 11], list("aaabb"))
    assert r.p_value == pytest.approx(0.1)
    assert r.floor == pytest.approx(0.1)
    assert (r.sampled, r.n_permutations, r.n_assignments) == (False, 10, 10)
    assert "exact" in r.describe() and "all 10 relabellings" in r.describe()
    assert "sampled" not in r.describe()


def test_exact_permutation_agrees_with_scipy():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=4), rng.normal(size=3) + 0.5
    ours = stats.permutation_test(np.r_[x, y], ["x"] * 4 + ["y"] * 3)
    ref = sps.permutation_test(
        (x, y), lambda a, b: abs(a.mean() - b.mean()), permutation_type="independent",
        alternative="greater", n_resamples=np.inf,
    )
    assert ours.p_value == pytest.approx(ref.pvalue)


def test_permutation_more_groups_uses_between_group_sum_of_squares():
    # groups {0,0}, {1,1}, {5,5}: the observed split is the unique maximum of the
    # between-group sum of squares, up to relabelling the three groups' names -> but group
    # sizes are equal, so the 3! relabellings of the same partition all tie: p = 6/90.
    r = stats.permutation_test([0, 0, 1, 1, 5, 5], list("aabbcc"))
    assert r.n_assignments == 90
    assert r.p_value == pytest.approx(6 / 90)


def test_custom_statistic_enumerates_every_split():
    # statistic = mean of group "a" (code 0), one-sided: 4 vs 1 out of values 0..4 with
    # a = {4}: only the split putting 4 in a reaches mean 4 -> p = 1/5
    r = stats.permutation_test([0, 1, 2, 3, 4], ["b", "b", "b", "b", "a"],
                               statistic=lambda v, c: float(v[c == 0].mean()))
    assert r.p_value == pytest.approx(1 / 5) and r.floor == pytest.approx(1 / 5)


def test_sampled_test_reports_b_and_floor_and_estimates_p():
    # 20 vs 20 with values 0..39 split at random: C(40, 20) = 137,846,528,820 relabellings,
    # far above 100,000 -> sampled. Group a = the 20 smallest values: the most extreme split,
    # reached only by itself and its mirror, so hits = 0 and p = 1 / (B + 1).
    vals = np.arange(40.0)
    r = stats.permutation_test(vals, ["a"] * 20 + ["b"] * 20, n_permutations=1999)
    assert r.sampled and not r.exact and r.n_assignments is None
    assert r.n_permutations == 1999
    assert r.floor == pytest.approx(1 / 2000) and r.p_value == pytest.approx(1 / 2000)
    assert r.log10_assignments == pytest.approx(math.log10(math.comb(40, 20)))
    text = r.describe()
    assert text.startswith("sampled permutation test") and "1,999 random relabellings" in text
    assert "exact" not in text and "every" not in text and "1/(B+1) = 0.0005" in text
    # a null split: the sampled p is near the exact p of the permutation distribution
    rng = np.random.default_rng(0)
    labels = rng.permutation(["a"] * 20 + ["b"] * 20)
    noisy = stats.permutation_test(vals, labels, n_permutations=4000, random_state=1)
    # reference: scipy's own Monte Carlo with many more resamples, same statistic
    ref = sps.permutation_test(
        (vals[labels == "a"], vals[labels == "b"]), lambda a, b: abs(a.mean() - b.mean()),
        permutation_type="independent", alternative="greater", n_resamples=20_000,
        random_state=2,
    )
    assert noisy.p_value == pytest.approx(ref.pvalue, abs=0.03)


def test_sampled_small_group_against_many_matches_scipy():
    # one group of 3 in 300 documents (C(300, 3) = 4,455,100 relabellings: sampled, and drawn
    # by the small-subset path); its p must agree with scipy's Monte Carlo p
    rng = np.random.default_rng(5)
    vals = rng.normal(size=300)
    vals[:3] += 1.0
    labels = np.array(["g"] * 3 + ["rest"] * 297)
    ours = stats.permutation_test(vals, labels, n_permutations=20_000)
    assert ours.sampled
    ref = sps.permutation_test((vals[:3], vals[3:]), lambda a, b: abs(a.mean() - b.mean()),
                               permutation_type="independent", alternative="greater",
                               n_resamples=20_000, random_state=0)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=0.01)


def test_sampled_three_groups_matches_scipy():
    # 3 x 30 documents: 90! / (30!)^3 relabellings -> sampled, between-group sum of squares
    rng = np.random.default_rng(8)
    parts = [rng.normal(size=30), rng.normal(size=30) + 0.3, rng.normal(size=30)]
    vals = np.concatenate(parts)
    labels = np.repeat(["a", "b", "c"], 30)
    ours = stats.permutation_test(vals, labels, n_permutations=5000)
    assert ours.sampled and ours.floor == pytest.approx(1 / 5001)

    def ss(*groups):
        allv = np.concatenate(groups)
        return sum(len(g) * (g.mean() - allv.mean()) ** 2 for g in groups)

    ref = sps.permutation_test(parts, ss, permutation_type="independent", alternative="greater",
                               n_resamples=10_000, random_state=0)
    assert ours.p_value == pytest.approx(ref.pvalue, abs=0.02)


def test_deprecated_exact_permutation_test_still_returns_the_old_dictionary():
    with pytest.warns(DeprecationWarning, match="permutation_test"):
        r = stats.exact_permutation_test([1, 2, 3, 10, 11], list("aaabb"))
    assert (r["p_value"], r["min_p"], r["exact"], r["n_assignments"]) == (0.1, 0.1, True, 10)


def test_plan_never_overflows_and_uses_exact_integers():
    # C(1200, 600) has 360 digits: float(1 / C) overflowed before
    plan = stats.permutation_plan([600, 600], n_permutations=9_999)
    assert plan.sampled and plan.floor == 1 / 10_000 and plan.n_assignments is None
    assert plan.log10_assignments == pytest.approx(math.log10(math.comb(1200, 600)))
    # the cut: C(17, 8) = 24,310 <= 100,000 is enumerated, C(20, 10) = 184,756 is not
    assert not stats.permutation_plan([9, 8]).sampled
    assert stats.permutation_plan([10, 10]).sampled
    assert stats.permutation_plan([10, 10], max_exact=200_000).n_assignments == 184_756


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
    assert "sampled" not in text
    assert "significant" not in text.lower()
    single = stats.caveat({"a": 1, "b": 4})
    assert "a have a single article" in single and "only 5 ways" in single
    large = stats.caveat({"a": 40, "b": 50})
    assert "ways" not in large and "rough" not in large


def test_caveat_at_600_vs_600_is_sampled_with_floor_one_over_b_plus_one():
    # before: OverflowError (1.0 / C(1200, 600)); now a sampled test, floor 1/(B+1)
    text = stats.caveat({"a": 600, "b": 600})
    assert "sampled" in text and "B = 9,999" in text
    assert "1/(B+1) = 0.0001" in text  # 1 / (9,999 + 1) = 0.0001
    assert "exact" not in text and "every" not in text and "enumerates" not in text
    other = stats.caveat({"a": 600, "b": 600}, resampling=stats.Resampling(n_permutations=19_999))
    assert "B = 19,999" in other and "1/(B+1) = 5e-05" in other  # 1 / 20,000


def test_caveat_with_183_groups_is_sampled_and_lists_only_the_largest():
    # 183 groups of 2 to 12 documents: every group-vs-rest split has at least C(1,000+, 2)
    # > 100,000 relabellings, so every test samples
    sizes = {f"speaker{i:03d}": 2 + i % 11 for i in range(183)}
    total = sum(sizes.values())
    assert all(math.comb(total, n) > 100_000 for n in sizes.values())
    text = stats.caveat(sizes, unit="speeches")
    assert f"{total:,} speeches in 183 groups" in text
    assert "sampled permutation test (B = 9,999" in text and "1/(B+1) = 0.0001" in text
    assert "exact" not in text and "every relabelling" not in text
    assert "largest: " in text and "178 more with 2 to 12 each" in text
    assert len(re.findall(r"speaker\d{3}", text)) == 5  # only the five largest are named
    # the groups under 10 documents are said to be rough, not the whole design
    assert "of 183 groups have fewer than 10 speeches" in text


def test_caveat_mixes_exact_and_sampled_tests_and_says_which():
    # each group vs the rest of 22: C(22, 1) = 22 (exact), C(22, 10) = 646,646 (sampled)
    text = stats.caveat({"a": 1, "b": 10, "c": 11})
    assert "1 group(s) by enumerating every relabelling" in text
    assert "smallest possible p-value 0.045" in text  # 1 / 22
    assert "the other 2 with a sampled permutation test" in text


def test_large_groups_get_scope_not_small_sample_wording():
    text = stats.caveat({"conservative": 66, "labour": 123}, unit="speeches")
    for small_n in ("rough", "so few", "single", "descriptions of these", "larger sample",
                    "too narrow rather than too wide", "ways"):
        assert small_n not in text
    assert "not how the sources were chosen" in text and "measurement error" in text
    assert "same outlet, speaker or source" in text and "66 or more speeches" in text
    parts = stats.design_caveat({"conservative": 66, "labour": 123})
    assert parts.intervals == "" and parts.scope and parts.text == str(parts)
    # tiny groups get the small-sample wording and no large-n scope
    tiny = stats.design_caveat({"x": 3, "y": 2})
    assert "rough" in tiny.intervals and tiny.scope == ""


def test_describe_tests_counts_exact_and_sampled_rows():
    t = pd.DataFrame({"sampled": [False, False, True], "min_p": [0.1, 0.2, 1 / 20_000],
                      "n_permutations": [10, 5, 19_999]})
    text = stats.describe_tests(t)
    assert "2 exact" in text and "smallest possible p 0.1 to 0.2" in text
    assert "1 sampled (B = 19,999" in text and "1/(B+1) = 5e-05" in text
    only_sampled = stats.describe_tests(t[t["sampled"]])
    assert "exact" not in only_sampled


def test_top_groups_keeps_the_largest_and_says_how_many_are_left_out():
    t = stats.top_groups({"a": 5, "b": 9, "c": 2, "d": 9, "e": 1}, max_groups=3)
    assert t.kept == ("b", "d", "a")  # 9, 9 (ties by name), 5
    assert t.left_out == ("c", "e") and t.n_docs_left_out == 3
    assert t.note == "The 3 largest of 5 groups are shown; the other 2 (3 documents in all) are left out."
    assert stats.top_groups({"a": 1, "b": 2}, max_groups=3).note == ""


def test_resampling_options_resolve_and_validate():
    opts = stats.resolve_resampling(stats.Resampling(n_boot=500), random_state=4)
    assert (opts.n_boot, opts.random_state, opts.level) == (500, 4, 0.95)
    with pytest.raises(ValueError, match="random_state must be a non-negative integer"):
        stats.Resampling(random_state=-1)
    with pytest.raises(ValueError, match="level must lie between 0 and 1"):
        stats.Resampling(level=95)
    with pytest.raises(TypeError, match="Resampling"):
        stats.resolve_resampling({"n_boot": 5})


def three_group_frame():
    rng = np.random.default_rng(2)
    docs = [f"d{i}" for i in range(18)]
    rows = []
    for i, d in enumerate(docs):
        for _ in range(1 + i % 4):
            rows.append((d, "xyz"[i % 3], float(rng.normal())))
    return frame(rows)


def test_same_key_gives_same_interval_whatever_else_is_computed_and_in_any_order():
    f = three_group_frame()
    alone = stats.cluster_bootstrap(f[f["g"] == "y"], value="v", group="g", n_boot=300,
                                    key=("m",), random_state=3)
    among = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, key=("m",),
                                    random_state=3).set_index("g")
    assert alone.loc[0, "ci_low"] == among.loc["y", "ci_low"]
    assert alone.loc[0, "ci_high"] == among.loc["y", "ci_high"]
    # other call order, same numbers; another key, other draws
    first = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, key=("other",),
                                    random_state=3).set_index("g")
    again = stats.cluster_bootstrap(f, value="v", group="g", n_boot=300, key=("m",),
                                    random_state=3).set_index("g")
    pd.testing.assert_frame_equal(among, again)
    assert not np.allclose(first["ci_low"], among["ci_low"])
    # the difference of a pair uses the same draws as each group's own interval: with a pair
    # whose second group is constant, the difference's interval is the first group's shifted
    const = f.assign(v=np.where(f["g"] == "z", 0.0, f["v"]))
    diff = stats.bootstrap_difference(const, value="v", group="g", groups=("y", "z"),
                                      n_boot=300, key=("m",), random_state=3)
    own = stats.cluster_bootstrap(const, value="v", group="g", n_boot=300, key=("m",),
                                  random_state=3).set_index("g")
    assert diff.loc[0, "ci_low"] == pytest.approx(own.loc["y", "ci_low"])
    assert diff.loc[0, "ci_high"] == pytest.approx(own.loc["y", "ci_high"])


def test_one_vs_rest_and_chosen_pair_differences_by_hand():
    f = three_group_frame()
    means = f.groupby("g")["v"].agg(["sum", "count"])
    rest_x = (means.loc[["y", "z"], "sum"].sum() / means.loc[["y", "z"], "count"].sum())
    out = stats.bootstrap_difference(f, value="v", group="g", n_boot=200).set_index("group_a")
    assert out.loc["x", "estimate"] == pytest.approx(means.loc["x", "sum"] / means.loc["x", "count"] - rest_x)
    assert out.loc["x", "n_docs_b"] == 12 and set(out["group_b"]) == {"rest"}
    pair = stats.bootstrap_difference(f, value="v", group="g", groups=("z", "x"), n_boot=200)
    assert pair["contrast"].tolist() == ["z - x"]
    expected = means.loc["z", "sum"] / means.loc["z", "count"] - means.loc["x", "sum"] / means.loc["x", "count"]
    assert pair.loc[0, "estimate"] == pytest.approx(expected)
    with pytest.raises(CorpusError, match=r"\['w'\] not found"):
        stats.bootstrap_difference(f, value="v", group="g", groups=("w", "x"), n_boot=10)


def test_no_notebook_hard_codes_a_claim_about_how_a_test_was_run():
    """Whether a test was exact or sampled is printed from its result, never written as prose."""
    import json

    from analysis import config

    claims = re.compile(r"\bexact (permutation|test|p)\b|every way of relabel", re.IGNORECASE)
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"], 1):
            source = "".join(cell["source"])
            assert not claims.search(source), f"{path.name} cell {i}: {claims.search(source)[0]!r}"
