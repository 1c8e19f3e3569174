"""Topic models: determinism, grouping columns, relevance, prevalence, selection of k, labels."""

from __future__ import annotations

import math
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.errors import CorpusError, DesignWarning
from analysis.measures import topics as topics_mod
from analysis.measures.topic_metrics import matched_jaccard
from analysis.measures.topics import (
    MIN_COHERENCE,
    STATUSES,
    TopicModel,
    _select_k,
    _Solution,
    fit_topics,
    largest_share_cut,
)
from analysis.plots.topics import (
    plot_doc_topics,
    plot_k_selection,
    plot_topic_prevalence,
    plot_topic_terms,
    topic_display_labels,
    topic_prevalence_table,
)
from analysis.text.vocab import tokenize


@pytest.fixture(scope="module")
def model(seed_corpus):
    return fit_topics(seed_corpus, k=4, n_seeds=3, random_state=0)


@pytest.fixture(scope="module")
def chosen(seed_corpus):
    """k chosen automatically on the seeds, with the default 10 seeds."""
    return fit_topics(seed_corpus, k=None, random_state=0)


def _outlet_corpus(seed_corpus):
    """The seeds under another grouping column (three groups), without an 'event' column."""
    out = seed_corpus[["doc_id", "text"]].copy()
    out["outlet"] = ["wire", "paper", "wire", "tv", "paper"]
    return out


# ----------------------------------------------------------------- determinism
def test_same_inputs_and_seed_give_identical_topics(seed_corpus, model):
    again = fit_topics(seed_corpus, k=4, n_seeds=3, random_state=0)
    pd.testing.assert_frame_equal(model.terms_, again.terms_)
    np.testing.assert_array_equal(model.components_, again.components_)
    pd.testing.assert_frame_equal(model.unit_topics_, again.unit_topics_)
    pd.testing.assert_frame_equal(model.stability_, again.stability_)


def test_lda_is_deterministic_and_normalised(seed_corpus):
    a = fit_topics(seed_corpus, k=3, method="lda", n_seeds=2, random_state=5)
    b = fit_topics(seed_corpus, k=3, method="lda", n_seeds=2, random_state=5)
    pd.testing.assert_frame_equal(a.terms_, b.terms_)
    np.testing.assert_allclose(a.components_.sum(axis=1), 1.0)
    assert a.runs_["init"].tolist() == ["random"] * 3


def test_stability_runs_start_from_random_matrices(model):
    # NNDSVD starts are (practically) seed-independent; replicates must use random starts
    assert model.runs_["run"].tolist() == ["reference", "seed", "seed", "seed"]
    assert model.runs_["init"].tolist() == ["nndsvda", "random", "random", "random"]
    assert model.runs_["seed"].iloc[1:].nunique() == 3


# ----------------------------------------------------------------- units and tables
def test_units_are_paragraphs_and_token_counts_match(seed_corpus, model):
    units = model.units_
    assert set(units["doc_id"]) == set(seed_corpus["doc_id"])
    # every unit's text is a slice of its document's clean text
    texts = seed_corpus.set_index("doc_id")["text"]
    for row in units.head(20).itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    # n_tokens counts content tokens of the vocabulary rules
    first = units.iloc[0]
    assert first["n_tokens"] == len(tokenize(first["text"]))


def test_unit_shares_sum_to_one_and_terms_are_sorted(model):
    shares = model.unit_topics_[list(range(model.k_))].to_numpy()
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    for _, rows in model.terms_.groupby("topic"):
        w = rows.sort_values("rank")["weight"].to_numpy()
        assert (np.diff(w) <= 0).all()
        assert len(rows) == model.top_n
    # topics are numbered by their share of all tokens, largest first
    assert (np.diff(model.topics_["share"].to_numpy()) <= 0).all()
    assert model.topics_["share"].sum() == pytest.approx(1.0)


def test_stable_flag_follows_recovery_and_coherence_and_appears_everywhere(model):
    stab = model.stability_
    # recovery recomputed from the stored replicate top words: a run recovers a topic when the
    # matched topic shares more than half of the 10 top words (6 or more)
    top = [model.terms_.loc[model.terms_["topic"] == t, "term"].tolist() for t in range(model.k_)]
    per_run = matched_jaccard(top, model.replicate_terms_)
    shared = np.rint(20 * per_run / (1 + per_run))  # J = m / (20 - m)  ->  m = 20 J / (1 + J)
    recovered = (shared >= 6).sum(axis=0)
    assert stab["recovered"].tolist() == recovered.tolist()
    assert (stab["n_runs"] == 3).all()
    # 3 runs: a majority is 2; the margin counts runs above it
    assert stab["margin"].tolist() == (recovered - 2).tolist()
    coherent = model.coherence_.to_numpy() >= 0
    assert stab["stable"].tolist() == ((recovered >= 2) & coherent).tolist()
    flags = stab.set_index("topic")["stable"]
    status = model.topics_.set_index("topic")["status"]
    for frame in [model.terms_, model.relevance(), model.representative_passages(),
                  model.doc_topics(), model.prevalence(n_boot=50), model.topics_]:
        assert "stable" in frame.columns and "status" in frame.columns
        assert (frame["stable"].to_numpy() == flags[frame["topic"]].to_numpy()).all()
        assert (frame["status"].to_numpy() == status[frame["topic"]].to_numpy()).all()


def test_negative_coherence_is_never_stable_on_the_seeds(chosen):
    # issue: on the seeds 4 of 7 topics had negative NPMI yet were marked stable
    topics = chosen.topics_
    low = topics["coherence"] < 0
    assert low.any()
    assert not topics.loc[low, "stable"].any()
    assert (topics.loc[low, "status"] == "low coherence").all()
    # a topic recovered by exactly half of the random starts is not "most of them"
    half = chosen.stability_["recovered"] * 2 == chosen.stability_["n_runs"]
    assert not chosen.stability_.loc[half, "stable"].any()


# ----------------------------------------------------------------- relevance
def test_relevance_lambda_one_and_zero(seed_corpus, model):
    # p(w): the term's share of all in-vocabulary tokens of the used units, counted by hand
    vocab = set(model.vocabulary_)
    used = model.units_[model.units_["used"]]
    tokens = [t for text in used["text"] for t in tokenize(text) if t in vocab]
    n = len(tokens)
    r1 = model.relevance(1.0)
    r0 = model.relevance(0.0)
    for frame in (r1, r0):
        for row in frame.head(15).itertuples():
            assert row.p_term == pytest.approx(tokens.count(row.term) / n)
    # lambda = 1: relevance = ln p(w|k), so the ranking is the weight ranking of terms_
    np.testing.assert_allclose(r1["relevance"], np.log(r1["p_term_topic"]))
    assert r1[["topic", "term"]].equals(model.terms_[["topic", "term"]])
    # lambda = 0: relevance = ln(p(w|k) / p(w)) (the lift)
    np.testing.assert_allclose(r0["relevance"], np.log(r0["p_term_topic"] / r0["p_term"]))
    np.testing.assert_allclose(r0["lift"], r0["p_term_topic"] / r0["p_term"])
    # p(w|k) in the relevance table is the normalised topic-term weight
    j = list(model.vocabulary_).index(r0["term"].iloc[0])
    t = int(r0["topic"].iloc[0])
    assert r0["p_term_topic"].iloc[0] == pytest.approx(model.components_[t, j])


# ----------------------------------------------------------------- labels
def test_automatic_labels_are_relevance_ranked_phrases_first(model):
    # every label is made of the topic's most relevant terms (lambda 0.6) among its 30
    # heaviest, or of phrases joining two of them
    rel = model.relevance(topics_mod.LABEL_LAMBDA, top_n=len(model.vocabulary_))
    for t in range(model.k_):
        heavy = set(np.asarray(model.vocabulary_)[np.argsort(-model.components_[t],
                                                             kind="stable")[:30]])
        ranked = [w for w in rel.loc[rel["topic"] == t, "term"] if w in heavy][:10]
        parts = model.labels_[t].split(" / ")
        assert len(parts) == 3
        words = [w for part in parts for w in ([part] if part in ranked else part.split(" "))]
        assert set(words) <= set(ranked)
        # phrases (a space inside) first, then single terms in relevance order
        is_phrase = [" " in part for part in parts]
        assert is_phrase == sorted(is_phrase, reverse=True)
        singles = [part for part in parts if " " not in part]
        assert [ranked.index(w) for w in singles] == sorted(ranked.index(w) for w in singles)


def test_auto_labels_by_hand():
    # a vocabulary phrase covers its own words; a two-term phrase covers both terms
    pools = [["vladimir putin", "putin", "russia", "kremlin"],
             ["thank", "bless", "god", "evening"],
             ["oil", "gas", "pipeline"]]
    phrases = [[("vladimir putin", ("vladimir putin",))],
               [("god bless", ("god", "bless")), ("thank god", ("thank", "god"))],
               []]
    assert topics_mod._auto_labels(pools, phrases) == [
        "vladimir putin / russia / kremlin",
        "god bless / thank / evening",   # "thank god" overlaps "god bless": skipped
        "oil / gas / pipeline",
    ]
    # two identical labels: the second is lengthened until it differs
    assert topics_mod._auto_labels([["a", "b", "c", "d"], ["a", "b", "c", "e"]], [[], []]) == [
        "a / b / c", "a / b / c / e"]


def test_group_terms_include_the_parts_of_hyphenated_group_values(model):
    # seeds: event ids "2023-moscow" / "2024-beijing" and their event_label texts
    terms = set(model.group_terms_)
    assert {"moscow", "beijing"} <= terms
    assert {"2023-moscow", "2024-beijing"} <= terms


def _phrase_corpus():
    """Two kinds of paragraph: energy talk, and a closing where "god bless" recurs."""
    energy = ["Gas exports and oil pipeline deals grow.", "The oil pipeline carries gas east.",
              "Gas prices and oil exports rose.", "A new oil pipeline and gas deal."]
    close = ["God bless America and our troops.", "May God bless our nation and our troops.",
             "God bless the troops serving the nation.", "Troops and nation: God bless them."]
    texts = ["\n\n".join([energy[i % 4], close[i % 4], energy[(i + 1) % 4]]) for i in range(12)]
    return pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(12)],
                         "event": ["x", "y"] * 6, "text": texts})


def test_label_prefers_a_phrase_of_the_topics_own_terms():
    m = fit_topics(_phrase_corpus(), k=2, n_seeds=2, min_df=2)
    closing = int(m.topics_.loc[m.topics_["top_terms"].str.contains("bless"), "topic"].iloc[0])
    # "god" and "bless" stand side by side in all 12 closing paragraphs: the phrase leads
    assert m.labels_[closing].startswith("god bless / ")
    assert "god" not in m.labels_[closing].split(" / ")[1:]


def test_labels_override(seed_corpus):
    m = fit_topics(seed_corpus, k=3, n_seeds=2, labels={1: "Ukraine war"})
    assert m.labels_[1] == "Ukraine war"
    assert (m.terms_.loc[m.terms_["topic"] == 1, "label"] == "Ukraine war").all()
    m.set_labels({"0": "diplomacy"})
    assert m.topics_["label"].tolist()[:2] == ["diplomacy", "Ukraine war"]
    with pytest.raises(CorpusError, match="numbered 0 to 2"):
        m.set_labels({7: "nope"})


# ----------------------------------------------------------------- passages
def test_representative_passage_is_highest_share_long_unit(model):
    ut = model.unit_topics_
    p = model.representative_passages(n=2, min_tokens=8)
    assert len(p) == 2 * model.k_
    texts = model.units_.set_index(["doc_id", "unit"])["text"]
    for t in range(model.k_):
        rows = p[p["topic"] == t]
        pool = ut[ut["n_tokens"] >= 8]
        assert rows["share"].iloc[0] == pytest.approx(pool[t].max())
        assert rows["share"].iloc[0] >= rows["share"].iloc[1]
        first = rows.iloc[0]
        assert texts[(first["doc_id"], first["unit"])] == first["text"]


# ----------------------------------------------------------------- prevalence
def test_per_article_shares_sum_to_one(model):
    d = model.doc_topics()
    sums = d.groupby("doc_id")["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    assert len(sums) == 5


def test_prevalence_is_token_weighted_and_sized(model):
    prev = model.prevalence(n_boot=200, random_state=1)
    ut = model.unit_topics_
    for g, part in ut.groupby("event"):
        w = part["n_tokens"].to_numpy(dtype=float)
        for t in range(model.k_):
            expected = float((part[t] * w).sum() / w.sum())
            row = prev[(prev["event"] == g) & (prev["topic"] == t)].iloc[0]
            assert row["estimate"] == pytest.approx(expected)
            assert row["ci_low"] <= row["estimate"] + 1e-12 <= row["ci_high"] + 2e-12
    assert prev.drop_duplicates("event").set_index("event")["n_docs"].to_dict() == {
        "2023-moscow": 3, "2024-beijing": 2}
    # 3 articles allow C(5, 3) = 10 distinct resamples, 2 articles C(3, 2) = 3
    caveat = model.caveat()
    assert "2023-moscow: 10" in caveat and "2024-beijing: 3" in caveat
    assert "p-value below 0.1" in caveat
    assert not prev.attrs  # results never ride on DataFrame.attrs


def test_prevalence_same_seed_same_interval(model):
    a = model.prevalence(n_boot=100, random_state=3)
    b = model.prevalence(n_boot=100, random_state=3)
    pd.testing.assert_frame_equal(a, b)


def test_another_grouping_column_works(seed_corpus):
    corpus = _outlet_corpus(seed_corpus)
    m = fit_topics(corpus, group="outlet", k=3, n_seeds=2)
    assert "outlet" in m.unit_topics_.columns
    with pytest.warns(DesignWarning, match="'tv'"):  # a group of one article is named
        prev = m.prevalence(n_boot=50)
    assert sorted(prev["outlet"].unique()) == ["paper", "tv", "wire"]
    assert prev.drop_duplicates("outlet").set_index("outlet")["n_docs"].to_dict() == {
        "paper": 2, "tv": 1, "wire": 2}
    d = m.doc_topics()
    assert d.drop_duplicates("doc_id").set_index("doc_id")["outlet"].to_dict()["003"] == "tv"
    fig = plot_topic_prevalence(m, prev)
    assert "tv" in " ".join(t.get_text() for t in fig.axes[0].get_yticklabels())
    plt.close(fig)


def test_prevalence_by_a_different_column_than_fitted(seed_corpus):
    corpus = seed_corpus.assign(outlet=["wire", "paper", "wire", "paper", "paper"])
    m = fit_topics(corpus, k=3, n_seeds=2)
    prev = m.prevalence("outlet", n_boot=50)
    assert set(prev["outlet"]) == {"paper", "wire"}
    assert m.doc_topics("outlet").groupby("doc_id")["share"].sum().round(9).eq(1).all()


# ----------------------------------------------------------------- choosing k
def _solution(k, *, share, coherence=None, recovered=None, formula=None, names=None,
              diversity=0.9, n_runs=3):
    """A hand-made candidate: per-topic share, coherence, recovering runs, listed shares."""
    def arr(values, default):
        return np.array(values if values is not None else [default] * k, dtype=float)

    return _Solution(
        k=k, components=np.zeros((k, 1)), unit_weights=np.zeros((10, k)), top=[[]] * k,
        coherence=arr(coherence, 0.1), stability=arr(None, 1.0),
        recovered=arr(recovered, n_runs).astype(int), share=np.array(share, dtype=float),
        formula=arr(formula, 0.0), names=arr(names, 0.0),
        replicate_top=[[]] * n_runs, runs=pd.DataFrame(), diversity=diversity,
    )


def test_status_of_each_topic_by_hand():
    # 3 runs: a majority is 2 recovering runs
    sol = _solution(
        6, share=[0.30, 0.20, 0.15, 0.15, 0.10, 0.10],
        coherence=[0.05, 0.20, 0.10, -0.01, 0.30, 0.0],
        recovered=[3, 3, 3, 3, 1, 2],
        formula=[0.0, 0.60, 0.30, 0.0, 0.0, 0.0],
        names=[0.0, 0.0, 0.30, 0.0, 0.0, 0.0],
    )
    assert sol.status().tolist() == [
        "usable",          # all checks pass
        "formula",         # 60% of its top-term weight on formula words
        "formula",         # 30% formula + 30% group names = 60%, formula not smaller
        "low coherence",   # NPMI -0.01 < 0 although every run recovers it
        "unstable",        # 1 of 3 runs
        "usable",          # NPMI exactly 0 is not below the cut; 2 of 3 runs is a majority
    ]
    assert sol.stable().tolist() == [True, True, True, False, False, True]
    names = _solution(2, share=[0.6, 0.4], names=[0.7, 0.0], formula=[0.2, 0.0])
    assert names.status().tolist() == ["group names", "usable"]
    dominant = _solution(3, share=[0.55, 0.25, 0.20], coherence=[-0.2, 0.1, 0.1])
    assert dominant.status().tolist() == ["dominant", "usable", "usable"]
    assert set(STATUSES) >= set(sol.status()) and MIN_COHERENCE == 0.0


def test_largest_share_cut():
    # more than half of the text; with two topics, more than 1.5 x an even share
    assert [largest_share_cut(k) for k in (2, 3, 4, 8)] == [0.75, 0.5, 0.5, 0.5]


def test_select_k_rejects_degenerate_solutions_by_hand():
    sols = {
        # the speeches' failure: one topic holds 95.9% of the text, the other is greetings;
        # both recovered by every run: under the old rule this k won
        2: _solution(2, share=[0.959, 0.041], coherence=[0.04, 0.07], formula=[0.0, 0.8]),
        # formula topics hold 0.35 + 0.25 = 60% of the text: degenerate
        3: _solution(3, share=[0.35, 0.25, 0.40], formula=[0.9, 0.6, 0.0]),
        # topics repeat one another
        4: _solution(4, share=[0.25] * 4, diversity=0.3),
        # eligible: 2 usable topics (0.30 + 0.25 of the text)
        5: _solution(5, share=[0.30, 0.25, 0.20, 0.15, 0.10],
                     coherence=[0.1, 0.1, -0.1, -0.1, -0.1]),
        # eligible: 2 usable topics holding 0.40 + 0.20 = 0.60 -> wins the tie with k = 5
        6: _solution(6, share=[0.40, 0.20, 0.15, 0.10, 0.10, 0.05],
                     coherence=[0.1, 0.1, -0.1, -0.1, -0.1, -0.1]),
    }
    table, rule = _select_k(sols)
    assert table["eligible"].tolist() == [False, False, False, True, True]
    assert table["n_usable"].tolist() == [0, 1, 4, 2, 2]
    assert table["formula_text"].tolist() == pytest.approx([0.041, 0.60, 0.0, 0.0, 0.0])
    assert "95.9%" in table.at[0, "reason"] and "75%" in table.at[0, "reason"]
    assert "60.0%" in table.at[1, "reason"] and "diversity" in table.at[2, "reason"]
    assert table.loc[table["chosen"], "k"].tolist() == [6]
    assert "3 random starts" in rule and "among the 2 of 5 candidates" in rule
    # equal count and equal share: the smaller k
    sols[6] = _solution(6, share=[0.30, 0.25, 0.20, 0.10, 0.10, 0.05],
                        coherence=[0.1, 0.1, -0.1, -0.1, -0.1, -0.1])
    table, _ = _select_k(sols)
    assert table.loc[table["chosen"], "k"].tolist() == [5]


def test_select_k_when_every_candidate_is_degenerate():
    sols = {2: _solution(2, share=[0.9, 0.1]), 3: _solution(3, share=[0.8, 0.1, 0.1])}
    table, rule = _select_k(sols)
    assert not table["eligible"].any()
    assert "every candidate is degenerate" in rule
    # all considered: k = 3 has 2 usable topics (the dominant one is not usable), k = 2 one
    assert table["n_usable"].tolist() == [1, 2]
    assert table.loc[table["chosen"], "k"].tolist() == [3]


def test_formula_and_group_name_topics_are_flagged_end_to_end():
    # three kinds of paragraph in every article; the groups are named "moscow" and "beijing"
    energy = ["Gas exports and oil pipeline deals grow.", "The oil pipeline carries gas east.",
              "Gas prices and oil exports rose sharply.", "A new oil pipeline and gas deal."]
    greet = ["Thank you. Thank you so much. Good evening and welcome.",
             "Hello and welcome, ladies and gentlemen. Thank you.",
             "Thank you all. Good evening. God bless you.",
             "Welcome, and thank you. Hello everyone, good evening."]
    names = ["Moscow and Beijing, Beijing and Moscow.", "From Beijing to Moscow.",
             "Moscow, then Beijing, then Moscow again.", "Beijing or Moscow."]
    texts = ["\n\n".join([greet[i % 4], energy[i % 4], names[i % 4], energy[(i + 2) % 4]])
             for i in range(16)]
    corpus = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(16)],
                           "event": ["moscow", "beijing"] * 8, "text": texts})
    m = fit_topics(corpus, k=3, n_seeds=3, min_df=2)
    assert m.group_terms_.tolist() == ["beijing", "moscow"]
    first = m.topics_["top_terms"].str.split(", ").str[0]
    status = dict(zip(first, m.topics_["status"], strict=True))
    greeting = [s for w, s in status.items() if w in {"thank", "evening", "welcome", "hello"}]
    naming = [s for w, s in status.items() if w in {"moscow", "beijing"}]
    assert greeting == ["formula"]
    assert naming == ["group names"]
    assert "(formula)" in " ".join(topic_display_labels(m).values())
    # chosen automatically: the reported model never gives most of its text to such topics
    auto = fit_topics(corpus, k_range=[2, 3, 4], n_seeds=3, min_df=2)
    listed = auto.topics_["status"].isin(["formula", "group names"])
    assert auto.topics_.loc[listed, "share"].sum() <= 0.5
    assert not (auto.selection_["eligible"] & (auto.selection_["formula_text"] > 0.5)).any()


def test_chosen_k_on_seeds_follows_the_rule(chosen):
    sel = chosen.selection_
    assert sel["k"].tolist() == list(range(2, 9))
    assert chosen.k_ == int(sel.loc[sel["chosen"], "k"].iloc[0])
    # the chosen k has the most usable topics among the eligible candidates
    elig = sel[sel["eligible"]]
    assert sel.loc[sel["chosen"], "n_usable"].iloc[0] == elig["n_usable"].max()
    # 3 starts per candidate while choosing; the reported model has the reference + 10 seeds
    assert chosen.selection_seeds_ == 3
    assert chosen.runs_.shape[0] == 11
    # the seeds have fewer units than the sample size, so the sample is every unit and the
    # reported model is the chosen candidate's own fit
    assert chosen.units_.loc[chosen.units_["used"], "in_sample"].all()
    row = sel[sel["chosen"]].iloc[0]
    assert row["coherence"] == pytest.approx(chosen.coherence_.mean())
    assert row["diversity"] == pytest.approx(chosen.diversity_)
    assert row["largest_share"] == pytest.approx(chosen.topics_["share"].max())
    assert chosen.selection_rule_.startswith("each candidate k was fitted on 104 text units")
    assert not sel.attrs


def test_sample_selection_is_deterministic_and_equals_full_data_when_it_covers_all(seed_corpus):
    kw = dict(k_range=[2, 3, 4], n_seeds=3, selection_seeds=2, random_state=0)
    full = fit_topics(seed_corpus, sample_size=None, **kw)
    covering = fit_topics(seed_corpus, sample_size=10_000, **kw)
    pd.testing.assert_frame_equal(full.selection_, covering.selection_)
    pd.testing.assert_frame_equal(full.topics_, covering.topics_)
    assert full.selection_rule_ == covering.selection_rule_
    # a real sample: same draw and same numbers twice; it has exactly sample_size units
    a = fit_topics(seed_corpus, sample_size=60, **kw)
    b = fit_topics(seed_corpus, sample_size=60, **kw)
    pd.testing.assert_frame_equal(a.selection_, b.selection_)
    pd.testing.assert_frame_equal(a.units_, b.units_)
    pd.testing.assert_frame_equal(a.topics_, b.topics_)
    assert int(a.units_["in_sample"].sum()) == 60
    assert a.selection_rule_.startswith("each candidate k was fitted on 60 text units")
    # the reported model is fitted on every used unit, the replicates on the sample
    n_used = int(a.units_["used"].sum())
    assert a.runs_["n_units"].tolist() == [n_used, 60, 60, 60]
    assert len(a.unit_topics_) == n_used
    assert "random sample of 60 of the 104" in a.fitting_note()
    assert "all 104 text units" in full.fitting_note()
    # another seed draws another sample
    c = fit_topics(seed_corpus, sample_size=60, **{**kw, "random_state": 1})
    assert not a.units_["in_sample"].equals(c.units_["in_sample"])


def test_fixed_k_on_the_seeds_is_unchanged_by_sampling(seed_corpus, model):
    # the seeds are smaller than the sample, so a fixed-k fit is the full-data fit
    again = fit_topics(seed_corpus, k=4, n_seeds=3, random_state=0, sample_size=None)
    np.testing.assert_array_equal(model.components_, again.components_)
    pd.testing.assert_frame_equal(model.stability_, again.stability_)


def test_no_result_rides_on_dataframe_attrs(model):
    import inspect

    for mod in (topics_mod, __import__("analysis.plots.topics", fromlist=["x"])):
        assert ".attrs" not in inspect.getsource(mod)
    for frame in (model.prevalence(n_boot=20), model.prevalence_difference(n_boot=20),
                  model.topics_, model.terms_, model.doc_topics()):
        assert not frame.attrs


def test_fixed_k_has_no_selection(model):
    assert model.selection_ is None
    with pytest.raises(CorpusError, match="k=None"):
        plot_k_selection(model)


# ----------------------------------------------------------------- bad input
def test_bad_input_errors(seed_corpus):
    with pytest.raises(CorpusError, match="'outlet'"):
        fit_topics(seed_corpus, group="outlet", k=2)
    with pytest.raises(CorpusError, match="method"):
        fit_topics(seed_corpus, k=2, method="pca")
    with pytest.raises(CorpusError, match="k=500"):
        fit_topics(seed_corpus, k=500)
    tiny = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": ["Hello."]})
    with pytest.raises(CorpusError, match="min_df"):
        fit_topics(tiny, k=2)
    with pytest.raises(CorpusError, match="not fitted"):
        TopicModel().relevance()


# ----------------------------------------------------------------- figures
def test_figures_mark_topics_that_are_not_usable(seed_corpus, monkeypatch):
    # a threshold no topic can reach makes every topic unstable (or worse)
    monkeypatch.setattr(topics_mod, "STABLE_THRESHOLD", 1.01)
    m = fit_topics(seed_corpus, k=3, n_seeds=2)
    assert not m.topics_["stable"].any()
    assert not m.topics_["status"].eq("usable").any()
    fig = plot_topic_terms(m)
    for ax, status in zip(fig.axes[:3], m.topics_["status"], strict=True):
        assert f"({status})" in ax.get_title().replace("\n", " ")
    bar = fig.axes[0].patches[0]
    assert bar.get_hatch() == "///"
    plt.close(fig)
    heat = plot_doc_topics(m)
    for tick, status in zip(heat.axes[0].get_xticklabels(), m.topics_["status"], strict=True):
        assert f"({status})" in tick.get_text().replace("\n", " ")
        assert tick.get_fontstyle() == "italic"
    plt.close(heat)


def test_figures_and_tables(chosen, tmp_path):
    from analysis.plots.common import save_figure

    prev = chosen.prevalence(n_boot=100)
    docs = chosen.doc_topics()
    table = topic_prevalence_table(prev, docs)
    assert set(table["level"]) == {"group", "article"}
    assert (table["level"] == "article").sum() == 5 * chosen.k_
    k_fig = plot_k_selection(chosen)
    assert f"k = {chosen.k_}" in k_fig._suptitle.get_text()
    assert "n = 3" in k_fig._suptitle.get_text()
    heat = plot_doc_topics(chosen, per_document=docs)
    # rows ordered by group, then doc_id
    assert [t.get_text() for t in heat.axes[0].get_yticklabels()] == [
        "000 (2023-moscow)", "001 (2023-moscow)", "002 (2023-moscow)",
        "003 (2024-beijing)", "004 (2024-beijing)"]
    paths = save_figure(heat, "topics_heatmap", table=docs, figures_dir=tmp_path)
    assert {p.suffix for p in paths.values()} == {".png", ".svg", ".csv"}
    for fig in (k_fig, heat):
        plt.close(fig)


# ----------------------------------------------------------------- scale
def synthetic_corpus(seed_corpus, n_docs, *, paragraphs=12, random_state=0):
    """n_docs articles, each a random draw of seed paragraphs, in three groups."""
    rng = np.random.default_rng(random_state)
    paras = [p for text in seed_corpus["text"] for p in text.split("\n\n")]
    return pd.DataFrame({
        "doc_id": [f"s{i:05d}" for i in range(n_docs)],
        "event": rng.choice(["a", "b", "c"], n_docs),
        "text": ["\n\n".join(rng.choice(paras, size=paragraphs)) for _ in range(n_docs)],
    })


@pytest.mark.slow
def test_scale_thousands_of_documents(seed_corpus):
    # The README's Performance line sets TOPICS_SCALE_DOCS=2000 TOPICS_SCALE_SEEDS=3
    # TOPICS_SCALE_CHOOSE_K=1; the suite's defaults keep this test short.
    n_docs = int(os.environ.get("TOPICS_SCALE_DOCS", "1000"))
    n_seeds = int(os.environ.get("TOPICS_SCALE_SEEDS", "2"))
    corpus = synthetic_corpus(seed_corpus, n_docs)
    start = time.perf_counter()
    m = fit_topics(corpus, k=6, n_seeds=n_seeds)
    elapsed = time.perf_counter() - start
    print(f"\nfit_topics on {n_docs} documents ({len(m.units_)} units), k=6, "
          f"n_seeds={n_seeds}: {elapsed:.1f} s")
    if os.environ.get("TOPICS_SCALE_CHOOSE_K"):
        start = time.perf_counter()
        auto = fit_topics(corpus, k=None, n_seeds=n_seeds)
        print(f"fit_topics on {n_docs} documents, k=None (k_range 2-8 -> {auto.k_}), "
              f"n_seeds={n_seeds}: {time.perf_counter() - start:.1f} s")
    assert m.units_["used"].sum() > 10 * n_docs
    d = m.doc_topics()
    assert d["doc_id"].nunique() == n_docs
    np.testing.assert_allclose(d.groupby("doc_id")["share"].sum(), 1.0)
    # LDA switches to online variational Bayes on large corpora
    small = synthetic_corpus(seed_corpus, 200, random_state=1)  # 2,400 paragraphs
    lda = fit_topics(small, k=4, method="lda", n_seeds=1)
    assert lda.estimator_.learning_method == "online"
    assert math.isclose(lda.components_.sum(), 4.0)


def test_prevalence_difference_is_difference_of_group_shares(model):
    prev = model.prevalence(n_boot=50).set_index(["topic", "event"])["estimate"]
    diff = model.prevalence_difference(n_boot=200, random_state=2)
    assert diff["contrast"].unique().tolist() == ["2023-moscow - 2024-beijing"]
    for row in diff.itertuples():
        expected = prev[(row.topic, "2023-moscow")] - prev[(row.topic, "2024-beijing")]
        assert row.estimate == pytest.approx(expected)
        assert row.ci_low <= row.estimate <= row.ci_high
    # shares sum to 1 in each group, so the differences sum to 0 over topics
    assert diff["estimate"].sum() == pytest.approx(0.0, abs=1e-12)
    assert "stable" in diff.columns and "status" in diff.columns and not diff.attrs


def test_dedupe_counts_shared_wire_copy_once(seed_corpus, model):
    # 003 and 004 share wire copy; with dedupe the later copy (004) loses those sentences
    deduped = fit_topics(seed_corpus, k=4, n_seeds=2, dedupe=True)
    tokens = model.units_.groupby("doc_id")["n_tokens"].sum()
    tokens_dd = deduped.units_.groupby("doc_id")["n_tokens"].sum()
    assert tokens_dd["004"] < tokens["004"]
    assert tokens_dd["003"] == tokens["003"]
    # the nearly identical sentence on the 75th anniversary appears in both; after dedupe
    # only in 003
    def has_anniversary(m, doc):
        return m.units_.loc[m.units_["doc_id"] == doc, "text"].str.contains("anniversary").any()
    assert has_anniversary(model, "004") and has_anniversary(model, "003")
    assert has_anniversary(deduped, "003") and not has_anniversary(deduped, "004")


def test_documents_without_a_group_are_left_out_of_prevalence(seed_corpus):
    corpus = seed_corpus.assign(event=seed_corpus["event"].astype("string"))
    corpus.loc[corpus["doc_id"] == "002", "event"] = pd.NA
    m = fit_topics(corpus, k=3, n_seeds=2)
    with pytest.warns(DesignWarning, match="002"):
        prev = m.prevalence(n_boot=50)
    assert prev.drop_duplicates("event").set_index("event")["n_docs"].to_dict() == {
        "2023-moscow": 2, "2024-beijing": 2}
    # the article still has its own topic shares
    assert m.doc_topics().groupby("doc_id")["share"].sum().round(9).eq(1).all()
