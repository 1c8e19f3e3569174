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

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import pandas as pd

__all__ = ["SUMMARY_COLUMNS", "StageSource", "stage_table"]

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
    if table not in ("sentences", "quotes", "mentions"):
        raise ValueError(f"table must be 'sentences', 'quotes' or 'mentions', not {table!r}")
    frame = getattr(store, table)
    if group is None or group == store.group:
        return frame
    docs = store.document_columns(["doc_id", group])
    if group in frame.columns:
        raise ValueError(f"group {group!r} is the name of a column of the store's {table} "
                         "table; rename that column of the corpus and prepare the store again.")
    values = pd.Series(docs[group].to_numpy(), index=pd.Index(docs["doc_id"]))
    where = frame.columns.get_loc(store.group)
    out = frame.drop(columns=[store.group])
    out.insert(where, group, values.reindex(frame["doc_id"].to_numpy()).to_numpy())
    out[group] = out[group].astype(docs[group].dtype)
    return out
