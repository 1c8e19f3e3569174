"""The ``corpus`` subcommand: list a corpus one line per document.

``python -m analysis corpus [--config PATH] [--source PATH] [--group COL] [--text-column COL]
[--clean news|none] [--events auto|none|PATH] [--manifest auto|none|PATH] [--no-manifest] ...``
takes the run's configuration like ``report`` does (:mod:`analysis.settings`: options over the
``analysis.toml`` beside the corpus over defaults), loads the corpus with
:func:`analysis.settings.load_configured` and prints, per document, its id,
group, date and where the date came from, word count and the number of lines (or fragments)
cleaning removed. Warnings go to stderr as ``warning: ...`` lines; bad input exits with status 2
and a one-line ``error: ...`` message (never a traceback). Large folders show a progress bar on
stderr.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from typing import Any

import pandas as pd

from analysis import config
from analysis.errors import CorpusError
from analysis.settings import add_config_arguments, config_from_args, load_configured

__all__ = ["add_corpus_parser", "corpus_command", "format_corpus"]


def add_corpus_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``corpus`` subcommand on an argparse subparsers object.

    Parameters
    ----------
    subparsers
        The object returned by ``ArgumentParser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser (its ``func`` default is :func:`corpus_command`).

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> _ = add_corpus_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["corpus", "--group", "outlet", "--no-manifest"])
    >>> args.source, args.group, args.no_manifest
    (None, 'outlet', True)
    """
    parser = subparsers.add_parser(
        "corpus",
        help="list the documents of a corpus (id, group, date, words, lines removed)",
        description="Load a corpus and print one line per document: id, group, date and "
        "its source, words, lines removed by cleaning.",
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--no-manifest", action="store_true",
        help="ignore manifest.csv beside the texts (the same as --manifest none)",
    )
    parser.set_defaults(func=corpus_command)
    return parser


def _cell(value: object) -> str:
    return "-" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def format_corpus(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP) -> str:
    """One aligned line per document, under a header line.

    Parameters
    ----------
    corpus : pandas.DataFrame
        From :func:`analysis.corpus.loader.load_corpus`.
    group : str
        The grouping column to show.

    Returns
    -------
    str

    Examples
    --------
    >>> from analysis.corpus.loader import load_corpus
    >>> print(format_corpus(load_corpus()).splitlines()[1])  # doctest: +NORMALIZE_WHITESPACE
    000 2023-moscow 2023-03-21 manifest 991 2
    """
    if group not in corpus.columns:
        raise CorpusError(f"group column {group!r} not in the corpus ({list(corpus.columns)}).")
    rows = [("doc_id", group, "date", "date_source", "words", "removed")]
    for doc_id, g, d, source, words, removed in zip(
        corpus["doc_id"], corpus[group], corpus["date"], corpus["date_source"],
        corpus["n_words"], corpus["n_removed"], strict=True,
    ):
        day = "-" if pd.isna(d) else pd.Timestamp(d).date().isoformat()
        rows.append((_cell(doc_id), _cell(g), day, _cell(source), str(words), str(removed)))
    widths = [max(len(row[k]) for row in rows) for k in range(6)]
    lines = []
    for row in rows:
        left = "  ".join(row[k].ljust(widths[k]) for k in range(4))
        right = "  ".join(row[k].rjust(max(widths[k], 7)) for k in (4, 5))
        lines.append(f"{left}  {right}".rstrip())
    return "\n".join(lines)


def corpus_command(args: argparse.Namespace) -> int:
    """Run ``corpus``: print the corpus listing; return the exit status.

    Parameters
    ----------
    args : argparse.Namespace
        The options of :func:`analysis.settings.add_config_arguments` (missing ones are
        taken as not given) and ``no_manifest``.

    Returns
    -------
    int
        0 on success, 2 on bad input (the message is printed to stderr).

    Examples
    --------
    >>> import argparse
    >>> corpus_command(argparse.Namespace(source="/no/such/folder", group="event",
    ...                                   no_manifest=False))
    2
    """
    try:
        cfg = config_from_args(args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            corpus = load_configured(cfg, progress=None)
    except CorpusError as err:
        print(f"error: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    for w in caught:
        print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)
    group = cfg.group
    print(format_corpus(corpus, group=group))
    n_groups = corpus[group].nunique(dropna=True)
    print(f"{len(corpus)} documents, {n_groups} groups in {group!r}")
    return 0

