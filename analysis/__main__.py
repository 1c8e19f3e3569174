"""Command line: ``python -m analysis corpus``, ``prepare`` and ``report``.

``corpus`` prints one line per document of a corpus (id, group, date and its source, words,
lines removed by cleaning); ``prepare`` computes the per-document stages once into a store
folder (:mod:`analysis.store`); ``report`` renders every notebook to HTML. Bad input exits
with status 2 and a one-line message naming the file or column and the fix, never a traceback.

Examples
--------
>>> main(["corpus", "--source", "/no/such/folder"])
2
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand.

    Examples
    --------
    >>> build_parser().parse_args(["report", "--no-input"]).no_input
    True
    """
    from analysis.corpus.cli import add_corpus_parser
    from analysis.report.render import add_report_parser
    from analysis.store import add_prepare_parser

    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Comparative coverage analysis: inspect a corpus, prepare its store or "
        "render the reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_corpus_parser(sub)
    add_prepare_parser(sub)
    add_report_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Examples
    --------
    >>> main(["report", "--source", "/no/such/folder"])
    2
    """
    args = build_parser().parse_args(argv)
    if args.command == "corpus":
        from analysis.corpus.cli import corpus_command

        return int(corpus_command(args))
    if args.command == "prepare":
        from analysis.store import prepare_command

        return int(prepare_command(args))
    from analysis.report.render import report_command

    return int(report_command(args))


if __name__ == "__main__":
    sys.exit(main())
