"""Term counts: the document-term matrix and term frequencies per group.

Terms are what :func:`analysis.text.vocab.make_analyzer` produces: lower-case words with stop
words removed, spelling variants merged and known names and phrases ("xi jinping",
"peace plan") kept as one term; n-grams never span a sentence boundary or a removed stop
word. Counts come from a scikit-learn ``CountVectorizer`` (a sparse document-term matrix);
group totals are sparse products with a group indicator matrix, so nothing loops over the
tokens of the corpus in Python beyond the tokenizer itself.

Rates are per 10,000 *tokens*: the number of single terms (unigram tokens after stop-word
removal) in the group or document, whatever ``ngram_range`` is counted, so a bigram's rate
reads "times per 10,000 words of content".

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
...                        "text": ["Sanctions hit. Sanctions bite.", "Talks resume."]})
>>> dtm = document_term_matrix(corpus)
>>> list(dtm.terms), dtm.matrix.toarray().tolist()
(['bite', 'hit', 'resume', 'sanctions', 'talks'], [[1, 1, 0, 2, 0], [0, 0, 1, 0, 1]])
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from analysis import config
from analysis.corpus.validation import check_corpus, corpus_texts
from analysis.errors import CorpusError, CorpusWarning, NothingToShow
from analysis.text.passages import deduplicated

__all__ = [
    "CountSource",
    "DocumentTermMatrix",
    "corpus_for_counts",
    "document_term_matrix",
    "document_term_table",
    "document_term_table_from_store",
    "frequency_table",
    "group_counts_from_matrix",
    "group_counts_from_parts",
    "term_frequencies",
    "term_frequencies_from_store",
]

#: Rates are expressed per this many tokens.
RATE_PER: int = 10_000


class DocumentTermMatrix(NamedTuple):
    """Counts of terms in documents: unpack as ``matrix, terms, doc_ids = ...``.

    ``matrix`` is a ``scipy.sparse`` CSR matrix of int64 counts, documents in rows (in
    corpus order) and terms in columns (in ``terms`` order, alphabetical); ``doc_ids`` is a
    ``pandas.Index`` of the documents' ids.
    """

    matrix: sparse.csr_matrix
    terms: np.ndarray
    doc_ids: pd.Index


class CountSource(Protocol):
    """What the ``*_from_store`` measures need of a prepared store (:class:`analysis.store.Store`).

    Defined here so that measures read counts without importing the store module.
    """

    @property
    def group(self) -> str: ...

    @property
    def settings(self) -> dict: ...

    def document_columns(self, columns: Sequence[str]) -> pd.DataFrame: ...

    def group_counts(self, *, group: str | None = None,
                     ngram_range: tuple[int, int] = (1, 1)) -> GroupCounts: ...

    def term_counts(self, *, ngram_range: tuple[int, int] = (1, 1)) -> DocumentTermMatrix: ...

    def count_terms(self, *, ngram_range: tuple[int, int] = (1, 1)) -> np.ndarray: ...

    def iter_counts(self, *, ngram_range: tuple[int, int] | None = None,
                    ) -> Iterator[tuple[int, sparse.csr_matrix]]: ...

    def term_columns(self, terms: Sequence[str], *,
                     ngram_range: tuple[int, int] = (1, 1)) -> DocumentTermMatrix: ...


# --------------------------------------------------------------------------- validation


def _check_ngram_range(ngram_range: tuple[int, int]) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in ngram_range)
    except (TypeError, ValueError):
        raise ValueError(f"ngram_range must be a pair (min_n, max_n), not {ngram_range!r}") from None
    if not 1 <= lo <= hi:
        raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n, not {ngram_range!r}")
    return lo, hi


def corpus_for_counts(corpus: pd.DataFrame, *, group: str | None,
                      dedupe: bool) -> pd.DataFrame:
    """The checked corpus that counting starts from: as published, or with shared copy once.

    Examples
    --------
    >>> c = pd.DataFrame({"doc_id": ["a"], "g": ["x"], "text": ["one text"]})
    >>> corpus_for_counts(c, group="g", dedupe=False) is c
    True
    """
    check_corpus(corpus, group=group)
    if dedupe:
        corpus = deduplicated(corpus, group=group)
    return corpus


# --------------------------------------------------------------------------- matrix


def _analyzer(ngram_range: tuple[int, int]):
    from analysis.text.vocab import make_analyzer

    return make_analyzer(ngram_range=ngram_range)


def _fit(texts: list[str], ngram_range: tuple[int, int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    vec = CountVectorizer(analyzer=_analyzer(ngram_range), dtype=np.int64)
    try:
        matrix = vec.fit_transform(texts)
    except ValueError as err:  # sklearn: "empty vocabulary; perhaps the documents only ..."
        raise CorpusError(
            "no terms to count: every document is empty or holds only stop words. Check "
            "the corpus 'text' column (and the stop-word list in analysis/resources)."
        ) from err
    return matrix.tocsr(), np.asarray(vec.get_feature_names_out(), dtype=object)


def _token_counts(texts: list[str], matrix: sparse.csr_matrix,
                  ngram_range: tuple[int, int]) -> np.ndarray:
    """Unigram tokens per document: the denominator of every rate."""
    if tuple(ngram_range) == (1, 1):
        return np.asarray(matrix.sum(axis=1)).ravel().astype(np.int64)
    unigrams = _analyzer((1, 1))
    return np.fromiter((len(unigrams(t)) for t in texts), dtype=np.int64, count=len(texts))


def document_term_matrix(
    corpus: pd.DataFrame,
    *,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    dedupe: bool = False,
) -> DocumentTermMatrix:
    """Sparse document-term counts of a corpus.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id`` and ``text`` (see :func:`analysis.load_corpus`)
    ngram_range : smallest and largest n-gram length counted (terms, not words: a phrase
        such as "xi jinping" is one term)
    min_count : keep only terms occurring at least this often in the whole corpus
    dedupe : count a passage shared by several documents (wire copy) once, via
        :func:`analysis.text.passages.deduplicated`; default counts the text as published

    Returns
    -------
    DocumentTermMatrix ``(matrix, terms, doc_ids)``: CSR int64 counts (documents x terms,
    corpus order x alphabetical), the term strings, and the documents' ids.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Grain prices, grain.", "War."]})
    >>> matrix, terms, doc_ids = document_term_matrix(corpus, min_count=2)
    >>> list(terms), matrix.toarray().tolist(), list(doc_ids)
    (['grain'], [[2], [0]], ['a', 'b'])
    """
    ngram_range = _check_ngram_range(ngram_range)
    corpus = corpus_for_counts(corpus, group=None, dedupe=dedupe)
    matrix, terms = _fit(corpus_texts(corpus), ngram_range)
    if min_count > 1:
        keep = np.asarray(matrix.sum(axis=0)).ravel() >= min_count
        matrix, terms = matrix[:, keep], terms[keep]
    doc_ids = pd.Index(corpus["doc_id"].astype("string"), name="doc_id")
    return DocumentTermMatrix(matrix.tocsr(), terms, doc_ids)


# --------------------------------------------------------------------------- group counts


@dataclass(frozen=True)
class GroupCounts:
    """Counts aggregated by group (internal; shared by frequencies and keyness).

    Arrays are groups x terms (dense, a handful of groups) in ``groups`` order (sorted).
    ``matrix``/``doc_tokens``/``doc_ids``/``doc_groups`` keep the per-document level;
    ``matrix`` is None when the counts were summed part by part
    (:func:`group_counts_from_parts`), which keeps no document x term matrix.
    """

    groups: list[str]
    terms: np.ndarray
    counts: np.ndarray  # groups x terms
    n_docs: np.ndarray  # groups x terms: documents of the group containing the term
    tokens: np.ndarray  # groups: unigram tokens
    totals: np.ndarray  # groups: all counted features (table margins)
    sizes: np.ndarray  # groups: documents
    matrix: sparse.csr_matrix | None  # documents (with a group) x terms; None: not kept
    doc_ids: pd.Index
    doc_groups: np.ndarray  # group code per document
    doc_tokens: np.ndarray


def indicator_matrix(codes: np.ndarray, n_groups: int) -> sparse.csr_matrix:
    """Sparse groups x documents 0/1 matrix: row g has a 1 for every document of group g.

    ``indicator_matrix(codes, k) @ dtm`` sums document rows into group rows.

    Examples
    --------
    >>> import numpy as np
    >>> indicator_matrix(np.array([0, 1, 0]), 2).toarray().tolist()
    [[1, 0, 1], [0, 1, 0]]
    """
    n = len(codes)
    return sparse.csr_matrix(
        (np.ones(n, dtype=np.int64), (codes, np.arange(n))), shape=(n_groups, n)
    )


def group_counts(
    corpus: pd.DataFrame,
    *,
    group: str,
    ngram_range: tuple[int, int] = (1, 1),
    dedupe: bool = False,
) -> GroupCounts:
    """Counts per group from one document-term matrix (documents without a group dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "g": ["x", "y", "x"],
    ...                        "text": ["war war", "peace", "war talks"]})
    >>> gc = group_counts(corpus, group="g")
    >>> gc.groups, list(gc.terms), gc.counts.tolist(), gc.n_docs.tolist()
    (['x', 'y'], ['peace', 'talks', 'war'], [[0, 1, 3], [1, 0, 0]], [[0, 1, 2], [1, 0, 0]])
    """
    ngram_range = _check_ngram_range(ngram_range)
    corpus = corpus_for_counts(corpus, group=group, dedupe=dedupe)
    labels = corpus[group]
    missing = _missing_groups(labels, corpus["doc_id"].tolist(), group)
    if missing.any():
        corpus = corpus.loc[~missing]
    names = labels[~missing].astype(str).to_numpy()
    texts = corpus_texts(corpus)
    matrix, terms = _fit(texts, ngram_range)
    doc_tokens = _token_counts(texts, matrix, ngram_range)
    doc_ids = pd.Index(corpus["doc_id"].astype("string"), name="doc_id")
    return _aggregate(matrix, terms, doc_ids, names, doc_tokens)


def _missing_groups(labels: pd.Series, doc_ids: Sequence, group: str) -> np.ndarray:
    """Mask of documents without a group; raise when none has one, warn when some lack it."""
    missing = labels.isna().to_numpy()
    if missing.all():
        raise CorpusError(
            f"column {group!r} has no values: no document has a group. Fill the column "
            "(or the manifest's event column), or pass another group=."
        )
    if missing.any():
        ids = [str(d) for d, m in zip(doc_ids, missing, strict=True) if m]
        warnings.warn(
            f"{len(ids)} document(s) have no value in column {group!r} and are not counted: "
            f"{', '.join(ids[:10])}{' ...' if len(ids) > 10 else ''}. Assign them a group "
            "to include them.",
            CorpusWarning,
            stacklevel=4,
        )
    return missing


def group_counts_from_matrix(
    dtm: DocumentTermMatrix,
    labels: Sequence | pd.Series,
    *,
    group: str,
    doc_tokens: np.ndarray,
) -> GroupCounts:
    """Counts per group from document-term counts already made (e.g. read from a store).

    Gives what :func:`group_counts` gives for the same documents: documents without a label
    are dropped (with a warning), then terms that no remaining document contains.

    Parameters
    ----------
    dtm : DocumentTermMatrix of the documents, in the order of ``labels``
    labels : each document's group (missing: left out)
    group : the grouping column's name, for messages
    doc_tokens : unigram tokens of each document (the denominator of rates)

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["war war", "peace", "war talks"]})
    >>> dtm = document_term_matrix(corpus)
    >>> gc = group_counts_from_matrix(dtm, ["x", "y", "x"], group="g",
    ...                               doc_tokens=np.array([2, 1, 2]))
    >>> gc.groups, list(gc.terms), gc.counts.tolist(), gc.tokens.tolist()
    (['x', 'y'], ['peace', 'talks', 'war'], [[0, 1, 3], [1, 0, 0]], [4, 1])
    """
    labels = pd.Series(labels).reset_index(drop=True)
    doc_tokens = np.asarray(doc_tokens, dtype=np.int64)
    if not (len(labels) == dtm.matrix.shape[0] == len(doc_tokens)):
        raise ValueError("labels, doc_tokens and the rows of dtm must have the same length")
    missing = _missing_groups(labels, dtm.doc_ids, group)
    keep = ~missing
    matrix = dtm.matrix[keep] if missing.any() else dtm.matrix
    used = matrix.getnnz(axis=0) > 0
    matrix, terms = matrix[:, used].tocsr(), np.asarray(dtm.terms, dtype=object)[used]
    return _aggregate(matrix, terms, dtm.doc_ids[keep], labels[keep].astype(str).to_numpy(),
                      doc_tokens[keep])


def _aggregate(matrix: sparse.csr_matrix, terms: np.ndarray, doc_ids: pd.Index,
               names: np.ndarray, doc_tokens: np.ndarray) -> GroupCounts:
    groups = sorted(set(names))
    codes = np.searchsorted(np.array(groups, dtype=object), names)
    ind = indicator_matrix(codes, len(groups))
    counts = (ind @ matrix).toarray()
    present = matrix.copy()
    present.data = np.ones_like(present.data)
    n_docs = (ind @ present).toarray()
    return GroupCounts(
        groups=groups,
        terms=terms,
        counts=counts,
        n_docs=n_docs,
        tokens=ind @ doc_tokens,
        totals=counts.sum(axis=1),
        sizes=np.bincount(codes, minlength=len(groups)),
        matrix=matrix,
        doc_ids=pd.Index(pd.Series(doc_ids).astype("string"), name="doc_id"),
        doc_groups=codes,
        doc_tokens=doc_tokens,
    )


def group_counts_from_parts(
    parts: Iterable[tuple[int, sparse.csr_matrix]],
    terms: Sequence[str] | np.ndarray,
    *,
    doc_ids: Sequence | pd.Series,
    labels: Sequence | pd.Series,
    group: str,
    doc_tokens: np.ndarray,
) -> GroupCounts:
    """:func:`group_counts_from_matrix` summed part by part: the whole matrix is never held.

    Each part (``(first row, CSR rows)``, e.g. from :meth:`analysis.store.Store.iter_counts`)
    is multiplied by the indicator matrix of its documents' groups and added to the group x
    term totals, then dropped. Gives the same counts as :func:`group_counts_from_matrix` on
    the parts put together, except that ``matrix`` is None.

    Parameters
    ----------
    parts : ``(first row, documents x terms CSR)`` of consecutive documents, in order
    terms : the columns' terms
    doc_ids, labels, doc_tokens : each document's id, group (missing: left out) and unigram
        tokens, for all the parts' documents in order
    group : the grouping column's name, for messages

    Examples
    --------
    >>> from scipy import sparse
    >>> a = sparse.csr_matrix(np.array([[0, 0, 2], [1, 0, 0]]))
    >>> b = sparse.csr_matrix(np.array([[0, 1, 1]]))
    >>> gc = group_counts_from_parts([(0, a), (2, b)], ["peace", "talks", "war"],
    ...                              doc_ids=["a", "b", "c"], labels=["x", "y", "x"],
    ...                              group="g", doc_tokens=np.array([2, 1, 2]))
    >>> gc.groups, list(gc.terms), gc.counts.tolist(), gc.n_docs.tolist(), gc.matrix
    (['x', 'y'], ['peace', 'talks', 'war'], [[0, 1, 3], [1, 0, 0]], [[0, 1, 2], [1, 0, 0]], None)
    """
    labels = pd.Series(labels).reset_index(drop=True)
    doc_ids = pd.Index(pd.Series(doc_ids).astype("string"), name="doc_id")
    doc_tokens = np.asarray(doc_tokens, dtype=np.int64)
    if not len(labels) == len(doc_ids) == len(doc_tokens):
        raise ValueError("doc_ids, labels and doc_tokens must have the same length")
    terms = np.asarray(terms, dtype=object)
    missing = _missing_groups(labels, doc_ids, group)
    names = labels[~missing].astype(str).to_numpy(dtype=object)
    groups = sorted(set(names))
    codes = np.full(len(labels), -1, dtype=np.int64)
    codes[~missing] = np.searchsorted(np.array(groups, dtype=object), names)
    counts = np.zeros((len(groups), len(terms)), dtype=np.int64)
    n_docs = np.zeros_like(counts)
    rows = 0
    for offset, matrix in parts:
        if offset != rows or matrix.shape[1] != len(terms):
            raise ValueError(f"a part starting at row {offset} of width {matrix.shape[1]} "
                             f"does not follow row {rows} with {len(terms)} terms")
        mine = codes[offset:offset + matrix.shape[0]]
        rows += matrix.shape[0]
        ok = np.flatnonzero(mine >= 0)
        ind = sparse.csr_matrix((np.ones(len(ok), dtype=np.int64), (mine[ok], ok)),
                                shape=(len(groups), matrix.shape[0]))
        present = sparse.csr_matrix((np.ones(matrix.nnz, dtype=np.int8), matrix.indices,
                                     matrix.indptr), shape=matrix.shape)  # shares the indices
        for total, part in ((counts, ind @ matrix), (n_docs, ind @ present)):
            part = part.tocoo()  # canonical: each (group, term) once
            total[part.row, part.col] += part.data.astype(np.int64)
    if rows != len(labels):
        raise ValueError(f"the parts hold {rows} documents, not {len(labels)}")
    used = n_docs.sum(axis=0) > 0
    counts, n_docs = counts[:, used], n_docs[:, used]
    keep = ~missing
    kept_codes = codes[keep]
    return GroupCounts(
        groups=groups,
        terms=terms[used],
        counts=counts,
        n_docs=n_docs,
        tokens=np.bincount(kept_codes, weights=doc_tokens[keep],
                           minlength=len(groups)).astype(np.int64),
        totals=counts.sum(axis=1),
        sizes=np.bincount(kept_codes, minlength=len(groups)),
        matrix=None,
        doc_ids=doc_ids[keep],
        doc_groups=kept_codes,
        doc_tokens=doc_tokens[keep],
    )


def _rate(count: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tokens > 0, count / np.where(tokens > 0, tokens, 1) * RATE_PER, 0.0)


def term_frequencies(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    ngram_range: tuple[int, int] = (1, 3),
    min_count: int = 2,
    per_document: bool = False,
    dedupe: bool = False,
) -> pd.DataFrame:
    """Term counts and rates per group (or per document), in long format.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` and the ``group`` column
    group : grouping column; documents with no value are left out (with a warning)
    ngram_range : n-gram lengths counted, in terms (see :mod:`analysis.measures.terms`)
    min_count : keep terms counted at least this often in the whole (grouped) corpus
    per_document : one row per document and term instead of per group and term
    dedupe : count passages shared between documents once (see
        :func:`analysis.text.passages.deduplicated`)

    Returns
    -------
    DataFrame. By group (default): one row per group and kept term, **including zero
    counts** so groups line up: ``term``, the group column, ``count``, ``rate`` (per
    10,000 tokens of the group), ``n_docs`` (documents of the group containing the term),
    ``n_docs_group`` (documents in the group), ``n_tokens`` (tokens of the group); sorted
    by group, then count (descending), then term. Per document: one row per document and
    term *it contains* (zeros omitted): ``doc_id``, the group column, ``term``, ``count``,
    ``rate`` (per 10,000 tokens of the document), ``n_tokens``; sorted by document order,
    then count (descending), then term.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "g": ["x", "y", "x"],
    ...                        "text": ["war war", "peace war", "war talks"]})
    >>> tf = term_frequencies(corpus, group="g", ngram_range=(1, 1), min_count=1)
    >>> tf[tf["term"] == "war"][["g", "count", "rate", "n_docs", "n_docs_group"]].to_dict("records")
    [{'g': 'x', 'count': 3, 'rate': 7500.0, 'n_docs': 2, 'n_docs_group': 2}, {'g': 'y', 'count': 1, 'rate': 5000.0, 'n_docs': 1, 'n_docs_group': 1}]
    """
    gc = group_counts(corpus, group=group, ngram_range=ngram_range, dedupe=dedupe)
    return frequency_table(gc, group=group, min_count=min_count, per_document=per_document)


def term_frequencies_from_store(
    store: CountSource,
    *,
    group: str | None = None,
    ngram_range: tuple[int, int] = (1, 3),
    min_count: int = 2,
    per_document: bool = False,
    top: int | None = None,
) -> pd.DataFrame:
    """:func:`term_frequencies` from a prepared store's counts: no text is read again.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of ``store.documents`` (default: the group the store was prepared
        with)
    ngram_range : within the store's range (``settings.ngrams``)
    min_count, per_document : as in :func:`term_frequencies`
    top : keep each group's ``top`` most frequent terms (the rows
        ``table.groupby(group).head(top)`` keeps), so a large vocabulary is never laid out
        as one row per group and term (:func:`frequency_table`)

    Deduplication is the store's (``store.settings["dedupe"]``).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "g": ["x", "y", "x"],
    ...                        "text": ["war war", "peace war", "war talks"]})
    >>> from analysis.store import StoreSettings, prepare
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s", settings=StoreSettings(group="g"))
    >>> tf = term_frequencies_from_store(store, ngram_range=(1, 1), min_count=1)
    >>> tf[tf["term"] == "war"][["g", "count", "n_docs"]].to_dict("records")
    [{'g': 'x', 'count': 3, 'n_docs': 2}, {'g': 'y', 'count': 1, 'n_docs': 1}]
    """
    group = store.group if group is None else group
    gc = store.group_counts(group=group, ngram_range=ngram_range)
    if not per_document:
        return frequency_table(gc, group=group, min_count=min_count, top=top)
    # one part of the counts at a time: the rows of its documents that have a group
    keep = gc.counts.sum(axis=0) >= max(int(min_count), 1)
    terms = gc.terms[keep]
    columns = pd.Index(store.count_terms(ngram_range=ngram_range)).get_indexer(terms)
    documents = store.document_columns(["doc_id", group, "n_tokens"])
    has_group = documents[group].notna().to_numpy()
    doc_ids = documents["doc_id"].astype(str).to_numpy(dtype=object)
    names = documents[group].astype(str).to_numpy(dtype=object)
    tokens = documents["n_tokens"].to_numpy(dtype=np.int64)
    frames = []
    for offset, matrix in store.iter_counts(ngram_range=ngram_range):
        rows = offset + np.flatnonzero(has_group[offset:offset + matrix.shape[0]])
        frames.append(_document_rows(matrix[rows - offset][:, columns], terms, doc_ids[rows],
                                     names[rows], tokens[rows], group=group))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _document_rows(matrix: sparse.csr_matrix, terms: np.ndarray, doc_ids: np.ndarray,
                   names: np.ndarray, tokens: np.ndarray, *, group: str) -> pd.DataFrame:
    """The per-document table of :func:`term_frequencies` of some documents: one row per
    document and term it contains, in document order, then count (descending), then term."""
    sub = matrix.tocoo()
    order = np.lexsort((terms[sub.col].astype(str), -sub.data, sub.row))
    rows, cols, data = sub.row[order], sub.col[order], sub.data[order]
    return pd.DataFrame(
        {
            "doc_id": pd.array(doc_ids[rows], dtype="string"),
            group: pd.array(names[rows], dtype="string"),
            "term": pd.array(terms[cols], dtype="string"),
            "count": data.astype(np.int64),
            "rate": _rate(data, tokens[rows]),
            "n_tokens": tokens[rows].astype(np.int64),
        }
    )


def frequency_table(gc: GroupCounts, *, group: str, min_count: int = 2,
                    per_document: bool = False, top: int | None = None) -> pd.DataFrame:
    """The table of :func:`term_frequencies` from counts already grouped.

    ``per_document`` needs the per-document matrix (``gc.matrix``), which counts summed
    part by part do not keep: :func:`term_frequencies_from_store` streams that table.
    ``top`` keeps each group's first ``top`` rows of the table (count descending, then
    term): the rows ``table.groupby(group).head(top)`` gives, without building one row per
    group and vocabulary term first (per group and term only; not with ``per_document``).

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "g": ["x", "y"], "text": ["war", "peace"]})
    >>> table = frequency_table(group_counts(corpus, group="g"), group="g", min_count=1)
    >>> table[["g", "term", "count"]].values.tolist()
    [['x', 'war', 1], ['x', 'peace', 0], ['y', 'peace', 1], ['y', 'war', 0]]
    """
    keep = gc.counts.sum(axis=0) >= max(int(min_count), 1)
    terms = gc.terms[keep]
    if per_document and top is not None:
        raise ValueError("top= keeps the most frequent terms per group; per_document=True "
                         "gives one row per document and term. Pass one of them.")
    if per_document:
        if gc.matrix is None:
            raise ValueError("per_document=True needs counts with their document x term "
                             "matrix; these were summed part by part. From a store, call "
                             "term_frequencies_from_store(store, per_document=True).")
        group_names = np.array(gc.groups, dtype=object)[gc.doc_groups]
        return _document_rows(gc.matrix[:, keep], terms, gc.doc_ids.to_numpy(), group_names,
                              gc.doc_tokens, group=group)
    counts, n_docs = gc.counts[:, keep], gc.n_docs[:, keep]
    k, v = counts.shape
    g_of, t_of = np.repeat(np.arange(k), v), np.tile(np.arange(v), k)
    if top is not None:  # each group's rows in the table's order, the first `top`
        rank = np.empty(v, dtype=np.int64)
        rank[np.argsort(np.asarray(terms, dtype=object), kind="stable")] = np.arange(v)
        t_of = np.concatenate([np.lexsort((rank, -counts[g]))[:max(int(top), 0)]
                               for g in range(k)]).astype(np.int64)
        g_of = np.repeat(np.arange(k), min(max(int(top), 0), v))
    out = pd.DataFrame(
        {
            "term": pd.array(terms[t_of], dtype="string"),
            group: pd.array(np.array(gc.groups, dtype=object)[g_of], dtype="string"),
            "count": counts[g_of, t_of].astype(np.int64),
            "rate": _rate(counts[g_of, t_of], gc.tokens[g_of]),
            "n_docs": n_docs[g_of, t_of].astype(np.int64),
            "n_docs_group": np.asarray(gc.sizes)[g_of].astype(np.int64),
            "n_tokens": np.asarray(gc.tokens)[g_of].astype(np.int64),
        }
    )
    out = out.sort_values([group, "count", "term"], ascending=[True, False, True],
                          kind="mergesort").reset_index(drop=True)
    return out


def document_term_table(
    corpus: pd.DataFrame,
    terms: Sequence[str],
    *,
    group: str = config.DEFAULT_GROUP,
    ngram_range: tuple[int, int] = (1, 1),
    dedupe: bool = False,
) -> pd.DataFrame:
    """Counts of chosen terms in every document, long format, for :func:`plot_term_heatmap`.

    ``ngram_range`` must include the lengths of the chosen terms (the range their keyness
    table was computed with).

    Returns
    -------
    DataFrame with ``doc_id``, the group column, ``term``, ``count``, ``rate`` (per 10,000
    tokens of the document) and ``n_tokens``, one row per document and term (zeros
    included), documents in group then corpus order, terms in the order given.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "g": ["x", "y"],
    ...                        "text": ["war and war", "grain trade"]})
    >>> document_term_table(corpus, ["war", "grain"], group="g")[["doc_id", "term", "count"]].to_dict("records")
    [{'doc_id': 'a', 'term': 'war', 'count': 2}, {'doc_id': 'a', 'term': 'grain', 'count': 0}, {'doc_id': 'b', 'term': 'war', 'count': 0}, {'doc_id': 'b', 'term': 'grain', 'count': 1}]
    """
    ngram_range = _check_ngram_range(ngram_range)
    terms = list(dict.fromkeys(str(t) for t in terms))
    if not terms:
        raise NothingToShow("the list of terms is empty, so no term is placed in the documents.")
    corpus = corpus_for_counts(corpus, group=group, dedupe=dedupe)
    corpus = corpus.loc[corpus[group].notna()]
    order = np.lexsort((np.arange(len(corpus)), corpus[group].astype(str).to_numpy()))
    corpus = corpus.iloc[order]
    texts = corpus_texts(corpus)
    vec = CountVectorizer(analyzer=_analyzer(ngram_range), vocabulary=terms, dtype=np.int64)
    counts = vec.transform(texts).toarray()
    unigram = _analyzer((1, 1))
    tokens = np.array([len(unigram(t)) for t in texts], dtype=np.int64)
    return _term_table(corpus, counts, tokens, terms, group=group)


def document_term_table_from_store(
    store: CountSource,
    terms: Sequence[str],
    *,
    group: str | None = None,
    ngram_range: tuple[int, int] = (1, 1),
) -> pd.DataFrame:
    """:func:`document_term_table` from a prepared store's counts: no text is read again.

    The same table :func:`document_term_table` gives on the corpus the store was prepared
    from: counts are the stored document-term counts of ``ngram_range`` (a term the store
    never saw counts 0), ``n_tokens`` the documents' stored token counts; deduplication is
    the store's.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    terms : the terms to place, in the order shown
    group : any column of ``store.documents`` (default: the store's group)
    ngram_range : within the store's range; must include the lengths of ``terms``

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import StoreSettings, prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "g": ["x", "y"],
    ...                        "text": ["war and war", "grain trade"]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s", settings=StoreSettings(group="g"))
    >>> document_term_table_from_store(store, ["war", "grain"])[["doc_id", "term", "count"]].to_dict("records")
    [{'doc_id': 'a', 'term': 'war', 'count': 2}, {'doc_id': 'a', 'term': 'grain', 'count': 0}, {'doc_id': 'b', 'term': 'war', 'count': 0}, {'doc_id': 'b', 'term': 'grain', 'count': 1}]
    """
    ngram_range = _check_ngram_range(ngram_range)
    terms = list(dict.fromkeys(str(t) for t in terms))
    if not terms:
        raise NothingToShow("the list of terms is empty, so no term is placed in the documents.")
    group = store.group if group is None else group
    documents = store.document_columns(["doc_id", group, "n_tokens"]).reset_index(drop=True)
    dtm = store.term_columns(terms, ngram_range=ngram_range)  # read part by part
    keep = np.flatnonzero(documents[group].notna().to_numpy())
    order = keep[np.lexsort((keep, documents[group].astype(str).to_numpy()[keep]))]
    counts = dtm.matrix[order].toarray().astype(np.int64)
    tokens = documents["n_tokens"].to_numpy(dtype=np.int64)[order]
    return _term_table(documents.iloc[order], counts, tokens, terms, group=group)


def _term_table(corpus: pd.DataFrame, counts: np.ndarray, tokens: np.ndarray,
                terms: list[str], *, group: str) -> pd.DataFrame:
    """The long frame of :func:`document_term_table` from a document x term count array."""
    n_docs, n_terms = counts.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(tokens[:, None] > 0, counts / np.maximum(tokens[:, None], 1) * RATE_PER, 0.0)
    return pd.DataFrame({
        "doc_id": pd.array(np.repeat(corpus["doc_id"].astype(str).to_numpy(), n_terms), dtype="string"),
        group: pd.array(np.repeat(corpus[group].astype(str).to_numpy(), n_terms), dtype="string"),
        "term": pd.array(np.tile(np.array(terms, dtype=object), n_docs), dtype="string"),
        "count": counts.ravel(),
        "rate": rate.ravel(),
        "n_tokens": np.repeat(tokens, n_terms),
    })
