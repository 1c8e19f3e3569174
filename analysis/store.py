"""A prepared store: the per-document stages of a corpus, computed once and kept on disk.

:func:`prepare` loads a corpus once, splits it into sentences, finds quotations and actor
mentions, scores every sentence with VADER and counts terms, and writes the results to a
folder that every later measure reads instead of the text:

=====================  =================================================================
``documents/``         the loaded corpus (one row per document, every column of
                       :func:`analysis.load_corpus`, clean and raw text) plus per-document
                       counts ``n_sentences``, ``n_quotes``, ``n_mentions``, ``n_tokens``
``sentences/``         one row per sentence: the frame of
                       :func:`analysis.measures.sentiment.sentence_sentiment` (``doc_id``, group,
                       ``paragraph``, ``sentence``, ``position``, ``text``, ``start``,
                       ``end``, ``quoted_share``, ``actors``, ``voice``, ``speaker``,
                       ``compound``, ``pos``, ``neu``, ``neg``)
``quotes/``            one row per quotation: the frame of :func:`analysis.text.quotes.quotes`
``mentions/``          one row per actor mention: ``doc_id``, group, ``sentence``,
                       ``start``, ``end``, ``actor`` (as :func:`analysis.text.actors.mentions`
                       counts them)
``counts/``            document x term counts for every n-gram length from 1 to
                       ``ngrams``, in parts (``part-00000.npz`` ...: ``scipy.sparse`` CSR,
                       int32; rows the part's documents in corpus order, columns the rows
                       of ``vocabulary.parquet``); a part closes at the document that
                       brings it to :data:`COUNTS_PART_CELLS` non-zero cells
``vocabulary.parquet`` one row per column of the counts: ``term``, ``n`` (its length in
                       terms), ``count`` and ``n_docs`` over the corpus
``manifest.json``      what the store was made from: format version, package and library
                       versions, a hash of the package's code and resources, the settings,
                       the source's and the corpus's fingerprints, the loader's warnings
                       (files skipped ...) and the size of each table
=====================  =================================================================

The four per-document tables are folders of Parquet part files (``part-00000.parquet`` ...),
one per partition of whole documents, in corpus order: one part when prepared in one process,
one per partition on a Dask cluster (``prepare(..., workers=N)`` or ``scheduler=ADDRESS``:
each worker loads, processes and writes its partitions; only term counts and per-partition
summaries come back to the client). :meth:`Store.read` reads the parts in order, so both give
the same tables. The counts parts are cut by the data alone (never by batches, processes or
partitions) and listed in the manifest's ``counts`` entry (file, documents, non-zero cells);
:meth:`Store.iter_counts` reads them one at a time, and :meth:`Store.group_counts`,
:meth:`Store.term_columns` and the ``*_from_store`` measures sum or select part by part, so
the whole matrix is never held (:meth:`Store.term_counts` puts it together, for small
stores).

:func:`open_store` returns a :class:`Store` whose tables load on first use; :func:`ensure_store`
reuses a store whose manifest matches the source, the settings and the versions and prepares
a new one otherwise (never silently a stale one); ``python -m analysis prepare`` does the same
from the command line.

Design choices
--------------
- **Whole documents per batch.** Every stage needs only its own document (the sentence
  tokenizer is trained once on the corpus, :func:`analysis.text.segment.corpus_tokenizer`), so the
  corpus is processed in batches of whole documents, in worker processes when it is large.
  Per-sentence rows are written as they come (``pyarrow`` row groups of a fixed size), so
  memory holds the per-document table plus a batch or two, never every sentence; term
  counts likewise go to disk one counts part at a time (the client keeps the vocabulary).
- **Same bytes for the same input.** Rows are in corpus order, row groups have a fixed size
  whatever the batch size or number of workers, Parquet and ``.npz`` files carry no time,
  and the manifest holds no date: preparing twice gives byte-identical files.
- **Nothing half-written.** The store is built in a temporary sibling folder and renamed into
  place when complete, under a lock file, so a reader sees the old store, the new one or
  none, and an interrupted run leaves only a hidden temporary folder (removed by the next
  run).
- **Fingerprints.** The corpus fingerprint hashes every document's id, group and text and
  the other columns; the source fingerprint hashes the input files (texts, manifest, events
  file), so checking a store against a folder does not need to load the corpus.
- **On a cluster, the same store.** Partitions are fixed by the data (the files of a
  pattern source, or document ranges of ``partition_chars`` characters), never by the number
  of workers; the tokenizer is trained on the client from the same texts
  :func:`analysis.text.segment.corpus_tokenizer` reads (the first characters in ``doc_id`` order,
  found by a scan of the files); nothing random is drawn. A worker writes a partition's part
  files under temporary names and renames them when complete, so a partition retried after
  a worker died replaces them whole. Term counts come back per partition and are written
  by the client, in partition order, to counts parts with provisional term ids (first seen,
  first numbered); the client keeps only the vocabulary lookup and each term's totals. At
  the end the vocabulary is sorted and each part is rewritten with the sorted ids, one part
  at a time, so the merge order changes no byte. Of a pattern source the corpus fingerprint is the sha256 of the per-file
  fingerprints, in both paths.

Examples
--------
>>> import tempfile
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
...     "text": ["“We are ready,” Putin said. Talks went well.", "Xi left Moscow."]})
>>> store = prepare(corpus, store=tempfile.mkdtemp() + "/store")
>>> store.sentences[["doc_id", "sentence", "voice", "speaker", "compound"]]
  doc_id  sentence     voice         speaker  compound
0      a         0    quoted  Vladimir Putin    0.3612
1      a         1  reporter            <NA>    0.2732
2      b         0  reporter            <NA>    0.0000
>>> store.mentions[["doc_id", "sentence", "actor"]].values.tolist()
[['a', 0, 'Vladimir Putin'], ['b', 0, 'Xi Jinping'], ['b', 0, 'Russia']]
>>> is_current(store.path, corpus)
True
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import hashlib
import importlib.metadata
import inspect
import json
import os
import shutil
import sys
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy import sparse

from analysis import config
from analysis.errors import CorpusError, CorpusWarning
from analysis.measures.terms import DocumentTermMatrix, GroupCounts, group_counts_from_parts
from analysis.stages import SUMMARY_COLUMNS

__all__ = [
    "FORMAT_VERSION",
    "Store",
    "StoreError",
    "StoreSettings",
    "corpus_fingerprint",
    "ensure_store",
    "is_current",
    "open_store",
    "prepare",
    "source_fingerprint",
    "store_mismatches",
    "versions",
]

#: Version of the folder layout; a store of another format version is rebuilt.
FORMAT_VERSION: int = 3
FORMAT_NAME = "coverage-analysis-store"
MANIFEST_FILE = "manifest.json"
#: The folder of the document x term counts, one ``.npz`` file per part of documents.
COUNTS_FOLDER = "counts"
COUNTS_PART_NAME = "part-{:05d}.npz"
#: A counts part is closed after the document at which it reaches this many non-zero
#: (document, term) cells, so the parts depend on the corpus only (not on the batches, the
#: number of processes or workers) and a reader holds one part of about this size at a time.
COUNTS_PART_CELLS: int = 4_000_000
TABLES: tuple[str, ...] = ("documents", "sentences", "quotes", "mentions", "vocabulary")
#: Tables written as a folder of part files, one per partition of whole documents.
PART_TABLES: tuple[str, ...] = ("documents", "sentences", "quotes", "mentions")
PART_NAME = "part-{:05d}.parquet"
#: On a cluster, a source that is not a pattern of files is cut into partitions of whole
#: documents of about this many characters of text (a pattern: one partition per file).
PARTITION_CHARS: int = 20_000_000
#: Rows per Parquet row group of the per-sentence tables (fixed, so the bytes do not depend
#: on the batch size or the number of workers).
ROW_GROUP_ROWS: int = 65_536
#: Documents per row group of the documents table.
DOCUMENT_ROW_GROUP: int = 10_000
#: :meth:`Store.iter_parts` reads a part file of more rows than this in pieces of about this
#: many rows, cut between documents (about 100 MB of sentences with their text).
PIECE_ROWS: int = 250_000
#: A batch holds whole documents up to about this many characters of text.
BATCH_CHARS: int = 1_000_000
#: Below this many characters of text ``n_jobs=None`` stays in one process (starting a
#: worker imports the package: about a second).
PARALLEL_MIN_CHARS: int = 4_000_000
#: Columns of the per-sentence tables, which a group column must not be called.
_RESERVED = frozenset({
    "doc_id", "paragraph", "sentence", "position", "text", "start", "end", "quoted_share",
    "actors", "voice", "speaker", "compound", "pos", "neu", "neg", "quote", "closed",
    "speaker_text", "rule", "n_chars", "actor", *SUMMARY_COLUMNS,
})
#: Libraries whose version changes what the store holds.
_LIBRARIES = ("numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "nltk", "vaderSentiment")
_PACKAGE = "coverage-analysis"
_CHOICES = {"clean": ("news", "none"), "manifest": ("auto", "none"), "events": ("auto", "none"),
            "actors": ("bundled",)}
_FIX = "python -m analysis prepare --source {source} --store {store}"


class StoreError(CorpusError):
    """A store that cannot be used: missing, of another version, or made from other input."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class StoreSettings:
    """What a store is prepared with; recorded in the manifest and checked on reuse.

    Names follow the run configuration (``analysis.toml`` / the command line).

    Attributes
    ----------
    group : the grouping column carried in every per-sentence table (any column of the
        documents table can group the counts later)
    text_column : the text column of a table source
    id_column : the id column of a table source (numbered rows when the table has none)
    clean : ``"news"`` (page-chrome rules and datelines, the loader's rules) or ``"none"``
        (only where the loader offers it)
    actors : ``"bundled"`` (``analysis/resources/actors.csv``) or the path of an alias table
    manifest, events : ``"auto"`` (the file beside the texts, if any), ``"none"`` or a path
    ngrams : longest n-gram counted (terms; 1 to 5)
    dedupe : count a passage shared by several documents once
        (:func:`analysis.text.passages.deduplicated` applied before every stage)

    Examples
    --------
    >>> StoreSettings(group="outlet", ngrams=2).ngram_range
    (1, 2)
    >>> StoreSettings(ngrams=9)
    Traceback (most recent call last):
    ...
    analysis.store.StoreError: StoreSettings: ngrams = 9 is not valid: expected a whole number from 1 to 5.
    """

    group: str = config.DEFAULT_GROUP
    text_column: str = config.DEFAULT_TEXT_COLUMN
    id_column: str = "doc_id"
    clean: str = "news"
    actors: str = "bundled"
    manifest: str = "auto"
    events: str = "auto"
    ngrams: int = 3
    dedupe: bool = False

    def __post_init__(self) -> None:
        def bad(key: str, expected: str) -> StoreError:
            return StoreError(f"StoreSettings: {key} = {getattr(self, key)!r} is not valid: "
                              f"expected {expected}.")

        for key in ("group", "text_column", "id_column"):
            value = getattr(self, key)
            if not isinstance(value, str) or not value.strip():
                raise bad(key, "a column name")
        if self.group in _RESERVED:
            raise bad("group", "a column name other than the store's own columns "
                      f"({', '.join(sorted(_RESERVED))}); rename the column in the corpus")
        if self.clean not in _CHOICES["clean"]:
            raise bad("clean", '"news" or "none"')
        for key in ("manifest", "events", "actors"):
            value = getattr(self, key)
            if isinstance(value, Path):
                object.__setattr__(self, key, str(value))
                value = str(value)
            if not isinstance(value, str) or not value:
                raise bad(key, " or ".join(f'"{c}"' for c in _CHOICES[key]) + " or a file path")
            if value not in _CHOICES[key] and not Path(value).expanduser().is_file():
                raise StoreError(
                    f"StoreSettings: {key} = {value!r}: no such file. Give an existing file or "
                    + " or ".join(f'"{c}"' for c in _CHOICES[key]) + "."
                )
        if isinstance(self.ngrams, bool) or not isinstance(self.ngrams, int | np.integer) \
                or not 1 <= int(self.ngrams) <= 5:
            raise bad("ngrams", "a whole number from 1 to 5")
        if not isinstance(self.dedupe, bool):
            raise bad("dedupe", "True or False")

    @property
    def ngram_range(self) -> tuple[int, int]:
        """``(1, ngrams)``: the n-gram lengths counted."""
        return (1, int(self.ngrams))

    @property
    def aliases(self) -> str | None:
        """The ``aliases=`` argument of the actor and quote functions."""
        return None if self.actors == "bundled" else str(Path(self.actors).expanduser().resolve())

    def to_manifest(self) -> dict[str, Any]:
        """The settings as recorded: every field, file paths absolute with their sha256.

        Examples
        --------
        >>> m = StoreSettings().to_manifest()
        >>> m["group"], m["ngrams"], len(m["actors_sha256"])
        ('event', 3, 64)
        """
        out: dict[str, Any] = dataclasses.asdict(self)
        out["ngrams"] = int(self.ngrams)
        for key in ("actors", "manifest", "events"):
            value = getattr(self, key)
            if value not in _CHOICES[key]:
                out[key] = str(Path(value).expanduser().resolve())
        actors_file = (config.RESOURCES_DIR / "actors.csv" if self.actors == "bundled"
                       else Path(out["actors"]))
        out["actors_sha256"] = _file_hash(actors_file)
        return out


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- versions


def versions() -> dict[str, Any]:
    """What the store's contents depend on besides the corpus and the settings.

    ``format`` (:data:`FORMAT_VERSION`), ``package`` (the installed version), ``code`` (sha256
    of every ``.py`` file of the package and every resource file, so an edited rule or word
    list is a new version even when the version number stays) and ``libraries`` (versions of
    the libraries that compute the stages).

    Examples
    --------
    >>> v = versions()
    >>> v["format"], len(v["code"]), "pandas" in v["libraries"]
    (3, 64, True)
    """
    try:
        package = importlib.metadata.version(_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        package = "not installed"
    libraries = {}
    for name in _LIBRARIES:
        try:
            libraries[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            libraries[name] = "not installed"
    return {"format": FORMAT_VERSION, "package": package, "code": _code_hash(),
            "libraries": libraries}


def _code_hash() -> str:
    root = config.PACKAGE_DIR
    files = sorted(p for p in root.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts
                   and (p.suffix == ".py" or config.RESOURCES_DIR in p.parents))
    h = hashlib.sha256()
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


# --------------------------------------------------------------------------- fingerprints


def corpus_fingerprint(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                       chunk: int = 2_000) -> str:
    """sha256 of a corpus: every document's id, group and text, then the other columns.

    Computed ``chunk`` documents at a time (ids, groups and texts byte for byte; other
    columns by pandas' stable per-value hash), so memory does not grow with the corpus.
    Row order counts.

    Examples
    --------
    >>> c = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": ["One.", "Two."]})
    >>> corpus_fingerprint(c) == corpus_fingerprint(c.copy())
    True
    >>> corpus_fingerprint(c) == corpus_fingerprint(c.assign(text=["One.", "Two!"]))
    False
    """
    for col in ("doc_id", "text", group):
        if col not in corpus.columns:
            raise StoreError(f"corpus has no column {col!r} (columns: "
                             f"{', '.join(map(str, corpus.columns))}). Pass the DataFrame "
                             "from analysis.load_corpus and an existing group column.")
    h = hashlib.sha256()
    others = sorted((c for c in corpus.columns if c not in ("doc_id", "text", group)), key=str)
    h.update(json.dumps({"group": group, "columns": [str(c) for c in others],
                         "dtypes": [str(corpus[c].dtype) for c in others],
                         "rows": len(corpus)}).encode())
    for lo in range(0, len(corpus), chunk):
        part = corpus.iloc[lo:lo + chunk]
        for col in ("doc_id", group, "text"):
            for value in part[col].tolist():
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    h.update(b"\x00NA\x1e")
                else:
                    h.update(str(value).encode("utf-8", "surrogatepass") + b"\x1e")
            h.update(b"\x1d")
        for col in others:
            values = part[col]
            try:
                digest = pd.util.hash_pandas_object(values, index=False).to_numpy()
            except TypeError:  # unhashable values (lists, dicts): hash their text
                digest = pd.util.hash_pandas_object(values.astype(str), index=False).to_numpy()
            h.update(digest.tobytes())
    return h.hexdigest()


def _listed_files(manifest: Path, folder: Path) -> list[Path]:
    """Files a manifest lists outside the folder's top level (it may name sub-folders)."""
    import csv

    out = []
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                name = (row.get("file") or "").strip()
                if name and ("/" in name or "\\" in name):
                    out.append(folder / name)
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # the loader reports a bad manifest; its bytes are hashed anyway
    return out


def source_fingerprint(source: str | Path | None, *,
                       settings: StoreSettings | None = None) -> str:
    """sha256 of the files a corpus is loaded from, read without loading the corpus.

    A folder: every regular, non-hidden file at its top level (the texts, ``manifest.csv``,
    ``events.toml``, ``analysis.toml`` ...) and the files its manifest lists in sub-folders;
    a table or single text: that file and the manifest, events and configuration files beside
    it; plus a manifest or events file named in ``settings``. Names and bytes are hashed, so a
    renamed file (a changed ``doc_id``) changes the fingerprint too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("One.")
    >>> before = source_fingerprint(folder)
    >>> _ = (folder / "a.txt").write_text("One!")
    >>> before == source_fingerprint(folder)
    False
    """
    from analysis.corpus.loader import source_files

    pattern = source_files(source)
    path = Path(source).expanduser().resolve() if source is not None else config.SEEDS_DIR
    if pattern is None and not path.exists():
        raise StoreError(f"{path}: no such file or folder. Pass a folder of .txt files or a "
                         ".csv/.jsonl/.parquet table (or a pattern of them) as --source.")
    files: list[Path] = []
    if pattern is not None:  # every table it matches and the files beside them
        pattern = [f.resolve() for f in pattern]
        folder = Path(os.path.commonpath([f.parent for f in pattern]))
        files += pattern
        for parent in sorted({f.parent for f in pattern}):
            files += [parent / n for n in (config.MANIFEST_NAME, config.EVENTS_NAME,
                                           "analysis.toml") if (parent / n).is_file()]
    elif path.is_dir():
        folder = path
        with os.scandir(path) as entries:
            files += [Path(e.path) for e in entries
                      if not e.name.startswith(".") and e.is_file()]
    else:
        folder = path.parent
        files.append(path)
        files += [folder / n for n in (config.MANIFEST_NAME, config.EVENTS_NAME, "analysis.toml")
                  if (folder / n).is_file()]
    manifests = [folder / config.MANIFEST_NAME]
    if settings is not None:
        for key in ("manifest", "events"):
            value = getattr(settings, key)
            if value not in _CHOICES[key]:
                extra = Path(value).expanduser().resolve()
                files.append(extra)
                if key == "manifest":
                    manifests.append(extra)
    for manifest in manifests:
        if manifest.is_file() and pattern is None and path.is_dir():
            files += [f for f in _listed_files(manifest, folder) if f.is_file()]
    h = hashlib.sha256()
    for f in sorted(set(files)):
        name = f.relative_to(folder).as_posix() if f.is_relative_to(folder) else str(f)
        h.update(name.encode("utf-8", "surrogateescape") + b"\0")
        h.update(_file_hash(f).encode() + b"\0")
    return h.hexdigest()


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True, eq=False)
class Store:
    """A prepared store; tables are read from disk on first use and kept.

    Build it with :func:`open_store`, :func:`prepare` or :func:`ensure_store`. For stores too
    large to hold a table in memory, :meth:`read` loads chosen columns (and row filters)
    without keeping them.

    Attributes
    ----------
    path : the store's folder
    manifest : the parsed ``manifest.json``

    Examples
    --------
    >>> import tempfile
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "text": ["Grain and grain.", "Talks resumed."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> store.group, store.documents["n_sentences"].tolist()
    ('event', [1, 1])
    >>> dtm = store.term_counts(ngram_range=(1, 1))
    >>> list(dtm.terms), dtm.matrix.toarray().tolist()
    (['grain', 'resumed', 'talks'], [[2, 0, 0], [0, 1, 1]])

    The counts part by part (a small store is one part; no bigram spans the stop word
    "and"), and a few chosen columns:

    >>> store.count_terms(ngram_range=(1, 2)).tolist()
    ['grain', 'resumed', 'talks', 'talks resumed']
    >>> [(first, m.toarray().tolist()) for first, m in store.iter_counts(ngram_range=(1, 1))]
    [(0, [[2, 0, 0], [0, 1, 1]])]
    >>> picked = store.term_columns(["talks", "grain", "wheat"])
    >>> list(picked.terms), picked.matrix.toarray().tolist()
    (['talks', 'grain', 'wheat'], [[0, 2, 0], [1, 0, 0]])
    """

    path: Path
    manifest: dict[str, Any] = field(repr=False)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings the store was prepared with (as recorded)."""
        return self.manifest["settings"]

    @property
    def group(self) -> str:
        """The grouping column of the per-sentence tables."""
        return self.settings["group"]

    @property
    def aliases(self) -> str | None:
        """The actor table the store was prepared with: None (bundled) or its path.

        What the ``aliases=`` argument of the corpus functions takes, so a measure computed
        from the corpus sees the same actors as the store's ``mentions`` and ``actors``.
        """
        actors = self.settings.get("actors", "bundled")
        return None if actors == "bundled" else str(actors)

    def read(self, table: str, *, columns: Sequence[str] | None = None,
             filters: Any = None) -> pd.DataFrame:
        """One table (or some of its columns / rows), read now and not kept.

        ``filters`` are ``pyarrow`` filters, e.g. ``[("doc_id", "in", ids)]``.
        """
        frames = list(self.iter_parts(table, columns=columns, filters=filters))
        full = [f for f in frames if len(f)]
        return (frames[0] if len(frames) == 1 else
                pd.concat(full, ignore_index=True) if len(full) > 1 else
                (full or frames)[0].reset_index(drop=True))

    def iter_parts(self, table: str, *, columns: Sequence[str] | None = None,
                   filters: Any = None) -> Iterator[pd.DataFrame]:
        """The parts of one table in corpus order, one DataFrame at a time (not kept).

        ``columns`` and ``filters`` as in :meth:`read`; a part none of whose rows pass the
        filters gives an empty frame. ``read`` concatenates these parts. A part file of more
        than :data:`PIECE_ROWS` rows (the one part of a store prepared in one process) is
        read in pieces of about that many rows, cut between documents, so memory holds one
        piece whatever the size of the store and no document's rows are split.

        Examples
        --------
        >>> import tempfile
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...                        "text": ["One. Two.", "Three."]})
        >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
        >>> [len(p) for p in store.iter_parts("sentences", columns=["doc_id"])]
        [3]
        """
        if table not in TABLES:
            raise StoreError(f"{table!r} is not a table of the store; its tables are: "
                             f"{', '.join(TABLES)}.")
        cols = list(columns) if columns is not None else None
        for file in _table_files(self.path, table):
            for frame in _file_pieces(file, cols, filters, PIECE_ROWS):
                if "actors" in frame.columns:
                    frame["actors"] = pd.Series([tuple(a) if a is not None else () for a in
                                                 frame["actors"]], index=frame.index,
                                                dtype="object")
                yield frame

    def table_columns(self, table: str) -> list[str]:
        """The column names of one table, from its first part file's schema (no rows read).

        Examples
        --------
        >>> import tempfile
        >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": ["One."]})
        >>> prepare(corpus, store=tempfile.mkdtemp() + "/s").table_columns("documents")[:3]
        ['doc_id', 'event', 'text']
        """
        if table not in TABLES:
            raise StoreError(f"{table!r} is not a table of the store; its tables are: "
                             f"{', '.join(TABLES)}.")
        return list(pq.read_schema(_table_files(self.path, table)[0]).names)

    def document_columns(self, columns: Sequence[str]) -> pd.DataFrame:
        """Some columns of the documents table (from memory when it is loaded already).

        Raises :class:`StoreError` naming the table's columns when one is missing.
        """
        loaded = self.__dict__.get("documents")
        have = (list(loaded.columns) if loaded is not None
                else self.table_columns("documents"))
        missing = [c for c in columns if c not in have]
        if missing:
            raise StoreError(
                f"{self.path}: the documents table has no column(s) "
                f"{', '.join(map(repr, missing))} (columns: {', '.join(map(str, have))}). "
                "Pass one of them.")
        if loaded is not None:
            return loaded.loc[:, list(columns)]
        return self.read("documents", columns=list(dict.fromkeys(columns)))

    @cached_property
    def documents(self) -> pd.DataFrame:
        """The corpus as loaded (one row per document) with the per-document counts."""
        return self.read("documents")

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """Every sentence with its scores: the frame of ``sentence_sentiment``."""
        return self.read("sentences")

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """Every quotation with its speaker: the frame of ``analysis.text.quotes.quotes``."""
        return self.read("quotes")

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Every actor mention with its sentence."""
        return self.read("mentions")

    @cached_property
    def vocabulary(self) -> pd.DataFrame:
        """One row per column of the counts: ``term``, ``n``, ``count``, ``n_docs``."""
        return self.read("vocabulary")

    def _count_parts(self) -> list[dict[str, Any]]:
        parts = (self.manifest.get("counts") or {}).get("parts")
        if not parts:
            raise StoreError(f"{self.path}: the store's term counts are not in parts (a store "
                             f"of format {self.manifest.get('versions', {}).get('format')}; "
                             f"this package writes {FORMAT_VERSION}). Prepare it again: "
                             + _fix(self.manifest, self.path))
        return parts

    def _columns(self, ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """(stored column -> column of the range, or -1; the range's terms).

        The stored columns are (term, n) pairs; a string that is both a listed phrase and a
        run of words (``n`` 1 and 2) is one column of the range, as in a vectorizer fitted on
        that range. Columns stay in sorted order, so the map is non-decreasing.
        """
        lo, hi = _check_range(ngram_range, self.manifest["counts"]["ngram_range"], self.path)
        cache = self.__dict__.setdefault("_column_maps", {})
        if (lo, hi) in cache:
            return cache[(lo, hi)]
        vocab = self.vocabulary
        n = vocab["n"].to_numpy()
        keep = np.flatnonzero((n >= lo) & (n <= hi))
        # Python strings, never a fixed-width numpy unicode array (4 bytes x the longest
        # term x every term: gigabytes for a vocabulary of millions of n-grams)
        terms = vocab["term"].to_numpy(dtype=object)[keep]
        if len(terms) > 1 and bool((terms[1:] >= terms[:-1]).all()):
            new = np.ones(len(terms), dtype=bool)  # stored sorted: equal strings are adjacent
            new[1:] = terms[1:] != terms[:-1]
            inverse, unique = np.cumsum(new) - 1, terms[new]
        else:
            inverse, unique = pd.factorize(terms, sort=True)
            unique = np.asarray(unique, dtype=object)
        colmap = np.full(len(vocab), -1, dtype=np.int32)
        colmap[keep] = inverse
        cache[(lo, hi)] = colmap, unique
        return colmap, unique

    def count_terms(self, *, ngram_range: tuple[int, int] = (1, 1)) -> np.ndarray:
        """The terms of ``ngram_range``: the columns of :meth:`iter_counts` and
        :meth:`term_counts` (sorted, each string once). Examples: :class:`Store`.
        """
        return self._columns(ngram_range)[1]

    def iter_counts(self, *, ngram_range: tuple[int, int] | None = None,
                    ) -> Iterator[tuple[int, sparse.csr_matrix]]:
        """The document x term counts one part at a time: ``(first row, CSR matrix)``.

        Rows are the part's documents (the documents table's rows ``first row`` onwards, in
        corpus order); counts are int32. ``ngram_range=None``: the stored columns (the rows
        of :attr:`vocabulary`); a range: the columns :meth:`count_terms` names, as
        :meth:`term_counts` gives them. One part is read at a time and not kept.
        Examples: :class:`Store`.
        """
        colmap = None if ngram_range is None else self._columns(ngram_range)
        offset = 0
        for part in self._count_parts():
            matrix = sparse.load_npz(self.path / COUNTS_FOLDER / part["file"]).tocsr()
            if colmap is not None:
                matrix = _mapped_columns(matrix, colmap[0], len(colmap[1]))
            yield offset, matrix
            offset += matrix.shape[0]

    @property
    def counts(self) -> DocumentTermMatrix:
        """Document-term counts over the store's whole n-gram range (see :meth:`term_counts`)."""
        return self.term_counts(ngram_range=tuple(self.manifest["counts"]["ngram_range"]))

    def _doc_ids(self) -> pd.Index:
        return pd.Index(self.document_columns(["doc_id"])["doc_id"].astype("string"),
                        name="doc_id")

    def term_counts(self, *, ngram_range: tuple[int, int] = (1, 1)) -> DocumentTermMatrix:
        """Counts of the terms of ``ngram_range``: what ``document_term_matrix`` gives.

        The whole matrix, from the parts put together: for a small store or a few columns
        (:meth:`term_columns`); a large store is read part by part (:meth:`iter_counts`).
        """
        terms = self.count_terms(ngram_range=ngram_range)
        blocks = [m for _, m in self.iter_counts(ngram_range=ngram_range)]
        matrix = (sparse.vstack(blocks, format="csr") if len(blocks) > 1 else blocks[0])
        return DocumentTermMatrix(matrix.astype(np.int64).tocsr(), terms, self._doc_ids())

    def term_columns(self, terms: Sequence[str], *,
                     ngram_range: tuple[int, int] = (1, 1)) -> DocumentTermMatrix:
        """Counts of a few chosen terms in every document, read part by part.

        Columns in the order given (each term once); a term the store never counted (or
        not of ``ngram_range``) is a column of zeros. The same numbers as the columns of
        :meth:`term_counts`, without holding the whole matrix. Examples: :class:`Store`.
        """
        chosen = list(dict.fromkeys(str(t) for t in terms))
        colmap, all_terms = self._columns(ngram_range)
        where = pd.Index(all_terms).get_indexer(chosen)
        to_chosen = np.full(len(all_terms) + 1, -1, dtype=np.int32)  # [-1] -> -1
        to_chosen[where[where >= 0]] = np.flatnonzero(where >= 0)
        picked = to_chosen[colmap]
        blocks = [_mapped_columns(m, picked, len(chosen)) for _, m in self.iter_counts()]
        matrix = (sparse.vstack(blocks, format="csr") if len(blocks) > 1 else blocks[0])
        return DocumentTermMatrix(matrix.astype(np.int64).tocsr(),
                                  np.array(chosen, dtype=object), self._doc_ids())

    def group_counts(self, *, group: str | None = None,
                     ngram_range: tuple[int, int] = (1, 1)) -> GroupCounts:
        """Counts per group of any documents column (documents without a value left out).

        Summed part by part (:func:`analysis.measures.terms.group_counts_from_parts`): the
        result keeps no document x term matrix (``matrix`` is None). Tokens per document
        are the documents table's ``n_tokens``: the unigram tokens the counts were made
        from, i.e. the row sums of the unigram columns.
        """
        group = self.group if group is None else group
        docs = self.document_columns(["doc_id", group, "n_tokens"])
        return group_counts_from_parts(
            self.iter_counts(ngram_range=ngram_range), self.count_terms(ngram_range=ngram_range),
            doc_ids=docs["doc_id"], labels=docs[group], group=group,
            doc_tokens=docs["n_tokens"].to_numpy(dtype=np.int64))


def _mapped_columns(matrix: sparse.csr_matrix, colmap: np.ndarray,
                    width: int) -> sparse.csr_matrix:
    """``matrix`` with column j moved to ``colmap[j]`` (-1: dropped; columns mapped to the
    same place summed), in canonical CSR of the same dtype."""
    cols = colmap[matrix.indices]
    ok = cols >= 0
    if ok.all():
        data, cols, indptr = matrix.data, cols, matrix.indptr
    else:
        kept = np.concatenate([[0], np.cumsum(ok, dtype=np.int64)])
        data, cols, indptr = matrix.data[ok], cols[ok], kept[matrix.indptr]
    del ok
    out = sparse.csr_matrix((data, cols, indptr), shape=(matrix.shape[0], width))
    out.sum_duplicates()  # sorts the indices too (a no-op when they are: the map keeps order)
    return out


def _file_pieces(file: Path, columns: list[str] | None, filters: Any,
                 rows: int) -> Iterator[pd.DataFrame]:
    """One part file as frames of about ``rows`` rows each, never splitting a document."""
    meta = pq.ParquetFile(file)
    names = meta.schema_arrow.names
    if meta.metadata.num_rows <= rows or "doc_id" not in names:
        yield pd.read_parquet(file, columns=columns, filters=filters)
        return
    expression = pq.filters_to_expression(filters) if filters else None
    wanted = names if columns is None else columns
    used = set(wanted) | {"doc_id"}
    if filters:
        used |= {f[0] for f in (filters if isinstance(filters[0], tuple) else
                                [t for conj in filters for t in conj])}
    read = [n for n in names if n in used]
    schema = pa.schema([meta.schema_arrow.field(n) for n in read],
                       metadata=meta.schema_arrow.metadata)

    def finish(piece: pa.Table) -> pd.DataFrame:
        if expression is not None:
            piece = piece.filter(expression)
        return piece.select(wanted).to_pandas()

    carry: pa.Table | None = None
    sent = False
    for batch in meta.iter_batches(batch_size=rows, columns=read):
        piece = pa.Table.from_batches([batch], schema=schema)
        if carry is not None:
            piece = pa.concat_tables([carry, piece])
        ids = piece.column("doc_id").to_numpy(zero_copy_only=False)
        same = ids == ids[-1]
        start = len(ids) - int(np.argmin(same[::-1])) if not same.all() else 0
        if start == 0:  # one document so far: read on
            carry = piece
            continue
        carry = piece.slice(start)
        frame = finish(piece.slice(0, start))
        if len(frame) or not sent:
            sent = True
            yield frame
    if carry is not None and len(carry):
        frame = finish(carry)
        if len(frame) or not sent:
            yield frame


def _table_files(path: Path, table: str) -> list[Path]:
    """The Parquet file(s) of one table, parts in corpus order."""
    if table not in PART_TABLES:
        return [path / f"{table}.parquet"]
    files = sorted((path / table).glob("part-*.parquet"))
    if not files:
        raise StoreError(f"{path}: the {table} table has no part files (an incomplete or "
                         "older store). Prepare it again: " + _FIX.format(source="PATH",
                                                                           store=path))
    return files


def _check_range(ngram_range: tuple[int, int], stored: Sequence[int],
                 path: Path) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in ngram_range)
    except (TypeError, ValueError):
        raise ValueError(f"ngram_range must be a pair (min_n, max_n), not {ngram_range!r}") \
            from None
    if not stored[0] <= lo <= hi <= stored[1]:
        raise StoreError(
            f"{path}: the store counts n-grams of {stored[0]} to {stored[1]} terms, not "
            f"{ngram_range!r}. Ask for a range inside it, or prepare the store with "
            f"--ngrams {hi}.")
    return lo, hi


def _read_manifest(path: Path) -> dict[str, Any]:
    file = path / MANIFEST_FILE
    if not path.is_dir() or not file.is_file():
        raise StoreError(
            f"{path}: not a prepared store (no {MANIFEST_FILE}). Prepare it first: "
            + _FIX.format(source="PATH", store=path))
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{file}: unreadable ({err}). Prepare the store again: "
                         + _FIX.format(source="PATH", store=path)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise StoreError(f"{file}: not the manifest of a prepared store. Prepare the store "
                         "again: " + _FIX.format(source="PATH", store=path))
    return manifest


def _fix(manifest: dict[str, Any], path: Path) -> str:
    source = (manifest.get("source") or {}).get("path") or "PATH"
    return _FIX.format(source=source, store=path)


def store_mismatches(store: str | Path, source: str | Path | pd.DataFrame | None = None,
                     settings: StoreSettings | None = None, *,
                     check_source: bool = True) -> list[str]:
    """Why a store cannot be reused for ``source`` and ``settings`` (empty: it can).

    Compares the manifest's format version, package version, code hash and library
    versions with this installation, its settings with ``settings`` (when given) and its
    fingerprint with the source's (a folder or table: :func:`source_fingerprint`; a
    DataFrame: :func:`corpus_fingerprint`), unless ``check_source`` is False.

    Examples
    --------
    >>> store_mismatches("/no/such/store")
    ['/no/such/store: not a prepared store (no manifest.json)']
    """
    path = Path(store).expanduser()
    if not (path / MANIFEST_FILE).is_file():
        return [f"{path}: not a prepared store (no {MANIFEST_FILE})"]
    try:
        manifest = _read_manifest(path)
    except StoreError as err:
        return [str(err).split(". ")[0]]
    out = []
    stored, now = manifest.get("versions", {}), versions()
    if stored.get("format") != now["format"]:
        out.append(f"format version {stored.get('format')} (this package writes {now['format']})")
    if stored.get("package") != now["package"]:
        out.append(f"package version {stored.get('package')} (installed: {now['package']})")
    if stored.get("code") != now["code"]:
        out.append("the package's code or resource files changed since it was prepared")
    for lib, version in now["libraries"].items():
        if stored.get("libraries", {}).get(lib) != version:
            out.append(f"{lib} {stored.get('libraries', {}).get(lib)} (installed: {version})")
    if settings is not None:
        wanted = settings.to_manifest()
        have = manifest.get("settings", {})
        for key in wanted:
            if have.get(key) != wanted[key]:
                out.append(f"setting {key} = {have.get(key)!r} (wanted: {wanted[key]!r})")
    if check_source:
        recorded = manifest.get("source") or {}
        if isinstance(source, pd.DataFrame):
            group = settings.group if settings is not None else manifest["settings"]["group"]
            fp = corpus_fingerprint(source, group=group)
            if (manifest.get("corpus") or {}).get("fingerprint") != fp:
                out.append("the corpus differs from the one it was prepared from "
                           "(ids, groups, texts or other columns)")
        else:
            fp = source_fingerprint(source, settings=settings)
            if recorded.get("fingerprint") != fp:
                out.append("the source files differ from those it was prepared from"
                           if recorded.get("fingerprint") else
                           "it was prepared from a DataFrame, not from this source")
    return out


def open_store(path: str | Path, *, source: str | Path | pd.DataFrame | None = None,
               settings: StoreSettings | None = None) -> Store:
    """Open a prepared store after checking that it can be read as current.

    Always checks the format, package, code and library versions; also the settings when
    ``settings`` is given and the fingerprint when ``source`` is given.

    Raises
    ------
    StoreError
        Not a store, or a mismatch; the message names each mismatch and the command that
        prepares the store again.

    Examples
    --------
    >>> open_store("/no/such/store")
    Traceback (most recent call last):
    ...
    analysis.store.StoreError: /no/such/store: not a prepared store (no manifest.json). Prepare it first: python -m analysis prepare --source PATH --store /no/such/store
    """
    folder = Path(path).expanduser()
    manifest = _read_manifest(folder)
    problems = store_mismatches(folder, source, settings, check_source=source is not None)
    if problems:
        raise StoreError(f"{folder}: the store cannot be reused: " + "; ".join(problems)
                         + ". Prepare it again: " + _fix(manifest, folder))
    return Store(folder.resolve(), manifest)


def is_current(store: str | Path, source: str | Path | pd.DataFrame | None,
               settings: StoreSettings | None = None) -> bool:
    """Whether ``store`` was prepared from ``source`` with ``settings`` by this installation.

    ``settings=None`` means the default :class:`StoreSettings`.

    Examples
    --------
    >>> is_current("/no/such/store", None)
    False
    """
    return not store_mismatches(store, source, settings or StoreSettings())


# --------------------------------------------------------------------------- writing helpers


class _TableWriter:
    """Append frames to one Parquet file in row groups of exactly ``rows`` rows."""

    def __init__(self, path: Path, *, rows: int, types: dict[str, pa.DataType]) -> None:
        self.path, self.rows, self.types = path, rows, types
        self.schema: pa.Schema | None = None
        self.writer: pq.ParquetWriter | None = None
        self.pending: list[pa.Table] = []
        self.n_pending = 0
        self.n_rows = 0

    def _schema_of(self, frame: pd.DataFrame) -> pa.Schema:
        schema = pa.Schema.from_pandas(frame, preserve_index=False)
        for i, f in enumerate(schema):
            if f.name in self.types:
                schema = schema.set(i, pa.field(f.name, self.types[f.name]))
            elif pa.types.is_null(f.type):
                schema = schema.set(i, pa.field(f.name, pa.large_string()))
        return schema

    def write(self, frame: pd.DataFrame) -> None:
        if self.schema is None:
            self.schema = self._schema_of(frame)
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        if len(frame) == 0:
            return
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self.pending.append(table)
        self.n_pending += len(frame)
        while self.n_pending >= self.rows:
            self._flush(self.rows)

    def _flush(self, n: int) -> None:
        table = pa.concat_tables(self.pending)
        self.writer.write_table(table.slice(0, n), row_group_size=n)
        rest = table.slice(n)
        self.pending = [rest] if len(rest) else []
        self.n_pending = len(rest)
        self.n_rows += n

    def close(self) -> int:
        if self.n_pending:
            self._flush(self.n_pending)
        if self.writer is not None:
            self.writer.close()
        return self.n_rows


@dataclass(frozen=True)
class _Context:
    """What every batch needs besides its documents (sent to worker processes)."""

    group: str
    aliases: str | None
    tokenizer: Any
    ngram_range: tuple[int, int]


@dataclass
class _Batch:
    """One batch's results, in the batch's document order."""

    sentences: pd.DataFrame
    quotes: pd.DataFrame
    mentions: pd.DataFrame
    terms: list[str]
    term_n: list[int]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    summary: dict[str, np.ndarray]
    seconds: dict[str, float]


def _count_terms(texts: list[str], ngram_range: tuple[int, int]):
    """Counts of every n-gram of each text, keyed by (n, term), with unigram tokens."""
    from analysis.text.vocab import token_runs

    lo, hi = ngram_range
    lookup: list[dict[str, int]] = [{} for _ in range(hi + 1)]
    terms: list[str] = []
    term_n: list[int] = []
    indptr, indices, data = [0], [], []
    tokens = np.zeros(len(texts), dtype=np.int64)
    for d, text in enumerate(texts):
        runs = token_runs(text)
        tokens[d] = sum(len(run) for run in runs)
        for n in range(lo, hi + 1):
            if n == 1:
                grams = Counter(t for run in runs for t in run)
            else:
                grams = Counter(" ".join(run[i:i + n]) for run in runs
                                for i in range(len(run) - n + 1))
            table = lookup[n]
            for term, count in grams.items():
                j = table.get(term)
                if j is None:
                    j = table[term] = len(terms)
                    terms.append(term)
                    term_n.append(n)
                indices.append(j)
                data.append(count)
        indptr.append(len(indices))
    return (terms, term_n, np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64), np.asarray(data, dtype=np.int32), tokens)


def _mention_rows(batch: pd.DataFrame, scored: pd.DataFrame, group: str,
                  aliases: str | None, *, found: list | None = None) -> pd.DataFrame:
    """``found``: each document's ``find_mentions(text, merge=False)``, when already made."""
    from analysis.text.actors import actor_table, find_mentions, merge_mentions

    table = actor_table(aliases)
    starts_of = {d: scored["start"].to_numpy()[idx].tolist()
                 for d, idx in scored.groupby("doc_id", sort=False).indices.items()}
    rows = []
    for d, (doc_id, grp, text) in enumerate(zip(batch["doc_id"].tolist(), batch[group].tolist(),
                                                batch["text"].tolist(), strict=True)):
        starts = starts_of.get(doc_id, [])
        spans = (merge_mentions(text, found[d]) if found is not None
                 else find_mentions(text, aliases=table))
        for start, end, actor in spans:
            k = bisect.bisect_right(starts, start) - 1
            rows.append((doc_id, grp, k if k >= 0 else None, start, end, actor))
    frame = pd.DataFrame(rows, columns=["doc_id", group, "sentence", "start", "end", "actor"])
    frame = frame.astype({"sentence": "Int64", "start": "int64", "end": "int64",
                          "actor": "string"})
    frame["doc_id"] = frame["doc_id"].astype(batch["doc_id"].dtype)
    frame[group] = frame[group].astype(batch[group].dtype)
    return frame


def _process_batch(batch: pd.DataFrame, ctx: _Context) -> _Batch:
    """Every per-document stage for one batch of whole documents."""
    from analysis.measures.sentiment import annotate_sentences
    from analysis.text.actors import actor_table, find_mentions
    from analysis.text.quotes import quotes
    from analysis.text.segment import sentences

    clock = time.process_time
    seconds: dict[str, float] = {}
    t = clock()
    # one pass of the actor regex per document, shared by the sentences and the mentions
    table = actor_table(ctx.aliases)
    found = [find_mentions(text, aliases=table, merge=False) for text in batch["text"].tolist()]
    sents = sentences(batch, group=ctx.group, tokenizer=ctx.tokenizer, aliases=ctx.aliases,
                      mentions=found)
    seconds["sentences"], t = clock() - t, clock()
    quote_frame = quotes(batch, group=ctx.group, aliases=ctx.aliases, sents=sents)
    seconds["quotes"], t = clock() - t, clock()
    scored = annotate_sentences(sents, quote_frame, group=ctx.group, n_jobs=1)
    seconds["scores"], t = clock() - t, clock()
    mentions = _mention_rows(batch, scored, ctx.group, ctx.aliases, found=found)
    seconds["mentions"], t = clock() - t, clock()
    texts = batch["text"].tolist()
    terms, term_n, indptr, indices, data, tokens = _count_terms(texts, ctx.ngram_range)
    seconds["counts"] = clock() - t
    ids = batch["doc_id"]

    def per_doc(frame: pd.DataFrame) -> np.ndarray:
        counts = frame.groupby("doc_id", sort=False).size()
        return ids.map(counts).fillna(0).to_numpy(dtype=np.int64)

    summary = {"n_sentences": per_doc(scored), "n_quotes": per_doc(quote_frame),
               "n_mentions": per_doc(mentions), "n_tokens": tokens}
    return _Batch(scored, quote_frame, mentions, terms, term_n, indptr, indices, data,
                  summary, seconds)


def _bounds(lengths: np.ndarray, batch_chars: int) -> list[tuple[int, int]]:
    """Contiguous batches of whole documents of about ``batch_chars`` characters."""
    out, lo, size = [], 0, 0
    for i, n in enumerate(lengths.tolist()):
        size += n
        if size >= batch_chars:
            out.append((lo, i + 1))
            lo, size = i + 1, 0
    if lo < len(lengths):
        out.append((lo, len(lengths)))
    return out


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _run_batches(frame: pd.DataFrame, bounds: list[tuple[int, int]], ctx: _Context,
                 n_jobs: int) -> Iterator[_Batch]:
    """Batch results in corpus order, from this process or ``n_jobs`` worker processes.

    Workers are started with ``spawn`` (a fresh interpreter: no inherited thread pools)
    and at most ``2 * n_jobs`` batches are in flight, so memory holds a few batches.
    """
    if n_jobs <= 1 or len(bounds) < 2:
        for lo, hi in bounds:
            yield _process_batch(frame.iloc[lo:hi], ctx)
        return
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn")) as pool:
        todo = iter(bounds)
        window: deque = deque()
        for lo, hi in todo:
            window.append(pool.submit(_process_batch, frame.iloc[lo:hi], ctx))
            if len(window) >= 2 * n_jobs:
                break
        while window:
            result = window.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                window.append(pool.submit(_process_batch, frame.iloc[nxt[0]:nxt[1]], ctx))
            yield result


class _Lookup:
    """Term ids of (n, term) pairs, numbered in the order first seen."""

    def __init__(self, hi: int) -> None:
        self.tables: list[dict[str, int]] = [{} for _ in range(hi + 1)]
        self.terms: list[str] = []
        self.term_n: list[int] = []

    def ids(self, terms: list[str], term_n: list[int]) -> np.ndarray:
        """The id of each (term, n), numbering new ones."""
        mapping = np.empty(len(terms), dtype=np.int64)
        for j, (term, n) in enumerate(zip(terms, term_n, strict=True)):
            table = self.tables[n]
            g = table.get(term)
            if g is None:
                g = table[term] = len(self.terms)
                self.terms.append(term)
                self.term_n.append(n)
            mapping[j] = g
        return mapping


class _Counts:
    """Merges each batch's (n, term) columns into one vocabulary and one CSR matrix (the
    counts of one partition, on a worker: see :class:`_CountParts` for the client)."""

    def __init__(self, hi: int) -> None:
        self.vocab = _Lookup(hi)
        self.indptr: list[np.ndarray] = []
        self.indices: list[np.ndarray] = []
        self.data: list[np.ndarray] = []
        self.offset = 0

    def add(self, b: _Batch | _PartCounts) -> None:
        mapping = self.vocab.ids(b.terms, b.term_n)
        self.indices.append(mapping[b.indices].astype(np.int32))
        self.data.append(b.data)
        self.indptr.append(b.indptr[1:] + self.offset)
        self.offset += len(b.indices)

    def partial(self) -> _PartCounts:
        """The merged columns so far, for another :class:`_Counts` to :meth:`add`."""
        return _PartCounts(
            self.vocab.terms, self.vocab.term_n,
            np.concatenate([[0], *self.indptr]).astype(np.int64),
            np.concatenate(self.indices) if self.indices else np.zeros(0, dtype=np.int32),
            np.concatenate(self.data) if self.data else np.zeros(0, dtype=np.int32))



class _CountParts:
    """The client's side of the term counts: rows go to disk as they come.

    Each batch's (or partition's) rows are appended, in corpus order, to the open counts part
    with *provisional* term ids (first seen, first numbered); a part is written when it
    reaches :data:`COUNTS_PART_CELLS` cells. Memory holds the vocabulary lookup, each term's
    count and number of documents, and the rows of one open part, never the whole matrix.
    :meth:`finish` sorts the vocabulary and rewrites the parts, one at a time, with the sorted
    term ids (the columns of ``vocabulary.parquet``).
    """

    def __init__(self, hi: int, folder: Path, *, part_cells: int) -> None:
        self.vocab = _Lookup(hi)
        self.count = np.zeros(1024, dtype=np.int64)
        self.n_docs = np.zeros(1024, dtype=np.int64)
        self.folder = folder / COUNTS_FOLDER
        self.folder.mkdir(exist_ok=True)
        self.part_cells = max(1, int(part_cells))
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending_cells = 0
        self.parts: list[tuple[int, int]] = []  # (documents, cells) of each part written

    def _provisional(self, k: int) -> Path:
        return self.folder / f".provisional-{k:05d}.npz"

    def add(self, b: _Batch | _PartCounts) -> None:
        mapping = self.vocab.ids(b.terms, b.term_n)
        if len(self.vocab.terms) > len(self.count):
            size = max(len(self.vocab.terms), 2 * len(self.count))
            self.count = np.concatenate([self.count, np.zeros(size - len(self.count), np.int64)])
            self.n_docs = np.concatenate([self.n_docs,
                                          np.zeros(size - len(self.n_docs), np.int64)])
        local = np.asarray(b.indices, dtype=np.int64)
        # mapping holds each global id once, so the fancy += adds every local total
        self.count[mapping] += np.bincount(local, weights=b.data,
                                           minlength=len(mapping)).astype(np.int64)
        self.n_docs[mapping] += np.bincount(local, minlength=len(mapping))  # one cell a doc
        ids = mapping[local].astype(np.int32)
        indptr = np.asarray(b.indptr, dtype=np.int64)
        lengths = np.diff(indptr)
        start = 0
        while start < len(lengths):
            reach = self.pending_cells + np.cumsum(lengths[start:])
            hit = np.flatnonzero(reach >= self.part_cells)
            stop = start + int(hit[0]) + 1 if len(hit) else len(lengths)
            lo, hi = int(indptr[start]), int(indptr[stop])
            self.pending.append((lengths[start:stop], ids[lo:hi], b.data[lo:hi]))
            self.pending_cells += hi - lo
            if len(hit):
                self._write()
            start = stop

    def _write(self) -> None:
        """Write the open part with provisional ids (uncompressed: it is rewritten)."""
        lengths = np.concatenate([p[0] for p in self.pending])
        np.savez(self._provisional(len(self.parts)), lengths=lengths,
                 indices=np.concatenate([p[1] for p in self.pending]),
                 data=np.concatenate([p[2] for p in self.pending]).astype(np.int32))
        self.parts.append((len(lengths), self.pending_cells))
        self.pending, self.pending_cells = [], 0

    def finish(self, n_docs: int) -> tuple[list[dict[str, Any]], pd.DataFrame]:
        """Sort the vocabulary, rewrite every part with its ids; return (parts, vocabulary)."""
        if self.pending:
            self._write()
        if sum(d for d, _ in self.parts) != n_docs:
            raise StoreError(f"the term counts hold {sum(d for d, _ in self.parts):,} "
                             f"documents, not {n_docs:,}: an incomplete run. Prepare again.")
        terms = np.array(self.vocab.terms, dtype=object)
        term_n = np.array(self.vocab.term_n, dtype=np.int64)
        self.vocab = _Lookup(0)  # the lookup's dicts are no longer needed
        order = sorted(range(len(terms)), key=lambda j: (terms[j], term_n[j]))
        order_ = np.asarray(order, dtype=np.int64)
        position = np.empty(len(order), dtype=np.int32)
        position[order_] = np.arange(len(order), dtype=np.int32)
        parts = []
        for k, (docs, cells) in enumerate(self.parts):
            with np.load(self._provisional(k)) as saved:
                indptr = np.concatenate([[0], np.cumsum(saved["lengths"])]).astype(np.int64)
                matrix = sparse.csr_matrix(
                    (saved["data"], position[saved["indices"]], indptr),
                    shape=(docs, len(order)))
            matrix.sort_indices()
            name = COUNTS_PART_NAME.format(k)
            sparse.save_npz(self.folder / name, matrix, compressed=True)
            self._provisional(k).unlink()
            parts.append({"file": name, "documents": int(docs), "nonzero": int(cells)})
            del matrix
        vocab = pd.DataFrame({
            "term": pd.array(terms[order_], dtype="string"),
            "n": term_n[order_],
            "count": self.count[:len(order)][order_],
            "n_docs": self.n_docs[:len(order)][order_],
        })
        return parts, vocab


def _document_table(documents: pd.DataFrame) -> pa.Table:
    """The documents as an Arrow table; a column of mixed types becomes text, with a warning."""
    frame = documents
    for _ in range(len(documents.columns)):
        try:
            return pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as err:
            bad = next((c for c in frame.columns if frame[c].dtype == object
                        and _arrow_fails(frame[c])), None)
            if bad is None:
                raise StoreError(f"the corpus cannot be stored as Parquet ({err}). Check its "
                                 "columns' types.") from None
            warnings.warn(f"column {bad!r} mixes value types; it is stored as text.",
                          CorpusWarning, stacklevel=4)
            frame = frame.assign(**{bad: frame[bad].map(
                lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v))
                else str(v)).astype("string")})
    return pa.Table.from_pandas(frame, preserve_index=False)


def _arrow_fails(column: pd.Series) -> bool:
    try:
        pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return True
    return False


# --------------------------------------------------------------------------- preparing


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the store's lock file (a hidden sibling) for one prepare at a time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no POSIX locks (Windows): one prepare at a time is up to the user
        yield
        return
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise StoreError(f"{target}: is a file, not a store folder. Pass --store a folder "
                         "(new, or a store prepared before).")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST_FILE).is_file():
        raise StoreError(f"{target}: exists, is not empty and is not a store (no "
                         f"{MANIFEST_FILE}); refusing to replace it. Pass --store a new or "
                         "empty folder.")


def _remove_leftovers(target: Path) -> None:
    """Temporary folders of interrupted runs (safe: the caller holds the lock)."""
    for prefix in (f".{target.name}.tmp-", f".{target.name}.old-"):
        for leftover in target.parent.glob(prefix + "*"):
            shutil.rmtree(leftover, ignore_errors=True)


def _load(source: str | Path | None, settings: StoreSettings,
          progress: bool | None, *, id_prefix: str = "") -> pd.DataFrame:
    from analysis.corpus.loader import load_corpus

    def choice(value: str) -> Any:
        return {"auto": None, "none": False}.get(value, value)

    kwargs: dict[str, Any] = {"group": settings.group, "text_column": settings.text_column,
                              "id_column": settings.id_column,
                              "manifest": choice(settings.manifest),
                              "events": choice(settings.events), "progress": progress}
    if id_prefix:
        kwargs["id_prefix"] = id_prefix
    if "clean" in inspect.signature(load_corpus).parameters:
        kwargs["clean"] = settings.clean
    elif settings.clean != "news":
        raise StoreError(f"clean = {settings.clean!r}: this version's loader always applies "
                         "the news cleaning rules. Use --clean news.")
    return load_corpus(source, **kwargs)


def _check_corpus(corpus: pd.DataFrame, settings: StoreSettings) -> pd.DataFrame:
    from analysis.text.segment import check_corpus

    check_corpus(corpus, group=settings.group)
    if len(corpus) == 0:
        raise StoreError("the corpus has no documents. Add documents to the source.")
    clash = [c for c in SUMMARY_COLUMNS if c in corpus.columns]
    if clash:
        warnings.warn(f"corpus column(s) {clash} are replaced by the store's per-document "
                      "counts of the same name; rename them to keep them.", CorpusWarning,
                      stacklevel=4)
        corpus = corpus.drop(columns=clash)
    return corpus


def _resolve_jobs(n_jobs: int | None, chars: int, n_batches: int) -> int:
    if n_jobs is None:
        jobs = 1 if chars < PARALLEL_MIN_CHARS else _cores()
    elif isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or a negative int, not {n_jobs!r}")
    elif n_jobs < 0:
        jobs = max(1, _cores() + 1 + n_jobs)
    else:
        jobs = n_jobs
    return max(1, min(jobs, n_batches))


def _text_frame(corpus: pd.DataFrame, group: str) -> pd.DataFrame:
    """``doc_id``, the group and the text as plain strings ('' for missing text)."""
    return pd.DataFrame({
        "doc_id": corpus["doc_id"].reset_index(drop=True),
        group: corpus[group].reset_index(drop=True),
        "text": pd.Series(["" if t is None or (not isinstance(t, str) and pd.isna(t)) else str(t)
                           for t in corpus["text"].tolist()], dtype="string"),
    })


def _part_writers(folder: Path, frame: pd.DataFrame, group: str, index: int,
                  suffix: str) -> dict[str, _TableWriter]:
    """Writers of one partition's per-sentence part files (``suffix``: until committed)."""
    key_types = {"doc_id": pa.Table.from_pandas(frame[["doc_id"]]).schema.field("doc_id").type,
                 group: pa.Table.from_pandas(frame[[group]]).schema.field(group).type}
    if pa.types.is_null(key_types[group]):
        key_types[group] = pa.large_string()
    out = {}
    for name in ("sentences", "quotes", "mentions"):
        (folder / name).mkdir(exist_ok=True)
        types = {**key_types, "actors": pa.list_(pa.large_string())} \
            if name == "sentences" else key_types
        out[name] = _TableWriter(folder / name / (PART_NAME.format(index) + suffix),
                                 rows=ROW_GROUP_ROWS, types=types)
    return out


def _write_documents(documents: pd.DataFrame, folder: Path, index: int, suffix: str) -> None:
    (folder / "documents").mkdir(exist_ok=True)
    pq.write_table(_document_table(documents),
                   folder / "documents" / (PART_NAME.format(index) + suffix),
                   compression="zstd", row_group_size=DOCUMENT_ROW_GROUP)


def _commit_part(folder: Path, index: int, suffix: str) -> None:
    """Rename one partition's part files into place (a retried partition replaces them)."""
    for name in PART_TABLES:
        final = folder / name / PART_NAME.format(index)
        os.replace(final.with_name(final.name + suffix), final)


def _write_counts(counts: _CountParts, n_docs: int, folder: Path,
                  log: Callable[[str], None]) -> tuple[dict[str, Any], pd.DataFrame]:
    """Finish the counts parts and write the vocabulary; return (manifest entry, vocabulary)."""
    t = time.perf_counter()
    parts, vocab = counts.finish(n_docs)
    pq.write_table(pa.Table.from_pandas(vocab, preserve_index=False),
                   folder / "vocabulary.parquet", compression="zstd", row_group_size=1 << 20)
    nonzero = sum(p["nonzero"] for p in parts)
    log(f"counts: {len(vocab):,} terms, {nonzero:,} non-zero cells in {len(parts)} part(s): "
        f"{time.perf_counter() - t:.1f} s")
    entry = {"folder": COUNTS_FOLDER, "parts": parts, "documents": int(n_docs),
             "terms": int(len(vocab)), "nonzero": int(nonzero)}
    return entry, vocab


def _sizes(rows: dict[str, int], parts: int, counts: dict[str, Any],
           settings: StoreSettings) -> dict:
    tables = {name: {"folder": name, "parts": parts, "rows": int(rows[name])}
              for name in PART_TABLES}
    tables["vocabulary"] = {"file": "vocabulary.parquet", "rows": int(rows["vocabulary"])}
    return {"tables": tables,
            "counts": {**counts, "ngram_range": list(settings.ngram_range)}}


def _collect(results: Iterable[tuple[tuple[int, int], _Batch]],
             writers: dict[str, _TableWriter], counts: _Counts | _CountParts,
             summary: dict[str, np.ndarray], seconds: Counter, *,
             step: Callable[[int], Any] | None = None) -> dict[str, int]:
    """Write each batch's rows, merge its counts and summaries; return the rows written."""
    for (lo, hi), batch in results:
        for name, writer in writers.items():
            writer.write(getattr(batch, name))
        counts.add(batch)
        for col in SUMMARY_COLUMNS:
            summary[col][lo:hi] = batch.summary[col]
        seconds.update(batch.seconds)
        if step is not None:
            step(hi - lo)
        del batch
    return {name: writer.close() for name, writer in writers.items()}


def _build(corpus: pd.DataFrame, folder: Path, settings: StoreSettings, *, n_jobs: int | None,
           batch_chars: int, progress: bool | None, log: Callable[[str], None]) -> dict:
    """Write every table into ``folder`` (one part per table); return the manifest's sizes."""
    from analysis.text.segment import corpus_tokenizer

    group = settings.group
    started = time.perf_counter()
    tokenizer = corpus_tokenizer(corpus)
    log(f"sentence tokenizer trained: {time.perf_counter() - started:.1f} s")
    frame = _text_frame(corpus, group)
    lengths = frame["text"].str.len().to_numpy(dtype=np.int64)
    bounds = _bounds(lengths, batch_chars)
    jobs = _resolve_jobs(n_jobs, int(lengths.sum()), len(bounds))
    ctx = _Context(group, settings.aliases, tokenizer, settings.ngram_range)
    writers = _part_writers(folder, frame, group, 0, "")
    counts = _CountParts(settings.ngram_range[1], folder, part_cells=COUNTS_PART_CELLS)
    summary = {c: np.zeros(len(frame), dtype=np.int64) for c in SUMMARY_COLUMNS}
    seconds: Counter = Counter()
    show = bool(progress) or (progress is None and len(frame) >= 200)
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(frame), unit="doc", desc="preparing store", file=sys.stderr)
    t = time.perf_counter()
    rows = _collect(zip(bounds, _run_batches(frame, bounds, ctx, jobs), strict=True), writers,
                    counts, summary, seconds, step=bar.update if bar is not None else None)
    if bar is not None:
        bar.close()
    log(f"batches: {len(bounds)} of about {batch_chars:,} characters in {jobs} process(es): "
        f"{time.perf_counter() - t:.1f} s; CPU seconds by stage: "
        + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    entry, vocab = _write_counts(counts, len(frame), folder, log)
    t = time.perf_counter()
    _write_documents(corpus.reset_index(drop=True).assign(**summary), folder, 0, "")
    log(f"documents table: {time.perf_counter() - t:.1f} s")
    rows.update(documents=len(frame), vocabulary=len(vocab))
    return _sizes(rows, 1, entry, settings)


# --------------------------------------------------------------------------- on a Dask cluster


@dataclass(frozen=True)
class _Part:
    """One partition of whole documents: a table file of a pattern source (``loaded``
    False), or rows of a corpus loaded by the client and saved as Parquet (True)."""

    index: int
    file: Path
    loaded: bool = False


@dataclass
class _Scan:
    """What the client needs from one partition before processing it (no text)."""

    ids: list[str]
    lengths: np.ndarray
    groups: dict[str, int]
    without_group: int
    fingerprint: str
    warnings: list[tuple[type[Warning], str]]


@dataclass
class _PartCounts:
    """One partition's term counts: the columns :meth:`_Counts.add` merges."""

    terms: list[str]
    term_n: list[int]
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray


@dataclass
class _PartResult:
    index: int
    documents: int
    counts: _PartCounts
    rows: dict[str, int]
    seconds: dict[str, float]


def _load_part(part: _Part, settings: StoreSettings) -> pd.DataFrame:
    """A partition's corpus rows, loaded and checked (on a worker)."""
    if part.loaded:
        return pd.read_parquet(part.file)
    corpus = _load(part.file, settings, False, id_prefix=f"{part.file.stem}-")
    return _check_corpus(corpus, settings)


def _scan_part(part: _Part, settings: StoreSettings, saved: str) -> _Scan:
    """Load one file on a worker and save it as ``saved`` (Parquet) for the processing step;
    return its ids, text lengths, groups and fingerprint."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = _load_part(part, settings)
        tmp = f"{saved}.tmp-{os.getpid()}-{time.monotonic_ns()}"
        pq.write_table(_document_table(corpus), tmp)
        os.replace(tmp, saved)
    labels = corpus[settings.group]
    texts = _text_frame(corpus, settings.group)["text"]
    return _Scan(ids=corpus["doc_id"].astype(str).tolist(),
                 lengths=texts.str.len().to_numpy(dtype=np.int64),
                 groups=labels.dropna().astype(str).value_counts().to_dict(),
                 without_group=int(labels.isna().sum()),
                 fingerprint=corpus_fingerprint(corpus, group=settings.group),
                 warnings=[(w.category, f"{part.file}: {w.message}") for w in caught])


def _part_texts(part: _Part, settings: StoreSettings, ids: list[str]) -> pd.DataFrame:
    """``doc_id`` and ``text`` of some documents of one partition (the tokenizer's sample)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = _load_part(part, settings)
    return corpus.loc[corpus["doc_id"].astype(str).isin(set(ids)), ["doc_id", "text"]]


def _process_part(part: _Part, settings: StoreSettings, ctx: _Context, folder: str,
                  batch_chars: int) -> _PartResult:
    """Every stage of one partition on a worker; writes its part files, returns its counts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reported by the scan or by the client's load
        corpus = _load_part(part, settings).reset_index(drop=True)
    root, suffix = Path(folder), f".tmp-{os.getpid()}-{time.monotonic_ns()}"
    frame = _text_frame(corpus, ctx.group)
    writers = _part_writers(root, frame, ctx.group, part.index, suffix)
    counts = _Counts(ctx.ngram_range[1])
    summary = {c: np.zeros(len(frame), dtype=np.int64) for c in SUMMARY_COLUMNS}
    seconds: Counter = Counter()
    bounds = _bounds(frame["text"].str.len().to_numpy(dtype=np.int64), batch_chars)
    rows = _collect(((b, _process_batch(frame.iloc[b[0]:b[1]], ctx)) for b in bounds), writers,
                    counts, summary, seconds)
    _write_documents(corpus.assign(**summary), root, part.index, suffix)
    _commit_part(root, part.index, suffix)
    return _PartResult(part.index, len(frame), counts.partial(), rows, dict(seconds))


def _tokenizer_sample(scans: list[_Scan]) -> dict[int, list[str]]:
    """The documents whose texts train the tokenizer, by partition.

    :func:`analysis.text.segment.corpus_tokenizer` learns from the first
    :data:`analysis.text.segment.MAX_TRAIN_CHARS` characters of the texts in ``doc_id`` order;
    these are the documents it reads, so training on them alone gives the same tokenizer.
    """
    from analysis.text.segment import MAX_TRAIN_CHARS

    ids = [(doc_id, k, int(n)) for k, scan in enumerate(scans)
           for doc_id, n in zip(scan.ids, scan.lengths.tolist(), strict=True)]
    ids.sort(key=lambda item: item[0])
    out: dict[int, list[str]] = {}
    total = 0
    for doc_id, k, n in ids:
        if total >= MAX_TRAIN_CHARS:
            break
        out.setdefault(k, []).append(doc_id)
        total += n
    return out


def _open_cluster(scheduler: Any, workers: int | None) -> tuple[Any, list[Any]]:
    """A ``distributed.Client`` and what to close after (what was opened here)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise StoreError("preparing on a cluster needs Dask: pip install 'dask[distributed]' "
                         "(the 'scale' extra), or leave out --scheduler/--workers.") from None
    if scheduler is not None:
        if isinstance(scheduler, Client):
            return scheduler, []
        client = Client(scheduler)
        return client, [client]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, not {workers!r}")
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    client = Client(cluster)
    return client, [client, cluster]


def _build_on_cluster(parts: list[_Part], folder: Path, settings: StoreSettings, client: Any,
                      *, tokenizer: Any, batch_chars: int,
                      log: Callable[[str], None]) -> dict:
    """Process every partition on the cluster; reduce the counts here, in partition order."""
    from distributed import as_completed

    ctx = _Context(settings.group, settings.aliases, tokenizer, settings.ngram_range)
    [ctx_future] = client.scatter([ctx], broadcast=True)
    t = time.perf_counter()
    futures = [client.submit(_process_part, part, settings, ctx_future, str(folder),
                             batch_chars, pure=False) for part in parts]
    counts = _CountParts(settings.ngram_range[1], folder, part_cells=COUNTS_PART_CELLS)
    rows: Counter = Counter()
    seconds: Counter = Counter()
    done: dict[int, _PartResult] = {}
    n_docs, nxt = 0, 0
    try:
        for future in as_completed(futures):
            result = future.result()
            future.release()  # the workers drop the partition's counts: memory stays flat
            done[result.index] = result
            log(f"part {result.index + 1} of {len(parts)} written "
                f"({result.documents:,} documents)")
            while nxt in done:
                ready = done.pop(nxt)
                counts.add(ready.counts)
                rows.update(ready.rows)
                seconds.update(ready.seconds)
                n_docs += ready.documents
                nxt += 1
    except BaseException:
        client.cancel(futures)
        raise
    log(f"partitions: {len(parts)} on {len(client.scheduler_info()['workers'])} worker(s): "
        f"{time.perf_counter() - t:.1f} s; CPU seconds by stage: "
        + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    entry, vocab = _write_counts(counts, n_docs, folder, log)
    rows.update(documents=n_docs, vocabulary=len(vocab))
    return _sizes(rows, len(parts), entry, settings)


def _prepare_on_cluster(source: Any, tmp: Path, settings: StoreSettings, client: Any, *,
                        batch_chars: int, partition_chars: int,
                        log: Callable[[str], None]) -> tuple[dict, dict]:
    """Build the store in ``tmp`` on a cluster; return (sizes, corpus section of the manifest).

    A pattern source: each worker loads its files and saves them as Parquet in the temporary
    store (returning ids, lengths, groups, fingerprint), the client trains the tokenizer on
    the texts :func:`_tokenizer_sample` names, then the workers process the saved partitions. Any other source is loaded here and cut into
    partitions of about ``partition_chars`` characters.
    """
    from analysis.corpus.loader import check_unique_ids, source_files
    from analysis.text.segment import corpus_tokenizer

    if settings.dedupe:
        raise StoreError("dedupe = True needs the whole corpus in one process; it is not "
                         "available on a cluster yet. Leave out --dedupe, or prepare without "
                         "--scheduler/--workers.")
    files = source_files(source) if not isinstance(source, pd.DataFrame) else None
    t = time.perf_counter()
    # the loaded partitions, saved for the workers (not scattered: a partition must outlive a
    # worker that dies)
    inputs = tmp / ".input"
    inputs.mkdir()
    if files is not None:
        parts = [_Part(k, inputs / PART_NAME.format(k), loaded=True) for k in range(len(files))]
        futures = [client.submit(_scan_part, _Part(k, f.resolve()), settings, str(part.file),
                                 pure=False) for k, (f, part) in enumerate(zip(files, parts,
                                                                               strict=True))]
        try:
            scans = client.gather(futures)
        except BaseException:
            client.cancel(futures)
            raise
        del futures  # released: the workers keep nothing of the scan
        for category, message in (w for scan in scans for w in scan.warnings):
            warnings.warn(message, category, stacklevel=4)
        check_unique_ids([scan.ids for scan in scans], files)
        n_docs = sum(len(scan.ids) for scan in scans)
        if n_docs == 0:
            raise StoreError("the corpus has no documents. Add documents to the source.")
        log(f"scanned {len(files)} file(s), {n_docs:,} documents: "
            f"{time.perf_counter() - t:.1f} s")
        sample = _tokenizer_sample(scans)
        texts = client.gather([client.submit(_part_texts, parts[k], settings, ids, pure=False)
                               for k, ids in sorted(sample.items())])
        tokenizer = corpus_tokenizer(pd.concat(texts, ignore_index=True))
        groups: Counter = Counter()
        for scan in scans:
            groups.update(scan.groups)
        info = {"fingerprint": _combined_fingerprint([s.fingerprint for s in scans]),
                "documents": n_docs, "groups": dict(sorted(groups.items())),
                "without_group": sum(scan.without_group for scan in scans)}
    else:
        if isinstance(source, pd.DataFrame):
            corpus = source
        else:
            corpus = _load(source, settings, None)
            log(f"loaded {len(corpus):,} documents: {time.perf_counter() - t:.1f} s")
        corpus = _check_corpus(corpus, settings).reset_index(drop=True)
        labels = corpus[settings.group]
        groups_ = labels.dropna().astype(str).value_counts().sort_index()
        info = {"fingerprint": corpus_fingerprint(corpus, group=settings.group),
                "documents": int(len(corpus)),
                "groups": {str(k): int(v) for k, v in groups_.items()},
                "without_group": int(labels.isna().sum())}
        tokenizer = corpus_tokenizer(corpus)
        lengths = _text_frame(corpus, settings.group)["text"].str.len().to_numpy(dtype=np.int64)
        parts = []
        for k, (lo, hi) in enumerate(_bounds(lengths, partition_chars)):
            parts.append(_Part(k, inputs / PART_NAME.format(k), loaded=True))
            pq.write_table(_document_table(corpus.iloc[lo:hi]), parts[-1].file)
        del corpus
    log(f"sentence tokenizer trained: {time.perf_counter() - t:.1f} s")
    sizes = _build_on_cluster(parts, tmp, settings, client, tokenizer=tokenizer,
                              batch_chars=batch_chars, log=log)
    shutil.rmtree(tmp / ".input", ignore_errors=True)
    return sizes, info


def _combined_fingerprint(fingerprints: list[str]) -> str:
    """sha256 of the per-file corpus fingerprints of a pattern source, in file order."""
    h = hashlib.sha256(b"files\0")
    for fp in fingerprints:
        h.update(fp.encode() + b"\0")
    return h.hexdigest()


def _source_info(source: Any, settings: StoreSettings) -> dict[str, Any]:
    from analysis.corpus.loader import source_files

    if isinstance(source, pd.DataFrame):
        return {"kind": "dataframe", "path": None, "fingerprint": None}
    if source is not None and source_files(source) is not None:
        pattern = str(Path(source).expanduser().absolute())
        return {"kind": "pattern", "path": pattern,
                "fingerprint": source_fingerprint(pattern, settings=settings)}
    src = Path(source).expanduser().resolve() if source is not None else config.SEEDS_DIR
    return {"kind": "path", "path": str(src),
            "fingerprint": source_fingerprint(src, settings=settings)}


def _load_checked(source: Any, settings: StoreSettings,
                  progress: bool | None) -> tuple[pd.DataFrame, str]:
    """The checked corpus and its fingerprint (a pattern: file by file, as on a cluster)."""
    from analysis.corpus.loader import combine_parts, source_files

    if isinstance(source, pd.DataFrame):
        corpus = _check_corpus(source, settings)
        return corpus, corpus_fingerprint(corpus, group=settings.group)
    files = source_files(source)
    if files is None:
        corpus = _check_corpus(_load(source, settings, progress), settings)
        return corpus, corpus_fingerprint(corpus, group=settings.group)
    frames = [_check_corpus(_load(f, settings, progress, id_prefix=f"{f.stem}-"), settings)
              for f in files]
    fingerprint = _combined_fingerprint([corpus_fingerprint(f, group=settings.group)
                                         for f in frames])
    return combine_parts(frames, files), fingerprint


@contextlib.contextmanager
def _noted(notes: list[str]) -> Iterator[None]:
    """Record the warnings of the block in ``notes`` (once each) and show them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    notes.extend(dict.fromkeys(str(w.message) for w in caught if str(w.message) not in notes))


def _prepare_locked(source: Any, target: Path, settings: StoreSettings, *,
                    n_jobs: int | None, batch_chars: int, progress: bool | None,
                    log: Callable[[str], None], cluster: tuple[Any, int | None] | None = None,
                    partition_chars: int = PARTITION_CHARS) -> Store:
    _check_target(target)
    _remove_leftovers(target)
    source_info = _source_info(source, settings)
    load_from = source if source_info["path"] is None else source_info["path"]
    info: dict[str, Any] = {}
    corpus = None
    notes: list[str] = []  # the loader's warnings: shown now, and kept in the manifest
    if cluster is None:
        t = time.perf_counter()
        with _noted(notes):
            corpus, fingerprint = _load_checked(load_from, settings, progress)
        log(f"loaded {len(corpus):,} documents: {time.perf_counter() - t:.1f} s")
        if settings.dedupe:
            from analysis.text.passages import deduplicated

            t = time.perf_counter()
            corpus = deduplicated(corpus, group=settings.group)
            log(f"deduplicated: {time.perf_counter() - t:.1f} s")
        labels = corpus[settings.group]
        groups = labels.dropna().astype(str).value_counts().sort_index()
        info = {"fingerprint": fingerprint, "documents": int(len(corpus)),
                "groups": {str(k): int(v) for k, v in groups.items()},
                "without_group": int(labels.isna().sum())}
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        if cluster is None:
            sizes = _build(corpus, tmp, settings, n_jobs=n_jobs, batch_chars=batch_chars,
                           progress=progress, log=log)
        else:
            client, opened = _open_cluster(*cluster)
            try:
                with _noted(notes):
                    sizes, info = _prepare_on_cluster(load_from, tmp, settings, client,
                                                      batch_chars=batch_chars,
                                                      partition_chars=partition_chars, log=log)
            finally:
                for thing in opened:
                    thing.close()
        for leftover in tmp.glob("*/part-*.tmp-*"):  # a killed worker's unfinished part
            leftover.unlink()
        manifest = {
            "format": FORMAT_NAME,
            "versions": versions(),
            "settings": settings.to_manifest(),
            "source": source_info,
            "warnings": notes,
            "corpus": info,
            **sizes,
        }
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            os.rename(target, old)
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Store(target, manifest)


def prepare(
    source: str | Path | pd.DataFrame | None = None,
    *,
    store: str | Path,
    settings: StoreSettings | None = None,
    n_jobs: int | None = None,
    batch_chars: int = BATCH_CHARS,
    progress: bool | None = False,
    log: Callable[[str], None] | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    partition_chars: int = PARTITION_CHARS,
) -> Store:
    """Compute every per-document stage of a corpus once and write the store.

    Parameters
    ----------
    source : a folder of ``.txt`` files, a ``.csv``/``.jsonl``/``.parquet`` table or a pattern
        of such tables (``"news/*.parquet"``; loaded with :func:`analysis.load_corpus` and the
        settings), None for the bundled seeds, or a corpus DataFrame already loaded
        (``doc_id``, ``text`` and the group column)
    store : the store's folder: new, empty, or a store prepared before (replaced whole)
    settings : :class:`StoreSettings` (default: the defaults)
    n_jobs : worker processes for the batches. None: one process below
        :data:`PARALLEL_MIN_CHARS` characters of text, every available core above; -1: all
        cores. The files are the same whatever the number.
    batch_chars : characters of text per batch of whole documents (memory per worker)
    progress : a progress bar on stderr (None: for 200 documents or more)
    log : called with one line per step (seconds, CPU seconds by stage)
    scheduler : prepare on an existing Dask cluster: its scheduler's address
        (``"tcp://host:8786"``) or a ``distributed.Client``. The workers must see ``store``'s
        folder and the source's files at the same paths (a shared file system).
    workers : prepare on a local Dask cluster of this many worker processes (one thread each),
        started and stopped here. With neither, one process (``n_jobs``) and Dask is not
        imported. On a cluster each file of a pattern source is one partition (each worker
        loads its own files); another source is loaded here and cut into partitions of about
        ``partition_chars`` characters. The tables are the same either way.
    partition_chars : characters of text per partition on a cluster (a source that is not a
        pattern of files)

    Returns
    -------
    Store

    Raises
    ------
    CorpusError
        The loader's errors (missing source, bad manifest, unknown group column ...).
    StoreError
        ``store`` is a file or a non-empty folder that is not a store, or bad settings.

    Examples
    --------
    >>> import tempfile
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "g": ["x", "y"],
    ...                        "text": ["Putin met Xi. They talked.", "Sanctions bite."]})
    >>> s = prepare(corpus, store=tempfile.mkdtemp() + "/s", settings=StoreSettings(group="g"))
    >>> s.manifest["tables"]["sentences"]["rows"], s.manifest["corpus"]["groups"]
    (3, {'x': 1, 'y': 1})
    """
    settings = settings or StoreSettings()
    if int(batch_chars) < 1 or int(partition_chars) < 1:
        raise ValueError(f"batch_chars and partition_chars must be positive, not "
                         f"{batch_chars!r}, {partition_chars!r}")
    target = Path(store).expanduser().resolve()
    with _locked(target):
        return _prepare_locked(source, target, settings, n_jobs=n_jobs,
                               batch_chars=int(batch_chars), progress=progress,
                               log=log or (lambda line: None),
                               cluster=_cluster_option(scheduler, workers),
                               partition_chars=int(partition_chars))


def _cluster_option(scheduler: Any, workers: int | None) -> tuple[Any, int | None] | None:
    if scheduler is None and workers is None:
        return None
    if scheduler is not None and workers is not None:
        raise ValueError("pass scheduler= (an existing cluster) or workers= (a local one), "
                         "not both")
    return (scheduler, workers)


def ensure_store(
    source: str | Path | pd.DataFrame | None = None,
    *,
    store: str | Path,
    settings: StoreSettings | None = None,
    force: bool = False,
    n_jobs: int | None = None,
    batch_chars: int = BATCH_CHARS,
    progress: bool | None = False,
    log: Callable[[str], None] | None = None,
    scheduler: Any = None,
    workers: int | None = None,
    partition_chars: int = PARTITION_CHARS,
) -> Store:
    """The store for ``source`` and ``settings``: reused when current, else prepared.

    "Current" is :func:`is_current`: same format, package, code and library versions, same
    settings and same source fingerprint. Anything else (or ``force``) prepares the store
    again; a stale store is never returned. The other options are :func:`prepare`'s.

    Examples
    --------
    >>> import tempfile
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": ["A.", "B."]})
    >>> folder = tempfile.mkdtemp() + "/s"
    >>> lines = []
    >>> _ = ensure_store(corpus, store=folder, log=lines.append)
    >>> _ = ensure_store(corpus, store=folder, log=lines.append)
    >>> lines[-1]
    'store is current: reused'
    """
    settings = settings or StoreSettings()
    say = log or (lambda line: None)
    target = Path(store).expanduser().resolve()
    with _locked(target):
        problems = store_mismatches(target, source, settings)
        if not problems and not force:
            say("store is current: reused")
            return Store(target, _read_manifest(target))
        if (target / MANIFEST_FILE).is_file():
            say("store rebuilt: " + ("--force" if force and not problems else "; ".join(problems)))
        return _prepare_locked(source, target, settings, n_jobs=n_jobs,
                               batch_chars=int(batch_chars), progress=progress, log=say,
                               cluster=_cluster_option(scheduler, workers),
                               partition_chars=int(partition_chars))


# --------------------------------------------------------------------------- command line


def add_prepare_parser(sub: Any) -> None:
    """Add the ``prepare`` subcommand to an ``argparse`` subparsers object."""
    p = sub.add_parser(
        "prepare", help="compute the per-document stages once into a store folder",
        description="Load a corpus once and write its sentences, scores, quotations, actor "
        "mentions and term counts to a store folder that the notebooks and the report read. "
        "An existing store prepared from the same files, settings and versions is reused.")
    p.add_argument("--source", help="folder of .txt files, a .csv/.jsonl/.parquet table or a "
                   "quoted pattern of tables such as 'news/*.parquet' (default: the bundled "
                   "seeds)")
    p.add_argument("--group", default=config.DEFAULT_GROUP,
                   help=f"grouping column (default: {config.DEFAULT_GROUP})")
    p.add_argument("--text-column", default=config.DEFAULT_TEXT_COLUMN,
                   help="text column of a table (default: text)")
    p.add_argument("--id-column", default="doc_id",
                   help="id column of a table (default: doc_id; numbered rows without one)")
    p.add_argument("--clean", default="news", choices=_CHOICES["clean"],
                   help="cleaning rules (default: news)")
    p.add_argument("--actors", default="bundled",
                   help="actor table: bundled or the path of a CSV (default: bundled)")
    p.add_argument("--ngrams", type=int, default=3,
                   help="longest n-gram counted, 1 to 5 (default: 3)")
    p.add_argument("--dedupe", action="store_true",
                   help="count a passage shared by several documents once")
    p.add_argument("--store", required=True, help="the store folder (created or replaced)")
    p.add_argument("--jobs", type=int, default=None,
                   help="worker processes (default: all cores for large corpora)")
    p.add_argument("--force", action="store_true", help="prepare even if the store is current")
    cluster = p.add_mutually_exclusive_group()
    cluster.add_argument("--scheduler", default=None, metavar="ADDRESS",
                         help="prepare on an existing Dask cluster (e.g. tcp://host:8786); "
                         "needs the 'scale' extra and a file system the workers share")
    cluster.add_argument("--workers", type=int, default=None, metavar="N",
                         help="prepare on a local Dask cluster of N worker processes")


def prepare_command(args: Any) -> int:
    """Run ``python -m analysis prepare``; 2 with a one-line message on bad input."""
    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    try:
        auto = {key: config.beside(args.source, name, folders_only=key == "manifest")
                for key, name in (("manifest", config.MANIFEST_NAME),
                                  ("events", config.EVENTS_NAME))}  # as a report resolves them
        settings = StoreSettings(group=args.group, text_column=args.text_column,
                                 id_column=getattr(args, "id_column", "doc_id"),
                                 clean=args.clean, actors=args.actors, ngrams=args.ngrams,
                                 dedupe=args.dedupe, **auto)
        store = ensure_store(args.source, store=args.store, settings=settings, force=args.force,
                             n_jobs=args.jobs, progress=None, log=say,
                             scheduler=getattr(args, "scheduler", None),
                             workers=getattr(args, "workers", None))
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    tables = store.manifest["tables"]
    print(f"{store.path}: {tables['documents']['rows']:,} documents, "
          f"{tables['sentences']['rows']:,} sentences, {tables['quotes']['rows']:,} quotations, "
          f"{tables['mentions']['rows']:,} actor mentions, "
          f"{store.manifest['counts']['terms']:,} terms "
          f"({time.perf_counter() - started:.1f} s)")
    return 0
