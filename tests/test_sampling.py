"""The document sample of a store that the text-level sections read (analysis.sampling)."""

import pandas as pd
import pytest

from analysis.corpus.synthetic import synthetic_corpus
from analysis.sampling import DocumentSample, document_table, sample_note, sample_stages
from analysis.stages import sample_documents
from analysis.store import StoreError, StoreSettings, prepare


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    corpus = synthetic_corpus(40, n_groups=3, words_per_doc=120, random_state=2)
    return prepare(corpus, store=tmp_path_factory.mktemp("s") / "store",
                   settings=StoreSettings(group="group"))


def test_sample_tables_are_the_store_tables_of_the_sampled_documents(store):
    view = sample_stages(store, max_documents=12, random_state=5)
    assert isinstance(view, DocumentSample)
    docs = store.documents
    keep = sample_documents(docs[["doc_id", "group"]], group="group", max_documents=12,
                            random_state=5)
    ids = set(docs.loc[keep, "doc_id"])
    assert set(view.doc_ids) == ids and len(ids) == 12
    # 40 documents in groups of 14, 13, 13: shares 4.2, 3.9, 3.9 -> 4, 4, 4
    assert view.documents["group"].value_counts().sort_index().tolist() == [4, 4, 4]
    for table in ("documents", "sentences", "quotes", "mentions"):
        whole = getattr(store, table)
        want = whole.loc[whole["doc_id"].isin(ids)].reset_index(drop=True)
        pd.testing.assert_frame_equal(getattr(view, table).reset_index(drop=True), want,
                                      check_dtype=False)
    got = view.document_columns(["doc_id", "n_tokens"])
    assert list(got.columns) == ["doc_id", "n_tokens"] and len(got) == 12


def test_whole_store_below_the_cap_and_the_note(store):
    assert sample_stages(store, max_documents=40) is store
    assert sample_note(store) == ""
    view = sample_stages(store, max_documents=10, random_state=3)
    assert sample_note(view, noun="articles") == (
        "Sampled: these tables read 10 of 40 articles (a reproducible sample stratified by "
        "group, seed 3).")


def test_document_table_has_every_column_but_the_texts(store):
    table = document_table(store)
    want = store.documents.drop(columns=["text", "raw_text"], errors="ignore")
    pd.testing.assert_frame_equal(table, want)


def test_a_missing_column_is_named(store):
    view = sample_stages(store, max_documents=5)
    with pytest.raises(StoreError, match="no_such"):
        view.document_columns(["doc_id", "no_such"])


def test_iter_parts_of_a_sample_are_its_rows(store):
    view = sample_stages(store, max_documents=9, random_state=1)
    got = pd.concat(list(view.iter_parts("sentences", columns=["doc_id", "compound"])),
                    ignore_index=True)
    whole = store.sentences
    want = whole.loc[whole["doc_id"].isin(set(view.doc_ids)), ["doc_id", "compound"]]
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)
