"""Score the text layers (events, cleaning, quotes, shared passages, topics) on labelled real text.

The texts are third-party pages and speeches kept OUTSIDE the repository (see
``benchmarks/devset/README.md`` for how to rebuild them); the labels are in ``benchmarks/devset``.
Every figure is printed with the number of texts behind it. A layer whose labels or texts are
missing is skipped with a line saying why.

Usage::

    python benchmarks/layers.py --texts /work/devset --labels benchmarks/devset
    python benchmarks/layers.py --texts /work/devset --labels benchmarks/devset --layers events,quotes

The package is called only through its public API, and each layer's calls sit in one small
``call_*`` function below, so a changed signature is mended in one place.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pandas as pd

LAYERS = ("events", "cleaning", "quotes", "shared", "topics")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


# ------------------------------------------------------------------------------------------
# The package calls: one small function per layer (adapt here when an API changes)
# ------------------------------------------------------------------------------------------
def call_load_news(folder: Path, events: Path | None) -> pd.DataFrame:
    """News pages with the dev events: columns doc_id, event, event_source, date, text, ..."""
    from analysis import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, manifest=False, events=events if events else False)


def call_load_speeches(folder: Path) -> pd.DataFrame:
    """Speeches with their party (speeches.csv is used as the manifest)."""
    from analysis import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_corpus(folder, manifest=folder / "speeches.csv", events=False, group="party")


def call_clean(raw: str) -> list[tuple[int, str, bool, str]]:
    """Removals of one raw text: (line_no, removed text, inline, rule)."""
    from analysis import clean_text

    _, removed = clean_text(raw)
    return [(r.line_no, r.line, bool(r.inline), r.rule) for r in removed]


def call_quotes(corpus: pd.DataFrame) -> pd.DataFrame:
    """Quotations: doc_id, text (inside the marks), speaker (<NA> when none)."""
    from analysis import quotes

    return quotes(corpus, group=None)[["doc_id", "text", "speaker"]]


def call_shared(corpus: pd.DataFrame) -> pd.DataFrame:
    """Shared-passage pairs: doc_id_a, text_a, doc_id_b, text_b."""
    from analysis import shared_passages

    pairs = shared_passages(corpus, group=None).pairs(max_pairs=10**7)
    return pairs[["doc_id_a", "text_a", "doc_id_b", "text_b"]]


def call_topics(corpus: pd.DataFrame, *, group: str, n_seeds: int) -> dict:
    """Fit topics with automatic k; return k, per-topic share/coherence/stable/label."""
    from analysis import fit_topics

    model = fit_topics(corpus, group=group, k=None, n_seeds=n_seeds)
    topics = model.topics_[["topic", "label", "share", "coherence", "stable"]].copy()
    return {"k": int(model.k_), "topics": topics, "selection": model.selection_}


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------
def norm(text: str) -> str:
    """Lower-case words separated by single spaces (quote marks and punctuation dropped)."""
    text = str(text).replace("’", "'").replace("‘", "'").lower()
    return re.sub(r"[\W_]+", " ", text).strip()


def n_words(text: str) -> int:
    return len(_WORD.findall(str(text)))


def read_labels(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def show(title: str, table: pd.DataFrame | None = None, lines: list[str] | None = None) -> None:
    print(f"\n=== {title} ===")
    for line in lines or []:
        print(line)
    if table is not None and len(table):
        print(table.to_string(index=False))


def pct(a: float, b: float, digits: int = 1) -> str:
    return f"{100 * a / b:.{digits}f}%" if b else "n/a"


class Skip(Exception):
    """A layer cannot run: the message says why."""


def need(path: Path, what: str) -> Path:
    if not path.exists():
        raise Skip(f"{what} not found: {path}")
    return path


# ------------------------------------------------------------------------------------------
# Layers
# ------------------------------------------------------------------------------------------
def layer_events(texts: Path, labels: Path, cache: dict) -> None:
    docs = read_labels(need(labels / "documents.csv", "documents.csv"))
    events = need(labels / "events.toml", "events.toml")
    news = need(texts / "news", "news folder")
    docs = docs[docs["file"].str.startswith("news/")]
    corpus = cache.setdefault("news", call_load_news(news, events))
    pred = corpus.set_index(corpus["doc_id"].astype(str))
    rows = []
    for d in docs.itertuples():
        if d.doc_id not in pred.index:
            continue
        got = pred.at[d.doc_id, "event"]
        got = "" if pd.isna(got) else str(got)
        rows.append({"doc_id": d.doc_id, "kind": d.kind, "true": d.event, "pred": got,
                     "source": str(pred.at[d.doc_id, "event_source"]),
                     "about": d.about_event, "ok": got == d.event})
    res = pd.DataFrame(rows)
    if res.empty:
        raise Skip("no labelled news document was loaded")
    by_kind = res.groupby("kind").agg(n=("ok", "size"), correct=("ok", "sum")).reset_index()
    by_kind["accuracy"] = [pct(c, n) for c, n in zip(by_kind["correct"], by_kind["n"], strict=True)]
    tgt = res[res["kind"] == "target"]
    non = res[res["kind"] != "target"]
    forced = non[non["pred"] != ""]
    wrong = tgt[(tgt["pred"] != "") & ~tgt["ok"]]
    lines = [
        f"texts: {len(res)} labelled news pages ({len(tgt)} targets, {len(non)} look-alikes/previews/retrospectives)",
        f"accuracy over all labelled pages: {res['ok'].sum()}/{len(res)} = {pct(res['ok'].sum(), len(res))}",
        f"targets: correct {tgt['ok'].sum()}/{len(tgt)}, wrong event {len(wrong)}, left without event {int((tgt['pred'] == '').sum())}",
        f"non-targets forced into an event: {len(forced)}/{len(non)} (target 0)",
        "evidence used (event_source) x kind:",
    ]
    show("EVENTS", by_kind, lines)
    print(pd.crosstab(res["kind"], res["source"]).to_string())
    if len(forced) or len(wrong):
        print("forced or wrong:")
        print(pd.concat([forced, wrong])[["doc_id", "kind", "about", "true", "pred", "source"]]
              .to_string(index=False))


def _cleaning_speeches(texts: Path) -> None:
    folder = need(texts / "speeches", "speeches folder")
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise Skip(f"no .txt in {folder}")
    total = removed_words = 0
    touched: Counter = Counter()
    by_rule: Counter = Counter()
    examples = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        total += n_words(raw)
        for line_no, text, inline, rule in call_clean(raw):
            w = n_words(text)
            if not w:
                continue
            removed_words += w
            touched[f.stem] += 1
            by_rule[rule] += w
            if len(examples) < 8:
                examples.append(f"  {f.stem}:{line_no} [{rule}{', inline' if inline else ''}] {text[:70]!r}")
    lines = [
        f"texts: {len(files)} speeches without page chrome, {total:,} words",
        f"words removed: {removed_words} = {pct(removed_words, total, 3)} (target < 0.02%), "
        f"in {len(touched)} speeches, {sum(touched.values())} removals",
        "words removed by rule: " + (", ".join(f"{r} {n}" for r, n in by_rule.most_common()) or "none"),
    ]
    show("CLEANING on speeches (no chrome)", None, lines + (["examples:", *examples] if examples else []))


def _cleaning_news(texts: Path, labels: Path) -> None:
    lab = read_labels(need(labels / "chrome.csv", "chrome.csv"))
    news = need(texts / "news", "news folder")
    lab["line_no"] = lab["line_no"].astype(int)
    lab["is_chrome"] = lab["is_chrome"].astype(int)
    stats = Counter()
    missed_cat: Counter = Counter()
    wrong_examples = []
    n_docs = mismatched = 0
    for doc, rows in lab.groupby("doc_id", sort=True):
        path = news / f"{doc}.txt"
        if not path.exists():
            continue
        n_docs += 1
        raw = path.read_text(encoding="utf-8")
        lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        whole: dict[int, str] = {}
        cuts: defaultdict[int, list[str]] = defaultdict(list)
        for line_no, text, inline, rule in call_clean(raw):
            if inline:
                cuts[line_no].append(text)
            else:
                whole[line_no] = rule
        for r in rows.itertuples():
            if r.line_no > len(lines) or norm(" ".join(lines[r.line_no - 1].split())[:40]) != norm(r.line_start):
                mismatched += 1
                continue
            line_text = lines[r.line_no - 1]
            if r.is_chrome:
                stats["chrome"] += 1
                if r.line_no in whole:
                    stats["chrome_removed"] += 1
                elif cuts.get(r.line_no):
                    stats["chrome_part_cut"] += 1
                else:
                    stats["chrome_missed"] += 1
                    missed_cat[r.category] += 1
            else:
                stats["ordinary"] += 1
                stats["ordinary_words"] += n_words(line_text)
                if r.category == "body_truncated":
                    stats["truncated"] += 1
                    stats["truncated_removed"] += r.line_no in whole
                if r.line_no in whole:
                    stats["ordinary_removed"] += 1
                    stats["ordinary_words_removed"] += n_words(line_text)
                    if len(wrong_examples) < 10:
                        wrong_examples.append(f"  {doc}:{r.line_no} [{whole[r.line_no]}] ({r.category}) {line_text[:60]!r}")
                for cut in cuts.get(r.line_no, []):
                    frag = norm(r.chrome_fragment)
                    if frag and (norm(cut) in frag or frag in norm(cut)):
                        stats["fragment_cut"] += 1
                    else:
                        stats["ordinary_words_cut"] += n_words(cut)
                if r.chrome_fragment:
                    stats["fragments"] += 1
    if not n_docs:
        raise Skip(f"none of the labelled pages is in {news}")
    c, o = stats["chrome"], stats["ordinary"]
    lines = [
        f"texts: {n_docs} news pages, {c + o} labelled non-blank lines ({c} chrome, {o} ordinary)"
        + (f"; {mismatched} labels skipped (line text differs from the label)" if mismatched else ""),
        f"chrome lines removed whole: {stats['chrome_removed']}/{c} = {pct(stats['chrome_removed'], c)}; "
        f"only partly cut: {stats['chrome_part_cut']}; missed: {stats['chrome_missed']} = {pct(stats['chrome_missed'], c)}",
        "missed chrome by category: " + (", ".join(f"{k} {v}" for k, v in missed_cat.most_common()) or "none"),
        f"ordinary lines removed whole: {stats['ordinary_removed']}/{o} = {pct(stats['ordinary_removed'], o)} "
        f"({stats['ordinary_words_removed']} of {stats['ordinary_words']} words = "
        f"{pct(stats['ordinary_words_removed'], stats['ordinary_words'], 2)})",
        f"  of which the page excerpt's last line, cut off mid-sentence (body_truncated): "
        f"{stats['truncated_removed']}/{stats['truncated']}",
        f"glued chrome fragments cut: {stats['fragment_cut']}/{stats['fragments']}; "
        f"words of ordinary text cut inline: {stats['ordinary_words_cut']}",
    ]
    show("CLEANING on news (labelled lines)", None, lines + (["ordinary lines removed:", *wrong_examples] if wrong_examples else []))


def layer_cleaning(texts: Path, labels: Path, cache: dict) -> None:
    done = False
    for part, fn in (("speeches", lambda: _cleaning_speeches(texts)),
                     ("news", lambda: _cleaning_news(texts, labels))):
        try:
            fn()
            done = True
        except Skip as why:
            print(f"\n=== CLEANING on {part}: skipped ({why}) ===")
    if not done:
        raise Skip("neither speeches nor labelled news could be scored")


def speaker_matches(reported: str, keys: str) -> bool:
    """True when a reported speaker fits the label's keys ("=x": exactly x; else x as whole words)."""
    got = norm(reported)
    for key in (k.strip() for k in keys.split("|") if k.strip()):
        if key.startswith("="):
            if got == norm(key[1:]):
                return True
        elif re.search(rf"\b{re.escape(norm(key))}\b", got):
            return True
    return False


def _match_quotes(labels: pd.DataFrame, pred: pd.DataFrame) -> pd.DataFrame:
    """Pair each labelled quote with the first unused predicted quote of its doc that it starts."""
    used: set[int] = set()
    by_doc = {d: g for d, g in pred.groupby("doc_id")}
    out = []
    for q in labels.itertuples():
        start = norm(q.quote_start)
        hit = None
        for idx, p in by_doc.get(q.doc_id, pred.iloc[0:0]).iterrows():
            t = norm(p["text"])
            if idx not in used and t and (t.startswith(start) or start.startswith(t) or start in t):
                hit = idx
                break
        got = ""
        if hit is not None:
            used.add(hit)
            s = by_doc[q.doc_id].at[hit, "speaker"]
            got = "" if pd.isna(s) else str(s)
        ok = bool(got) and speaker_matches(got, q.speaker_keys)
        out.append({"doc_id": q.doc_id, "quote": q.quote_start[:40], "true": q.speaker,
                    "found": hit is not None, "pred": got, "ok": ok})
    return pd.DataFrame(out)


def layer_quotes(texts: Path, labels: Path, cache: dict) -> None:
    lab = read_labels(need(labels / "quotes.csv", "quotes.csv"))
    frames = []
    if (texts / "news").exists() and (labels / "events.toml").exists():
        frames.append(cache.setdefault("news", call_load_news(texts / "news", labels / "events.toml")))
    elif (texts / "news").exists():
        frames.append(cache.setdefault("news", call_load_news(texts / "news", None)))
    if (texts / "speeches" / "speeches.csv").exists():
        frames.append(cache.setdefault("speeches", call_load_speeches(texts / "speeches")))
    if not frames:
        raise Skip(f"no news or speeches folder under {texts}")
    corpus = pd.concat([f[["doc_id", "text"]] for f in frames], ignore_index=True)
    corpus["doc_id"] = corpus["doc_id"].astype(str)
    lab = lab[lab["doc_id"].isin(set(corpus["doc_id"]))]
    pred = call_quotes(corpus)
    pred["doc_id"] = pred["doc_id"].astype(str)
    res = _match_quotes(lab, pred)
    given = res[res["pred"] != ""]
    named = res[res["true"] != ""]
    nobody = res[res["true"] == ""]
    rows = []
    for name, part in (("news", res[res["doc_id"].str.startswith("n")]),
                       ("speeches", res[res["doc_id"].str.startswith("s")]), ("all", res)):
        g = part[part["pred"] != ""]
        rows.append({"texts": name, "docs": part["doc_id"].nunique(), "labelled quotes": len(part),
                     "detected": int(part["found"].sum()), "given a speaker": len(g),
                     "speaker right": int(g["ok"].sum()), "precision": pct(g["ok"].sum(), len(g)),
                     "coverage": pct(part["ok"].sum(), (part["true"] != "").sum())})
    lines = [
        "precision = right speaker / quotes given a speaker (target >= 90%); "
        "coverage = right speaker / labelled quotes whose text names the speaker",
        f"speaker given where the text names nobody: {int((nobody['pred'] != '').sum())}/{len(nobody)}",
        f"named speaker missed (none given): {int(((named['pred'] == '') & named['found']).sum())}; "
        f"quote not detected at all: {int((~res['found']).sum())}",
    ]
    show("QUOTE SPEAKERS", pd.DataFrame(rows), lines)
    bad = given[~given["ok"]]
    if len(bad):
        print("wrong speakers (first 15):")
        print(bad.head(15)[["doc_id", "quote", "true", "pred"]].to_string(index=False))
    sp = pred[pred["doc_id"].str.startswith("s")]
    if len(sp):
        top = sp["speaker"].dropna().value_counts().head(12)
        print(f"speakers reported in the speeches ({len(sp)} quotes, "
              f"{pct(sp['speaker'].isna().sum(), len(sp))} without speaker): "
              + ", ".join(f"{k} {v}" for k, v in top.items()))


def _classify_pairs(pairs: pd.DataFrame, lab: pd.DataFrame) -> pd.DataFrame:
    passages = lab[lab["doc_id"] != ""]
    formulas = [(g, norm(p)) for g, p in zip(lab.loc[lab["kind"] == "formula", "group"],
                                             lab.loc[lab["kind"] == "formula", "passage_start"], strict=True)]

    def groups(doc: str, text: str) -> set[tuple[str, str]]:
        t = norm(text)
        rows = passages[passages["doc_id"] == doc]
        return {(g, k) for g, k, p in zip(rows["group"], rows["kind"], rows["passage_start"], strict=True)
                if norm(p) in t or (len(t) > 20 and t in norm(p))}

    kinds = []
    for p in pairs.itertuples():
        a = groups(str(p.doc_id_a), p.text_a)
        b = groups(str(p.doc_id_b), p.text_b)
        common = {k for (g, k) in a & b}
        if "copy" in common:
            kinds.append(("copy", next(g for g, k in a & b if k == "copy")))
        elif "shared_quote" in common:
            kinds.append(("shared_quote", next(g for g, k in a & b if k == "shared_quote")))
        else:
            ta, tb = norm(p.text_a), norm(p.text_b)
            f = next((g for g, ph in formulas if ph in ta and ph in tb), "")
            kinds.append(("formula", f) if f else ("unlabelled", ""))
    out = pairs.copy()
    out["kind"] = [k for k, _ in kinds]
    out["group"] = [g for _, g in kinds]
    return out


def layer_shared(texts: Path, labels: Path, cache: dict) -> None:
    lab = read_labels(need(labels / "shared.csv", "shared.csv"))
    news = need(texts / "news", "news folder")
    corpus = cache.setdefault("news", call_load_news(news, labels / "events.toml"
                                                     if (labels / "events.toml").exists() else None))
    pairs = _classify_pairs(call_shared(corpus), lab)
    n = len(pairs)
    cnt = Counter(pairs["kind"])
    copy_groups = lab[(lab["kind"] == "copy") & (lab["doc_id"] != "")]
    want = set()
    for g, rows in copy_groups.groupby("group"):
        ds = sorted(set(rows["doc_id"]))
        want |= {(g, a, b) for i, a in enumerate(ds) for b in ds[i + 1:]}
    found = {(g, *sorted((str(a), str(b)))) for g, a, b, k in
             zip(pairs["group"], pairs["doc_id_a"], pairs["doc_id_b"], pairs["kind"], strict=True) if k == "copy"}
    lines = [
        f"texts: {corpus['doc_id'].nunique()} news pages; {n} reported sentence pairs",
        f"pairs that are labelled copy: {cnt['copy']} -> precision on labelled copy {pct(cnt['copy'], n)}; "
        f"the same quotation in two pages: {cnt['shared_quote']}; "
        f"(copy + same quotation) {pct(cnt['copy'] + cnt['shared_quote'], n)}",
        f"pairs made of a labelled stock formula (not copy): {cnt['formula']}; unlabelled pairs: {cnt['unlabelled']}",
        f"labelled copy found (group x document pair): {len(found & want)}/{len(want)} = {pct(len(found & want), len(want))}",
    ]
    missing = sorted(want - found)
    if missing:
        lines.append("labelled copy not reported: " + ", ".join(f"{g} {a}-{b}" for g, a, b in missing))
    show("SHARED PASSAGES on news", None, lines)
    other = pairs[pairs["kind"].isin(["formula", "unlabelled"])]
    if len(other):
        print("pairs that are not labelled copy (first 10):")
        for p in other.head(10).itertuples():
            print(f"  [{p.kind}{' ' + p.group if p.group else ''}] {p.doc_id_a} {p.text_a[:55]!r} ~ {p.doc_id_b} {p.text_b[:55]!r}")
    if (texts / "speeches" / "speeches.csv").exists():
        sp = cache.setdefault("speeches", call_load_speeches(texts / "speeches"))
        sp_pairs = _classify_pairs(call_shared(sp[["doc_id", "text"]]), lab)
        short = sum(1 for a, b in zip(sp_pairs["text_a"], sp_pairs["text_b"], strict=True)
                    if n_words(a) <= 8 and n_words(b) <= 8)
        docs = set(sp_pairs["doc_id_a"].astype(str)) | set(sp_pairs["doc_id_b"].astype(str))
        show("SHARED PASSAGES on speeches (no copy labelled between them)", None, [
            f"texts: {len(sp)} speeches; {len(sp_pairs)} reported pairs touching {len(docs)} speeches",
            f"pairs with both sentences of 8 words or fewer: {short}; pairs made of a labelled formula: "
            f"{int((sp_pairs['kind'] == 'formula').sum())}",
        ])


def layer_topics(texts: Path, labels: Path, cache: dict, *, n_seeds: int) -> None:
    need(texts / "speeches" / "speeches.csv", "speeches (speeches.csv)")
    sp = cache.setdefault("speeches", call_load_speeches(texts / "speeches"))
    t0 = time.perf_counter()
    fit = call_topics(sp, group="party", n_seeds=n_seeds)
    topics = fit["topics"].sort_values("share", ascending=False)
    neg = topics[topics["coherence"] < 0]
    lines = [
        f"texts: {len(sp)} speeches (group: party); n_seeds={n_seeds}; {time.perf_counter() - t0:.0f} s",
        f"chosen k: {fit['k']}; largest topic's share: {topics['share'].max():.1%}; "
        f"coherence (NPMI) mean {topics['coherence'].mean():.3f}, min {topics['coherence'].min():.3f}; "
        f"negative-coherence topics marked stable: {int(neg['stable'].sum())}/{len(neg)}",
    ]
    shown = topics.assign(share=topics["share"].map(lambda v: f"{v:.1%}"),
                          coherence=topics["coherence"].map(lambda v: f"{v:.3f}"))
    show("TOPICS on speeches", shown, lines)


# ------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score the text layers on a labelled development set of real text "
                    "(texts outside the repository, labels in benchmarks/devset).")
    ap.add_argument("--texts", type=Path, required=True,
                    help="folder with news/ (pages as <doc_id>.txt) and speeches/ (*.txt + speeches.csv)")
    ap.add_argument("--labels", type=Path, default=Path(__file__).parent / "devset",
                    help="folder with documents.csv, events.toml, chrome.csv, quotes.csv, shared.csv")
    ap.add_argument("--layers", default=",".join(LAYERS),
                    help=f"comma-separated subset of {', '.join(LAYERS)} (default: all)")
    ap.add_argument("--topic-seeds", type=int, default=3,
                    help="random starts for topic stability (default 3; the package default is 10)")
    args = ap.parse_args(argv)
    chosen = [s.strip() for s in args.layers.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(LAYERS))
    if unknown:
        ap.error(f"unknown layer(s) {unknown}; choose from {', '.join(LAYERS)}")
    if not args.texts.is_dir():
        ap.error(f"--texts {args.texts}: no such folder (see benchmarks/devset/README.md to rebuild it)")
    runs: dict[str, Callable[[], None]] = {
        "events": lambda: layer_events(args.texts, args.labels, cache),
        "cleaning": lambda: layer_cleaning(args.texts, args.labels, cache),
        "quotes": lambda: layer_quotes(args.texts, args.labels, cache),
        "shared": lambda: layer_shared(args.texts, args.labels, cache),
        "topics": lambda: layer_topics(args.texts, args.labels, cache, n_seeds=args.topic_seeds),
    }
    cache: dict[str, pd.DataFrame] = {}
    print(f"texts: {args.texts}  labels: {args.labels}")
    for name in chosen:
        try:
            runs[name]()
        except Skip as why:
            print(f"\n=== {name.upper()}: skipped ({why}) ===")
    return 0


if __name__ == "__main__":
    sys.exit(main())
