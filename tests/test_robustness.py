"""A document with no sentences flows through every analysis without breaking it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import config, document_sentiment, keyness, load_corpus, sentence_sentiment, sentences
from analysis.errors import CorpusWarning


@pytest.fixture(scope="module")
def with_empty_doc(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nosent")
    for path in sorted(Path(config.SEEDS_DIR).glob("*.txt")):
        shutil.copy(path, folder)
    (folder / "005_dashes.txt").write_text("--- *** ---\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"005_dashes\.txt: cleaning removed every line"):
        return load_corpus(folder, events=Path(config.SEEDS_DIR) / "events.toml")


def test_document_with_no_sentences_is_kept_and_counted_as_empty(with_empty_doc):
    row = with_empty_doc.set_index("doc_id").loc["005_dashes"]
    assert row["n_words"] == 0 and row["text"] == ""
    sents = sentences(with_empty_doc)
    assert "005_dashes" not in set(sents["doc_id"])
    # the other five documents are unaffected: same sentence counts as on the seeds alone
    seeds = sentences(load_corpus(manifest=False))
    assert sents.groupby("doc_id").size().to_dict() == seeds.groupby("doc_id").size().to_dict()


def test_downstream_analyses_ignore_the_empty_document(with_empty_doc):
    scored = sentence_sentiment(with_empty_doc)
    docs = document_sentiment(scored)
    assert "005_dashes" not in set(docs["doc_id"])
    table = keyness(with_empty_doc[with_empty_doc["event"].notna()])
    assert table["n_docs_group_target"].iloc[0] + table["n_docs_group_reference"].iloc[0] == 5
