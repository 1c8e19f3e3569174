"""Actors: who a text mentions, from an editable alias table.

``analysis/resources/actors.csv`` maps surface forms to canonical actors (columns ``actor``,
``alias``, optional ``kind`` and ``case``; the file's header comment explains them). All
aliases are matched by ONE compiled, trie-factored regex:

* whole words only (``Xi`` does not match inside "Xinhua"; a hyphen is a boundary, so
  "Sino-Russian" mentions China and Russia);
* the longest alias wins at a position ("Chinese President" -> Xi Jinping, not China);
* an alias written in capitals only (US, UN, EU, ICC) matches in capitals only, so the
  pronoun "us" is never the United States; ``case=exact`` / ``case=any`` override;
* adjacent mentions of the same actor separated only by whitespace count once
  ("Russian President Vladimir Putin" is one mention of Vladimir Putin);
* rows of kind ``ignore`` swallow a form without counting it ("non-Western").

Persons are separate actors from their countries (Putin is not counted as Russia). To add an
actor, add rows to the CSV (or pass ``aliases=`` a file of the same format); no code changes.

Examples
--------
>>> find_actors("Chinese President Xi Jinping told us the U.S. and Kyiv erred.")
('Xi Jinping', 'United States', 'Ukraine')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.corpus.validation import check_corpus
from analysis.corpus.wordlists import WORD_RE, read_table, resource_path, trie_regex
from analysis.errors import CorpusError
from analysis.stages import StageSource

__all__ = ["ActorTable", "actor_table", "find_actors", "find_mentions",
           "mentions", "mentions_from_store", "merge_mentions"]

DEFAULT_ALIASES = "actors.csv"
_SPACES = re.compile(r"\s+")
_GAP = re.compile(r"\s*")


@dataclass(frozen=True)
class ActorTable:
    """Compiled alias table; build with :func:`actor_table`.

    Attributes
    ----------
    actors : tuple of str
        Canonical actors in table order (``kind=ignore`` rows excluded).
    kinds : dict
        Actor -> kind ("person", "country", ...).
    exact : dict
        Exact-case alias -> actor (``None`` for ignored forms).
    folded : dict
        Lower-cased alias -> actor for case-insensitive aliases.
    pattern : re.Pattern
        The single matching regex.
    source : str
        The file the table was read from.
    rows : dict
        Alias key (as in ``exact`` or ``folded``) -> ``(alias as written, row kind)``; the
        row kind may differ from the actor's ("the Kremlin" is an organisation row of the
        country Russia).
    """

    actors: tuple[str, ...]
    kinds: dict[str, str]
    exact: dict[str, str | None]
    folded: dict[str, str | None]
    pattern: re.Pattern
    source: str
    rows: dict[str, tuple[str, str]] = field(default_factory=dict)

    def actor_of(self, surface: str) -> str | None:
        """Canonical actor of a matched surface form (``None`` for ignored forms)."""
        key = _SPACES.sub(" ", surface)
        if key in self.exact:
            return self.exact[key]
        return self.folded.get(key.lower())

    def row_of(self, surface: str) -> tuple[str, str] | None:
        """``(alias as written in the table, kind of its row)`` for a matched surface form.

        A row's kind may differ from its actor's: mentions of "the Kremlin" count for the
        country Russia, while the Kremlin as a quote speaker is an organisation.

        Examples
        --------
        >>> table = actor_table()
        >>> table.actor_of("Kremlin"), table.row_of("Kremlin"), table.row_of("nobody")
        ('Russia', ('Kremlin', 'organization'), None)
        """
        key = _SPACES.sub(" ", surface)
        if key in self.exact:
            return self.rows.get(key)
        return self.rows.get(key.lower())


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def actor_table(aliases: str | Path | None = None) -> ActorTable:
    """Read and compile an alias table (default ``resources/actors.csv``).

    Parameters
    ----------
    aliases : str or Path, optional
        A CSV with columns ``actor``, ``alias`` and optionally ``kind``, ``case``.

    Returns
    -------
    ActorTable

    Examples
    --------
    >>> table = actor_table()
    >>> table.actor_of("Kremlin leader"), table.actor_of("US"), table.actor_of("us")
    ('Vladimir Putin', 'United States', None)
    """
    path = resource_path(aliases or DEFAULT_ALIASES)
    return _actor_table(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _actor_table(path: str, _mtime: int) -> ActorTable:
    rows = read_table(path, required=("actor", "alias"))
    if not rows:
        raise CorpusError(f"{path}: no alias rows. Add lines 'actor,alias' below the header.")
    exact: dict[str, str | None] = {}
    folded: dict[str, str | None] = {}
    row_kinds: dict[str, tuple[str, str]] = {}
    kinds: dict[str, str] = {}
    order: list[str] = []
    for row in rows:
        actor, alias = row["actor"], _SPACES.sub(" ", row["alias"])
        kind = row.get("kind", "").lower()
        case = row.get("case", "").lower()
        if case not in ("", "exact", "any"):
            raise CorpusError(f"{path}: alias {alias!r} has case={case!r}; use exact, any or "
                              "leave it blank.")
        target = None if kind == "ignore" else actor
        if target is not None and actor not in kinds:
            kinds[actor] = kind or "other"
            order.append(actor)
        if case == "exact" or (case == "" and _is_acronym(alias)):
            exact[alias] = target
            key = alias
        else:
            folded[alias.lower()] = target
            key = alias.lower()
        row_kinds[key] = (alias, kind or kinds.get(actor, "other"))
    words = list(exact) + list(folded)
    body = trie_regex(sorted(words), ignore_case=frozenset(folded))
    # \b is much faster than a look-behind and equivalent when every alias starts with a
    # word character
    left = r"\b" if all(re.match(r"\w", w) for w in words) else r"(?<!\w)"
    pattern = re.compile(rf"{left}(?:{body})(?!\w)")
    return ActorTable(tuple(order), kinds, exact, folded, pattern, path, row_kinds)


def find_mentions(text: str, *, aliases: str | Path | ActorTable | None = None,
                  merge: bool = True) -> list[tuple[int, int, str]]:
    """``(start, end, actor)`` of every actor mention in ``text``, in order.

    With ``merge`` (default), adjacent mentions of the same actor (only whitespace between)
    are merged into one span.

    Examples
    --------
    >>> find_mentions("Russian President Vladimir Putin met Xi.")
    [(0, 32, 'Vladimir Putin'), (37, 39, 'Xi Jinping')]
    """
    table = aliases if isinstance(aliases, ActorTable) else actor_table(aliases)
    out: list[tuple[int, int, str]] = []
    seen: dict[str, str | None] = {}
    for m in table.pattern.finditer(str(text)):
        surface = m.group()
        if surface in seen:
            actor = seen[surface]
        else:
            actor = seen[surface] = table.actor_of(surface)
        if actor is not None:
            out.append((m.start(), m.end(), actor))
    return merge_mentions(text, out) if merge else out


def merge_mentions(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Mentions of ``text`` with adjacent mentions of the same actor (only whitespace between)
    merged into one span: ``find_mentions(text)`` from ``find_mentions(text, merge=False)``,
    so a pipeline that needs both searches the text once.

    Examples
    --------
    >>> text = "Russian President Vladimir Putin met Xi."
    >>> merge_mentions(text, find_mentions(text, merge=False)) == find_mentions(text)
    True
    """
    out: list[tuple[int, int, str]] = []
    for start, end, actor in found:
        if out and out[-1][2] == actor and _GAP.fullmatch(text, out[-1][1], start):
            out[-1] = (out[-1][0], end, actor)
        else:
            out.append((start, end, actor))
    return out


def find_actors(text: str, *, aliases: str | Path | ActorTable | None = None,
                ) -> tuple[str, ...]:
    """Canonical actors mentioned in ``text``, each once, in order of first mention.

    Parameters
    ----------
    text : str
        Any text.
    aliases : str, Path or ActorTable, optional
        Alias table; default ``resources/actors.csv``.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> find_actors("Moscow and Beijing accused Washington; the Kremlin agreed.")
    ('Russia', 'China', 'United States')
    >>> find_actors("Let us talk.")
    ()
    """
    return tuple(dict.fromkeys(actor for _, _, actor in find_mentions(text, aliases=aliases)))


def _word_counts(corpus: pd.DataFrame, texts: list[str]) -> np.ndarray:
    if "n_words" in corpus.columns:
        counts = pd.to_numeric(corpus["n_words"], errors="coerce")
        if counts.notna().all():
            return counts.to_numpy(dtype="float64")
    return _text_word_counts(texts)


def _text_word_counts(texts: list[str]) -> np.ndarray:
    return np.array([len(WORD_RE.findall(t)) for t in texts], dtype="float64")


def mentions(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP, per: float = 1000,
             aliases: str | Path | None = None) -> pd.DataFrame:
    """Mentions of each actor per document and per group, as counts and rates.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column; ``n_words`` is used as the word
        count when present, else words are counted as runs of letters/digits.
    group : str, default "event"
        Grouping column.
    per : float, default 1000
        Rates are mentions per ``per`` words.
    aliases : str or Path, optional
        Alias table; default ``resources/actors.csv``.

    Returns
    -------
    DataFrame
        Long format, one row per (level, unit, actor) with zeros included. Columns:
        ``level`` ("document" or "group"), ``doc_id`` (missing on group rows), group,
        ``actor``, ``kind``, ``mentions``, ``words``, ``rate`` (mentions per ``per`` words;
        group rows pool the group's documents: total mentions / total words) and ``n_docs``
        (1 on document rows). Documents with a missing group appear only at document level.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "text": ["Putin met Xi in Moscow.", "Xi spoke."]})
    >>> out = mentions(corpus)
    >>> xi = out[out["actor"] == "Xi Jinping"]
    >>> xi[["level", "doc_id", "event", "mentions", "words", "rate"]].values.tolist()
    [['document', 'a', 'x', 1, 5, 200.0], ['document', 'b', 'y', 1, 2, 500.0], ['group', nan, 'x', 1, 5, 200.0], ['group', nan, 'y', 1, 2, 500.0]]
    """
    check_corpus(corpus, group=group)
    table = actor_table(aliases)
    texts = ["" if pd.isna(t) else str(t) for t in corpus["text"].tolist()]
    index = {a: i for i, a in enumerate(table.actors)}
    counts = np.zeros((len(texts), len(table.actors)), dtype="int64")
    for d, text in enumerate(texts):
        for _, _, actor in find_mentions(text, aliases=table):
            counts[d, index[actor]] += 1
    return _mention_table(corpus, counts, _word_counts(corpus, texts), actors=table.actors,
                          kinds=table.kinds, group=group, per=per)


def mentions_from_store(store: StageSource, *, group: str | None = None,
                        per: float = 1000, top: int | None = None) -> pd.DataFrame:
    """:func:`mentions` from a prepared store's mention table: no text is searched again.

    The same table :func:`mentions` gives on the corpus the store was prepared from, with the
    store's actor table (``store.aliases``); word counts are the documents' ``n_words`` (when
    every document has one, as :func:`mentions` does), else counted in the stored text, one
    part file at a time. The mention table is read one part file at a time (its ``doc_id``
    and ``actor``), each part reduced to counts per document and actor; of the documents
    table only ``doc_id``, the group and ``n_words`` are read, so a large store fits.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of the store's documents (default: the store's group)
    per : rates are mentions per ``per`` words
    top : keep only the rows of the ``top`` actors with most mentions in the whole store
        (actors never mentioned left out; ties in table order); None: every actor of the
        table, as :func:`mentions`

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "text": ["Putin met Xi in Moscow.", "Xi spoke."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> out = mentions_from_store(store)
    >>> out[out["actor"] == "Xi Jinping"][["level", "event", "mentions", "rate"]].values.tolist()
    [['document', 'x', 1, 200.0], ['document', 'y', 1, 500.0], ['group', 'x', 1, 200.0], ['group', 'y', 1, 500.0]]
    >>> mentions_from_store(store, top=1)["actor"].unique().tolist()
    ['Xi Jinping']
    """
    group = store.group if group is None else group
    where = getattr(store, "path", "the store")
    documents = store.document_columns(["doc_id", group])
    if documents["doc_id"].duplicated().any():
        raise CorpusError(f"{where}: its documents table repeats document ids (e.g. "
                          f"{documents['doc_id'][documents['doc_id'].duplicated()].iloc[0]!r}). "
                          "Prepare the store again.")
    table = actor_table(store.aliases)
    doc_index, actor_index = pd.Index(documents["doc_id"]), pd.Index(table.actors)
    n_a = len(actor_index)
    cells, counts_of = [], []   # per part: the (document, actor) cells met, and their counts
    for part in store.iter_parts("mentions", columns=["doc_id", "actor"]):
        rows = doc_index.get_indexer(part["doc_id"])
        cols = actor_index.get_indexer(part["actor"].astype(str))
        if (rows < 0).any() or (cols < 0).any():
            raise CorpusError(f"{where}: its mention table names documents or actors it does "
                              "not hold. Prepare the store again.")
        cell, n = np.unique(rows.astype(np.int64) * n_a + cols, return_counts=True)
        cells.append(cell)
        counts_of.append(n)
    cell = np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64)
    n = np.concatenate(counts_of) if counts_of else np.zeros(0, dtype=np.int64)
    keep = np.arange(n_a)
    if top is not None:
        totals = np.bincount(cell % n_a, weights=n, minlength=n_a)
        ranked = [k for k in np.argsort(-totals, kind="stable") if totals[k] > 0][:top]
        keep = np.sort(np.asarray(ranked, dtype=np.int64))
    column = np.full(n_a, -1)
    column[keep] = np.arange(len(keep))
    chosen = column[cell % n_a] >= 0
    counts = np.zeros((len(documents), len(keep)), dtype="int64")
    np.add.at(counts, (cell[chosen] // n_a, column[cell[chosen] % n_a]), n[chosen])
    actors = [table.actors[k] for k in keep]
    return _mention_table(documents, counts, _document_words(store), actors=actors,
                          kinds=table.kinds, group=group, per=per)


def _document_words(store: StageSource) -> np.ndarray:
    """Each document's ``n_words`` when every one has a number, else the words of its text."""
    try:
        n_words = store.document_columns(["n_words"])["n_words"]
    except CorpusError:   # no such column
        n_words = None
    if n_words is not None and n_words.notna().all():
        counts = pd.to_numeric(n_words, errors="coerce")
        if counts.notna().all():
            return counts.to_numpy(dtype="float64")
    words = [_text_word_counts(["" if pd.isna(t) else str(t) for t in part["text"].tolist()])
             for part in store.iter_parts("documents", columns=["text"])]
    return np.concatenate(words) if words else np.zeros(0)


def _mention_table(corpus: pd.DataFrame, counts: np.ndarray, words: np.ndarray, *,
                   actors: Sequence[str], kinds: dict[str, str], group: str,
                   per: float) -> pd.DataFrame:
    """The long table of :func:`mentions` from a document x actor count matrix."""
    doc_ids = corpus["doc_id"].tolist()
    actors = list(actors)
    n_d, n_a = counts.shape
    doc = pd.DataFrame({
        "level": "document",
        "doc_id": np.repeat(np.asarray(doc_ids, dtype=object), n_a),
        group: np.repeat(np.asarray(corpus[group].tolist(), dtype=object), n_a),
        "actor": np.tile(np.asarray(actors, dtype=object), n_d),
        "mentions": counts.ravel(),
        "words": np.repeat(words, n_a),
        "n_docs": 1,
    })
    grp = (doc.dropna(subset=[group])
           .groupby([group, "actor"], sort=True, observed=True)
           .agg(mentions=("mentions", "sum"), words=("words", "sum"), n_docs=("doc_id", "size"))
           .reset_index())
    grp["level"] = "group"
    grp["doc_id"] = pd.NA
    out = pd.concat([doc, grp[doc.columns]], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(out["words"] > 0, out["mentions"] / out["words"] * per, np.nan)
    out["rate"] = rate
    out["kind"] = out["actor"].map(kinds)
    out["doc_id"] = out["doc_id"].astype(corpus["doc_id"].dtype)
    out = out.astype({"level": "string", "actor": "string", "kind": "string",
                      "mentions": "int64", "words": "int64", "n_docs": "int64"})
    out[group] = out[group].astype(corpus[group].dtype)
    return out[["level", "doc_id", group, "actor", "kind", "mentions", "words", "rate",
                "n_docs"]]
