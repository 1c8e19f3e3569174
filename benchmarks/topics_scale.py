"""Time and memory of ``fit_topics()`` on generated news-length corpora.

Each corpus is built from the seeds' own paragraphs: an article draws paragraphs (with
replacement, ``numpy.random.default_rng(0)``) until it has at least ``--words`` words (835 by
default, the length used in the scale issue), and falls in one of two groups at random. The
same sizes always give the same corpora.

Every size runs in a fresh Python process so that its peak resident memory (``ru_maxrss``) is
its own. Printed per size: documents, text units, chosen k, wall seconds, CPU seconds of the
fit (user + system, all threads), and the process's peak RSS, together with the load average
before and after (the machine may be shared: compare CPU seconds when the load is high).

Usage (from the repository root)::

    .venv/bin/python benchmarks/topics_scale.py                     # 1,000, 3,000, 10,000
    .venv/bin/python benchmarks/topics_scale.py --docs 1000 --k 6   # one size, fixed k

The numbers are measurements, not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

DEFAULT_SIZES = (1000, 3000, 10000)


def generated_corpus(n_docs: int, *, words: int = 835, random_state: int = 0):
    """``n_docs`` articles of seed paragraphs drawn until each has ``words`` words or more."""
    import numpy as np
    import pandas as pd

    from analysis import load_corpus

    seeds = load_corpus()
    paragraphs = [p for text in seeds["text"] for p in text.split("\n\n") if p.strip()]
    lengths = np.array([len(p.split()) for p in paragraphs])
    rng = np.random.default_rng(random_state)
    texts = []
    for _ in range(n_docs):
        picked: list[int] = []
        total = 0
        while total < words:
            i = int(rng.integers(len(paragraphs)))
            picked.append(i)
            total += int(lengths[i])
        texts.append("\n\n".join(paragraphs[i] for i in picked))
    return pd.DataFrame({
        "doc_id": [f"g{i:05d}" for i in range(n_docs)],
        "event": rng.choice(["group-a", "group-b"], n_docs),
        "text": texts,
    })


def run_one(n_docs: int, k: int | None) -> dict:
    """Generate one corpus and fit it; the numbers of this process only."""
    import warnings

    from analysis import fit_topics

    corpus = generated_corpus(n_docs)
    n_words = int(corpus["text"].str.split().str.len().sum())
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_topics(corpus) if k is None else fit_topics(corpus, k=k)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "docs": n_docs,
        "words": n_words,
        "units": int(model.units_["used"].sum()),
        "sample": int(model.units_["in_sample"].sum()) if "in_sample" in model.units_ else None,
        "k": int(model.k_),
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 0),  # Linux: kilobytes
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, nargs="*", default=list(DEFAULT_SIZES),
                        help="corpus sizes in articles (default: 1000 3000 10000)")
    parser.add_argument("--k", type=int, default=None, help="fix k (default: k chosen)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.docs[0], args.k)))
        return 0
    print(f"fit_topics({'' if args.k is None else f'k={args.k}'}) on generated news-length "
          f"articles; {os.cpu_count()} CPUs")
    header = ("docs", "words", "units", "sample", "k", "wall_s", "cpu_s", "peak_rss_mb",
              "load_before", "load_after")
    print(" | ".join(header))
    for n in args.docs:
        load_before = os.getloadavg()[0]
        cmd = [sys.executable, __file__, "--one", "--docs", str(n)]
        if args.k is not None:
            cmd += ["--k", str(args.k)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["load_before"] = round(load_before, 1)
        row["load_after"] = round(os.getloadavg()[0], 1)
        print(" | ".join(f"{row[h]:,}" if isinstance(row[h], int) else str(row[h])
                         for h in header), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
