"""Time ``python -m analysis prepare`` on N generated news-length articles.

    .venv/bin/python benchmarks/prepare_bench.py --docs 10000            # all cores
    .venv/bin/python benchmarks/prepare_bench.py --docs 1000 --jobs 1    # one process
    .venv/bin/python benchmarks/prepare_bench.py --docs 1000 --profile   # cProfile, in-process

The corpus is :func:`analysis.corpus.synthetic.synthetic_corpus` (seed paragraphs resampled to 835+
words, two groups, half the articles opening with one of 20 shared wire stories), written as
``.txt`` files plus a manifest, as a user's folder would be. ``prepare`` runs in a fresh
process; every 0.1 s the resident memory of that process and of its worker processes is
summed, so "peak RSS (all processes)" is the most memory the whole run held at once. The
step lines are ``prepare``'s own log (wall seconds, and CPU seconds by stage summed over the
workers). CPU seconds are the process tree's user + system time.

Timings depend on the machine and its load (printed): on a shared machine compare CPU
seconds, not wall seconds. Nothing here is a test; no threshold is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _corpus(docs: int, work: Path) -> Path:
    from analysis.corpus.synthetic import synthetic_corpus, write_corpus

    folder = work / f"texts-{docs}"
    if not (folder / "manifest.csv").is_file():
        write_corpus(synthetic_corpus(docs, syndicated=0.5), folder)
    return folder


def _measure(cmd: list[str]) -> dict:
    # output goes to files: a pipe nobody reads while polling would fill up and block prepare
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        result = _poll(cmd, out_file, err_file)
        out_file.seek(0)
        err_file.seek(0)
        return {**result, "stdout": out_file.read(), "stderr": err_file.read()}


def _poll(cmd: list[str], out_file, err_file) -> dict:
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, text=True)
    ps = psutil.Process(proc.pid)
    peak_all = peak_main = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        try:
            total = 0
            for p in [ps, *ps.children(recursive=True)]:
                rss = p.memory_info().rss
                total += rss
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
                if p.pid == ps.pid:
                    peak_main = max(peak_main, rss)
            peak_all = max(peak_all, total)
        except psutil.Error:
            pass
        time.sleep(0.1)
    return {"seconds": time.perf_counter() - start, "peak_all_mb": peak_all / 2**20,
            "peak_main_mb": peak_main / 2**20, "cpu": sum(cpu.values()),
            "returncode": proc.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None, help="prepare --jobs (default: auto)")
    parser.add_argument("--work", help="folder for corpora and stores (default: a temp dir)")
    parser.add_argument("--profile", action="store_true",
                        help="run prepare in this process under cProfile (one process)")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="prepare-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = _corpus(args.docs, work)
    store = work / f"store-{args.docs}"
    shutil.rmtree(store, ignore_errors=True)
    chars = sum(p.stat().st_size for p in texts.glob("*.txt"))
    print(f"# {args.docs:,} generated articles ({chars / 1e6:.1f} MB of text) in {texts}; "
          f"{os.cpu_count()} cores; load average before {os.getloadavg()[0]:.1f}")
    if args.profile:
        import cProfile
        import pstats

        from analysis.store import StoreSettings, prepare

        profiler = cProfile.Profile()
        profiler.enable()
        prepare(texts, store=store, settings=StoreSettings(group="group"), n_jobs=1,
                log=print)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return 0
    cmd = [sys.executable, "-m", "analysis", "prepare", "--source", str(texts), "--group",
           "group", "--store", str(store)]
    if args.jobs is not None:
        cmd += ["--jobs", str(args.jobs)]
    print("# " + " ".join(cmd[1:]))
    result = _measure(cmd)
    for line in result["stderr"].splitlines():
        if line.strip() and "%|" not in line:
            print("  " + line)
    print(result["stdout"].strip())
    print(f"| documents | wall s | CPU s (all processes) | peak RSS all processes (MB) | "
          f"peak RSS main (MB) | load average after |\n| ---: | ---: | ---: | ---: | ---: | ---: |"
          f"\n| {args.docs:,} | {result['seconds']:.1f} | {result['cpu']:.1f} | "
          f"{result['peak_all_mb']:.0f} | {result['peak_main_mb']:.0f} | "
          f"{os.getloadavg()[0]:.1f} |")
    return result["returncode"]


if __name__ == "__main__":
    sys.exit(main())
