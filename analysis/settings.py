"""One configuration for a run, read the same way from a project file, the command line and
the notebooks.

A run is described by :class:`AnalysisConfig`: which corpus (``source`` and its columns), how
its documents are grouped, which of the news-specific layers run, and the few analysis
choices (n-grams, topics, seed). The same names are used everywhere:

- a project file, ``analysis.toml`` beside the corpus (in a corpus folder, or in the folder
  of a table) or any file passed with ``--config``; one ``key = value`` per line, relative
  paths relative to the file's folder;
- the command line: ``--text-column body`` sets ``text_column`` (``--dedupe`` /
  ``--no-dedupe`` for the one switch), on ``python -m analysis report`` and ``corpus``;
- the notebooks' papermill ``parameters`` cell, where ``None`` means "not set here".

Precedence: command line (or notebook parameter) > project file > defaults. An unknown key or
a bad value raises :class:`ConfigError` naming the key, where it was set (the file, the
command line, the notebook) and the valid values.

``genre`` is a choice, not a hidden default: ``news`` switches on the news layers
(``clean = "news"``: page-chrome rules and datelines; ``actors = "bundled"``: the actor table
shipped for the seeds) unless ``clean`` / ``actors`` are set; any other genre (``speeches``,
``texts``, the default) leaves them off. The genre also gives the prose its nouns
(:func:`nouns`: "articles", "speeches" or "texts"). Events and manifests are the corpus's own
files: an ``events.toml`` / ``manifest.csv`` beside the texts is used when present
(``"auto"``), never the bundled seeds' events unless named.

Examples
--------
>>> cfg = AnalysisConfig(source="speeches.csv", text_column="body", group="party",
...                      genre="speeches")
>>> cfg.clean, cfg.actors, nouns(cfg).documents
('none', 'none', 'speeches')
>>> AnalysisConfig(genre="news").clean
'news'
>>> AnalysisConfig(k="eight")
Traceback (most recent call last):
...
analysis.settings.ConfigError: AnalysisConfig: k = 'eight' is not valid: expected "auto" or a whole number of topics from 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import json
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis import config
from analysis.errors import CorpusError

if TYPE_CHECKING:  # the store module imports scipy and pyarrow: only when a store is used
    from analysis.store import Store, StoreSettings

__all__ = [
    "CONFIG_NAME",
    "GENRES",
    "KEYS",
    "AnalysisConfig",
    "ConfigError",
    "Nouns",
    "add_config_arguments",
    "config_from_args",
    "config_from_parameters",
    "describe_layers",
    "find_config",
    "load_configured",
    "nouns",
    "read_config",
    "resolve_config",
]

#: The project file looked for beside a corpus.
CONFIG_NAME = "analysis.toml"


class ConfigError(CorpusError):
    """An unknown key or a bad value in a project file, on the command line or in a notebook."""


@dataclass(frozen=True)
class Nouns:
    """The words the prose uses for one genre.

    Attributes
    ----------
    document, documents : the unit that was sampled ("article" / "articles")
    author : whose own words a document's unquoted text is ("reporter", "speaker", "author")

    Examples
    --------
    >>> GENRES["speeches"].count(1), GENRES["speeches"].count(1200)
    ('1 speech', '1,200 speeches')
    """

    document: str
    documents: str
    author: str

    def count(self, n: int) -> str:
        """``n`` with the singular or plural noun ("1 article", "3 articles")."""
        return f"{int(n):,} {self.document if int(n) == 1 else self.documents}"


#: Genres and their nouns. ``news`` also switches on the news layers by default.
GENRES: dict[str, Nouns] = {
    "news": Nouns("article", "articles", "reporter"),
    "speeches": Nouns("speech", "speeches", "speaker"),
    "texts": Nouns("text", "texts", "author"),
}
CLEAN_CHOICES = ("news", "none")
TOPIC_METHODS = ("nmf", "lda")
MAX_NGRAMS = 5

# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _Where:
    """Where a value was set: for messages, and the folder relative paths start from."""

    label: str
    base: Path
    flags: bool = False  # name keys as command-line options (--text-column)

    def name(self, key: str) -> str:
        return "--" + key.replace("_", "-") if self.flags else key


def _bad(key: str, value: object, where: _Where, expected: str) -> ConfigError:
    return ConfigError(
        f"{where.label}: {where.name(key)} = {value!r} is not valid: expected {expected}."
    )


def _name(key: str, value: object, where: _Where) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(key, value, where, "a column name (non-empty text)")
    return value.strip()


def _optional_name(key: str, value: object, where: _Where) -> str | None:
    if value is None or value == "none":
        return None
    return _name(key, value, where)


def _choice(choices: tuple[str, ...]) -> Callable[[str, object, _Where], str]:
    def check(key: str, value: object, where: _Where) -> str:
        if not isinstance(value, str) or value.strip().lower() not in choices:
            raise _bad(key, value, where, "one of " + ", ".join(f'"{c}"' for c in choices))
        return value.strip().lower()

    return check


def _path(value: str, where: _Where) -> str:
    return str((where.base / Path(value).expanduser()).resolve())


def _source(key: str, value: object, where: _Where) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise _bad(key, value, where, "a folder of .txt files or a .csv/.jsonl/.parquet table")
    return _path(str(value), where)


def _store(key: str, value: object, where: _Where) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise _bad(key, value, where, "a folder for the prepared store")
    path = _path(str(value), where)
    if Path(path).is_file():
        raise ConfigError(f"{where.label}: {where.name(key)} = {str(value)!r} is a file "
                          f"({path}). Give a folder: a prepared store or a new one.")
    return path


def _file_or(*keywords: str, what: str) -> Callable[[str, object, _Where], str]:
    """A keyword (``"auto"``, ``"none"``, ``"bundled"``) or the path of an existing file."""

    def check(key: str, value: object, where: _Where) -> str:
        if value is False:
            value = "none"
        if not isinstance(value, str | os.PathLike) or not str(value).strip():
            raise _bad(key, value, where, " or ".join(f'"{k}"' for k in keywords) + f" or {what}")
        text = str(value).strip()
        if text.lower() in keywords:
            return text.lower()
        path = _path(text, where)
        if not Path(path).is_file():
            raise ConfigError(
                f"{where.label}: {where.name(key)} = {text!r}: no such file ({path}). Give the "
                f"path of "
                f"{what}, or one of " + ", ".join(f'"{k}"' for k in keywords) + "."
            )
        return path

    return check


def _flag(key: str, value: object, where: _Where) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _bad(key, value, where, "true or false")


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _ngrams(key: str, value: object, where: _Where) -> int:
    n = _integer(value)
    if n is None or not 1 <= n <= MAX_NGRAMS:
        raise _bad(key, value, where, f"a whole number from 1 to {MAX_NGRAMS}")
    return n


def _k(key: str, value: object, where: _Where) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    n = _integer(value)
    if n is None or n < 2:
        raise _bad(key, value, where, '"auto" or a whole number of topics from 2')
    return n


def _count(key: str, value: object, where: _Where) -> int:
    n = _integer(value)
    if n is None or n < 1:
        raise _bad(key, value, where, "a whole number from 1")
    return n


def _seed(key: str, value: object, where: _Where) -> int:
    n = _integer(value)
    if n is None or n < 0:
        raise _bad(key, value, where, "a whole number from 0")
    return n


@dataclass(frozen=True)
class _Key:
    check: Callable[[str, object, _Where], Any]
    default: Any
    help: str
    metavar: str | None = None


_KEYS: dict[str, _Key] = {
    "source": _Key(_source, None, "corpus: a folder of .txt files or a .csv/.jsonl/.parquet "
                   "table (default: the bundled seeds; in a project file: the file's folder)",
                   "PATH"),
    "text_column": _Key(_name, config.DEFAULT_TEXT_COLUMN,
                        "column of a table that holds the text (default: text)", "COL"),
    "id_column": _Key(_name, "doc_id", "column of a table that holds each document's id "
                      "(default: doc_id; numbered rows when the table has none)", "COL"),
    "label_column": _Key(_optional_name, None, "column that labels documents in figures and "
                         "tables, e.g. title or speaker (default: none, the id)", "COL"),
    "group": _Key(_name, config.DEFAULT_GROUP,
                  f"column whose groups are compared (default: {config.DEFAULT_GROUP})", "COL"),
    "genre": _Key(_choice(tuple(GENRES)), "texts", "news, speeches or texts: the noun the "
                  "prose uses; news also switches on page-chrome cleaning and the bundled actor "
                  "table unless --clean/--actors say otherwise (default: texts)", "GENRE"),
    "events": _Key(_file_or("auto", "none", what="an events.toml"), "auto",
                   "events file: auto (events.toml beside the texts, if any), none, or a path",
                   "auto|none|PATH"),
    "manifest": _Key(_file_or("auto", "none", what="a manifest.csv"), "auto",
                     "manifest: auto (manifest.csv beside the texts, if any), none, or a path",
                     "auto|none|PATH"),
    "clean": _Key(_choice(CLEAN_CHOICES), None, "news (remove page chrome, read datelines) or "
                  "none (default: news when the genre is news, else none)", "news|none"),
    "actors": _Key(_file_or("bundled", "none", what="an actor table (columns actor, alias)"),
                   None, "actor table: bundled, none, or a CSV path (default: bundled when the "
                   "genre is news, else none)", "bundled|none|PATH"),
    "dedupe": _Key(_flag, False, "count a passage shared by several documents once "
                   "(default: no)"),
    "ngrams": _Key(_ngrams, 3, "longest term sequence in the term-frequency lists (default: 3)",
                   "N"),
    "k": _Key(_k, None, "number of topics, or auto to choose 2 to 8 (default: auto)", "K|auto"),
    "topic_method": _Key(_choice(TOPIC_METHODS), "nmf", "nmf or lda (default: nmf)",
                         "nmf|lda"),
    "random_state": _Key(_seed, config.RANDOM_STATE,
                         f"seed for every random procedure (default: {config.RANDOM_STATE})",
                         "N"),
    "max_documents": _Key(_count, config.MAX_DOCUMENTS,
                          "most documents whose texts and sentences the text-level sections "
                          "read whole (examples, audits, passages, sentence plots); above it a "
                          "reproducible sample of this many, stratified by group (group "
                          f"measures always use every document; default: {config.MAX_DOCUMENTS})",
                          "N"),
    "store": _Key(_store, None, "prepared store folder (python -m analysis prepare): reused "
                  "when it was prepared from this corpus with these settings, prepared there "
                  "when it does not exist (default: one folder per corpus and settings under "
                  "build/stores/)", "DIR"),
}
#: The configuration keys, in the order the index page and ``to_toml`` list them.
KEYS: tuple[str, ...] = tuple(_KEYS)


def _unknown(key: str, where: _Where) -> ConfigError:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ConfigError(
        f"{where.label}: unknown key {where.name(key)!r}.{hint} Valid keys: {', '.join(KEYS)}."
    )


def _coerce(values: Mapping[str, object], where: _Where) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if key not in _KEYS:
            raise _unknown(key, where)
        out[key] = _KEYS[key].check(key, value, where)
    return out


# --------------------------------------------------------------------------- the config


@dataclass(frozen=True)
class AnalysisConfig:
    """The configuration of one run (see the module docstring for each key).

    Every value is checked when the object is made; ``clean`` and ``actors`` left as ``None``
    follow the genre. ``file`` is the project file the values were read from (if any) and
    ``origins`` says, per key, where its value came from (``"default"``, the file, the
    command line, a notebook parameter).

    Examples
    --------
    >>> cfg = AnalysisConfig(group="party", k=8)
    >>> cfg.k, cfg.topic_method, cfg.clean, nouns(cfg).documents
    (8, 'nmf', 'none', 'texts')
    >>> cfg.to_parameters()["k"], AnalysisConfig().to_parameters()["k"]
    (8, 'auto')
    """

    source: str | None = None
    text_column: str = config.DEFAULT_TEXT_COLUMN
    id_column: str = "doc_id"
    label_column: str | None = None
    group: str = config.DEFAULT_GROUP
    genre: str = "texts"
    events: str = "auto"
    manifest: str = "auto"
    clean: str | None = None
    actors: str | None = None
    dedupe: bool = False
    ngrams: int = 3
    k: int | None = None
    topic_method: str = "nmf"
    random_state: int = config.RANDOM_STATE
    max_documents: int = config.MAX_DOCUMENTS
    store: str | None = None
    file: str | None = field(default=None, compare=False)
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        where = _Where("AnalysisConfig", Path.cwd())
        values = _coerce({k: getattr(self, k) for k in KEYS
                          if not (k in ("clean", "actors") and getattr(self, k) is None)}, where)
        news = values["genre"] == "news"
        values.setdefault("clean", "news" if news else "none")
        values.setdefault("actors", "bundled" if news else "none")
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @property
    def aliases(self) -> str | None:
        """The ``aliases=`` argument of the actor functions (``None``: the bundled table).

        Check :attr:`has_actors` first: with ``actors = "none"`` the actor sections are skipped.
        """
        return None if self.actors in ("bundled", "none") else self.actors

    @property
    def has_actors(self) -> bool:
        """Whether an actor table is configured (``actors`` is not ``"none"``)."""
        return self.actors != "none"

    def updated(self, **values: object) -> AnalysisConfig:
        """A copy with some keys changed (checked like any other value).

        Examples
        --------
        >>> AnalysisConfig().updated(manifest="none", k=4).k
        4
        """
        where = _Where("AnalysisConfig.updated", Path.cwd())
        return dataclasses.replace(self, **_coerce(values, where))

    def origin(self, key: str) -> str:
        """Where the value of ``key`` came from (``"default"`` when nothing set it)."""
        return dict(self.origins).get(key, "default")

    def to_parameters(self) -> dict[str, object]:
        """The keys as notebook parameters / TOML values (``k = "auto"``, ``"none"`` ...)."""
        params: dict[str, object] = {}
        for key in KEYS:
            value = getattr(self, key)
            if key == "k" and value is None:
                value = "auto"
            elif key == "label_column" and value is None:
                value = "none"
            params[key] = value
        return params

    def to_toml(self) -> str:
        """The configuration as an ``analysis.toml`` (absolute paths; the seeds: no source).

        Examples
        --------
        >>> toml = AnalysisConfig(group="party", dedupe=True).to_toml()
        >>> [line for line in toml.splitlines() if line.startswith(("group", "dedupe", "k "))]
        ['group = "party"', 'dedupe = true', 'k = "auto"']
        """
        lines = []
        for key, value in self.to_parameters().items():
            if value is None:
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a TOML basic string uses the same escapes


def nouns(cfg: AnalysisConfig) -> Nouns:
    """The nouns of ``cfg``'s genre, for prose.

    Examples
    --------
    >>> nouns(AnalysisConfig(genre="news")).count(3)
    '3 articles'
    """
    return GENRES[cfg.genre]


def describe_layers(cfg: AnalysisConfig) -> str:
    """One plain sentence per layer: genre, cleaning, actor table, events and manifest.

    Examples
    --------
    >>> print(describe_layers(AnalysisConfig(genre="speeches", events="none", manifest="none")))
    Genre: speeches (the prose speaks of speeches). Cleaning: off (every line kept, no datelines read). Actor table: none (no actor sections). Events file: none. Manifest: none.
    """
    noun = nouns(cfg)

    def file(value: str) -> str:
        return {"auto": "the one beside the texts, if any", "none": "none"}.get(
            value, Path(value).name)

    cleaning = ("news rules (page chrome removed, datelines read)" if cfg.clean == "news"
                else "off (every line kept, no datelines read)")
    actors = {"bundled": "bundled (analysis/resources/actors.csv)",
              "none": "none (no actor sections)"}.get(cfg.actors, Path(cfg.actors).name)
    return (f"Genre: {cfg.genre} (the prose speaks of {noun.documents}). Cleaning: {cleaning}. "
            f"Actor table: {actors}. Events file: {file(cfg.events)}. "
            f"Manifest: {file(cfg.manifest)}.")


# --------------------------------------------------------------------------- reading


def find_config(source: str | os.PathLike[str] | None) -> Path | None:
    """The ``analysis.toml`` beside a corpus, if there is one.

    In the corpus folder; for a table or a single file, in its folder; for ``None`` (the
    bundled seeds), in ``seeds/``.

    Examples
    --------
    >>> find_config(None) == config.SEEDS_DIR / CONFIG_NAME
    True
    """
    path = Path(source).expanduser() if source is not None else config.SEEDS_DIR
    folder = path if path.is_dir() else path.parent
    candidate = folder / CONFIG_NAME
    return candidate.resolve() if candidate.is_file() else None


def _read_values(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(
            f"{path}: configuration file not found. Pass --config an existing analysis.toml, "
            "or leave it out to use the one beside the corpus."
        )
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err}). Write one 'key = value' per line.") \
            from None
    where = _Where(str(path), path.parent.resolve())
    for key, value in raw.items():
        if isinstance(value, dict):
            raise ConfigError(
                f"{path}: [{key}] is a table; the file takes plain 'key = value' lines. "
                f"Valid keys: {', '.join(KEYS)}."
            )
    values = _coerce(raw, where)
    if "source" not in values:
        values["source"] = str(path.parent.resolve())
    return values


def read_config(path: str | os.PathLike[str]) -> AnalysisConfig:
    """Read a project file: its values over the defaults.

    Parameters
    ----------
    path : an ``analysis.toml``: ``key = value`` lines with the keys of :data:`KEYS`;
        relative paths are relative to the file's folder, and ``source`` defaults to that
        folder.

    Raises
    ------
    ConfigError
        Missing file, invalid TOML, an unknown key (the message suggests the closest valid
        one) or a bad value; the message names the file and the key.

    Examples
    --------
    >>> cfg = read_config(config.SEEDS_DIR / CONFIG_NAME)
    >>> cfg.genre, cfg.clean, cfg.actors, Path(cfg.events).name
    ('news', 'news', 'bundled', 'events.toml')
    """
    return resolve_config(path)


def resolve_config(
    file: str | os.PathLike[str] | None = None,
    *,
    where: str = "argument",
    **given: object,
) -> AnalysisConfig:
    """The configuration of a run: ``given`` values over the project file over the defaults.

    Parameters
    ----------
    file : the project file; ``None``: ``analysis.toml`` beside the corpus (the given
        ``source``, else the bundled seeds), if there is one
    where : how to name the given values in messages and in ``origins`` ("command line",
        "notebook parameter")
    **given : configuration keys; ``None`` means "not given". Relative paths are relative to
        the current folder.

    Returns
    -------
    AnalysisConfig
        With ``events`` and ``manifest`` of ``"auto"`` resolved to the file beside the texts
        or ``"none"`` (a manifest is looked for beside a folder of texts only), so the record
        of the run names the files actually used.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "analysis.toml").write_text('source = "speeches.csv"\\ngroup = "party"\\nk = 6\\n')
    >>> cfg = resolve_config(folder / "analysis.toml", where="command line", k="8")
    >>> cfg.group, cfg.k, cfg.origin("group"), cfg.origin("k"), cfg.origin("ngrams")
    ('party', 8, 'file', 'command line', 'default')
    """
    given = {k: v for k, v in given.items() if v is not None}
    given_where = _Where(where, Path.cwd(), flags=where == "command line")
    values = _coerce(given, given_where)
    # a store named here lends the settings it was prepared with (given values win)
    lent = _from_store(values["store"], keep=values) if values.get("store") else {}
    path = Path(file).expanduser().resolve() if file is not None else find_config(
        values.get("source", lent.get("source")))
    from_file = _read_values(path) if path is not None else {}
    if from_file.get("store") is not None and not lent:
        lent = _from_store(from_file["store"], keep=values)
    merged = {**from_file, **lent, **values}
    origins = ({k: "file" for k in from_file} | {k: "the store's manifest" for k in lent}
               | {k: where for k in values})
    for key in ("events", "manifest"):
        if merged.get(key, "auto") == "auto":
            name = config.EVENTS_NAME if key == "events" else config.MANIFEST_NAME
            merged[key] = config.beside(merged.get("source"), name,
                                         folders_only=key == "manifest")
            origins.setdefault(key, "default (auto)")
    genre = merged.get("genre", _KEYS["genre"].default)
    for key in ("clean", "actors"):
        if key not in merged:
            origins[key] = f"default for genre {genre}"
    return AnalysisConfig(
        **merged,
        file=None if path is None else str(path),
        origins=tuple((k, origins[k]) for k in KEYS if k in origins),
    )


#: Keys a prepared store records (its settings and source) and lends to a run that names it.
_STORE_KEYS: tuple[str, ...] = ("source", "group", "text_column", "id_column", "clean",
                                "manifest", "events", "ngrams", "dedupe", "actors")


def _from_store(folder: str, *, keep: Mapping[str, object]) -> dict[str, object]:
    """The settings a store was prepared with, for the keys ``keep`` does not set.

    ``report --store DIR`` then renders the corpus and settings ``DIR`` was prepared from
    without repeating ``--source``/``--group``...; they win over a project file, and a key
    given explicitly wins over them (the store is then prepared again with it). A folder
    without a store lends nothing.
    """
    manifest = Path(folder) / "manifest.json"
    if not manifest.is_file():
        return {}
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        settings = dict(recorded["settings"])
        source = (recorded.get("source") or {}).get("path")
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # not readable as a store: ensure_store says so, and prepares it again
    lent: dict[str, object] = {}
    for key in _STORE_KEYS:
        if key in keep:
            continue
        if key == "source":
            if source is not None and Path(source) != config.SEEDS_DIR.resolve():
                lent[key] = source
        elif key == "actors":
            if settings.get(key) not in (None, "bundled"):  # bundled: the genre decides
                lent[key] = settings[key]
        elif key in settings:
            lent[key] = settings[key]
    return lent


def config_from_parameters(namespace: Mapping[str, object]) -> AnalysisConfig:
    """The configuration from a notebook's parameters (``None``: not set in the notebook).

    Reads the keys of :data:`KEYS` and ``config`` (a project file) from ``namespace``, the
    notebook's ``globals()``; precedence as :func:`resolve_config`.

    Examples
    --------
    >>> cfg = config_from_parameters({"config": None, "source": None, "group": None, "k": 4})
    >>> cfg.genre, cfg.group, cfg.k, cfg.origin("k")
    ('news', 'event', 4, 'notebook parameter')
    """
    given = {k: namespace[k] for k in KEYS if namespace.get(k) is not None}
    file = namespace.get("config")
    return resolve_config(file, where="notebook parameter", **given)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- command line


def add_config_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--config`` and one option per configuration key (``--text-column`` ...).

    Every option defaults to ``None`` ("not given"), so the project file and the defaults
    fill what the command line leaves out (:func:`config_from_args`).

    Examples
    --------
    >>> parser = add_config_arguments(argparse.ArgumentParser())
    >>> args = parser.parse_args(["--text-column", "body", "--k", "8", "--no-dedupe"])
    >>> args.text_column, args.k, args.dedupe, args.group
    ('body', '8', False, None)
    """
    parser.add_argument(
        "--config", default=None, metavar="PATH",
        help=f"project file (default: {CONFIG_NAME} beside the corpus, if any); options given "
        "here win over it",
    )
    for key, spec in _KEYS.items():
        flag = "--" + key.replace("_", "-")
        if key == "dedupe":
            parser.add_argument(flag, dest=key, default=None,
                                action=argparse.BooleanOptionalAction, help=spec.help)
        else:
            parser.add_argument(flag, dest=key, default=None, metavar=spec.metavar,
                                help=spec.help)
    return parser


def config_from_args(args: argparse.Namespace) -> AnalysisConfig:
    """The configuration from parsed options (see :func:`add_config_arguments`).

    A namespace without some keys (an older caller) leaves them to the file and defaults;
    ``no_manifest=True`` means ``manifest = "none"``.

    Examples
    --------
    >>> cfg = config_from_args(argparse.Namespace(group="party", clean="none", k="8"))
    >>> cfg.group, cfg.clean, cfg.k, cfg.origin("group")
    ('party', 'none', 8, 'command line')
    """
    given = {k: getattr(args, k, None) for k in KEYS}
    if getattr(args, "no_manifest", False):
        given["manifest"] = "none"
    return resolve_config(getattr(args, "config", None), where="command line", **given)


# --------------------------------------------------------------------------- loading


def _load_option(value: str) -> str | bool | None:
    return None if value == "auto" else False if value == "none" else value


def load_configured(cfg: AnalysisConfig, *, progress: bool | None = False,
                    **changes: object) -> pd.DataFrame:
    """Load the corpus ``cfg`` describes (:func:`analysis.corpus.loader.load_corpus`).

    Parameters
    ----------
    cfg : the configuration
    progress : passed to ``load_corpus``
    **changes : configuration keys changed for this load only (e.g. ``manifest="none"``)

    Examples
    --------
    >>> corpus = load_configured(read_config(config.SEEDS_DIR / CONFIG_NAME))
    >>> corpus["event"].value_counts().sort_index().to_dict()
    {'2023-moscow': 3, '2024-beijing': 2}
    """
    from analysis.corpus.loader import load_corpus

    if changes:
        cfg = cfg.updated(**changes)
    return load_corpus(
        cfg.source,
        group=cfg.group,
        text_column=cfg.text_column,
        id_column=cfg.id_column,
        manifest=_load_option(cfg.manifest),
        events=_load_option(cfg.events),
        clean=cfg.clean,
        progress=progress,
    )


# --------------------------------------------------------------------------- the store


def store_settings(cfg: AnalysisConfig, *, dedupe: bool | None = None) -> StoreSettings:
    """The :class:`analysis.store.StoreSettings` a configuration prepares its store with.

    ``dedupe`` overrides ``cfg.dedupe`` (the counted-once store of a run that also shows the
    corpus as published). ``actors = "none"`` stores the bundled table's mentions: the
    notebooks then leave the actor sections out, and quotation speakers still get names.

    Examples
    --------
    >>> s = store_settings(AnalysisConfig(group="party", ngrams=2), dedupe=True)
    >>> s.group, s.ngrams, s.dedupe, s.clean
    ('party', 2, True, 'none')
    """
    from analysis.store import StoreSettings

    return StoreSettings(
        group=cfg.group, text_column=cfg.text_column, id_column=cfg.id_column,
        clean=str(cfg.clean), actors="bundled" if cfg.actors in ("bundled", "none") else
        str(cfg.actors), manifest=cfg.manifest, events=cfg.events, ngrams=int(cfg.ngrams),
        dedupe=cfg.dedupe if dedupe is None else bool(dedupe),
    )


def store_path(cfg: AnalysisConfig, *, dedupe: bool | None = None) -> Path:
    """The folder of ``cfg``'s store: ``cfg.store`` if set, else one under ``build/stores/``.

    The default folder's name is a hash of the source and the store settings, so two
    configurations never share (and never overwrite) one store. With ``cfg.store`` set, the
    store of the other ``dedupe`` value is its sibling ``<store>-counted-once`` (or
    ``<store>-as-published``).

    Examples
    --------
    >>> a, b = store_path(AnalysisConfig()), store_path(AnalysisConfig(group="outlet"))
    >>> a.parent == b.parent == config.STORES_DIR, a != b
    (True, True)
    >>> cfg = AnalysisConfig(store="/tmp/my-store")
    >>> store_path(cfg).as_posix(), store_path(cfg, dedupe=True).as_posix()
    ('/tmp/my-store', '/tmp/my-store-counted-once')
    """
    wanted = store_settings(cfg, dedupe=dedupe)
    if cfg.store is not None:
        if wanted.dedupe == cfg.dedupe:
            return Path(cfg.store)
        suffix = "-counted-once" if wanted.dedupe else "-as-published"
        return Path(cfg.store).with_name(Path(cfg.store).name + suffix)
    source = str(Path(cfg.source).resolve()) if cfg.source is not None else "seeds"
    key = json.dumps({"source": source, **wanted.to_manifest()}, sort_keys=True)
    return config.STORES_DIR / hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def configured_store(cfg: AnalysisConfig, *, dedupe: bool | None = None,
                     progress: bool | None = False,
                     log: Callable[[str], object] | None = None) -> Store:
    """The prepared store of ``cfg``'s corpus and settings: reused when current, else prepared.

    Every notebook starts here, so a report (or a session running the notebooks in turn)
    loads, segments, annotates and counts the corpus once: the first call prepares the store
    (:func:`analysis.store.ensure_store`), the others reuse it. A store made by another
    version of the package, from changed files or with other settings is prepared again
    (``log`` says why), never silently reused.

    Parameters
    ----------
    cfg : the run's configuration
    dedupe : ``None``: ``cfg.dedupe``; ``True``/``False``: the counted-once / as-published store
    progress, log : passed to :func:`analysis.store.ensure_store`

    Examples
    --------
    >>> st = configured_store(read_config(config.SEEDS_DIR / CONFIG_NAME))
    >>> st.group, len(st.documents), st.path.parent == config.STORES_DIR
    ('event', 5, True)
    """
    from analysis.store import ensure_store

    source = cfg.source if cfg.source is not None else config.SEEDS_DIR
    say = None if log is None else (lambda line: log(line) and None)
    return ensure_store(source, store=store_path(cfg, dedupe=dedupe),
                        settings=store_settings(cfg, dedupe=dedupe), progress=progress, log=say)


def counted_once_store(cfg: AnalysisConfig, *, published: Store | None = None,
                       log: Callable[[str], object] | None = None) -> Store:
    """The store of ``cfg``'s corpus with each shared passage counted once (``dedupe``).

    What notebooks 01 and 03 compare the as-published counts and topics with. Finding shared
    passages reads every text in one process, so above ``max_documents`` documents it is
    prepared only when asked for (``dedupe = true``); otherwise :class:`CorpusError` says so
    and how to ask, and the notebooks show that message instead of the comparison.
    ``published``: the as-published store, when the caller has it open already (its size
    is read from its manifest; otherwise it is opened, or prepared, here).

    Examples
    --------
    >>> cfg = read_config(config.SEEDS_DIR / CONFIG_NAME)
    >>> counted_once_store(cfg).settings["dedupe"]
    True
    >>> counted_once_store(cfg.updated(max_documents=3))
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: 5 documents: more than max_documents (3), so shared passages are not looked for (that reads every text in one process). Set dedupe = true to prepare the counted-once store anyway, or raise max_documents.
    """
    if not cfg.dedupe:
        if published is None:
            published = configured_store(cfg, dedupe=False, log=log)
        n = int(published.manifest["tables"]["documents"]["rows"])
        if n > cfg.max_documents:
            raise CorpusError(
                f"{n:,} documents: more than max_documents ({cfg.max_documents:,}), so shared "
                "passages are not looked for (that reads every text in one process). Set "
                "dedupe = true to prepare the counted-once store anyway, or raise "
                "max_documents.")
    return configured_store(cfg, dedupe=True, log=log)
