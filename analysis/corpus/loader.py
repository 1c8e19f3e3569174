"""Load a corpus into one DataFrame row per document, and show what cleaning removed.

:func:`load_corpus` reads a folder of ``.txt`` files (with an optional ``manifest.csv`` and
``events.toml`` beside them) or a ``.csv`` / ``.jsonl`` / ``.parquet`` table, decodes each
text carefully (UTF-8, UTF-8 or UTF-16 with a byte-order mark; other bytes as cp1252/latin-1
with a warning, never dropped), cleans it with :func:`analysis.corpus.cleaning.clean_text`, finds its
date, and decides its event (manifest first, then :func:`analysis.corpus.events.assign_event`).
:func:`cleaning_audit` lists every removed line with its rule. Bad input raises
:class:`~analysis.errors.CorpusError` naming the file or column and the fix. The loader only
reads: nothing is ever written under the corpus folder.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import glob
import os
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any

import pandas as pd

from analysis import config
from analysis.corpus.cleaning import Removal, check_profile, clean_text
from analysis.corpus.events import (
    Event,
    EventRules,
    apply_rules,
    assign_event,
    parse_dateline,
    read_events,
    unassigned_message,
)
from analysis.corpus.wordlists import WORD_RE
from analysis.errors import CorpusError, CorpusWarning

__all__ = ["check_unique_ids", "cleaning_audit", "combine_parts", "load_corpus", "read_text_file",
           "source_files"]

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet")
#: Leading columns of the corpus DataFrame, in order (the group column follows ``doc_id``).
CORPUS_COLUMNS = (
    "doc_id", "event", "event_label", "date", "date_source", "event_source", "event_reason",
    "event_evidence", "event_scores", "source", "title", "file", "n_words", "n_removed",
    "clean_profile", "text", "raw_text",
)
_AUTO_PROGRESS = 200
_GLOB_CHARS = ("*", "?", "[")
_MONTHS = {name[:3].lower(): k for k, name in enumerate(calendar.month_name) if name}


# --------------------------------------------------------------------------------------------
# Reading one file
# --------------------------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Decode bytes; return (text, fallback encoding or None when the text was UTF-8/16/32)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), None
            except UnicodeDecodeError as err:
                raise CorpusError(
                    f"{name}: starts with a {codec.upper()} byte-order mark but is not valid "
                    f"{codec.upper()} ({err.reason} at byte {err.start}). Re-save it as UTF-8."
                ) from None
    if b"\x00" in data:
        raise CorpusError(
            f"{name}: looks like a binary file (it contains NUL bytes), not text. Remove it "
            "from the corpus folder, or convert it to UTF-8 text (UTF-16 needs a byte-order mark)."
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_text_file(path: str | Path) -> tuple[str, str | None]:
    """Read a text file the way the loader does.

    UTF-8 (a byte-order mark is stripped), UTF-16 and UTF-32 with a byte-order mark are read as
    such. Other bytes that are not UTF-8 are decoded as cp1252 (latin-1 when cp1252 cannot),
    which maps every byte to a character: nothing is dropped.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    text : str
    fallback : str or None
        ``"cp1252"`` or ``"latin-1"`` when that fallback was used (the loader warns), else None.

    Raises
    ------
    CorpusError
        The file is missing, binary (NUL bytes), empty or whitespace only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes("café".encode("latin-1"))
    >>> read_text_file(p)
    ('café', 'cp1252')
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found. Check the path.") from None
    except OSError as err:
        raise CorpusError(f"{path}: cannot read it ({err.strerror}). Check its permissions.") from None
    text, fallback = _decode(data, str(path))
    del data
    if not text.strip(" \t\r\n\x0b\x0c\u00a0\u200b\ufeff\u2028\u2029"):
        what = "empty" if not text else "whitespace only"
        raise CorpusError(
            f"{path}: file is {what}. Delete it, add its text, or leave it out of the manifest."
        )
    return text, fallback


# --------------------------------------------------------------------------------------------
# Dates found in the text
# --------------------------------------------------------------------------------------------
def _parse_date_text(s: str) -> dt.date | None:
    try:
        m = re.search(r"(\d{4})-(\d{2})-(\d{2})", s)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.search(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", s)
        if m and m[1].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
        m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})", s)
        if m and m[2].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    except ValueError:
        return None
    return None


def _text_date(removed: list[Removal]) -> tuple[dt.date | None, str]:
    """The date a text states about itself: its date header, else its page-date line."""
    for rule, label in (("date_header", "header"), ("page_date", "page_date")):
        for r in removed:
            if r.rule == rule:
                d = _parse_date_text(r.line)
                if d is not None:
                    return d, label
    return None, "none"


# --------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------
def _read_table(path: Path, **kwargs: Any) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, **kwargs)
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, **kwargs)
        return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CorpusError(
            f"{path}: cannot read this {suffix} table ({first}). Check that it is a valid "
            f"{suffix.lstrip('.')} file (UTF-8 text for .csv/.jsonl)."
        ) from None


def _read_manifest(path: Path, *, folder: Path | None) -> pd.DataFrame:
    """Read and validate a manifest; returns str columns with '' for missing values."""
    if not path.is_file():
        raise CorpusError(f"{path}: manifest not found. Pass manifest=False to load without one.")
    table = _read_table(path, dtype=str, keep_default_na=False)
    table.columns = [str(c).strip() for c in table.columns]
    table = table.map(lambda v: v.strip() if isinstance(v, str) else v)
    key = "file" if folder is not None else "doc_id"
    if key not in table.columns:
        raise CorpusError(
            f"{path}: manifest has no {key!r} column (columns: {list(table.columns)}). "
            f"Add a {key!r} column naming each document's "
            + ("file relative to the corpus folder." if key == "file" else "id.")
        )
    if "doc_id" not in table.columns:
        table["doc_id"] = [PurePath(f).stem for f in table["file"]]
    table["doc_id"] = [d or PurePath(f).stem for d, f in
                       zip(table["doc_id"], table.get("file", table["doc_id"]), strict=True)]
    if folder is not None:
        root = folder.resolve()
        for row, name in enumerate(table["file"], start=2):
            pure = PurePath(name)
            if not name:
                raise CorpusError(f"{path}, line {row}: empty 'file'. Name the document's file.")
            if pure.is_absolute() or ".." in pure.parts or Path(name).is_absolute():
                raise CorpusError(
                    f"{path}, line {row}: file {name!r} points outside the corpus folder "
                    f"{folder}. Use a path relative to that folder, without '..'."
                )
            target = (folder / name).resolve()
            if not target.is_relative_to(root):
                raise CorpusError(
                    f"{path}, line {row}: file {name!r} resolves outside the corpus folder "
                    f"{folder}. Move the file into the folder."
                )
            if not target.is_file():
                raise CorpusError(
                    f"{path}, line {row}: file {name!r} not found in {folder}. Fix the name or "
                    "remove the row."
                )
        dup_files = sorted({f for f in table["file"] if (table["file"] == f).sum() > 1})
        if dup_files:
            raise CorpusError(
                f"{path}: file(s) {dup_files} listed more than once. List each file once."
            )
    dup_ids = sorted({d for d in table["doc_id"] if (table["doc_id"] == d).sum() > 1})
    if dup_ids:
        raise CorpusError(
            f"{path}: doc_id(s) {dup_ids} used more than once. Give each document its own id."
        )
    if "date" in table.columns:
        for row, value in enumerate(table["date"], start=2):
            if value and _parse_iso(value) is None:
                raise CorpusError(
                    f"{path}, line {row}: date {value!r} is not a date. Write YYYY-MM-DD or "
                    "leave it empty."
                )
    return table


def _parse_iso(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------
def _folder_files(folder: Path) -> list[str]:
    with os.scandir(folder) as entries:
        names = sorted(
            e.name for e in entries
            if e.name.lower().endswith(".txt") and not e.name.startswith(".") and e.is_file()
        )
    return names


def _progress(iterable: Any, *, total: int, progress: bool | None) -> Any:
    show = bool(progress) or (progress is None and total >= _AUTO_PROGRESS)
    if not show:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, unit="doc", desc="loading corpus", file=sys.stderr)


def _warn_files(names: list[str], message: str) -> None:
    if names:
        shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        warnings.warn(f"{shown}: {message}", CorpusWarning, stacklevel=3)


def _resolve_events(events: Any, beside: Path) -> list[Event] | None:
    if events is False:
        return None
    if isinstance(events, list | tuple) and all(isinstance(e, Event) for e in events):
        return list(events)
    if events is None:
        # Only an events file that belongs to this corpus: the bundled seeds' events must never
        # label someone else's articles. Without one, events come from a manifest or table column.
        local = beside / config.EVENTS_NAME
        return read_events(local) if local.is_file() else None
    return read_events(Path(events).expanduser())


def load_corpus(
    source: str | Path | None = None,
    *,
    group: str = config.DEFAULT_GROUP,
    text_column: str = config.DEFAULT_TEXT_COLUMN,
    id_column: str = "doc_id",
    manifest: str | Path | bool | None = None,
    events: str | Path | bool | list[Event] | None = None,
    event_rules: EventRules | None = None,
    progress: bool | None = False,
    clean: str = "news",
    id_prefix: str = "",
) -> pd.DataFrame:
    """Load a corpus: one row per document with clean text, date and event.

    Parameters
    ----------
    source : str or Path, optional
        None: the bundled seeds. A folder: every ``*.txt`` in it (not sub-folders) plus any file
        the manifest lists. A ``.txt`` file: a corpus of one. A ``.csv``, ``.jsonl`` or
        ``.parquet`` table: one row per document, text in ``text_column``; its other columns
        are carried through (``doc_id``, ``date``, ``event``, ``source``, ``title`` are used
        when present). A pattern such as ``"news/*.parquet"`` (see :func:`source_files`):
        every table it matches, in sorted order, each loaded as one table and the rows
        concatenated; rows of a table without an id column are numbered ``<file stem>-<row>``.
    group : str
        The grouping column the analysis will use (default ``"event"``); it must exist in the
        result (from the events, the manifest or the table).
    text_column : str
        The text column of a table source.
    id_column : str
        The id column of a table source (default ``doc_id``; without one, rows are numbered).
        Another name must exist in the table; it becomes ``doc_id``.
    manifest : str, Path, bool or None
        None: ``manifest.csv`` beside the texts when present; False: ignore it; a path: that
        manifest. Columns: ``file`` (relative to the folder; for a table, ``doc_id``),
        optional ``doc_id``, ``event``, ``date`` (YYYY-MM-DD), ``source``, ``title`` and any
        others (carried through). Non-empty manifest values win over what the text shows.
    events : str, Path, False, list of Event or None
        None: ``events.toml`` beside the texts (for a table: in its folder); without one no
        event is inferred (the bundled ``seeds/events.toml`` describes the seeds only, so it is
        used only when passed explicitly). False: do not infer events. A path or a list from
        :func:`analysis.corpus.events.read_events`.
    event_rules : EventRules, optional
        Overrides the events file's ``preview_days``, ``cue_margin``, ``cue_ratio`` and
        ``require_phrase`` (see :func:`analysis.corpus.events.assign_event`).
    progress : bool or None
        Show a tqdm progress bar on stderr; None shows it for 200 documents or more.
    clean : {"news", "none"}
        The cleaning profile (:data:`analysis.corpus.cleaning.PROFILES`): ``"news"`` removes the page
        chrome of scraped news pages (every rule of :data:`analysis.corpus.cleaning.RULES`);
        ``"none"`` removes nothing (Unicode and whitespace are still normalised and paragraphs
        rebuilt): for speeches, transcripts or text that is already clean.
    id_prefix : str
        Put before the row numbers of a table without an id column (a pattern source passes
        ``"<file stem>-"`` for each of its tables).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``event`` (``<NA>`` when undecided), ``event_label``, ``date``
        (datetime64, NaT when unknown), ``date_source`` (``manifest``, ``table``, ``header``,
        ``page_date`` or ``none``), ``event_source`` (``manifest``, ``table``, ``date``,
        ``cues``, ``unclear``, ``ruled_out``, ``none``; see
        :func:`analysis.corpus.events.assign_event`), ``event_reason`` (why, in one sentence),
        ``event_evidence`` (the date, years written, dateline, cues found and events ruled
        out), ``event_scores`` (cue score per event), ``source`` (outlet: manifest, table or
        the dateline's agency), ``title``, ``file``, ``n_words``, ``n_removed`` (lines or
        fragments cleaning dropped), ``clean_profile`` (the ``clean`` profile that ran),
        ``text`` (clean; paragraphs separated by one blank line), ``raw_text``, then any other
        manifest or table columns.

    Raises
    ------
    CorpusError
        Missing path; empty folder; empty, whitespace-only or binary file; a table without the
        text column; a bad manifest (missing file, duplicate id, path outside the folder, bad
        date); a bad events file; an unknown group column; an unknown ``clean`` profile. The
        message names the file, column or option.

    Warns
    -----
    CorpusWarning
        Files decoded as cp1252/latin-1; documents whose event is undecided; files not in the
        manifest; documents that cleaning emptied.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> corpus[["doc_id", "event", "date_source"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['000', '2023-moscow', 'manifest'], ['001', '2023-moscow', 'page_date'],
     ['002', '2023-moscow', 'manifest'], ['003', '2024-beijing', 'none'],
     ['004', '2024-beijing', 'manifest']]
    >>> load_corpus(manifest=False)["event"].tolist()
    ['2023-moscow', '2023-moscow', '2023-moscow', '2024-beijing', '2024-beijing']
    >>> load_corpus(clean="none")["n_removed"].tolist()
    [0, 0, 0, 0, 0]
    """
    clean = check_profile(clean, option="clean")
    files = source_files(source)
    if files is not None:
        options = {"group": group, "text_column": text_column, "id_column": id_column,
                   "manifest": manifest, "events": events, "event_rules": event_rules,
                   "progress": progress, "clean": clean}
        return combine_parts([load_corpus(f, **options, id_prefix=f"{f.stem}-") for f in files],
                             files)
    path = Path(source).expanduser() if source is not None else config.SEEDS_DIR
    if not path.exists():
        raise CorpusError(
            f"{path}: no such file or folder. Pass a folder of .txt files or a "
            ".csv/.jsonl/.parquet table."
        )
    if path.is_dir():
        beside, kind = path, "manifest"
    elif path.suffix.lower() in TABLE_SUFFIXES:
        beside, kind = path.parent, "table"
    elif path.suffix.lower() == ".txt":
        beside, kind = path.parent, "file"
    else:
        raise CorpusError(
            f"{path}: unsupported file type {path.suffix!r}. Pass a folder of .txt files, a "
            ".txt file, or a .csv/.jsonl/.parquet table."
        )
    collector = _Collector(apply_rules(_resolve_events(events, beside), event_rules))
    if kind == "manifest":
        _load_folder(path, collector, manifest=manifest, progress=progress, clean=clean)
    elif kind == "table":
        _load_table(path, collector, text_column=text_column, id_column=id_column,
                    manifest=manifest, progress=progress, clean=clean, id_prefix=id_prefix)
    else:
        _load_files(path.parent, [path.name], None, collector, progress=progress, clean=clean)
    frame = collector.frame()
    del collector
    if group not in frame.columns:
        raise CorpusError(
            f"group column {group!r} not found in the corpus from {path}. Columns: "
            f"{list(frame.columns)}. Pass group= one of them, or add a {group!r} column to "
            f"the {'table' if kind == 'table' else 'manifest'}."
        )
    if group != "event":
        cols = list(frame.columns)
        cols.remove(group)
        cols.insert(1, group)
        frame = frame[cols]
    return frame


def source_files(source: str | Path | None) -> list[Path] | None:
    """The tables a pattern source names (sorted), or None when ``source`` is no pattern.

    A source is a pattern when it contains ``*``, ``?`` or ``[`` and is not an existing path;
    ``**`` matches sub-folders. Large exports come as many files (``news/*.parquet``,
    ``export/part-*.jsonl``): each is one table (``.csv``, ``.jsonl``, ``.ndjson``,
    ``.parquet``).

    Raises
    ------
    CorpusError
        No file matches, or a matched file is not a table.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.csv", "a.csv"):
    ...     _ = (folder / name).write_text("text\\nOne.\\n")
    >>> [p.name for p in source_files(folder / "*.csv")]
    ['a.csv', 'b.csv']
    >>> source_files(folder / "a.csv") is None
    True
    """
    if source is None:
        return None
    text = str(Path(source).expanduser())
    if not any(c in text for c in _GLOB_CHARS) or Path(text).exists():
        return None
    files = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
    if not files:
        raise CorpusError(f"{source}: no file matches this pattern. Check the folder and the "
                          "pattern (e.g. 'news/*.parquet'), or pass a folder or one table.")
    bad = [f for f in files if f.suffix.lower() not in TABLE_SUFFIXES]
    if bad:
        raise CorpusError(f"{bad[0]}: the pattern {str(source)!r} matches a file that is not a "
                          ".csv/.jsonl/.parquet table. Narrow the pattern to the tables "
                          "(e.g. 'news/*.parquet').")
    return files


def combine_parts(frames: list[pd.DataFrame], files: list[Path]) -> pd.DataFrame:
    """One corpus from the corpora loaded from several files, in the order given.

    Columns are the union (in order of first appearance); a ``doc_id`` found in two files
    raises :class:`~analysis.errors.CorpusError` naming both.

    Examples
    --------
    >>> a = pd.DataFrame({"doc_id": ["1"], "text": ["One."]})
    >>> combine_parts([a, a.assign(doc_id=["2"])], [Path("a.csv"), Path("b.csv")])["doc_id"].tolist()
    ['1', '2']
    >>> combine_parts([a, a], [Path("a.csv"), Path("b.csv")])
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: doc_id '1' is in both a.csv and b.csv. Give every document its own id across the files (or leave the id column out: rows are then numbered per file).
    """
    check_unique_ids([frame["doc_id"].astype(str).tolist() for frame in frames], files)
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True, sort=False)


def check_unique_ids(ids: list[list[str]], files: list[Path]) -> None:
    """Raise :class:`~analysis.errors.CorpusError` when a ``doc_id`` is in two files.

    ``ids[k]`` are the ids loaded from ``files[k]`` (each file's own ids are unique: the
    loader checks that).

    Examples
    --------
    >>> check_unique_ids([["1", "2"], ["3"]], [Path("a.csv"), Path("b.csv")]) is None
    True
    """
    seen: dict[str, int] = {}
    for k, part in enumerate(ids):
        for doc_id in part:
            first = seen.setdefault(doc_id, k)
            if first != k:
                raise CorpusError(
                    f"doc_id {doc_id!r} is in both {files[first]} and {files[k]}. Give every "
                    "document its own id across the files (or leave the id column out: rows "
                    "are then numbered per file).")


def _new_row(doc_id: str, file: str, raw: str, *, clean: str) -> dict[str, Any]:
    text, removed = clean_text(raw, profile=clean)
    date, date_source = _text_date(removed)
    title = next((r.line for r in removed if r.rule == "duplicate_title"), None)
    dateline = parse_dateline(text) if clean == "news" else None
    return {
        "doc_id": doc_id, "event": None, "event_source": None, "date": date,
        "date_source": date_source, "source": dateline.agency if dateline else None,
        "title": title, "file": file, "n_words": WORD_RE.subn("", text)[1],
        "n_removed": len(removed), "clean_profile": clean, "text": text, "raw_text": raw,
    }


def _apply_fields(row: dict[str, Any], fields: dict[str, str], origin: str,
                  extra: dict[str, None]) -> None:
    for key, value in fields.items():
        if key in ("doc_id", "file", "text", "raw_text"):
            continue
        if key == "date":
            if value:
                row["date"] = _parse_iso(value)
                row["date_source"] = origin
        elif key == "event":
            if value:
                row["event"] = value
                row["event_source"] = origin
                row["event_reason"] = f"given in the {origin}"
        elif key in ("source", "title"):
            if value:
                row[key] = value
        else:
            extra[key] = None
            row[key] = value if value != "" else None


def _load_files(
    folder: Path, names: list[str], table: pd.DataFrame | None, collector: _Collector, *,
    progress: bool | None, clean: str,
) -> None:
    listed = {} if table is None else {f: k for k, f in enumerate(table["file"])}
    fallbacks: list[str] = []
    emptied: list[str] = []
    for name in _progress(names, total=len(names), progress=progress):
        raw, fallback = read_text_file(folder / name)
        if fallback:
            fallbacks.append(f"{name} (read as {fallback})")
        k = listed.get(name)
        doc_id = str(table["doc_id"].iat[k]) if k is not None else PurePath(name).stem
        row = _new_row(doc_id, name, raw, clean=clean)
        if k is not None:
            _apply_fields(row, table.iloc[k].to_dict(), "manifest", collector.extra)
        if not row["text"]:
            emptied.append(name)
        collector.add(row)
        del raw, row
    _warn_files(fallbacks, "not valid UTF-8; decoded with a single-byte fallback (every byte "
                "kept). Re-save as UTF-8 if characters look wrong.")
    _warn_files(emptied, "cleaning removed every line; the document has no text left. Check it "
                "in cleaning_audit().")
    ids = [r["doc_id"] for r in collector.rows]
    if len(set(ids)) != len(ids):
        dupes = sorted(pd.Series(ids)[pd.Series(ids).duplicated()].unique())
        raise CorpusError(
            f"{folder}: doc_id(s) {dupes[:10]} occur twice (a manifest id equals another file's "
            "name). Give each document its own id in the manifest."
        )


def _load_folder(
    folder: Path, collector: _Collector, *, manifest: str | Path | bool | None,
    progress: bool | None, clean: str,
) -> None:
    names = _folder_files(folder)
    table = None
    if manifest is None and (folder / config.MANIFEST_NAME).is_file():
        manifest = folder / config.MANIFEST_NAME
    if manifest not in (None, False, True):
        table = _read_manifest(Path(manifest).expanduser(), folder=folder)
        listed = list(table["file"])
        listed_set = {str(PurePath(f)) for f in listed}
        unlisted = [n for n in names if n not in listed_set]
        _warn_files(unlisted, f"not listed in the manifest {manifest}; loaded with inferred "
                    "fields. Add rows for them to the manifest.")
        table["file"] = [str(PurePath(f)) for f in listed]
        names = list(table["file"]) + unlisted
    if not names:
        present = sorted(os.listdir(folder))[:10]
        raise CorpusError(
            f"{folder}: no .txt files in this folder"
            + (f" (it has: {present})" if present else " (it is empty)")
            + ". Put one UTF-8 .txt file per document in it, or pass a .csv/.jsonl/.parquet table."
        )
    _load_files(folder, names, table, collector, progress=progress, clean=clean)


def _load_table(
    path: Path, collector: _Collector, *, text_column: str, id_column: str = "doc_id",
    manifest: str | Path | bool | None, progress: bool | None, clean: str, id_prefix: str = "",
) -> None:
    # identifiers stay text ("000" must not become 0); other columns keep their types
    table = _read_table(path, dtype={id_column: str, "file": str}) if path.suffix.lower() != ".parquet" \
        else _read_table(path)
    if text_column not in table.columns:
        raise CorpusError(
            f"{path}: no text column {text_column!r}. Its columns are {list(table.columns)}. "
            "Pass text_column= the column that holds the article text."
        )
    if len(table) == 0:
        raise CorpusError(f"{path}: the table has no rows. Add one row per document.")
    if id_column != "doc_id":
        if id_column not in table.columns:
            raise CorpusError(
                f"{path}: no id column {id_column!r}. Its columns are {list(table.columns)}. "
                "Pass id_column= the column that holds each document's id."
            )
        table = table.drop(columns=["doc_id"], errors="ignore").rename(
            columns={id_column: "doc_id"})
        table["doc_id"] = table["doc_id"].astype("string")
    width = len(str(len(table) - 1))
    if "doc_id" in table.columns:
        ids = [str(v) for v in table["doc_id"]]
        dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
        if dupes:
            raise CorpusError(f"{path}: doc_id(s) {dupes[:10]} occur more than once. Make them "
                              "unique.")
    else:
        ids = [f"{id_prefix}{k:0{width}d}" for k in range(len(table))]
    dates = None
    if "date" in table.columns:
        try:
            dates = pd.to_datetime(table["date"], errors="raise", format="mixed")
        except (ValueError, TypeError) as err:
            raise CorpusError(
                f"{path}: column 'date' has a value that is not a date ({err}). Write dates as "
                "YYYY-MM-DD or leave them empty."
            ) from None
    manifest_fields: dict[str, dict[str, str]] = {}
    if manifest not in (None, False, True):
        mtable = _read_manifest(Path(manifest).expanduser(), folder=None)
        manifest_fields = {r["doc_id"]: r for r in mtable.to_dict("records")}
    extra = collector.extra
    texts = table[text_column]
    others = [c for c in table.columns if c not in (text_column, "doc_id", "date")]
    for k in _progress(range(len(table)), total=len(table), progress=progress):
        value = texts.iat[k]
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(
                f"{path}: row {k} (doc_id {ids[k]}) has no text in column {text_column!r}. "
                "Fill it or drop the row."
            )
        row = _new_row(ids[k], path.name, value, clean=clean)
        if dates is not None and not pd.isna(dates.iat[k]):
            row["date"] = dates.iat[k].date()
            row["date_source"] = "table"
        fields = {}
        for c in others:
            v = table[c].iat[k]
            fields[str(c)] = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else v
        _apply_fields(row, fields, "table", extra)
        if ids[k] in manifest_fields:
            _apply_fields(row, manifest_fields[ids[k]], "manifest", extra)
        collector.add(row)


class _Collector:
    """Rows as they are read. Events are decided per document as it arrives; the two text
    columns are converted to Arrow strings in chunks, so the Python copies of at most one
    chunk exist at a time (memory grows with the corpus, not with copies of it)."""

    _BIG = ("text", "raw_text")
    _CHUNK = 1000

    def __init__(self, events: list[Event] | None) -> None:
        self.events = events
        self.rows: list[dict[str, Any]] = []
        self.extra: dict[str, None] = {}
        self.pending: dict[str, list[str]] = {k: [] for k in self._BIG}
        self.chunks: dict[str, list[pd.Series]] = {k: [] for k in self._BIG}
        self.unassigned: dict[str, list[str]] = {}

    def add(self, row: dict[str, Any]) -> None:
        if row["event"] is None:
            if self.events is None:
                row["event_source"] = "none"
                row["event_reason"] = "no events file"
            else:
                # a page date (page furniture) only bounds the publication date from above
                kind = "page" if row["date_source"] == "page_date" else "publication"
                result = assign_event(row["text"], events=self.events, date=row["date"],
                                      date_kind=kind, title=row["title"], doc_id=row["doc_id"],
                                      warn=False)
                row["event"] = result.event
                row["event_source"] = result.source
                row["event_reason"] = result.reason
                row["event_evidence"] = result.evidence or None
                row["event_scores"] = result.score_text or None  # None: a date decided
                if result.event is None:
                    self.unassigned.setdefault(result.source, []).append(row["doc_id"])
        for k in self._BIG:
            self.pending[k].append(row.pop(k))
        self.rows.append(row)
        if len(self.pending["text"]) >= self._CHUNK:
            self._flush()

    def _flush(self) -> None:
        for k in self._BIG:
            if self.pending[k]:
                self.chunks[k].append(pd.Series(self.pending[k], dtype="string"))
                self.pending[k] = []

    def frame(self) -> pd.DataFrame:
        for source, names in self.unassigned.items():
            if names:
                warnings.warn(unassigned_message(names, source), CorpusWarning, stacklevel=4)
        self._flush()
        labels = {e.id: e.label for e in self.events or []}
        rows = self.rows
        columns: dict[str, Any] = {}
        for col in (*CORPUS_COLUMNS, *self.extra):
            if col in columns:
                continue
            if col in self._BIG:
                parts = self.chunks[col]
                columns[col] = (parts[0] if len(parts) == 1
                                else pd.concat(parts, ignore_index=True))
                self.chunks[col] = []
                continue
            if col == "event_label":
                values = [labels.get(r["event"]) if r["event"] else None for r in rows]
            else:
                values = [r.get(col) for r in rows]
            if col == "date":
                columns[col] = pd.to_datetime(
                    [d.isoformat() if d else None for d in values], format="ISO8601"
                )
            elif col in ("n_words", "n_removed"):
                columns[col] = pd.Series(values, dtype="int64")
            elif all(v is None or isinstance(v, str) for v in values):
                columns[col] = pd.Series(values, dtype="string")
            else:
                columns[col] = pd.Series(values)
        self.rows = []
        return pd.DataFrame(columns)


def _iter_removals(corpus: pd.DataFrame) -> Iterator[tuple[str, str, Removal]]:
    """(doc_id, profile that ran, removal) for every removal, document by document."""
    profiles = (corpus["clean_profile"] if "clean_profile" in corpus.columns
                else pd.Series("news", index=corpus.index))
    for doc_id, raw, profile in zip(corpus["doc_id"], corpus["raw_text"], profiles, strict=True):
        if pd.isna(profile):
            profile = "news"
        profile = check_profile(profile, option=f"document {doc_id!s}: clean_profile")
        for r in clean_text(raw, profile=profile)[1]:
            yield str(doc_id), profile, r


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """Every line (or fragment) cleaning removed, with the rule and the profile that removed it.

    Recomputed from ``raw_text`` with each document's ``clean_profile``, so it stays correct
    for any subset or concatenation of corpora.

    Parameters
    ----------
    corpus : pandas.DataFrame
        From :func:`load_corpus` (needs ``doc_id`` and ``raw_text``; ``clean_profile`` is taken
        as ``"news"`` when the column is missing).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, ``line_no`` (1-based line of the raw text), ``rule`` (see
        :data:`analysis.corpus.cleaning.RULES`), ``line`` (the removed text), ``inline`` (True when
        only that fragment was cut from a kept line) and ``profile`` (the cleaning profile
        that ran, :data:`analysis.corpus.cleaning.PROFILES`). Under the ``"none"`` profile the table
        is empty.

    Examples
    --------
    >>> audit = cleaning_audit(load_corpus())
    >>> audit[audit["doc_id"] == "003"][["line_no", "rule", "profile"]].values.tolist()
    [[18, 'separator', 'news'], [19, 'byline_credit', 'news'], [20, 'author_bio', 'news']]
    >>> len(cleaning_audit(load_corpus(clean="none")))
    0
    """
    for col in ("doc_id", "raw_text"):
        if col not in corpus.columns:
            raise CorpusError(
                f"corpus has no {col!r} column (columns: {list(corpus.columns)}). Pass the "
                "DataFrame returned by load_corpus()."
            )
    records = [
        (doc_id, r.line_no, r.rule, r.line, r.inline, profile)
        for doc_id, profile, r in _iter_removals(corpus)
    ]
    audit = pd.DataFrame(records,
                         columns=["doc_id", "line_no", "rule", "line", "inline", "profile"])
    return audit.astype({"doc_id": "string", "line_no": "int64", "rule": "string",
                         "line": "string", "inline": "bool", "profile": "string"})
