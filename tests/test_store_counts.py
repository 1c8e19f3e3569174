"""The store's term counts in parts (format 3): read part by part, the same numbers as the
in-memory corpus functions.

Every expected value comes from the corpus functions of :mod:`analysis.measures.terms` and
:mod:`analysis.measures.keyness` run on the corpus the store was prepared from (the
reference), or from the definition of the file layout (rows of the parts add up to the
documents, in order). The stores here are cut into many counts parts by lowering
:data:`analysis.store.COUNTS_PART_CELLS`.
"""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import store as store_mod
from analysis.corpus.synthetic import synthetic_corpus
from analysis.errors import CorpusWarning
from analysis.measures.keyness import keyness, keyness_from_store
from analysis.measures.terms import (
    document_term_matrix,
    document_term_table,
    document_term_table_from_store,
    frequency_table,
    group_counts,
    term_frequencies,
    term_frequencies_from_store,
)
from analysis.store import StoreError, StoreSettings, ensure_store, open_store, prepare

CELLS = 900  # cells per counts part here: a few documents per part


@pytest.fixture(scope="module")
def corpus():
    c = synthetic_corpus(30, n_groups=3, words_per_doc=120, syndicated=0.3, wire_stories=3,
                         random_state=7)
    c["outlet"] = pd.array(np.where(np.arange(len(c)) % 2 == 0, "P", "Q"), dtype="string")
    c.loc[[4, 17], "outlet"] = pd.NA  # documents without an outlet: left out of its counts
    c.loc[9, "text"] = ""  # a document without a term: an empty row inside a part
    return c


@pytest.fixture(scope="module")
def parted(corpus, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_mod, "COUNTS_PART_CELLS", CELLS)
        return prepare(corpus, store=tmp_path_factory.mktemp("parted") / "s",
                       settings=StoreSettings(group="group", ngrams=3))


@pytest.fixture(scope="module")
def seed_parted(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_mod, "COUNTS_PART_CELLS", 400)
        return prepare(None, store=tmp_path_factory.mktemp("seeds") / "s")


def test_the_counts_are_in_several_parts_that_add_up_to_the_documents(parted, corpus):
    entry = parted.manifest["counts"]
    parts = entry["parts"]
    assert len(parts) >= 4 and entry["folder"] == "counts"
    assert sum(p["documents"] for p in parts) == len(corpus) == entry["documents"]
    assert sum(p["nonzero"] for p in parts) == entry["nonzero"]
    assert sorted(p.name for p in (parted.path / "counts").iterdir()) == [p["file"]
                                                                         for p in parts]
    rows = 0
    for (offset, matrix), part in zip(parted.iter_counts(), parts, strict=True):
        assert offset == rows and matrix.shape == (part["documents"], entry["terms"])
        assert matrix.nnz == part["nonzero"] and matrix.has_sorted_indices
        # every part but the last closes at the document that brings it to CELLS cells
        if part is not parts[-1]:
            assert part["nonzero"] >= CELLS
            assert part["nonzero"] - np.diff(matrix.indptr)[-1] < CELLS
        rows += matrix.shape[0]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3)])
def test_term_counts_from_parts_equal_document_term_matrix(parted, corpus, ngram_range):
    got = parted.term_counts(ngram_range=ngram_range)
    want = document_term_matrix(corpus, ngram_range=ngram_range)
    assert list(got.terms) == list(want.terms)
    assert list(got.doc_ids) == list(want.doc_ids)
    assert got.matrix.dtype == np.int64 and (got.matrix != want.matrix).nnz == 0
    blocks = [m for _, m in parted.iter_counts(ngram_range=ngram_range)]
    assert list(parted.count_terms(ngram_range=ngram_range)) == list(want.terms)
    assert (sparse.vstack(blocks) != want.matrix).nnz == 0


def test_the_vocabulary_totals_equal_the_reference_matrix(parted, corpus):
    vocab = parted.vocabulary
    want = document_term_matrix(corpus, ngram_range=(1, 3))
    col = pd.Index(want.terms).get_indexer(vocab["term"].astype(str))
    single = ~vocab["term"].duplicated(keep=False).to_numpy()  # a string of one length only
    assert (col >= 0).all() and single.sum() > 100
    counts = np.asarray(want.matrix.sum(axis=0)).ravel()
    assert vocab["count"].to_numpy()[single].tolist() == counts[col[single]].tolist()
    assert vocab["n_docs"].to_numpy()[single].tolist() == \
        want.matrix.getnnz(axis=0)[col[single]].tolist()


def test_stored_tokens_equal_the_unigram_row_sums(parted, seed_parted):
    for store in (parted, seed_parted):
        unigrams = np.asarray(store.term_counts(ngram_range=(1, 1)).matrix.sum(axis=1)).ravel()
        assert store.document_columns(["n_tokens"])["n_tokens"].tolist() == unigrams.tolist()


@pytest.mark.parametrize(("group", "ngram_range"), [("group", (1, 1)), ("group", (1, 3)),
                                                    ("outlet", (1, 2))])
def test_group_counts_part_by_part_equal_group_counts(parted, corpus, group, ngram_range):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        want = group_counts(corpus, group=group, ngram_range=ngram_range)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = parted.group_counts(group=group, ngram_range=ngram_range)
    assert any("not counted" in str(w.message) for w in caught) == (group == "outlet")
    assert got.groups == want.groups and list(got.terms) == list(want.terms)
    for name in ("counts", "n_docs", "tokens", "totals", "sizes", "doc_groups", "doc_tokens"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert list(got.doc_ids) == list(want.doc_ids) and got.matrix is None


@pytest.mark.parametrize("method", ["log_odds", "g2", "chi2"])
def test_keyness_from_parts_equals_keyness(parted, corpus, method):
    for group, target in (("group", None), ("outlet", "P")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            want = keyness(corpus, group=group, target=target, method=method,
                           ngram_range=(1, 2), min_count=2)
            got = keyness_from_store(parted, group=group, target=target, method=method,
                                     ngram_range=(1, 2), min_count=2)
        pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("per_document", [False, True])
def test_term_frequencies_from_parts_equal_term_frequencies(parted, corpus, per_document):
    for group in ("group", "outlet"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            want = term_frequencies(corpus, group=group, ngram_range=(1, 3), min_count=2,
                                    per_document=per_document)
            got = term_frequencies_from_store(parted, group=group, ngram_range=(1, 3),
                                              min_count=2, per_document=per_document)
        assert len(got) > 100
        pd.testing.assert_frame_equal(got, want)


def test_per_document_needs_the_matrix(parted):
    gc = parted.group_counts(ngram_range=(1, 1))
    with pytest.raises(ValueError, match="term_frequencies_from_store"):
        frequency_table(gc, group="group", per_document=True)


def test_term_columns_and_the_document_term_table(parted, corpus):
    whole = parted.term_counts(ngram_range=(1, 2))
    picked = [str(whole.terms[j]) for j in (5, 0, len(whole.terms) - 1)]
    picked += ["never-counted", picked[0]]  # an unseen term; a repeat, kept once
    got = parted.term_columns(picked, ngram_range=(1, 2))
    assert list(got.terms) == picked[:4] and list(got.doc_ids) == list(whole.doc_ids)
    want = whole.matrix[:, [5, 0, len(whole.terms) - 1]].toarray()
    assert got.matrix.toarray()[:, :3].tolist() == want.tolist()
    assert got.matrix[:, 3].nnz == 0
    terms = [picked[0], picked[2], "never-counted"]
    for group in ("group", "outlet"):
        pd.testing.assert_frame_equal(
            document_term_table_from_store(parted, terms, group=group, ngram_range=(1, 2)),
            document_term_table(corpus, terms, group=group, ngram_range=(1, 2)))


def test_the_seeds_in_parts_equal_the_seeds_in_one_part(seed_parted, seed_corpus,
                                                        tmp_path):
    one = prepare(None, store=tmp_path / "one")
    assert len(one.manifest["counts"]["parts"]) == 1
    assert len(seed_parted.manifest["counts"]["parts"]) >= 3
    pd.testing.assert_frame_equal(one.vocabulary, seed_parted.vocabulary)
    for ngram_range in ((1, 1), (1, 3)):
        a, b = one.term_counts(ngram_range=ngram_range), seed_parted.term_counts(
            ngram_range=ngram_range)
        assert list(a.terms) == list(b.terms) and (a.matrix != b.matrix).nnz == 0
    pd.testing.assert_frame_equal(keyness_from_store(seed_parted),
                                  keyness(seed_corpus, group="event"))


def test_parts_are_the_same_bytes_whatever_the_processes(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "COUNTS_PART_CELLS", CELLS)
    one = prepare(corpus, store=tmp_path / "one", n_jobs=1,
                  settings=StoreSettings(group="group"))
    two = prepare(corpus, store=tmp_path / "two", n_jobs=2, batch_chars=2_000,
                  settings=StoreSettings(group="group"))
    assert len(one.manifest["counts"]["parts"]) >= 4

    def files(path):
        return {p.relative_to(path).as_posix(): p.read_bytes()
                for p in sorted(path.rglob("*")) if p.is_file()}

    assert files(one.path) == files(two.path)


def test_a_format_2_store_is_refused_then_rebuilt(seed_parted, tmp_path):
    old = shutil.copytree(seed_parted.path, tmp_path / "old")
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["versions"]["format"] = 2
    manifest["counts"] = {"file": "counts.npz", **{k: v for k, v in manifest["counts"].items()
                                                   if k not in ("folder", "parts")}}
    (old / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(old / "counts")
    with pytest.raises(StoreError, match=r"format version 2 \(this package writes 3\).*"
                                         "Prepare it again"):
        open_store(old)
    # read without the version check, the counts name the fix instead of a missing file
    unchecked = store_mod.Store(old, manifest)
    with pytest.raises(StoreError, match="not in parts .a store of format 2; this package "
                                         "writes 3.. Prepare it again"):
        unchecked.term_counts()
    lines = []
    rebuilt = ensure_store(None, store=old, log=lines.append)
    assert lines[0].startswith("store rebuilt: format version 2 (this package writes 3)")
    assert rebuilt.manifest["counts"]["parts"] and (old / "counts" / "part-00000.npz").is_file()


def test_columns_of_one_string_are_summed_by_hand():
    # a string counted as a phrase (n 1) and as a run of words (n 2) is one column of a range
    matrix = sparse.csr_matrix(np.array([[1, 2, 0, 5], [0, 3, 4, 0]], dtype=np.int32))
    colmap = np.array([0, 0, -1, 1])  # columns 0 and 1 are one string; 2 is out of range
    got = store_mod._mapped_columns(matrix, colmap, 2)
    assert got.toarray().tolist() == [[3, 5], [3, 0]]
    assert got.dtype == matrix.dtype and got.has_canonical_format


def test_top_terms_per_group_are_the_head_of_the_whole_table(tmp_path):
    from analysis.corpus.synthetic import synthetic_corpus
    from analysis.measures.terms import term_frequencies_from_store
    from analysis.store import StoreSettings, prepare

    corpus = synthetic_corpus(24, n_groups=3, words_per_doc=150, vary=0.3, random_state=4)
    store = prepare(corpus, store=tmp_path / "s", settings=StoreSettings(group="group"))
    whole = term_frequencies_from_store(store, ngram_range=(1, 2), min_count=1)
    for top in (1, 7, 40):
        want = whole.groupby("group", sort=True).head(top).reset_index(drop=True)
        got = term_frequencies_from_store(store, ngram_range=(1, 2), min_count=1, top=top)
        pd.testing.assert_frame_equal(got, want)
    # ties at the cut: several terms share the count of the last row kept
    last = whole.groupby("group").nth(6)
    assert (whole.merge(last[["group", "count"]], on=["group", "count"]).groupby("group")
            .size() > 1).any()
