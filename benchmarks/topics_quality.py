"""What the automatic topic model gives on a corpus: chosen k, the candidates, each topic's status.

For checking the topic rules (degenerate candidates, formula and group-name topics, coherence,
recovery across random starts) on text they were not written on. Prints the corpus size (texts,
words, text units), the k-selection table (largest topic's share, usable topics, why a candidate
was set aside) and one line per topic of the reported model: status, share of the text, NPMI
coherence, recovery across random starts with its margin, label and top terms.

Usage (from the repository root; the texts stay outside the repository)::

    .venv/bin/python benchmarks/topics_quality.py --source /work/devset/speeches \\
        --manifest /work/devset/speeches/speeches.csv --group party
    .venv/bin/python benchmarks/topics_quality.py --source my_table.csv --group outlet --k 6
"""

from __future__ import annotations

import argparse
import time
import warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="folder of .txt files or a table")
    parser.add_argument("--group", default="event", help="grouping column (default: event)")
    parser.add_argument("--manifest", default=None, help="manifest CSV (default: the folder's)")
    parser.add_argument("--k", type=int, default=None, help="fix k (default: chosen)")
    parser.add_argument("--method", default="nmf", choices=["nmf", "lda"])
    parser.add_argument("--fill-group", default=None,
                        help="value for documents without a group (default: leave them out of "
                             "prevalence, as the suite does)")
    args = parser.parse_args(argv)

    import pandas as pd

    from analysis import fit_topics, load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = load_corpus(args.source, group=args.group, manifest=args.manifest)
    if args.fill_group is not None:
        corpus[args.group] = corpus[args.group].astype("string").fillna(args.fill_group)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_topics(corpus, group=args.group, k=args.k, method=args.method)
    seconds = time.perf_counter() - start
    units = model.units_
    sizes = corpus[args.group].value_counts(dropna=False).to_dict()
    print(f"{len(corpus)} texts ({int(corpus['n_words'].sum()):,} words), groups {sizes}; "
          f"{int(units['used'].sum()):,} text units; fit in {seconds:.1f} s")
    print(model.fitting_note())
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.max_colwidth", 70):
        if model.selection_ is not None:
            print("\nCandidates:", model.selection_rule_)
            print(model.selection_[["k", "coherence", "largest_share", "formula_text",
                                    "n_usable", "usable_share", "eligible", "chosen",
                                    "reason"]].round(3).to_string(index=False))
        print(f"\nReported model: k = {model.k_}; group terms {list(model.group_terms_)}")
        print(model.topics_[["topic", "status", "share", "coherence", "recovery", "margin",
                             "label"]].round(3).to_string(index=False))
        print()
        for row in model.topics_.itertuples(index=False):
            print(f"T{row.topic} {row.top_terms}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
