"""Keyness: formulas against hand arithmetic and scipy, flags, groupings, scale.

The small count table used throughout (a complete vocabulary, so totals are column sums):

    term     target  reference  pooled
    war         6        2         8
    peace       2        6         8
    talks       4        4         8
    sea         0        3         3
    other       8       15        23
    total      20       30        50
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, norm

from analysis import keyness, keyness_from_counts, top_distinctive
from analysis.errors import CorpusError, DesignWarning
from analysis.measures.keyness import chi2_statistic, g2_statistic, log_odds_dirichlet, log_ratio
from analysis.text.vocab import tokenize

TERMS = ["war", "peace", "talks", "sea", "other"]
TARGET = np.array([6, 2, 4, 0, 8])
REFERENCE = np.array([2, 6, 4, 3, 15])


def table(**kwargs) -> pd.DataFrame:
    out = keyness_from_counts(TERMS, TARGET, REFERENCE, target="t", reference="r",
                              min_count=1, **kwargs)
    return out.set_index("term")


# --------------------------------------------------------------------------- log-odds


def test_log_odds_matches_hand_computation():
    # prior a_w = pooled count, a0 = 50. war: y_i=6, y_j=2, a=8
    #   (y_i+a)=14, (n_i+a0-y_i-a)=20+50-6-8=56, (y_j+a)=10, (n_j+a0-y_j-a)=30+50-2-8=70
    #   delta = ln(14/56) - ln(10/70) = ln(7/4)
    war_delta = math.log(7 / 4)
    war_var = 1 / 14 + 1 / 56 + 1 / 10 + 1 / 70
    # sea: y_i=0, y_j=3, a=3: 3, 20+50-0-3=67, 6, 30+50-3-3=74
    sea_delta = math.log(3 / 67) - math.log(6 / 74)
    sea_var = 1 / 3 + 1 / 67 + 1 / 6 + 1 / 74
    out = table(method="log_odds")
    assert out.at["war", "delta"] == pytest.approx(war_delta, rel=1e-12)
    assert out.at["war", "var"] == pytest.approx(war_var, rel=1e-12)
    assert out.at["war", "z"] == pytest.approx(war_delta / math.sqrt(war_var), rel=1e-12)
    assert out.at["sea", "delta"] == pytest.approx(sea_delta, rel=1e-12)
    assert out.at["sea", "z"] == pytest.approx(sea_delta / math.sqrt(sea_var), rel=1e-12)
    # talks: equal rates? no: 4/20 vs 4/30, so it leans to the target
    assert out.at["talks", "z"] > 0
    # p-value is the two-sided normal tail of z
    z = war_delta / math.sqrt(war_var)
    assert out.at["war", "p_value"] == pytest.approx(2 * (1 - norm.cdf(z)), rel=1e-9)


def test_log_odds_prior_scale():
    # prior_scale = 0.5: a = 4 for war, a0 = 25:
    #   (6+4)/(20+25-6-4) = 10/35, (2+4)/(30+25-2-4) = 6/49 -> delta = ln((10/35)/(6/49)) = ln(7/3)
    out = table(method="log_odds", prior_scale=0.5)
    assert out.at["war", "delta"] == pytest.approx(math.log(7 / 3), rel=1e-12)
    direct = log_odds_dirichlet(TARGET, REFERENCE, prior_scale=0.5)
    assert direct["delta"].iloc[0] == pytest.approx(math.log(7 / 3), rel=1e-12)


def test_log_odds_is_antisymmetric():
    a = log_odds_dirichlet(TARGET, REFERENCE)
    b = log_odds_dirichlet(REFERENCE, TARGET)
    np.testing.assert_allclose(a["delta"], -b["delta"])
    np.testing.assert_allclose(a["var"], b["var"])


# --------------------------------------------------------------------------- G2, chi2


def test_g2_matches_hand_and_scipy():
    # war: a=6, b=2, c=14, d=28, N=50; E = 8*20/50=3.2, 8*30/50=4.8, 42*20/50=16.8, 42*30/50=25.2
    hand = 2 * (6 * math.log(6 / 3.2) + 2 * math.log(2 / 4.8)
                + 14 * math.log(14 / 16.8) + 28 * math.log(28 / 25.2))
    out = table(method="g2")
    assert out.at["war", "g2"] == pytest.approx(hand, rel=1e-12)
    for term, a, b in zip(TERMS, TARGET, REFERENCE, strict=True):
        ref = chi2_contingency([[a, b], [20 - a, 30 - b]], correction=False,
                               lambda_="log-likelihood")
        assert out.at[term, "g2"] == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
        assert out.at[term, "p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    # signed score: negative where the reference uses the term more
    assert out.at["sea", "score"] == pytest.approx(-out.at["sea", "g2"])
    assert out.at["war", "score"] == pytest.approx(out.at["war", "g2"])


def test_chi2_without_correction_matches_hand_and_scipy():
    # every expected cell >= 5: a=60, b=20, c=140, d=180, N=400, E = 40, 40, 160, 160
    # chi2 = N (ad - bc)^2 / ((a+b)(c+d)(a+c)(b+d)) = 400 * 8000^2 / (80*320*200*200) = 25
    chi2, corrected = chi2_statistic([60], [20], n_target=200, n_reference=200)
    assert chi2[0] == pytest.approx(25.0, rel=1e-12)
    assert not corrected[0]
    ref = chi2_contingency([[60, 20], [140, 180]], correction=False)
    assert chi2[0] == pytest.approx(ref.statistic, rel=1e-12)


def test_chi2_yates_where_an_expected_cell_is_below_5():
    # war: E = 3.2 < 5 and |ad - bc| = |168 - 28| = 140 >= N/2 = 25, so Yates applies:
    # chi2 = 50 * (140 - 25)^2 / (8 * 42 * 20 * 30)
    hand = 50 * (140 - 25) ** 2 / (8 * 42 * 20 * 30)
    out = table(method="chi2")
    assert out.at["war", "chi2"] == pytest.approx(hand, rel=1e-12)
    assert bool(out.at["war", "yates"])
    ref = chi2_contingency([[6, 2], [14, 28]], correction=True)
    assert out.at["war", "chi2"] == pytest.approx(ref.statistic, rel=1e-12)
    assert out.at["war", "p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    # "other" (8 vs 15 of 20 vs 30): expected cells 9.2, 13.8, 10.8, 16.2 are all >= 5
    assert not bool(out.at["other", "yates"])
    ref = chi2_contingency([[8, 15], [12, 15]], correction=False)
    assert out.at["other", "chi2"] == pytest.approx(ref.statistic, rel=1e-12)


def test_chi2_follows_quanteda_when_the_deviation_is_below_half_n():
    # a=1, b=1 of 10 vs 12: E = 2*10/22 < 5, but |ad - bc| = |11 - 9| = 2 < N/2 = 11, so
    # quanteda applies no correction: chi2 = 22 * 2^2 / (2 * 20 * 10 * 12) = 88 / 4800.
    # (scipy's Yates clamps the correction instead and would give 0.)
    chi2, corrected = chi2_statistic([1], [1], n_target=10, n_reference=12)
    assert chi2[0] == pytest.approx(88 / 4800, rel=1e-12)
    assert not corrected[0]
    assert chi2[0] == pytest.approx(
        chi2_contingency([[1, 1], [9, 11]], correction=False).statistic, rel=1e-12)


def test_g2_and_chi2_functions_on_arrays_agree_with_scipy_elementwise():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 40, 25)
    b = rng.integers(0, 40, 25)
    n_t, n_r = 500, 700
    g2 = g2_statistic(a, b, n_target=n_t, n_reference=n_r)
    chi2, corrected = chi2_statistic(a, b, n_target=n_t, n_reference=n_r)
    for i in range(25):
        obs = [[a[i], b[i]], [n_t - a[i], n_r - b[i]]]
        if a[i] + b[i] == 0:
            continue
        ref_g2 = chi2_contingency(obs, correction=False, lambda_="log-likelihood").statistic
        assert g2[i] == pytest.approx(ref_g2, rel=1e-9, abs=1e-12)
        ref_chi2 = chi2_contingency(obs, correction=bool(corrected[i])).statistic
        assert chi2[i] == pytest.approx(ref_chi2, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- Log Ratio, FDR


def test_log_ratio_hand_values():
    out = table(method="g2")
    # war: log2((6/20) / (2/30)) = log2(4.5)
    assert out.at["war", "log_ratio"] == pytest.approx(math.log2(4.5), rel=1e-12)
    # sea: zero in the target -> 0.5: log2((0.5/20) / (3/30)) = log2(0.25) = -2
    assert out.at["sea", "log_ratio"] == pytest.approx(-2.0, rel=1e-12)
    assert log_ratio([0], [0], n_target=10, n_reference=10)[0] == pytest.approx(0.0)


def test_benjamini_hochberg_q_values_by_hand():
    out = table(method="g2", alpha=0.05)
    p = out["p_value"].to_numpy()
    m = len(p)
    order = np.argsort(p)
    q = np.empty(m)
    running = 1.0
    for rank in range(m, 0, -1):  # step-up: q_(i) = min_{j >= i} p_(j) * m / j
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        q[i] = running
    np.testing.assert_allclose(out["q_value"].to_numpy(), q, rtol=1e-12)
    np.testing.assert_array_equal(out["passes_fdr"].to_numpy(), q < 0.05)


def test_min_count_limits_the_tested_terms():
    out = keyness_from_counts(TERMS, TARGET, REFERENCE, method="g2", min_count=8)
    assert set(out["term"]) == {"war", "peace", "talks", "other"}  # sea (3) dropped
    # the correction counts only the tested terms: smallest q = min p * m / rank with m = 4
    p = np.sort(out["p_value"].to_numpy())
    assert out["q_value"].min() == pytest.approx(min(p[k] * 4 / (k + 1) for k in range(4)))


def test_rates_direction_and_no_significant_wording():
    for method in ("log_odds", "g2", "chi2"):
        out = table(method=method)
        assert out.at["war", "rate_target"] == pytest.approx(6 / 20 * 1e4)
        assert out.at["war", "rate_reference"] == pytest.approx(2 / 30 * 1e4)
        assert out.at["war", "direction"] == "t"
        assert out.at["sea", "direction"] == "r"
        assert not any("signific" in c.lower() for c in out.reset_index().columns)
        # sorted from most typical of the target to most typical of the reference
        assert list(out["score"]) == sorted(out["score"], reverse=True)


def test_top_distinctive_never_mixes_sides():
    # 3 terms only: asking for 5 per side must not put a target-leaning term on the other side
    out = top_distinctive(table(method="g2").reset_index(), n=5)
    target = out[out["side"] == "target"]
    reference = out[out["side"] == "reference"]
    assert (target["score"] > 0).all() and (reference["score"] < 0).all()
    assert set(target["term"]) == {"war", "talks"}  # 6 vs 2 and 4 vs 4 of 20 vs 30 tokens
    assert reference["term"].tolist() == ["sea", "peace", "other"]  # most typical first
    assert reference["rank"].tolist() == [1, 2, 3]
    assert (reference["direction"] == "r").all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        keyness_from_counts(TERMS, TARGET, REFERENCE, method="tfidf")
    with pytest.raises(CorpusError, match="no counted tokens"):
        keyness_from_counts(["a"], [0], [3])


# --------------------------------------------------------------------------- from a corpus


@pytest.fixture()
def toy():
    return pd.DataFrame({
        "doc_id": ["d1", "d2", "d3", "d4"],
        "event": ["x", "x", "y", "y"],
        "text": ["Sanctions sanctions sanctions sanctions. Talks resumed.",
                 "Talks stalled. Weather turned.",
                 "Peace held. Talks ended. Trade grew.",
                 "Peace returned. Trade fell."],
    })


def test_single_doc_flag(toy):
    out = keyness(toy, min_count=1).set_index("term")
    # all 4 "sanctions" are in d1: favoured side's count from one document
    assert out.at["sanctions", "count_target"] == 4
    assert out.at["sanctions", "n_docs_target"] == 1
    assert bool(out.at["sanctions", "single_doc"])
    # "peace" favours y and appears in both of y's documents
    assert out.at["peace", "n_docs_reference"] == 2
    assert not bool(out.at["peace", "single_doc"])
    # "weather" (x, one document) is single-document too; direction says which side
    assert out.at["weather", "direction"] == "x" and bool(out.at["weather", "single_doc"])
    assert (out["n_docs_group_target"] == 2).all() and (out["n_docs_group_reference"] == 2).all()


def test_target_choice(toy):
    default = keyness(toy, min_count=1)
    assert set(default["target"]) == {"x"} and set(default["reference"]) == {"y"}
    flipped = keyness(toy, target="y", min_count=1).set_index("term")
    d = default.set_index("term")
    assert flipped.at["sanctions", "count_reference"] == d.at["sanctions", "count_target"]
    assert flipped.at["sanctions", "z"] == pytest.approx(-d.at["sanctions", "z"])
    with pytest.raises(CorpusError, match="not a group"):
        keyness(toy, target="z")


def test_bad_corpus(toy):
    with pytest.raises(CorpusError, match="outlet"):
        keyness(toy, group="outlet")
    with pytest.raises(CorpusError, match="only one group"):
        keyness(toy.assign(event="x"))
    with pytest.warns(DesignWarning, match="1 document"):
        keyness(toy.iloc[:3], min_count=1)


def test_other_grouping_column_with_three_groups(seed_corpus):
    corpus = seed_corpus.assign(outlet=["ap", "wire", "ap", "ap", "bbc"])
    with pytest.warns(DesignWarning, match="1 document"):  # "bbc", "wire": one each
        out = keyness(corpus, group="outlet", method="g2", min_count=2)
    assert set(out["target"]) == {"ap", "bbc", "wire"}
    assert set(out["reference"]) == {"rest"}
    # naive counts from the tokenizer, per outlet
    counts = {o: Counter() for o in ("ap", "bbc", "wire")}
    for o, text in zip(corpus["outlet"], corpus["text"], strict=True):
        counts[o].update(tokenize(text))
    for target in ("ap", "bbc", "wire"):
        part = out[out["target"] == target].set_index("term")
        rest = sum((counts[o] for o in counts if o != target), Counter())
        for term in ("putin", "sanctions", "kremlin"):
            assert part.at[term, "count_target"] == counts[target][term]
            assert part.at[term, "count_reference"] == rest[term]
        # per-comparison totals: rates use the group's tokens
        n_t = sum(counts[target].values())
        assert part.at["putin", "rate_target"] == pytest.approx(
            counts[target]["putin"] / n_t * 1e4)
        sizes = corpus["outlet"].value_counts()
        assert (part["n_docs_group_target"] == sizes[target]).all()
        assert (part["n_docs_group_reference"] == 5 - sizes[target]).all()
    with pytest.warns(DesignWarning):
        one = keyness(corpus, group="outlet", target="bbc", method="g2", min_count=2)
    pd.testing.assert_frame_equal(one, out[out["target"] == "bbc"].reset_index(drop=True))


def test_seed_single_article_term(seed_corpus):
    # "economic" occurs only in article 001 among the Moscow articles: counted from that
    # article alone, it must be flagged single_doc, with the count a regex finds there.
    out = keyness(seed_corpus, method="g2").set_index("term")
    per_doc = {d: len(re.findall(r"\beconomic\b", t, flags=re.I))
               for d, t in zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True)}
    moscow = seed_corpus.loc[seed_corpus["event"] == "2023-moscow", "doc_id"]
    assert out.at["economic", "count_target"] == sum(per_doc[d] for d in moscow)
    assert out.at["economic", "n_docs_target"] == sum(per_doc[d] > 0 for d in moscow) == 1
    assert bool(out.at["economic", "single_doc"])


# --------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_keyness_scales_to_ten_thousand_news_length_documents(seed_corpus):
    sentences = [s for t in seed_corpus["text"] for s in re.split(r"(?<=[.!?])\s+", t)
                 if s.strip()]
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(sentences), size=(10_000, 35))  # ~900 words per document
    corpus = pd.DataFrame({
        "doc_id": [f"d{i:05d}" for i in range(10_000)],
        "event": np.where(np.arange(10_000) % 2 == 0, "a", "b"),
        "text": [" ".join(sentences[i] for i in row) for row in picks],
    })
    words = sum(len(t.split()) for t in corpus["text"])
    start, cpu = time.perf_counter(), time.process_time()
    out = keyness(corpus, min_count=1)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"\nkeyness on 10,000 documents ({words / 10_000:.0f} words each on average): "
          f"{elapsed:.1f} s wall, {cpu:.1f} s CPU, load average {os.getloadavg()[0]:.1f}")
    # exact counts at scale: "sanctions" (no phrase or variant involves it) against a regex
    in_a = corpus.loc[corpus["event"] == "a", "text"]
    expected = sum(len(re.findall(r"\bsanctions\b", t, flags=re.I)) for t in in_a)
    assert out.set_index("term").at["sanctions", "count_target"] == expected > 0
    assert out["n_docs_group_target"].iloc[0] == 5_000
