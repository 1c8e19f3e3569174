"""prepare on a Dask cluster (issue 14): the same store as one process, whatever happens.

One ``LocalCluster`` of 2 worker processes (one thread each) serves every test. The reference
is the store prepared in one process from the same files; every table, the counts and the
vocabulary of the cluster's store must equal it, frame for frame and cell for cell, and the
counts must equal ``document_term_matrix`` of the loaded corpus (computed without the store).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from analysis.__main__ import main
from analysis.corpus.loader import load_corpus
from analysis.corpus.synthetic import synthetic_corpus
from analysis.errors import CorpusError
from analysis.measures.terms import document_term_matrix
from analysis.store import PART_TABLES, StoreError, StoreSettings, open_store, prepare

N_DOCS, N_FILES = 2_000, 8
SETTINGS = StoreSettings(group="group")
TABLES = ("documents", "sentences", "quotes", "mentions", "vocabulary")
# one xdist worker runs the whole module (make test: -n 2 --dist loadgroup), so the cluster
# and the one-process reference are built once
pytestmark = pytest.mark.xdist_group("dask")


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def news(tmp_path_factory) -> Path:
    """2,000 short synthetic articles in 8 Parquet files (250 each): ``news/*.parquet``."""
    folder = tmp_path_factory.mktemp("news")
    corpus = synthetic_corpus(N_DOCS, words_per_doc=40)
    size = N_DOCS // N_FILES
    for k in range(N_FILES):
        corpus.iloc[k * size:(k + 1) * size].to_parquet(folder / f"part-{k}.parquet",
                                                        index=False)
    return folder


@pytest.fixture(scope="module")
def single(news, tmp_path_factory):
    """The store prepared in one process from the same files."""
    return prepare(str(news / "*.parquet"), store=tmp_path_factory.mktemp("one") / "s",
                   settings=SETTINGS)


def assert_same_store(got, want) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(got.read(table), want.read(table), obj=table)
    for ngram_range in ((1, 1), (1, 3)):
        a, b = got.term_counts(ngram_range=ngram_range), want.term_counts(ngram_range=ngram_range)
        assert list(a.terms) == list(b.terms)
        assert list(a.doc_ids) == list(b.doc_ids)
        assert (a.matrix != b.matrix).nnz == 0
    ga, gb = got.group_counts(), want.group_counts()
    for name in ("counts", "n_docs", "tokens", "sizes", "doc_tokens"):
        assert np.array_equal(getattr(ga, name), getattr(gb, name)), name
    assert list(ga.terms) == list(gb.terms)
    # counts parts are cut by the data alone: the same files whatever the partitions
    assert got.manifest["counts"] == want.manifest["counts"]
    for part in want.manifest["counts"]["parts"]:
        name = f"counts/{part['file']}"
        assert (got.path / name).read_bytes() == (want.path / name).read_bytes(), name
    assert got.manifest["corpus"] == want.manifest["corpus"]
    for table in TABLES:
        assert got.manifest["tables"][table]["rows"] == want.manifest["tables"][table]["rows"]


def test_cluster_store_equals_one_process_store(news, single, client):
    lines: list[str] = []
    store = prepare(str(news / "*.parquet"), store=news.parent / "cluster", settings=SETTINGS,
                    scheduler=client, log=lines.append)
    assert_same_store(store, single)
    # one part file per input file, on the workers
    for table in PART_TABLES:
        assert len(list((store.path / table).glob("part-*.parquet"))) == N_FILES
    assert sum(line.startswith("part ") for line in lines) == N_FILES
    # and the counts are those of the loaded corpus, computed without any store
    corpus = single.documents  # the corpus as loaded, one process
    assert len(corpus) == N_DOCS and store.manifest["corpus"]["groups"] == {"g1": 1000,
                                                                            "g2": 1000}
    want = document_term_matrix(corpus, ngram_range=(1, 2))
    got = store.term_counts(ngram_range=(1, 2))
    assert list(got.terms) == list(want.terms)
    assert (got.matrix != want.matrix).nnz == 0
    assert store.sentences.groupby("doc_id", sort=False).size().sum() == len(store.sentences)
    assert store.documents["n_sentences"].sum() == len(store.sentences)


def test_a_killed_worker_is_replaced_and_the_store_is_complete(news, single, client,
                                                               tmp_path):
    before = client.run(os.getpid)
    victim = sorted(before.values())[0]
    killed: list[int] = []

    def log(line: str) -> None:  # kill a worker once the first partition is written
        if line.startswith("part ") and not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    store = prepare(str(news / "*.parquet"), store=tmp_path / "s", settings=SETTINGS,
                    scheduler=client, log=log)
    assert killed == [victim]
    assert_same_store(store, single)
    assert not list(store.path.rglob("*.tmp-*"))  # no unfinished part of the dead worker
    client.wait_for_workers(2, timeout=60)
    assert victim not in client.run(os.getpid).values()  # the worker really died


def test_rows_of_one_table_are_cut_into_partitions_by_size(client, tmp_path):
    corpus = synthetic_corpus(300, words_per_doc=40)
    one = prepare(corpus, store=tmp_path / "one", settings=SETTINGS)
    many = prepare(corpus, store=tmp_path / "many", settings=SETTINGS, scheduler=client,
                   partition_chars=20_000)
    chars = int(corpus["text"].str.len().sum())
    parts = len(list((many.path / "sentences").glob("part-*.parquet")))
    assert chars // 20_000 <= parts <= chars // 20_000 + 1
    assert_same_store(many, one)


def test_command_line_scheduler(client, tmp_path, capsys):
    table = tmp_path / "corpus.parquet"
    synthetic_corpus(120, words_per_doc=40).to_parquet(table, index=False)
    one = prepare(table, store=tmp_path / "one", settings=SETTINGS)
    code = main(["prepare", "--source", str(table), "--group", "group", "--store",
                 str(tmp_path / "cli"), "--scheduler", client.scheduler.address])
    assert code == 0, capsys.readouterr().err
    assert_same_store(open_store(tmp_path / "cli"), one)


def test_a_bad_file_among_many_gives_the_loaders_error(news, client, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for k, path in enumerate(sorted(news.glob("*.parquet"))[:5]):
        (folder / path.name).write_bytes(path.read_bytes())
        if k == 3:
            (folder / "part-3b.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(CorpusError) as single_error:
        load_corpus(str(folder / "*.parquet"), group="group")
    with pytest.raises(CorpusError) as cluster_error:
        prepare(str(folder / "*.parquet"), store=tmp_path / "s", settings=SETTINGS,
                scheduler=client)
    assert str(cluster_error.value) == str(single_error.value)
    assert str(cluster_error.value).startswith(str(folder / "part-3b.parquet") + ": cannot read")
    assert not (tmp_path / "s").exists()


def test_ids_repeated_across_files_are_refused_naming_both(news, client, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    first = sorted(news.glob("*.parquet"))[0]
    for name in ("a.parquet", "b.parquet"):
        (folder / name).write_bytes(first.read_bytes())
    with pytest.raises(CorpusError, match=r"is in both .*a\.parquet and .*b\.parquet"):
        prepare(str(folder / "*.parquet"), store=tmp_path / "s", settings=SETTINGS,
                scheduler=client)


def test_an_interrupted_prepare_leaves_no_store(news, single, client, tmp_path):
    class Interrupted(Exception):
        pass

    def log(line: str) -> None:
        if line.startswith("part "):
            raise Interrupted

    target = tmp_path / "s"
    with pytest.raises(Interrupted):
        prepare(str(news / "*.parquet"), store=target, settings=SETTINGS, scheduler=client,
                log=log)
    assert not target.exists()
    with pytest.raises(StoreError, match="not a prepared store"):
        open_store(target)


def test_dedupe_and_both_cluster_options_are_refused(client, tmp_path):
    corpus = synthetic_corpus(4, words_per_doc=40)
    with pytest.raises(StoreError, match="dedupe"):
        prepare(corpus, store=tmp_path / "s", settings=StoreSettings(group="group", dedupe=True),
                scheduler=client)
    with pytest.raises(ValueError, match="not both"):
        prepare(corpus, store=tmp_path / "s", settings=SETTINGS, scheduler=client, workers=2)
    assert np.all([not p.name.startswith(".s.tmp") for p in tmp_path.iterdir()])
