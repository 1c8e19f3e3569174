"""Topic models: determinism, grouping columns, relevance, prevalence, selection of k, labels."""

from __future__ import annotations

import math
import os
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import topics as topics_mod
from analysis.errors import CorpusError, DesignWarning
from analysis.topic_plots import (
    plot_doc_topics,
    plot_k_selection,
    plot_topic_prevalence,
    plot_topic_terms,
    topic_prevalence_table,
)
from analysis.topics import STABLE_THRESHOLD, TopicModel, _select_k, _Solution, fit_topics
from analysis.vocab import tokenize


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


def test_stable_flag_follows_threshold_and_appears_everywhere(model):
    stab = model.stability_
    assert (stab["stable"] == (stab["stability"] >= STABLE_THRESHOLD)).all()
    flags = stab.set_index("topic")["stable"]
    for frame in [model.terms_, model.relevance(), model.representative_passages(),
                  model.doc_topics(), model.prevalence(n_boot=50), model.topics_]:
        assert "stable" in frame.columns
        assert (frame["stable"].to_numpy() == flags[frame["topic"]].to_numpy()).all()


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
def test_automatic_labels_join_top_relevance_terms(model):
    rel = model.relevance(topics_mod.LABEL_LAMBDA, top_n=3)
    for t in range(model.k_):
        expected = " / ".join(rel.loc[rel["topic"] == t, "term"].tolist())
        assert model.labels_[t] == expected


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
    caveat = prev.attrs["caveat"]
    assert "2023-moscow: 10" in caveat and "2024-beijing: 3" in caveat
    assert "p-value below 0.1" in caveat


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
def _solution(k, coherence, stability, diversity):
    return _Solution(k=k, components=np.zeros((k, 1)), unit_weights=np.zeros((1, k)), top=[],
                     coherence=np.array([coherence]), stability=np.array([stability]),
                     replicate_top=[], runs=pd.DataFrame(), diversity=diversity)


def test_select_k_rule_by_hand():
    # k=5 has the best coherence and stability but diversity 0.3 < 0.5: set aside.
    # Eligible k=2,3,4: coherence 0.0, 0.1, 0.3 (mean 0.4/3, population sd 0.12472)
    #   z = -1.0690, -0.2673, 1.3363;  stability 0.9, 0.8, 0.7 -> z = 1.2247, 0, -1.2247
    #   score = mean of the two z: 0.0779, -0.1336, 0.0558 -> k = 2
    sols = {2: _solution(2, 0.0, 0.9, 0.9), 3: _solution(3, 0.1, 0.8, 0.9),
            4: _solution(4, 0.3, 0.7, 0.9), 5: _solution(5, 0.9, 1.0, 0.3)}
    table = _select_k(sols)
    assert table["eligible"].tolist() == [True, True, True, False]
    assert table["score"].iloc[:3].tolist() == pytest.approx([0.0779, -0.1336, 0.0558], abs=1e-4)
    assert table.loc[table["chosen"], "k"].tolist() == [2]
    # stability 0.9, 0.8, 0.78 instead: mean 0.82667, sd 0.052493, z = 1.3970, -0.5080,
    # -0.8890; scores (-1.0690 + 1.3970)/2 = 0.1640, -0.3877, (1.3363 - 0.8890)/2 = 0.2237
    sols[4] = _solution(4, 0.3, 0.78, 0.9)
    table = _select_k(sols)
    assert table["score"].iloc[:3].tolist() == pytest.approx([0.1640, -0.3877, 0.2237], abs=1e-4)
    assert table.loc[table["chosen"], "k"].tolist() == [4]
    # a tie goes to the smaller k: stability 0.9, 0.8, 0.75 gives z = 1.3363, -0.2673, -1.0690
    # and equal scores 0.1336 for k=2 and k=4
    sols[4] = _solution(4, 0.3, 0.75, 0.9)
    table = _select_k(sols)
    assert table["score"].iloc[0] == pytest.approx(table["score"].iloc[2])
    assert table.loc[table["chosen"], "k"].tolist() == [2]


def test_select_k_when_no_candidate_is_diverse():
    sols = {2: _solution(2, 0.0, 0.9, 0.2), 3: _solution(3, 0.5, 0.9, 0.2)}
    table = _select_k(sols)
    assert table["eligible"].all()
    assert "no k reached" in table.attrs["rule"]
    assert table.loc[table["chosen"], "k"].tolist() == [3]


def test_chosen_k_on_seeds_follows_the_rule(chosen):
    sel = chosen.selection_
    assert sel["k"].tolist() == list(range(2, 9))
    assert chosen.k_ == int(sel.loc[sel["chosen"], "k"].iloc[0])
    elig = sel[sel["eligible"]]
    assert elig["score"].idxmax() == sel.index[sel["chosen"]][0]
    assert chosen.runs_.shape[0] == 11  # reference + 10 seeds
    row = sel[sel["chosen"]].iloc[0]
    assert row["coherence"] == pytest.approx(chosen.coherence_.mean())
    assert row["stability"] == pytest.approx(chosen.stability_["stability"].mean())
    assert row["diversity"] == pytest.approx(chosen.diversity_)


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
def test_figures_mark_unstable_topics(seed_corpus, monkeypatch):
    # a threshold no topic can reach makes every topic unstable
    monkeypatch.setattr(topics_mod, "STABLE_THRESHOLD", 1.01)
    m = fit_topics(seed_corpus, k=3, n_seeds=2)
    assert not m.topics_["stable"].any()
    fig = plot_topic_terms(m)
    assert all("(unstable)" in ax.get_title() for ax in fig.axes[:3])
    bar = fig.axes[0].patches[0]
    assert bar.get_hatch() == "///"
    plt.close(fig)
    heat = plot_doc_topics(m)
    assert all("(unstable)" in t.get_text() for t in heat.axes[0].get_xticklabels())
    plt.close(heat)


def test_figures_and_tables(chosen, tmp_path):
    from analysis.plots import save_figure

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
    assert "stable" in diff.columns and "caveat" in diff.attrs


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
