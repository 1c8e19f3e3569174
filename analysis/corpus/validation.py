"""Checks of a corpus DataFrame, next to the loader: one place for "is this a corpus?".

Every function that takes a corpus calls :func:`check_corpus` first, so a wrong argument gives
the same clear message (the missing column, the columns there are, the fix) wherever it is used.

Examples
--------
>>> import pandas as pd
>>> check_corpus(pd.DataFrame({"doc_id": ["a"], "text": ["x"], "event": ["e"]}), group="event")
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import CorpusError

__all__ = ["check_corpus", "corpus_texts", "require_columns"]


def check_corpus(corpus: pd.DataFrame, *, group: str | None = None) -> None:
    """Raise :class:`CorpusError` unless ``corpus`` has ``doc_id``, ``text`` and ``group``.

    Examples
    --------
    >>> check_corpus(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}), group="event")
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: corpus has no column 'event' (columns: doc_id, text). Pass group= one of these, or add the column.
    """
    if not isinstance(corpus, pd.DataFrame):
        raise CorpusError(
            f"expected a corpus DataFrame (from analysis.load_corpus), got {type(corpus).__name__}."
        )
    cols = ", ".join(map(str, corpus.columns))
    for name in ("doc_id", "text"):
        if name not in corpus.columns:
            raise CorpusError(
                f"corpus has no column {name!r} (columns: {cols}). "
                "Load it with analysis.load_corpus or add the column."
            )
    if group is not None and group not in corpus.columns:
        raise CorpusError(
            f"corpus has no column {group!r} (columns: {cols}). "
            "Pass group= one of these, or add the column."
        )
    dup = corpus["doc_id"].astype("string").duplicated()
    if dup.any():
        first = corpus.loc[dup, "doc_id"].iloc[0]
        raise CorpusError(f"corpus column 'doc_id' has duplicates (e.g. {first!r}); make ids unique.")


def require_columns(frame: pd.DataFrame, columns, what: str, fix: str) -> None:
    """Raise :class:`CorpusError` naming the missing ``columns``, the ones there are and ``fix``.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "group_sentiment",
    ...                 "Pass the frame from sentence_sentiment.")
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: group_sentiment: column(s) 'b' not found; the table has: a. Pass the frame from sentence_sentiment.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns))
        raise CorpusError(
            f"{what}: column(s) {', '.join(map(repr, missing))} not found; the table has: "
            f"{have}. {fix}"
        )


def corpus_texts(corpus: pd.DataFrame) -> list[str]:
    """The ``text`` column as plain ``str``, missing text as ``""``.

    Examples
    --------
    >>> corpus_texts(pd.DataFrame({"text": ["a b", None]}))
    ['a b', '']
    """
    return ["" if pd.isna(t) else str(t) for t in corpus["text"].tolist()]
