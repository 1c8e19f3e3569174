"""What a measure needs of a prepared store: the stages as a typing protocol.

The ``*_from_store`` measures take a :class:`analysis.store.Store`; they type it with
:class:`StageSource` (a structural protocol) so that no measure imports the store module,
which itself imports the stage functions (an import loop otherwise). This module imports
nothing of the package.

Examples
--------
>>> from analysis.store import Store
>>> sorted(n for n in ("documents", "sentences", "quotes", "mentions") if hasattr(Store, n))
['documents', 'mentions', 'quotes', 'sentences']
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

__all__ = ["SUMMARY_COLUMNS", "StageSource", "sample_documents", "stage_parts", "stage_table"]

#: Per-document counts a prepared store adds to its documents table (not corpus columns).
SUMMARY_COLUMNS: tuple[str, ...] = ("n_sentences", "n_quotes", "n_mentions", "n_tokens")


class StageSource(Protocol):
    """The per-document stages of a prepared store (:class:`analysis.store.Store`).

    ``documents`` (one row per document, text included), ``sentences`` (the frame of
    :func:`analysis.measures.sentiment.sentence_sentiment`), ``quotes`` (of
    :func:`analysis.text.quotes.quotes`), ``mentions`` (one row per actor mention), the actor
    table it was prepared with (``aliases``: None for the bundled one), its grouping column
    and settings, and its term counts.
    """

    @property
    def group(self) -> str: ...

    @property
    def settings(self) -> dict: ...

    @property
    def aliases(self) -> str | None: ...

    @property
    def documents(self) -> pd.DataFrame: ...

    @property
    def sentences(self) -> pd.DataFrame: ...

    @property
    def quotes(self) -> pd.DataFrame: ...

    @property
    def mentions(self) -> pd.DataFrame: ...

    @property
    def path(self) -> Any: ...

    def document_columns(self, columns: Sequence[str]) -> pd.DataFrame: ...

    def table_columns(self, table: str) -> list[str]: ...

    def iter_parts(self, table: str, *, columns: Sequence[str] | None = None,
                   filters: Any = None) -> Iterator[pd.DataFrame]: ...

    def group_counts(self, *, group: str | None = None,
                     ngram_range: tuple[int, int] = (1, 1)) -> Any: ...

    def term_counts(self, *, ngram_range: tuple[int, int] = (1, 1)) -> Any: ...


def stage_table(store: StageSource, table: str, *, group: str | None = None) -> pd.DataFrame:
    """One per-sentence table of the store (``sentences``, ``quotes`` or ``mentions``), with
    ``group`` as its grouping column.

    The tables carry the store's group; another column of ``store.documents`` takes its
    place (same position, the documents' dtype), looked up by ``doc_id``, so a measure can
    group the stored stages by any document column without a new store.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import StoreSettings, prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "outlet": ["P", "Q"], "text": ["One. Two.", "Three."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> stage_table(store, "sentences", group="outlet")[["doc_id", "outlet", "sentence"]].values.tolist()
    [['a', 'P', 0], ['a', 'P', 1], ['b', 'Q', 0]]
    """
    _check_table(table)
    frame = getattr(store, table)
    if group is None or group == store.group:
        return frame
    return _regrouped(frame, store.document_columns(["doc_id", group]), table=table,
                      group=group, stored=store.group)


def stage_parts(store: StageSource, table: str, *, columns: Sequence[str],
                group: str | None = None) -> Iterator[pd.DataFrame]:
    """:func:`stage_table` one part file at a time: ``columns`` of each part (``doc_id`` and
    ``group`` added first), with ``group`` looked up as there; nothing is kept.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import StoreSettings, prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "outlet": ["P", "Q"], "text": ["One. Two.", "Three."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> [p.values.tolist() for p in stage_parts(store, "sentences", columns=["sentence"],
    ...                                         group="outlet")]
    [[['a', 'P', 0], ['a', 'P', 1], ['b', 'Q', 0]]]
    """
    _check_table(table)
    group = store.group if group is None else group
    wanted = [c for c in columns if c not in ("doc_id", group)]
    if group == store.group:
        yield from store.iter_parts(table, columns=["doc_id", group, *wanted])
        return
    try:   # a group named like a column of the table: the error of stage_table
        next(store.iter_parts(table, columns=[group]), None)
    except ValueError:
        pass
    else:
        _regrouped(pd.DataFrame({group: []}), pd.DataFrame(), table=table, group=group,
                   stored=store.group)
    docs = store.document_columns(["doc_id", group])
    for part in store.iter_parts(table, columns=["doc_id", store.group, *wanted]):
        yield _regrouped(part, docs, table=table, group=group, stored=store.group)


def _check_table(table: str) -> None:
    if table not in ("sentences", "quotes", "mentions"):
        raise ValueError(f"table must be 'sentences', 'quotes' or 'mentions', not {table!r}")


def _regrouped(frame: pd.DataFrame, docs: pd.DataFrame, *, table: str, group: str,
               stored: str) -> pd.DataFrame:
    """``frame`` with its ``stored`` group column replaced by the documents' ``group``."""
    if group in frame.columns:
        raise ValueError(f"group {group!r} is the name of a column of the store's {table} "
                         "table; rename that column of the corpus and prepare the store again.")
    values = pd.Series(docs[group].to_numpy(), index=pd.Index(docs["doc_id"]))
    where = frame.columns.get_loc(stored)
    out = frame.drop(columns=[stored])
    out.insert(where, group, values.reindex(frame["doc_id"].to_numpy()).to_numpy())
    out[group] = out[group].astype(docs[group].dtype)
    return out


def sample_documents(documents: pd.DataFrame, *, group: str, max_documents: int,
                     random_state: int = 0) -> np.ndarray:
    """Which documents a reproducible, group-stratified sample of ``max_documents`` keeps.

    Each document gets a key, the first 8 bytes of ``sha256(f"{random_state}:{doc_id}")``;
    every group (documents without a group form one more stratum) keeps its share of
    ``max_documents`` (largest remainders, so the shares sum to ``max_documents``), filled
    with its documents of the smallest keys. The sample depends only on the documents' ids,
    groups and ``random_state``: not on their order, on how a store is cut into parts or on
    the number of workers. With no more documents than ``max_documents`` every document is
    kept.

    Parameters
    ----------
    documents : DataFrame with ``doc_id`` and ``group`` (one row per document)
    group : grouping column
    max_documents : size of the sample (at least 1)
    random_state : seed of the keys

    Returns
    -------
    Boolean array, one per row of ``documents``: kept or not.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": list("abcdef"), "g": ["x"] * 4 + ["y"] * 2})
    >>> keep = sample_documents(docs, group="g", max_documents=3)
    >>> int(keep.sum()), int(keep[:4].sum()), int(keep[4:].sum())
    (3, 2, 1)
    >>> bool((sample_documents(docs.iloc[::-1], group="g", max_documents=3)[::-1] == keep).all())
    True
    """
    if isinstance(max_documents, bool) or not isinstance(max_documents, (int, np.integer)) \
            or max_documents < 1:
        raise ValueError(f"max_documents must be a whole number of at least 1, got "
                         f"{max_documents!r}.")
    n = len(documents)
    if n <= max_documents:
        return np.ones(n, dtype=bool)
    keys = np.fromiter(
        (int.from_bytes(hashlib.sha256(f"{random_state}:{d}".encode()).digest()[:8], "big")
         for d in documents["doc_id"].astype(str)), dtype=np.uint64, count=n)
    codes, _ = pd.factorize(documents[group], use_na_sentinel=False)
    sizes = np.bincount(codes)
    exact = sizes * (max_documents / n)
    quota = np.floor(exact).astype(np.int64)
    short = max_documents - int(quota.sum())
    # largest remainders first; ties to the larger group, then to the first group met
    order = np.lexsort((np.arange(len(sizes)), -sizes, -(exact - quota)))
    quota[order[:short]] += 1
    rank = np.empty(n, dtype=np.int64)
    by = np.lexsort((keys, codes))  # by group, then key
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank[by] = np.arange(n) - np.repeat(starts, sizes)
    return rank < quota[codes]
