"""The stages of a reproducible sample of a store's documents, for the text-level sections.

Group measures read a prepared store's aggregates over every document (term counts, the
per-document summaries, topic prevalence), so their memory does not grow with the number of
sentences. What shows or re-reads text (example rows, the cleaning audit, shared passages,
quotations and speakers, sentence-level diagnostics and plots of every sentence) needs the
per-sentence tables; on a large store those sections read them for a sample of documents:
:func:`analysis.stages.sample_documents` (a seeded hash of ``doc_id``, stratified by group, so
the same documents whatever the parts or workers), at most ``max_documents`` of them
(the ``max_documents`` setting). A store with no more documents is used whole and nothing is
sampled.

Examples
--------
>>> import tempfile
>>> from analysis.store import prepare
>>> corpus = pd.DataFrame({"doc_id": list("abcd"), "event": ["x", "x", "y", "y"],
...     "text": ["One. Two.", "Three.", "Four five.", "Six."]})
>>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
>>> part = sample_stages(store, max_documents=2)
>>> part.sampled, len(part.documents), sorted(part.documents["event"])
(True, 2, ['x', 'y'])
>>> sample_stages(store, max_documents=10) is store
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.stages import sample_documents

if TYPE_CHECKING:
    from analysis.store import Store

__all__ = ["TEXT_COLUMNS", "DocumentSample", "document_table", "sample_stages", "sample_note"]

#: Columns of a store's documents table that hold whole texts (left out of
#: :func:`document_table`).
TEXT_COLUMNS: tuple[str, ...] = ("text", "raw_text")


def document_table(store: Store) -> pd.DataFrame:
    """Every column of the store's documents table but the texts: one row per document.

    What a section needs to count, date, group and describe every document without holding
    every text in memory (``text`` and ``raw_text`` are the bulk of a large store).

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": ["One."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> [c for c in ("doc_id", "event", "n_sentences", "text") if c in document_table(store)]
    ['doc_id', 'event', 'n_sentences']
    """
    names = [n for n in store.table_columns("documents") if n not in TEXT_COLUMNS]
    return store.document_columns(names)


@dataclass(frozen=True)
class DocumentSample:
    """The per-document stages of some of a store's documents (read on first use, kept).

    Has the attributes the measures read of a store (:class:`analysis.stages.StageSource`),
    restricted to ``doc_ids``; its tables keep the store's row order.

    Attributes
    ----------
    store : the whole store
    doc_ids : the sampled documents
    n_documents : documents in the store
    max_documents, random_state : how the sample was drawn
    """

    store: Store
    doc_ids: tuple[str, ...] = field(repr=False)
    n_documents: int
    max_documents: int
    random_state: int

    #: Always True: the tables hold a sample (a whole store has no ``sampled``).
    sampled: bool = True

    @property
    def path(self) -> Any:
        return self.store.path

    @property
    def manifest(self) -> dict:
        return self.store.manifest

    @property
    def group(self) -> str:
        return self.store.group

    @property
    def settings(self) -> dict:
        return self.store.settings

    @property
    def aliases(self) -> str | None:
        return self.store.aliases

    def table_columns(self, table: str) -> list[str]:
        """The column names of one of the store's tables."""
        return self.store.table_columns(table)

    def _read(self, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
        return self.store.read(table, columns=columns,
                               filters=[("doc_id", "in", list(self.doc_ids))])

    def iter_parts(self, table: str, *, columns: Sequence[str] | None = None,
                   filters: Any = None) -> Iterator[pd.DataFrame]:
        """The sampled documents' rows of one table, one part at a time (as
        :meth:`Store.iter_parts`; ``filters`` are added to the sample's)."""
        mine = [("doc_id", "in", list(self.doc_ids))]
        yield from self.store.iter_parts(table, columns=columns,
                                         filters=mine + list(filters or []))

    def document_columns(self, columns: Sequence[str]) -> pd.DataFrame:
        """Some columns of the sampled documents (checked as :meth:`Store.document_columns`)."""
        missing = [c for c in columns if c not in self.store.table_columns("documents")]
        if missing:
            self.store.document_columns(columns)  # the store's message names them
        return self._read("documents", list(dict.fromkeys(columns)))

    @cached_property
    def documents(self) -> pd.DataFrame:
        """The sampled documents, every column (texts included)."""
        return self._read("documents")

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """The sampled documents' sentences."""
        return self._read("sentences")

    @cached_property
    def quotes(self) -> pd.DataFrame:
        """The sampled documents' quotations."""
        return self._read("quotes")

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """The sampled documents' actor mentions."""
        return self._read("mentions")


def sample_stages(store: Store, *, max_documents: int,
                  random_state: int = 0) -> Store | DocumentSample:
    """The store itself, or a :class:`DocumentSample` of ``max_documents`` of its documents.

    The sample is :func:`analysis.stages.sample_documents` over the store's documents and
    group (documents without a group are a stratum of their own); with no more documents
    than ``max_documents`` the store is returned unchanged (``sampled`` is then not set).

    Parameters
    ----------
    store : a prepared :class:`analysis.store.Store`
    max_documents : most documents read whole (at least 1)
    random_state : seed of the sample

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> store = prepare(None, store=tempfile.mkdtemp() + "/s")
    >>> view = sample_stages(store, max_documents=3, random_state=1)
    >>> view.n_documents, len(view.doc_ids), sample_note(view, noun="articles")
    (5, 3, 'Sampled: these tables read 3 of 5 articles (a reproducible sample stratified by event, seed 1).')
    """
    docs = store.document_columns(["doc_id", store.group])
    keep = sample_documents(docs, group=store.group, max_documents=max_documents,
                            random_state=random_state)
    if keep.all():
        return store
    ids = tuple(docs.loc[keep, "doc_id"].astype(str))
    return DocumentSample(store, ids, n_documents=len(docs), max_documents=max_documents,
                          random_state=random_state)


def sample_note(view: Store | DocumentSample, *, noun: str = "documents") -> str:
    """"" for a whole store; for a sample, the sentence that says what was read.

    Examples
    --------
    >>> sample_note(object())
    ''
    """
    if not isinstance(view, DocumentSample):
        return ""
    return (f"Sampled: these tables read {len(view.doc_ids):,} of {view.n_documents:,} {noun} "
            f"(a reproducible sample stratified by {view.group}, seed {view.random_state}).")
