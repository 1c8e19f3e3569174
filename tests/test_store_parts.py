"""Topics and keyword-in-context from a store of SEVERAL parts, read one part at a time.

A store prepared in one process has one part per table; :func:`split_parts` rewrites each
per-document table of a copy as several parts of whole documents, the layout a Dask
``prepare`` writes, so the streamed readers meet part boundaries. Expected values come from
the in-memory functions on the corpus (``fit_topics``, ``kwic``), each tested against hand
counts in its own file, from hand-computed sample quotas, or from identities that hold by
definition (a group's share is the token-weighted mean of its documents' shares).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from test_store_measures import assert_same_model

from analysis.corpus.synthetic import synthetic_corpus
from analysis.measures.concordance import kwic, kwic_from_store, kwic_view, kwic_view_from_store
from analysis.measures.topics import (
    fit_topics,
    fit_topics_from_stages,
    fit_topics_from_store,
)
from analysis.stages import sample_documents
from analysis.store import PART_TABLES, StoreSettings, open_store, prepare
from analysis.text.segment import sentences


def split_parts(store, dest: Path, docs_per_part: int):
    """A copy of ``store`` whose per-document tables hold ``docs_per_part`` documents a part."""
    shutil.copytree(store.path, dest)
    ids = pd.read_parquet(dest / "documents" / "part-00000.parquet", columns=["doc_id"])
    ids = ids["doc_id"].astype(str).tolist()
    chunks = [set(ids[i:i + docs_per_part]) for i in range(0, len(ids), docs_per_part)]
    for table in PART_TABLES:
        whole = pq.read_table(dest / table / "part-00000.parquet")
        (dest / table / "part-00000.parquet").unlink()
        doc = np.asarray(whole.column("doc_id").to_pylist(), dtype=object)
        for i, chunk in enumerate(chunks):
            rows = np.flatnonzero([d in chunk for d in doc])
            pq.write_table(whole.take(rows), dest / table / f"part-{i:05d}.parquet")
    return open_store(dest)


@pytest.fixture(scope="module")
def corpus():
    frame = synthetic_corpus(48, n_groups=3, words_per_doc=220, random_state=5)
    frame["group"] = pd.array(np.where(np.arange(48) < 30, "g1",
                                       np.where(np.arange(48) < 40, "g2", "g3")), dtype="string")
    return frame


@pytest.fixture(scope="module")
def stores(corpus, tmp_path_factory):
    one = prepare(corpus, store=tmp_path_factory.mktemp("one") / "s",
                  settings=StoreSettings(group="group"))
    root = tmp_path_factory.mktemp("split")
    return {1: one, 5: split_parts(one, root / "by5", 5), 7: split_parts(one, root / "by7", 7)}


def test_split_parts_makes_several_parts(stores):
    assert len(list(stores[5].iter_parts("sentences"))) == 10
    pd.testing.assert_frame_equal(stores[5].read("sentences"), stores[1].read("sentences"))


# --------------------------------------------------------------------------- sample by hand


# --------------------------------------------------------------------------- topics


def test_below_the_cap_several_parts_give_todays_model(stores, corpus):
    want = fit_topics(corpus, group="group", k=3, n_seeds=2, sample_size=60)
    assert want.units_["in_sample"].sum() < want.units_["used"].sum()
    got = fit_topics_from_store(stores[5], k=3, n_seeds=2, sample_size=60)
    assert got.sampled_ is False
    assert_same_model(got, want)


def test_above_the_cap_the_sample_ignores_the_parts(stores, corpus):
    models = {n: fit_topics_from_store(s, k=3, n_seeds=2, max_documents=12)
              for n, s in stores.items()}
    want = fit_topics(corpus, group="group", k=3, n_seeds=2, max_documents=12)
    for model in models.values():
        assert_same_model(model, want)
    # compare_groups' path: the stages in memory
    assert_same_model(fit_topics_from_stages(corpus, sentences(corpus, group="group"),
                                             group="group", k=3, n_seeds=2, max_documents=12),
                      want)
    model = models[7]
    assert model.sampled_ and (model.n_sample_documents_, model.n_documents_) == (12, 48)
    # 12 * (30, 10, 8) / 48 = (7.5, 2.5, 2): 7, 2, 2 and the one left to g1 (ties: first)
    sampled = set(model.units_["doc_id"])
    by_group = corpus.set_index("doc_id")["group"].reindex(sorted(sampled)).value_counts()
    assert by_group.to_dict() == {"g1": 8, "g2": 2, "g3": 2}
    mask = sample_documents(corpus, group="group", max_documents=12)
    assert sampled == set(corpus.loc[mask, "doc_id"])
    # every document gets shares, summing to 1
    docs = model.doc_topics()
    assert set(docs["doc_id"]) == set(corpus["doc_id"])
    np.testing.assert_allclose(docs.groupby("doc_id")["share"].sum(), 1.0)
    # a group's share is the token-weighted mean of its documents' shares
    prev = model.prevalence(n_boot=50)
    hand = docs.assign(w=docs["share"] * docs["n_tokens"]).groupby(["topic", "group"])
    hand = (hand["w"].sum() / hand["n_tokens"].sum()).rename("estimate")
    np.testing.assert_allclose(prev.set_index(["topic", "group"])["estimate"],
                               hand.reindex(prev.set_index(["topic", "group"]).index))
    assert (prev.groupby("topic")["n_docs"].sum() == 48).all()
    # the prose says so
    assert "fitted on a sample of 12 of 48 documents" in model.fitting_note()
    assert "fitted on a sample of 12 of 48 documents" in model.caveat()
    assert "(then their units)" not in model.caveat()


def test_sampled_shares_come_from_the_fitted_model(stores):
    """A sampled document's shares equal the model's transform of its units by hand."""
    from sklearn.feature_extraction.text import CountVectorizer

    model = fit_topics_from_store(stores[5], k=3, n_seeds=2, max_documents=12)
    units = model.units_[model.units_["used"]]
    doc = units["doc_id"].iloc[0]
    mine = units[units["doc_id"] == doc]
    counts = CountVectorizer(analyzer=model.vectorizer_.analyzer,
                             vocabulary=list(model.vocabulary_)).transform(mine["text"])
    w = model.estimator_.transform(model._tfidf.transform(counts.astype(float)))
    w = w[:, model._order] / w.sum(axis=1, keepdims=True)
    tokens = mine["n_tokens"].to_numpy(dtype=float)
    want = (w * tokens[:, None]).sum(axis=0) / tokens.sum()
    got = model.doc_topics().query("doc_id == @doc").sort_values("topic")["share"]
    np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-12)


# --------------------------------------------------------------------------- kwic


@pytest.mark.parametrize("pattern", ["sanction*", "peace plan", "ceasefire", "the", "zzzz", "*"])
def test_kwic_from_store_equals_kwic_on_the_corpus(stores, corpus, pattern):
    want = kwic(corpus, pattern, group="group", context_words=6)
    for store in stores.values():
        got = kwic_from_store(store, pattern, context_words=6)
        pd.testing.assert_frame_equal(got, want)
    if len(want) > 3:
        pd.testing.assert_frame_equal(kwic_from_store(stores[7], pattern, context_words=6,
                                                      limit=3), want.head(3))


def test_kwic_from_store_on_the_seeds(tmp_path, seed_corpus):
    seeds = split_parts(prepare(None, store=tmp_path / "s"), tmp_path / "split", 2)
    for pattern in ("putin", "united states", "xi jinping", "visit*", "russia's"):
        pd.testing.assert_frame_equal(kwic_from_store(seeds, pattern), kwic(seed_corpus, pattern))
    got = kwic_view_from_store(seeds, "putin", n=4, name=None)
    want = kwic_view(seed_corpus, "putin", n=4, name=None)
    assert got.caption == want.caption
    pd.testing.assert_frame_equal(got.shown, want.shown)


def test_transform_runs_do_not_depend_on_the_parts(stores, monkeypatch):
    import analysis.measures.topics as topics

    # NMF.transform stops on a tolerance over the rows it is given, so the documents are
    # transformed in runs of TRANSFORM_CHUNK counted from the first document, whatever the
    # parts: parts of 5 or 7 documents cut in runs of 4 give the one-part store's shares
    monkeypatch.setattr(topics, "TRANSFORM_CHUNK", 4)
    want = fit_topics_from_store(stores[1], k=3, n_seeds=2, max_documents=12)
    for n in (5, 7):
        got = fit_topics_from_store(stores[n], k=3, n_seeds=2, max_documents=12)
        pd.testing.assert_frame_equal(got.doc_topics(), want.doc_topics())
