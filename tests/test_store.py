"""The prepared store: same tables as the stage functions, reuse and rebuild, atomic and
byte-identical writes, the command line.

Expected values come from the public stage functions run on the corpus itself (sentences,
quotes, mentions, document_term_matrix, keyness, term_frequencies: each tested against hand
counts and reference libraries in its own test file), from hand counts, or from the files'
bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import write_outlet_corpus

from analysis import config
from analysis import store as store_mod
from analysis.__main__ import main
from analysis.corpus.loader import load_corpus
from analysis.measures.keyness import keyness, keyness_from_store
from analysis.measures.sentiment import (
    actor_sentiment,
    group_sentiment,
    position_sentiment,
    sentence_sentiment,
    voice_sentiment,
)
from analysis.measures.terms import (
    document_term_matrix,
    term_frequencies,
    term_frequencies_from_store,
)
from analysis.store import (
    Store,
    StoreError,
    StoreSettings,
    ensure_store,
    is_current,
    open_store,
    prepare,
    store_mismatches,
)
from analysis.text.actors import mentions as actor_mentions
from analysis.text.quotes import quotes
from analysis.text.segment import sentences
from analysis.text.vocab import tokenize


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file of a store (part files of the table folders too), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_seeds(dest: Path) -> Path:
    shutil.copytree(config.SEEDS_DIR, dest)
    return dest


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> Store:
    return prepare(None, store=tmp_path_factory.mktemp("seeds") / "store")


# --------------------------------------------------------------------------- contents


def test_tables_equal_the_stage_functions_on_the_seeds(seed_store, seed_corpus):
    pd.testing.assert_frame_equal(seed_store.documents[list(seed_corpus.columns)], seed_corpus)
    pd.testing.assert_frame_equal(seed_store.sentences, sentence_sentiment(seed_corpus))
    pd.testing.assert_frame_equal(seed_store.quotes, quotes(seed_corpus))
    assert seed_store.manifest["tables"]["sentences"]["rows"] == len(seed_store.sentences)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3), (3, 3)])
def test_counts_equal_document_term_matrix(seed_store, seed_corpus, ngram_range):
    got = seed_store.term_counts(ngram_range=ngram_range)
    want = document_term_matrix(seed_corpus, ngram_range=ngram_range)
    assert list(got.terms) == list(want.terms)
    assert got.matrix.dtype == want.matrix.dtype
    assert (got.matrix != want.matrix).nnz == 0
    assert list(got.doc_ids) == list(want.doc_ids)


def test_counts_outside_the_stored_range_are_refused(seed_store):
    with pytest.raises(StoreError, match="--ngrams 4"):
        seed_store.term_counts(ngram_range=(1, 4))


@pytest.mark.parametrize("method", ["log_odds", "g2", "chi2"])
def test_keyness_from_store_equals_keyness(seed_store, seed_corpus, method):
    got = keyness_from_store(seed_store, method=method)
    want = keyness(seed_corpus, method=method)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs


def test_term_frequencies_from_store_equal_term_frequencies(seed_store, seed_corpus):
    for kwargs in ({}, {"ngram_range": (1, 1), "min_count": 1},
                   {"per_document": True, "ngram_range": (1, 2)}):
        got = term_frequencies_from_store(seed_store, **kwargs)
        want = term_frequencies(seed_corpus, **{"ngram_range": (1, 3), "min_count": 2, **kwargs})
        pd.testing.assert_frame_equal(got, want)


def test_sentiment_measures_run_on_the_stored_sentences(seed_store, seed_corpus):
    scored = sentence_sentiment(seed_corpus)
    stored = seed_store.sentences
    a = group_sentiment(stored, n_boot=200)
    b = group_sentiment(scored, n_boot=200)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.differences, b.differences)
    pd.testing.assert_frame_equal(actor_sentiment(stored, top=4, n_boot=100),
                                  actor_sentiment(scored, top=4, n_boot=100))
    pd.testing.assert_frame_equal(voice_sentiment(stored, n_boot=100).voices,
                                  voice_sentiment(scored, n_boot=100).voices)
    pd.testing.assert_frame_equal(position_sentiment(stored, n_boot=100),
                                  position_sentiment(scored, n_boot=100))


def test_mentions_count_as_actors_mentions_and_sit_in_their_sentence(seed_store, seed_corpus):
    stored = seed_store.mentions
    counts = stored.groupby(["doc_id", "actor"]).size()
    ref = actor_mentions(seed_corpus)
    ref = ref[(ref["level"] == "document") & (ref["mentions"] > 0)]
    want = ref.set_index(["doc_id", "actor"])["mentions"]
    assert counts.sort_index().to_dict() == want.sort_index().to_dict()
    sents = seed_store.sentences.set_index(["doc_id", "sentence"])
    spans = sents.loc[list(zip(stored["doc_id"], stored["sentence"], strict=True)),
                      ["start", "end"]].to_numpy()
    assert (spans[:, 0] <= stored["start"].to_numpy()).all()
    assert (stored["start"].to_numpy() < spans[:, 1]).all()
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    # hand check: the text under a mention of Xi names him
    xi = stored[stored["actor"] == "Xi Jinping"].iloc[0]
    assert "Xi" in texts[xi["doc_id"]][xi["start"]:xi["end"]]


def test_per_document_counts(seed_store, seed_corpus):
    docs = seed_store.documents
    n_sent = sentences(seed_corpus).groupby("doc_id").size()
    n_quote = quotes(seed_corpus).groupby("doc_id").size()
    assert docs["n_sentences"].tolist() == [int(n_sent[d]) for d in docs["doc_id"]]
    assert docs["n_quotes"].tolist() == [int(n_quote.get(d, 0)) for d in docs["doc_id"]]
    assert docs["n_tokens"].tolist() == [len(tokenize(t)) for t in seed_corpus["text"]]
    assert docs["n_mentions"].sum() == len(seed_store.mentions)


def test_a_deduplicated_store_equals_the_dedupe_option(tmp_path, seed_corpus):
    store = prepare(None, store=tmp_path / "s", settings=StoreSettings(dedupe=True))
    assert store.documents["n_shared_dropped"].sum() > 0  # 003 and 004 share AP copy
    pd.testing.assert_frame_equal(store.sentences, sentence_sentiment(seed_corpus, dedupe=True))
    pd.testing.assert_frame_equal(keyness_from_store(store), keyness(seed_corpus, dedupe=True))
    pd.testing.assert_frame_equal(
        term_frequencies_from_store(store),
        term_frequencies(seed_corpus, ngram_range=(1, 3), min_count=2, dedupe=True))


def test_dedupe_grouped_by_a_column_other_than_event(tmp_path):
    # sentence_sentiment(dedupe=True) used to deduplicate with the default group "event"
    corpus = load_corpus(write_outlet_corpus(tmp_path / "outlets.csv"), group="outlet")
    corpus = corpus.drop(columns=["event", "event_label", "event_source"])
    store = prepare(corpus, store=tmp_path / "s",
                    settings=StoreSettings(group="outlet", dedupe=True))
    pd.testing.assert_frame_equal(
        store.sentences, sentence_sentiment(corpus, group="outlet", dedupe=True))


def test_a_dataframe_grouped_by_another_column(tmp_path):
    corpus = load_corpus(write_outlet_corpus(tmp_path / "outlets.csv"), group="outlet")
    store = prepare(corpus, store=tmp_path / "s", settings=StoreSettings(group="outlet"))
    assert store.group == "outlet"
    assert store.manifest["corpus"]["groups"] == {"Daily Ledger": 3, "Harbor Times": 3,
                                                  "Northern Post": 3}
    pd.testing.assert_frame_equal(store.sentences, sentence_sentiment(corpus, group="outlet"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.testing.assert_frame_equal(keyness_from_store(store, min_count=1),
                                      keyness(corpus, group="outlet", min_count=1))
        # counts are per document: any documents column groups them without a new store
        pd.testing.assert_frame_equal(keyness_from_store(store, group="date", min_count=1),
                                      keyness(corpus, group="date", min_count=1))


def test_missing_groups_empty_documents_and_mixed_columns(tmp_path):
    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "g": ["x", None, "y", "y"],
        "text": ["Putin met Xi. “Good,” he said.", "No group here.", "", "Sanctions bite."],
        "extra": [1, "two", 3.0, None],
    })
    with pytest.warns(Warning, match="'extra' mixes value types"):
        store = prepare(corpus, store=tmp_path / "s", settings=StoreSettings(group="g"))
    docs = store.documents
    assert docs["extra"].tolist()[:3] == ["1", "two", "3.0"] and pd.isna(docs["extra"].iloc[3])
    assert docs["n_sentences"].tolist() == [2, 1, 0, 1]
    assert store.sentences["g"].isna().tolist() == [False, False, True, False]
    assert store.manifest["corpus"]["without_group"] == 1
    with pytest.warns(Warning, match="not counted: b"):
        gc = store.group_counts(ngram_range=(1, 1))
    assert gc.groups == ["x", "y"] and "group" not in gc.terms


def test_reserved_group_names_and_bad_settings():
    with pytest.raises(StoreError, match="group = 'sentence'"):
        StoreSettings(group="sentence")
    with pytest.raises(StoreError, match="no such file"):
        StoreSettings(actors="/no/such/actors.csv")
    with pytest.raises(StoreError, match="clean"):
        StoreSettings(clean="html")


# --------------------------------------------------------------------------- bytes


def test_same_input_gives_byte_identical_files(tmp_path):
    a = prepare(None, store=tmp_path / "a")
    time.sleep(1.1)  # a time stamp in any file would now differ
    b = prepare(None, store=tmp_path / "b", batch_chars=3_000)
    assert b.manifest["tables"] == a.manifest["tables"]
    assert files_of(a.path) == files_of(b.path)
    assert sorted(files_of(a.path)) == [  # format 3: one part file per table, counts in parts
        "counts/part-00000.npz", "documents/part-00000.parquet", "manifest.json",
        "mentions/part-00000.parquet", "quotes/part-00000.parquet",
        "sentences/part-00000.parquet", "vocabulary.parquet"]
    meta = pq.read_metadata(a.path / "sentences" / "part-00000.parquet")
    assert set(meta.metadata) == {b"ARROW:schema", b"pandas"}
    assert meta.created_by.startswith("parquet-cpp-arrow version")
    manifest = (a.path / "manifest.json").read_text()
    assert str(time.gmtime().tm_year) not in manifest.replace(
        json.loads(manifest)["source"]["path"], "")


def test_worker_processes_write_the_same_bytes(tmp_path):
    one = prepare(None, store=tmp_path / "one", n_jobs=1)
    two = prepare(None, store=tmp_path / "two", n_jobs=2, batch_chars=6_000)
    assert files_of(one.path) == files_of(two.path)


def test_row_groups_have_a_fixed_size(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "ROW_GROUP_ROWS", 50)
    s = prepare(None, store=tmp_path / "s", batch_chars=4_000)
    meta = pq.read_metadata(s.path / "sentences" / "part-00000.parquet")
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes == [50, 50, 50, 30]  # 180 sentences


# --------------------------------------------------------------------------- reuse


def test_second_call_reuses_and_changes_rebuild(tmp_path, monkeypatch):
    source = copy_seeds(tmp_path / "corpus")
    folder = tmp_path / "store"
    lines: list[str] = []

    def stamp() -> tuple[int, int]:
        return folder.stat().st_ino, (folder / "manifest.json").stat().st_mtime_ns

    ensure_store(source, store=folder, log=lines.append)
    first = stamp()
    ensure_store(source, store=folder, log=lines.append)
    assert stamp() == first and lines[-1] == "store is current: reused"
    assert is_current(folder, source)

    # a changed text
    doc = next(source.glob("000_*.txt"))
    doc.write_text(doc.read_text(encoding="utf-8").replace("Putin", "Putin Putin", 1),
                   encoding="utf-8")
    assert not is_current(folder, source)
    assert store_mismatches(folder, source) == [
        "the source files differ from those it was prepared from"]
    lines.clear()
    ensure_store(source, store=folder, log=lines.append)
    second = stamp()
    assert second != first and lines[0].startswith("store rebuilt: the source files differ")

    # a changed setting
    settings = StoreSettings(ngrams=2)
    assert store_mismatches(folder, source, settings) == ["setting ngrams = 3 (wanted: 2)"]
    s = ensure_store(source, store=folder, settings=settings)
    third = stamp()
    assert third != second and s.manifest["counts"]["ngram_range"] == [1, 2]

    # a changed version
    real = store_mod.versions()
    monkeypatch.setattr(store_mod, "versions", lambda: {**real, "package": "9.9"})
    assert store_mismatches(folder, source, settings) == [
        f"package version {real['package']} (installed: 9.9)"]
    with pytest.raises(StoreError, match=r"package version .* \(installed: 9.9\).*"
                                         r"python -m analysis prepare --source "):
        open_store(folder)
    ensure_store(source, store=folder, settings=settings)
    assert stamp() != third
    assert open_store(folder).manifest["versions"]["package"] == "9.9"


def test_a_dataframe_is_checked_by_its_corpus_fingerprint(tmp_path, seed_corpus):
    folder = tmp_path / "s"
    ensure_store(seed_corpus, store=folder)
    assert is_current(folder, seed_corpus)
    assert is_current(folder, seed_corpus.copy())
    changed = seed_corpus.assign(date=seed_corpus["date"].fillna(pd.Timestamp("2000-01-01")))
    assert store_mismatches(folder, changed) == [
        "the corpus differs from the one it was prepared from (ids, groups, texts or other "
        "columns)"]
    regrouped = seed_corpus.assign(event=seed_corpus["event"].iloc[::-1].to_numpy())
    assert not is_current(folder, regrouped)


def test_code_edits_and_format_versions_are_mismatches(tmp_path, seed_store, monkeypatch):
    monkeypatch.setattr(store_mod, "_code_hash", lambda: "0" * 64)
    assert store_mismatches(seed_store.path, check_source=False) == [
        "the package's code or resource files changed since it was prepared"]
    monkeypatch.undo()
    copy = shutil.copytree(seed_store.path, tmp_path / "copy")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["versions"]["format"] = 0
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="format version 0 .this package writes 3."):
        open_store(copy)


def test_open_store_names_the_fix(tmp_path):
    with pytest.raises(StoreError, match=r"not a prepared store \(no manifest.json\). Prepare "
                                         r"it first: python -m analysis prepare"):
        open_store(tmp_path)


def test_open_store_checks_settings_when_given(seed_store):
    assert open_store(seed_store.path, settings=StoreSettings()).group == "event"
    with pytest.raises(StoreError, match=r"setting group = 'event' \(wanted: 'source'\)"):
        open_store(seed_store.path, settings=StoreSettings(group="source"))


# --------------------------------------------------------------------------- atomic writes


def test_a_failed_prepare_leaves_the_old_store(tmp_path, monkeypatch):
    folder = tmp_path / "s"
    prepare(None, store=folder)
    before = files_of(folder)

    def boom(self, n_docs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store_mod._CountParts, "finish", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        prepare(None, store=folder, settings=StoreSettings(ngrams=1))
    assert files_of(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.lock", "s"]


def test_a_killed_prepare_leaves_no_store_a_reader_would_take(tmp_path):
    folder = tmp_path / "s"
    code = textwrap.dedent(f"""
        import os
        from analysis import store
        def die(self, n_docs):
            os._exit(9)
        store._CountParts.finish = die
        store.prepare(None, store={str(folder)!r})
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(config.REPO_ROOT)})
    assert proc.returncode == 9
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.tmp-")]
    assert len(leftovers) == 1 and not folder.exists()
    with pytest.raises(StoreError, match="not a prepared store"):
        open_store(folder)
    prepare(None, store=folder)
    assert not any(p.name.startswith(".s.tmp-") for p in tmp_path.iterdir())
    assert open_store(folder).manifest["tables"]["documents"]["rows"] == 5


def test_refuses_to_replace_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not a store .no manifest.json.; refusing"):
        prepare(None, store=tmp_path / "notes")
    assert (tmp_path / "notes" / "keep.txt").read_text() == "mine"
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file, not a store folder"):
        prepare(None, store=tmp_path / "file")


# --------------------------------------------------------------------------- command line


def test_cli_prepare_then_reuse(tmp_path, capsys):
    source = copy_seeds(tmp_path / "corpus")
    folder = tmp_path / "store"
    assert main(["prepare", "--source", str(source), "--store", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"{folder}: 5 documents, 180 sentences, 63 quotations")
    assert "loaded 5 documents" in err
    assert main(["prepare", "--source", str(source), "--store", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "store is current: reused" in err
    # "auto" recorded as the files it found beside the texts, as a report resolves it
    found = StoreSettings(manifest=str(source / "manifest.csv"), events=str(source / "events.toml"))
    assert open_store(folder, source=source, settings=found).group == "event"


@pytest.mark.parametrize(("argv", "message"), [
    (["--source", "/no/such/folder"], "/no/such/folder: no such file or folder"),
    (["--group", "outlet"], "group column 'outlet' not found"),
    (["--ngrams", "9"], "ngrams = 9 is not valid"),
    (["--actors", "/no/actors.csv"], "actors = '/no/actors.csv': no such file"),
])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message):
    folder = tmp_path / "store"
    assert main(["prepare", "--store", str(folder), *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err
    assert err.startswith("error: ")
    assert not folder.exists()


def test_cli_refuses_a_folder_that_is_not_a_store(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("mine")
    assert main(["prepare", "--store", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is not a store" in err and "Pass --store a new or empty folder" in err


def test_python_dash_m_prepare(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "analysis", "prepare", "--store",
                           str(tmp_path / "s"), "--ngrams", "1"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(config.REPO_ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert np.array_equal(
        open_store(tmp_path / "s").vocabulary["n"].unique(), np.array([1]))


def test_a_pattern_source_is_reused_until_one_of_its_files_changes(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for k, text in enumerate(["Putin met Xi. Talks went well.", "Xi left Moscow."]):
        pd.DataFrame({"doc_id": [f"d{k}"], "event": ["e"], "text": [text]}).to_parquet(
            folder / f"p{k}.parquet")
    pattern = str(folder / "*.parquet")
    lines: list[str] = []
    first = ensure_store(pattern, store=tmp_path / "s", log=lines.append)
    assert first.documents["doc_id"].tolist() == ["d0", "d1"]
    assert first.documents["n_sentences"].tolist() == [2, 1]
    assert first.manifest["source"]["kind"] == "pattern"
    ensure_store(pattern, store=tmp_path / "s", log=lines.append)
    assert lines[-1] == "store is current: reused"
    pd.DataFrame({"doc_id": ["d1"], "event": ["e"], "text": ["Xi left. He flew."]}).to_parquet(
        folder / "p1.parquet")
    again = ensure_store(pattern, store=tmp_path / "s", log=lines.append)
    assert any("source files differ" in line for line in lines)
    assert again.documents["n_sentences"].tolist() == [2, 2]
