"""Benchmark every stage on N generated news-length articles, beside the reference libraries.

    .venv/bin/python benchmarks/bench.py --docs 1000            # stages + references
    .venv/bin/python benchmarks/bench.py --docs 1000 --report   # ... and the full HTML report
    .venv/bin/python benchmarks/bench.py --docs 10000 --skip topics_auto
    .venv/bin/python benchmarks/bench.py --docs 100000 --workers 2   # prepare on Dask
    .venv/bin/python benchmarks/bench.py --docs 40000 --vary 0.15 --measures  # client memory

With ``--measures`` a store of the generated articles is prepared (``--jobs 2``, or on a local
cluster with ``--workers N``) and each measure after ``prepare`` runs on it in a fresh process:
the table gives its wall seconds and the peak RSS of that process, beside reading the whole
sentences table or count matrix (what the measures no longer do). ``--vary`` replaces a share
of the words by pseudo-words so that the vocabulary grows with the corpus as a real one does.

With ``--workers N`` the benchmark is ``prepare`` at scale instead: the articles are written as
Parquet files of ``--part-docs`` articles each (``parts/part-00000.parquet`` ...), prepared by
``python -m analysis prepare --source 'parts/*.parquet' --workers N`` (a local Dask cluster
of N worker processes, one thread each), and, for comparison, the first ``--slice`` articles
(whole files) by the single-process path (``--jobs 1``). Every 0.2 s the resident memory of
the command's process (the client) and of each of its child processes (the Dask workers) is
read; the table gives throughput (articles per wall second), peak RSS of the client and the
largest peak RSS of any one worker.

The corpus comes from :func:`analysis.corpus.synthetic.synthetic_corpus` (seed paragraphs resampled to
835+ words, two groups, half the articles opening with one of 20 shared wire stories). Each
stage runs in a fresh Python process, so its peak RSS is its own; the seconds are the stage's
call alone (imports and reading the prepared input are not counted). In the same run the
reference libraries process the same text: NLTK Punkt (sentence splitting), vaderSentiment
(polarity of the same sentences, one core) and scikit-learn's CountVectorizer (counting), and
the table prints each stage's ratio to its reference.

Timings depend on the machine and its load: compare ratios within one run, not seconds across
machines. Nothing here is a test; no threshold is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PRELUDE = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
work = sys.argv[1]
def done(seconds, **extra):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss, **extra}))
def corpus():
    return pd.read_parquet(work + "/corpus.parquet")
"""

# stage name -> (code run in a fresh process, reference stage or None)
STAGES: dict[str, tuple[str, str | None]] = {
    "load_corpus": ("""
from analysis import load_corpus
t = time.perf_counter()
c = load_corpus(work + "/texts", group="group", events=False)
s = time.perf_counter() - t
c.to_parquet(work + "/corpus.parquet")
done(s, docs=len(c))
""", None),
    "ref_punkt": ("""
from nltk.tokenize.punkt import PunktSentenceTokenizer
texts = corpus()["text"].tolist()
tok = PunktSentenceTokenizer()
t = time.perf_counter()
n = sum(len(tok.tokenize(x)) for x in texts)
done(time.perf_counter() - t, sentences=n)
""", None),
    "sentences": ("""
from analysis import sentences
c = corpus()
t = time.perf_counter()
s = sentences(c, group="group")
secs = time.perf_counter() - t
s[["doc_id", "text"]].to_parquet(work + "/sentences.parquet")
done(secs, sentences=len(s))
""", "ref_punkt"),
    "ref_vader": ("""
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
texts = pd.read_parquet(work + "/sentences.parquet")["text"].tolist()
sia = SentimentIntensityAnalyzer()
t = time.perf_counter()
scores = [sia.polarity_scores(x)["compound"] for x in texts]
done(time.perf_counter() - t, sentences=len(scores))
""", None),
    "score_sentences": ("""
from analysis import score_sentences
texts = pd.read_parquet(work + "/sentences.parquet")["text"]
t = time.perf_counter()
scores = score_sentences(texts, n_jobs=1)
done(time.perf_counter() - t, sentences=len(scores))
""", "ref_vader"),
    "sentence_sentiment": ("""
from analysis import sentence_sentiment
c = corpus()
t = time.perf_counter()
s = sentence_sentiment(c, group="group")
done(time.perf_counter() - t, sentences=len(s))
""", None),
    "quotes": ("""
from analysis import quotes
c = corpus()
t = time.perf_counter()
q = quotes(c, group="group")
done(time.perf_counter() - t, quotes=len(q))
""", None),
    "ref_countvectorizer": ("""
from sklearn.feature_extraction.text import CountVectorizer
texts = corpus()["text"].tolist()
t = time.perf_counter()
m = CountVectorizer().fit_transform(texts)
done(time.perf_counter() - t, terms=m.shape[1])
""", None),
    "document_term_matrix": ("""
from analysis import document_term_matrix
c = corpus()
t = time.perf_counter()
m = document_term_matrix(c)
done(time.perf_counter() - t)
""", "ref_countvectorizer"),
    "keyness": ("""
from analysis import keyness
c = corpus()
t = time.perf_counter()
k = keyness(c, group="group")
done(time.perf_counter() - t, terms=len(k))
""", None),
    "shared_passages": ("""
from analysis import shared_passages
c = corpus()
t = time.perf_counter()
p = shared_passages(c, group="group")
done(time.perf_counter() - t)
""", None),
    "topics_k6": ("""
from analysis import fit_topics
c = corpus()
t = time.perf_counter()
m = fit_topics(c, group="group", k=6)
done(time.perf_counter() - t)
""", None),
    "topics_auto": ("""
from analysis import fit_topics
c = corpus()
t = time.perf_counter()
m = fit_topics(c, group="group")
done(time.perf_counter() - t)
""", None),
}


def run_stage(name: str, work: Path) -> dict:
    code = PRELUDE + STAGES[name][0]
    proc = subprocess.run([sys.executable, "-c", code, str(work)], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no message)"]
        return {"error": tail[0][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_report(work: Path, *, label: str) -> dict:
    """Time ``python -m analysis report`` on the generated texts (one run)."""
    import resource

    out = work / "reports"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--source", str(work / "texts"),
         "--group", "group", "--out", str(out), "--figures", str(work / "figures"),
         "--store", str(work / "store")],
        capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rss = after.ru_maxrss / 1024
    (work / f"{label}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        tail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["?"]
        return {"error": tail[0][:200], "seconds": seconds}
    return {"seconds": seconds, "rss_mb": rss, "cpu": cpu}


def _peaks(cmd: list[str]) -> dict:
    """Run ``cmd``; wall seconds, peak RSS of its process and of each child, stderr tail."""
    import psutil

    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, text=True)
        ps = psutil.Process(proc.pid)
        client = 0
        workers: dict[int, int] = {}
        while proc.poll() is None:
            try:
                client = max(client, ps.memory_info().rss)
                for child in ps.children(recursive=True):
                    workers[child.pid] = max(workers.get(child.pid, 0), child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        err.seek(0)
        log = err.read()
    # the resource tracker and other helpers are small; the workers are the large children
    big = sorted((rss for rss in workers.values()), reverse=True)
    return {"seconds": seconds, "client_mb": client / 2**20,
            "worker_mb": (big[0] / 2**20) if big else float("nan"), "children": len(workers),
            "returncode": proc.returncode, "log": log}


def _write_parts(args: argparse.Namespace, work: Path, argv: list[str] | None) -> tuple[Path, int]:
    """The generated articles as Parquet files of ``args.part_docs`` (kept between runs)."""
    from analysis.corpus.synthetic import synthetic_corpus

    parts = work / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    n_parts = -(-args.docs // args.part_docs)
    stamp = parts / "generated.json"
    wanted = json.dumps({"docs": args.docs, "part_docs": args.part_docs,
                         "syndicated": args.syndicated, "vary": args.vary})
    if not stamp.exists() or stamp.read_text() != wanted:
        for old in parts.glob("part-*.parquet"):
            old.unlink()
        corpus = synthetic_corpus(args.docs, syndicated=args.syndicated, vary=args.vary)
        for k in range(n_parts):
            corpus.iloc[k * args.part_docs:(k + 1) * args.part_docs].to_parquet(
                parts / f"part-{k:05d}.parquet", index=False)
        del corpus
        stamp.write_text(wanted)
    mb = sum(p.stat().st_size for p in parts.glob("*.parquet")) / 1e6
    print(f"# {args.docs:,} generated articles ({args.vary:.0%} of words varied) in {n_parts} "
          f"Parquet files of {args.part_docs:,} ({mb:.0f} MB compressed); {os.cpu_count()} "
          f"cores; Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print(f"# {' '.join(['python', 'benchmarks/bench.py', *(argv or sys.argv[1:])])}\n")
    return parts, n_parts


def run_cluster(args: argparse.Namespace, argv: list[str] | None) -> int:
    """prepare on a local Dask cluster of ``args.workers`` against one process on a slice."""
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-dask-"))
    parts, n_parts = _write_parts(args, work, argv)
    base = [sys.executable, "-m", "analysis", "prepare", "--group", "group", "--force"]
    n_slice = min(-(-args.slice // args.part_docs), n_parts)
    runs = {
        f"cluster, {args.workers} workers": (args.docs, [
            *base, "--source", str(parts / "*.parquet"), "--store", str(work / "store-cluster"),
            "--workers", str(args.workers)]),
    }
    if n_slice:
        slice_dir = work / "slice"
        slice_dir.mkdir(exist_ok=True)
        for k in range(n_slice):  # a pattern of the first files (links, no copies)
            link = slice_dir / f"part-{k:05d}.parquet"
            if not link.exists():
                link.symlink_to(parts / f"part-{k:05d}.parquet")
        runs["one process (--jobs 1)"] = (min(n_slice * args.part_docs, args.docs), [
            *base, "--source", str(slice_dir / "*.parquet"), "--store", str(work / "store-one"),
            "--jobs", "1"])
    print("| run | articles | wall s | articles/s | peak RSS client (MB) | "
          "peak RSS per worker (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    status = 0
    for name, (docs, cmd) in runs.items():
        res = _peaks(cmd)
        if res["returncode"] != 0:
            tail = res["log"].strip().splitlines()[-1:] or ["?"]
            print(f"| {name} | {docs:,} | failed: {tail[0][:160]} | | | |")
            status = 1
            continue
        worker = f"{res['worker_mb']:.0f}" if name.startswith("cluster") else "(none)"
        print(f"| {name} | {docs:,} | {res['seconds']:.1f} | {docs / res['seconds']:.1f} | "
              f"{res['client_mb']:.0f} | {worker} |", flush=True)
        if args.verbose:
            print("\n".join("    " + line for line in res["log"].splitlines()
                            if line.strip() and "%|" not in line and not line.startswith("part ")))
    print(f"\n# load average after {os.getloadavg()[0]:.1f}")
    return status


# measure name -> code run in a fresh process on the store (sys.argv[1]); each prints nothing
MEASURES: dict[str, str] = {
    "open the store, read the groups": """
docs = st.document_columns(["doc_id", st.group])
""",
    "whole sentences table (not used by the measures)": """
frame = st.sentences
""",
    "whole count matrix (not used by the measures)": """
dtm = st.counts
""",
    "term_frequencies_from_store (top 10 per group, as notebook 01)": """
from analysis.measures.terms import term_frequencies_from_store
term_frequencies_from_store(st, ngram_range=(1, 3), min_count=2, top=10)
""",
    "keyness_from_store": """
from analysis.measures.keyness import keyness_from_store
keyness_from_store(st, min_count=3)
""",
    "sentiment_from_store (group, voice, actor tables)": """
from analysis.measures.sentiment import sentiment_from_store
sentiment_from_store(st, top_actors=8)
""",
    "mention_rates_from_store": """
from analysis.measures.structure import mention_rates_from_store
mention_rates_from_store(st, top=10)
""",
    "speaker_counts_from_store": """
from analysis.text.quotes import speaker_counts_from_store
speaker_counts_from_store(st)
""",
    "fit_topics_from_store (k=6, max_documents=2,000)": """
from analysis.measures.topics import fit_topics_from_store
fit_topics_from_store(st, k=6, n_seeds=3, max_documents=2000)
""",
    "kwic_from_store ('russia')": """
from analysis.measures.concordance import kwic_from_store
kwic_from_store(st, "russia")
""",
    "sample_stages (2,000 documents with sentences)": """
from analysis.sampling import sample_stages
view = sample_stages(st, max_documents=2000)
view.documents, view.sentences, view.quotes
""",
}

MEASURE_PRELUDE = """
import sys, warnings
warnings.simplefilter("ignore")
from analysis.store import open_store
st = open_store(sys.argv[1])
"""


def run_measures(args: argparse.Namespace, argv: list[str] | None) -> int:
    """prepare a store of the generated articles, then each measure in a fresh process."""
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-measures-"))
    parts, _ = _write_parts(args, work, argv)
    store = work / "store"
    prep = [sys.executable, "-m", "analysis", "prepare", "--group", "group", "--force",
            "--source", str(parts / "*.parquet"), "--store", str(store)]
    prep += ["--workers", str(args.workers)] if args.workers else ["--jobs", "2"]
    print("| step | wall s | peak RSS client (MB) | peak RSS per worker (MB) |")
    print("| --- | ---: | ---: | ---: |")
    status = 0
    steps = [("prepare", prep)] + [
        (name, [sys.executable, "-c", MEASURE_PRELUDE + code, str(store)])
        for name, code in MEASURES.items() if name not in args.skip_measures]
    if args.report_max is not None:  # the whole report from the store, text sections sampled
        report = [sys.executable, "-m", "analysis", "report", "--store", str(store),
                  "--max-documents", str(args.report_max), "--out", str(work / "report"),
                  "--figures", str(work / "figures")]
        steps.append((f"report from the store (max_documents {args.report_max:,})", report))
        if args.report_each:  # each notebook alone: whose kernel holds the most
            from analysis import config

            for nb in sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
                alone = work / "alone" / nb.stem
                alone.mkdir(parents=True, exist_ok=True)
                if not (alone / nb.name).exists():
                    (alone / nb.name).symlink_to(nb)
                steps.append((f"report: {nb.stem} alone", [*report, "--notebooks", str(alone)]))
    for name, cmd in steps:
        res = _peaks(cmd)
        if res["returncode"] != 0:
            tail = res["log"].strip().splitlines()[-1:] or ["?"]
            print(f"| {name} | failed: {tail[0][:160]} | | |", flush=True)
            status = 1
            if name == "prepare":
                return status
            continue
        worker = (f"{res['worker_mb']:.0f}" if name == "prepare" and args.workers
                  else f"{res['worker_mb']:.0f} (largest kernel)" if name.startswith("report")
                  else "(none)")
        print(f"| {name} | {res['seconds']:.1f} | {res['client_mb']:.0f} | {worker} |",
              flush=True)
        if name == "prepare":
            import json as _json

            manifest = _json.loads((store / "manifest.json").read_text())
            sizes = {k: v.get("rows") for k, v in manifest["tables"].items()}
            print(f"| (store: {sizes}, counts {manifest['counts'].get('nonzero', '?'):,} "
                  "non-zero cells) | | | |", flush=True)
    print(f"\n# load average after {os.getloadavg()[0]:.1f}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="number of articles (1000)")
    parser.add_argument("--syndicated", type=float, default=0.5,
                        help="share of articles carrying shared wire copy (0.5)")
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(STAGES),
                        help="stages to leave out")
    parser.add_argument("--report", action="store_true", help="also time the full report")
    parser.add_argument("--work", help="folder for the generated corpus (default: a temp dir)")
    parser.add_argument("--workers", type=int, default=None,
                        help="benchmark prepare on a local Dask cluster of N workers instead")
    parser.add_argument("--part-docs", type=int, default=2_000,
                        help="with --workers: articles per Parquet file = partition (2000)")
    parser.add_argument("--slice", type=int, default=10_000,
                        help="with --workers: articles prepared in one process (10000)")
    parser.add_argument("--verbose", action="store_true", help="with --workers: prepare's log")
    parser.add_argument("--vary", type=float, default=0.0,
                        help="share of words replaced by pseudo-words, so the vocabulary grows "
                             "with the corpus (synthetic_corpus(vary=...); 0)")
    parser.add_argument("--measures", action="store_true",
                        help="prepare a store (--jobs 2, or --workers N), then the peak RSS of "
                             "each measure read from it, each in a fresh process")
    parser.add_argument("--skip-measures", nargs="*", default=[], choices=sorted(MEASURES),
                        help="with --measures: measures to leave out")
    parser.add_argument("--report-each", action="store_true",
                        help="with --report-max: also render each notebook alone")
    parser.add_argument("--report-max", type=int, default=None, metavar="N",
                        help="with --measures: also render the report from the store with "
                             "max_documents N (peak RSS of the report process and its kernels)")
    args = parser.parse_args(argv)
    if args.measures:
        return run_measures(args, argv)
    if args.workers is not None:
        return run_cluster(args, argv)

    from analysis.corpus.synthetic import synthetic_corpus, write_corpus

    work = Path(args.work or tempfile.mkdtemp(prefix="bench-"))
    corpus = synthetic_corpus(args.docs, syndicated=args.syndicated, vary=args.vary)
    write_corpus(corpus, work / "texts")
    words = int(corpus["text"].str.split().str.len().sum())
    print(f"# {args.docs:,} generated articles, {words:,} words, "
          f"{args.syndicated:.0%} with shared wire copy; {os.cpu_count()} cores; "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print(f"# {' '.join(['python', 'benchmarks/bench.py', *(argv or sys.argv[1:])])}\n")

    results: dict[str, dict] = {}
    for name in STAGES:
        if name in args.skip:
            continue
        results[name] = run_stage(name, work)
        if name == "load_corpus" and "error" in results[name]:
            print(f"load_corpus failed: {results[name]['error']}")
            return 1
    if args.report:  # the first run prepares the store; the second reads it as it stands
        results["report (prepare + 5 notebooks)"] = run_report(work, label="report-first")
        results["report from the store"] = run_report(work, label="report-second")

    print("| stage | seconds | peak RSS (MB) | reference | ratio |")
    print("| --- | ---: | ---: | --- | ---: |")
    refs = [results.get(r, {}).get("seconds") for r in ("ref_punkt", "ref_vader",
                                                        "ref_countvectorizer")]
    for name, res in results.items():
        if "error" in res:
            print(f"| {name} | failed: {res['error']} | | | |")
            continue
        ref = STAGES.get(name, ("", None))[1]
        ref_res = results.get(ref or "", {})
        ratio = (f"{res['seconds'] / ref_res['seconds']:.2f}x"
                 if ref and "seconds" in ref_res and ref_res["seconds"] > 0 else "")
        if name.startswith("report") and None not in refs:  # the yardstick
            ref, ratio = "Punkt + VADER + CountVectorizer", f"{res['seconds'] / sum(refs):.1f}x"
        extra = f" ({res['cpu']:.0f} s CPU)" if "cpu" in res else ""
        print(f"| {name} | {res['seconds']:.2f}{extra} | {res.get('rss_mb', float('nan')):.0f} | "
              f"{ref or ''} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
