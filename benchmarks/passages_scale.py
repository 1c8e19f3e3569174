"""Benchmark: ``shared_passages`` on synthetic news corpora with heavy syndication.

Run from the repository root::

    python benchmarks/passages_scale.py                 # 1,000 / 3,000 / 10,000 articles
    python benchmarks/passages_scale.py --docs 2000     # other sizes

The corpus (``make_corpus``, fixed seed) imitates a news collection in which half the
articles carry wire copy:

* every article has about 835 words (the seeds' mean) in paragraphs whose shapes (sentences
  per paragraph, words per sentence) are resampled from the five seed articles;
* its own text is new: each word follows the previous one along a bigram chain fitted on the
  seeds (half the time), or is drawn afresh from the seeds' word frequencies (a quarter) or
  from a Zipf-distributed list of 50,000 invented words (a quarter: the long tail of names
  and rare words a real 10,000-article corpus has and five articles do not), so an
  article's own sentences are distinct (as a reporter's own sentences are) but share the
  seeds' common phrases;
* half the articles (the "wire" half) print one of ``n_docs // 100`` wire stories (12
  paragraphs of the same make-up), chosen with Zipf weights so the biggest story runs in
  hundreds of outlets (about 1,100 of 10,000 articles); an outlet keeps the first 50-100% of
  the story's paragraphs, edits about one copied sentence in ten (a word replaced or dropped)
  and may put a dateline in front of the first paragraph; the rest of the article is own text;
* a third of the articles end with a short stock line ("Reporting by staff.", "Thank you for
  reading.") drawn from a small list: formulas, not copy.

Each size runs in a fresh subprocess, twice: ``shared_passages(corpus)`` splitting the
sentences itself ("splits"), and ``shared_passages(corpus, sents=...)`` on a sentences table
computed before the clock starts, as a prepared stage supplies it ("given"). Peak RSS is the
process's resident high-water mark during the call (``VmHWM`` reset just before it through
``/proc/self/clear_refs``), so it includes what was already resident (Python, pandas, the
corpus, the sentences table: "RSS before"); CPU seconds are the process's. It prints seconds, peak RSS, the
number of clusters and how well the planted wire sentences were recovered (recall: planted
wire occurrences of sentences with enough content found in a copy cluster together with their
story's other copies; precision: reported copy occurrences that are planted wire copy). The
machine's load average is printed with every row.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_DOC = 835
STOCK_LINES = ("Reporting by staff.", "Thank you for reading.", "Editing by the desk.",
               "All rights reserved.", "Good evening.", "More to follow.",
               "Follow us for updates.", "This story has been updated.")
DATELINES = ("MOSCOW (Wire) — ", "BEIJING (Wire) — ", "LONDON — ", "WASHINGTON (Wire) — ")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def _seed_shapes() -> tuple[list[list[int]], list[str], np.ndarray, dict[int, np.ndarray]]:
    """Paragraph shapes, vocabulary, unigram probabilities and bigram successors of the seeds."""
    sys.path.insert(0, str(ROOT))
    from analysis import load_corpus

    corpus = load_corpus()
    shapes: list[list[int]] = []
    tokens: list[str] = []
    for text in corpus["text"]:
        for para in re.split(r"\n\s*\n|\n", str(text)):
            sents = [s for s in re.split(r"(?<=[.!?])\s+", para.strip()) if s]
            lens = [len(_WORD.findall(s)) for s in sents]
            lens = [n for n in lens if n >= 3]
            if lens:
                shapes.append(lens)
            for s in sents:
                tokens.extend(w.lower() for w in _WORD.findall(s))
    vocab, ids = np.unique(np.asarray(tokens), return_inverse=True)
    probs = np.bincount(ids, minlength=len(vocab)).astype(float)
    probs /= probs.sum()
    succ: dict[int, list[int]] = {}
    for a, b in zip(ids[:-1], ids[1:], strict=True):
        succ.setdefault(int(a), []).append(int(b))
    return shapes, vocab.tolist(), probs, {k: np.asarray(v) for k, v in succ.items()}


class _Writer:
    """Draws sentences and paragraphs from the seeds' statistics."""

    def __init__(self, rng: np.random.Generator, n_invented: int = 50_000) -> None:
        self.rng = rng
        self.shapes, vocab, self.probs, self.succ = _seed_shapes()
        self.cum = np.cumsum(self.probs)
        syllables = np.array([c + v for c in "bdfgklmnprstvz" for v in "aeiou"])
        parts = rng.integers(len(syllables), size=(n_invented, 3))
        invented = ["".join(syllables[p]) for p in parts]
        self.n_seed = len(vocab)
        self.vocab = vocab + invented
        zipf = 1.0 / np.arange(1, n_invented + 1)
        self.tail = np.cumsum(zipf / zipf.sum())

    def _fresh(self, n: int) -> np.ndarray:
        rng = self.rng
        seed = np.searchsorted(self.cum, rng.random(n) * self.cum[-1])
        tail = self.n_seed + np.minimum(np.searchsorted(self.tail, rng.random(n)),
                                        len(self.tail) - 1)
        return np.where(rng.random(n) < 0.5, seed, tail)

    def sentence(self, n_words: int) -> str:
        rng = self.rng
        restart = rng.random(n_words) < 0.5
        fresh = self._fresh(n_words)
        out = [int(fresh[0])]
        for k in range(1, n_words):
            nxt = self.succ.get(out[-1])
            out.append(int(fresh[k]) if restart[k] or nxt is None
                       else int(nxt[rng.integers(len(nxt))]))
        words = [self.vocab[i] for i in out]
        while len(words[-1]) < 4:  # "... at a." reads as an initial to Punkt: end on a word
            words[-1] = self.vocab[int(self._fresh(1)[0])]
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> list[str]:
        shape = self.shapes[self.rng.integers(len(self.shapes))]
        return [self.sentence(n) for n in shape]

    def edit(self, sentence: str) -> str:
        """Replace or drop one word in the middle of a sentence (a copy editor's change)."""
        words = sentence.rstrip(".").split(" ")
        if len(words) < 4:
            return sentence
        k = int(self.rng.integers(1, len(words) - 1))  # never the first or last word
        if self.rng.random() < 0.5:
            words[k] = self.vocab[int(self._fresh(1)[0])]
        else:
            del words[k]
        return " ".join(words) + "."


def make_corpus(n_docs: int, *, random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A syndicated corpus and the planted wire sentences (see module docstring).

    Returns
    -------
    corpus : DataFrame
        ``doc_id``, ``outlet_group`` (two groups), ``text`` (paragraphs split by blank lines).
    planted : DataFrame
        One row per printed wire sentence: ``doc_id``, ``story``, ``story_sentence`` (index
        in the story), ``text`` as printed.
    """
    rng = np.random.default_rng(random_state)
    w = _Writer(rng)
    n_stories = max(5, n_docs // 100)
    stories = [[w.paragraph() for _ in range(12)] for _ in range(n_stories)]
    weights = 1.0 / np.arange(1, n_stories + 1)
    weights /= weights.sum()
    docs, planted = [], []
    for d in range(n_docs):
        doc_id = f"d{d:05d}"
        paras: list[str] = []
        n_words = 0
        if d % 2 == 0:  # the wire half
            s = int(rng.choice(n_stories, p=weights))
            keep = max(1, int(round(len(stories[s]) * rng.uniform(0.5, 1.0))))
            k = 0
            for p, para in enumerate(stories[s][:keep]):
                printed = []
                for sent in para:
                    text = w.edit(sent) if rng.random() < 0.1 else sent
                    if p == 0 and not printed and rng.random() < 0.5:
                        text = DATELINES[int(rng.integers(len(DATELINES)))] + text
                    printed.append(text)
                    planted.append((doc_id, s, k, text))
                    k += 1
                paras.append(" ".join(printed))
                n_words += sum(len(x.split()) for x in printed)
        while n_words < WORDS_PER_DOC:
            para = w.paragraph()
            paras.append(" ".join(para))
            n_words += sum(len(x.split()) for x in para)
        if rng.random() < 1 / 3:
            paras.append(STOCK_LINES[int(rng.integers(len(STOCK_LINES)))])
        docs.append((doc_id, "a" if d % 4 < 2 else "b", "\n\n".join(paras)))
    corpus = pd.DataFrame(docs, columns=["doc_id", "outlet_group", "text"])
    return corpus, pd.DataFrame(planted, columns=["doc_id", "story", "story_sentence", "text"])


def _score(result, planted: pd.DataFrame, sents: pd.DataFrame) -> dict:
    """Recall and precision of copy clusters against the planted wire sentences."""
    from analysis.text.passages import content_words

    copy = result.clusters
    planted = planted.assign(n_content=[content_words(t) for t in planted["text"]])
    # sentences of the corpus that are planted wire copy, by (doc_id, text)
    key = planted.drop_duplicates(["doc_id", "text"]).set_index(["doc_id", "text"])[
        ["story", "story_sentence", "n_content"]]
    got = copy.join(key, on=["doc_id", "text"], how="left")
    precision = float(got["story"].notna().mean()) if len(got) else float("nan")
    # recall: a planted occurrence with enough content, whose (story, sentence) was printed
    # in >= 2 documents, must sit in the cluster holding the most of its siblings
    target = planted[planted["n_content"] >= result.min_content_words]
    spread = target.groupby(["story", "story_sentence"])["doc_id"].transform("nunique")
    target = target[spread >= 2]
    found = target.merge(got[["doc_id", "text", "cluster_id"]], on=["doc_id", "text"],
                         how="left")
    main = (found.dropna(subset=["cluster_id"])
            .groupby(["story", "story_sentence"])["cluster_id"]
            .agg(lambda s: s.value_counts().index[0]))
    found["main"] = found.set_index(["story", "story_sentence"]).index.map(main)
    recall = float((found["cluster_id"] == found["main"]).mean()) if len(found) else float("nan")
    return {"recall": round(recall, 4), "precision": round(precision, 4),
            "n_sentences": len(sents)}


def _status(*fields: str) -> dict[str, int]:
    """Fields of /proc/self/status in MB (Linux)."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in fields:
                out[name] = int(value.split()[0]) // 1024
    return out


def _child(path: str, mode: str) -> None:
    sys.path.insert(0, str(ROOT))
    corpus = pd.read_parquet(path)
    planted = pd.read_parquet(path + ".planted")
    from analysis.text.passages import shared_passages
    from analysis.text.segment import sentences

    sents = sentences(corpus, group="outlet_group") if mode == "given" else None
    before = _status("VmRSS")["VmRSS"]
    try:  # reset the high-water mark so VmHWM is the peak during the call (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    t0, c0 = time.perf_counter(), time.process_time()
    result = shared_passages(corpus, group="outlet_group", sents=sents)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _status("VmHWM")["VmHWM"] if reset else resource.getrusage(
        resource.RUSAGE_SELF).ru_maxrss // 1024
    sents = sents if sents is not None else sentences(corpus, group="outlet_group")
    out = {"seconds": round(seconds, 1), "cpu": round(cpu, 1), "peak_rss_mb": peak,
           "rss_before_mb": before, "n_clusters": int(result.clusters["cluster_id"].nunique()),
           "n_copy_rows": len(result.clusters), "n_formulas": len(result.formulas),
           **_score(result, planted, sents)}
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    print("| articles | words | sentences | mode | seconds | CPU s | peak RSS (MB) | RSS before "
          "(MB) | clusters | copy rows | formulas | recall | precision | load avg 1/5/15 min |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.docs:
            corpus, planted = make_corpus(n, random_state=args.random_state)
            path = os.path.join(tmp, f"corpus_{n}.parquet")
            corpus.to_parquet(path)
            planted.to_parquet(path + ".planted")
            n_words = int(corpus["text"].str.split().str.len().sum())
            for mode in ("splits", "given"):
                run = subprocess.run([sys.executable, __file__, "--child", path, mode],
                                     capture_output=True, text=True)
                if run.returncode:
                    sys.exit(f"the {mode} run on {n} articles failed:\n{run.stderr}")
                r = json.loads(run.stdout.strip().splitlines()[-1])
                load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
                print(f"| {n:,} | {n_words:,} | {r['n_sentences']:,} | {mode} | {r['seconds']} "
                      f"| {r['cpu']} | {r['peak_rss_mb']} | {r['rss_before_mb']} "
                      f"| {r['n_clusters']:,} | {r['n_copy_rows']:,} | {r['n_formulas']:,} "
                      f"| {r['recall']} | {r['precision']} | {load} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
