"""The corpus loader: the seeds with and without the manifest, tables, the bad-input matrix,
read-only behaviour, and scale."""

from __future__ import annotations

import os
import shutil
import time
import tracemalloc
import warnings
from pathlib import Path

import pandas as pd
import pytest
from corpus_cases import CASES, SLOW

from analysis import cleaning_audit, load_corpus
from analysis.corpus.cleaning import RULES
from analysis.errors import CorpusError, CorpusWarning

#: The seeds' events file: other corpora use it only when they pass it explicitly.
SEEDS_EVENTS = Path(__file__).resolve().parents[1] / "seeds" / "events.toml"

IDS = ["000", "001", "002", "003", "004"]
EVENTS = ["2023-moscow", "2023-moscow", "2023-moscow", "2024-beijing", "2024-beijing"]


@pytest.fixture(scope="module")
def seeds():
    return load_corpus()


@pytest.fixture(scope="module")
def seeds_no_manifest():
    return load_corpus(manifest=False)


# --- the seeds ------------------------------------------------------------------------------
def test_contract_columns_and_dtypes(seeds):
    required = ["doc_id", "event", "date", "date_source", "event_source", "event_reason",
                "event_evidence", "event_scores", "source", "title", "file", "text", "raw_text",
                "n_words", "n_removed", "event_label"]
    assert set(required) <= set(seeds.columns)
    assert list(seeds.columns[:2]) == ["doc_id", "event"]
    assert pd.api.types.is_datetime64_any_dtype(seeds["date"])
    assert pd.api.types.is_string_dtype(seeds["doc_id"])
    assert seeds["n_words"].dtype == "int64"
    assert seeds["notes"].notna().all()  # other manifest columns are carried through


def test_seed_events_dates_sources_with_manifest(seeds):
    assert seeds["doc_id"].tolist() == IDS
    assert seeds["event"].tolist() == EVENTS
    assert (seeds["event_source"] == "manifest").all()
    dates = [None if pd.isna(d) else d.date().isoformat() for d in seeds["date"]]
    # 001: the manifest leaves its date empty; the text's page date is used and labelled so
    assert dates == ["2023-03-21", "2023-10-02", "2023-03-21", None, "2024-05-17"]
    assert seeds["date_source"].tolist() == ["manifest", "page_date", "manifest", "none",
                                             "manifest"]
    assert seeds["source"].tolist() == ["AP", "The Infallible", pd.NA, "AP", pd.NA]
    assert seeds["title"].iat[1] == "Xi and Putin showcase alliance during second day of talks in Moscow"
    assert seeds["title"].isna().sum() == 4
    assert seeds["event_label"].iat[0] == "Xi Jinping's state visit to Moscow, March 2023"


def test_seed_events_without_manifest(seeds_no_manifest):
    c = seeds_no_manifest
    assert c["doc_id"].str[:3].tolist() == IDS
    assert c["event"].tolist() == EVENTS
    # dated by their header inside a window -> date; 001 (page date in October) and 003 (no
    # date) -> dateline and content cues
    assert c["event_source"].tolist() == ["date", "cues", "date", "cues", "date"]
    assert c["date_source"].tolist() == ["header", "page_date", "header", "none", "header"]
    assert c["source"].tolist() == ["AP", pd.NA, pd.NA, "AP", pd.NA]  # from the datelines
    assert c["title"].iat[1].startswith("Xi and Putin showcase alliance")


def test_every_document_carries_its_event_reason_evidence_and_scores(seeds, seeds_no_manifest):
    assert (seeds["event_reason"] == "given in the manifest").all()
    c = seeds_no_manifest
    assert c["event_reason"].iat[0] == (
        "published 2023-03-21, inside the window of 2023-moscow (2023-03-18 to 2023-03-24)")
    assert c["event_evidence"].iat[0] == "publication date 2023-03-21; dateline MOSCOW"
    assert pd.isna(c["event_scores"].iat[0])  # the date decided: cues not read
    # 001, summed by hand: "Moscow" 1, "Kremlin" 1, "in Moscow" 1, "Grand Kremlin Palace" 3,
    # "St. George's Hall" 3, "International Criminal Court" 2, "arrest warrant" 2, "12-point" 2,
    # "one year ago" 1, and "talks in Moscow" 3 in its title = 19; "Beijing" 1, "in Beijing" 1
    assert c["event_scores"].iat[1] == "2023-moscow 19, 2024-beijing 2"
    assert c["event_reason"].iat[1].startswith("cues: 2023-moscow leads 2024-beijing 19 to 2")
    evidence = c["event_evidence"].iat[1]
    # 2014 is written twice ("invaded in 2014"); "until 2030" is a plan
    assert evidence.startswith("page date 2023-10-02; years written: 2014, 2030 (future sense); "
                               "dateline RIGA (not an event's); 2023-moscow: Moscow +1")
    assert evidence.endswith("2024-beijing ruled out: the page date 2023-10-02 is before "
                             "2024-05-07, the start of its window (2024-05-14 to 2024-05-19) "
                             "less 7 days of previews")


def test_a_later_year_in_an_undated_text_leaves_the_event_missing(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"doc_id": ["a"], "text": [
        "MOSCOW - Xi met Putin days after the arrest warrant. Trade grew in 2025."]}).to_csv(
        path, index=False)
    with pytest.warns(CorpusWarning, match=r"^a: every event is ruled out"):
        c = load_corpus(path, events=SEEDS_EVENTS)
    assert c["event"].isna().all() and c["event_source"].tolist() == ["ruled_out"]
    assert "2023-moscow ruled out: the text writes 2025" in c["event_evidence"].iat[0]


def test_without_manifest_and_without_dates_cues_still_decide(tmp_path):
    """Strip every date from the seeds: the cues alone must put all five in the right event."""
    from analysis import config
    for path in sorted(Path(config.SEEDS_DIR).glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        raw = raw.replace(" date 2023-03-21", "").replace(" date 2024-05-17", "")
        raw = raw.replace("Monday, October 2, 2023", "")
        (tmp_path / path.name).write_text(raw, encoding="utf-8")
    c = load_corpus(tmp_path, events=Path(config.SEEDS_DIR) / "events.toml")
    assert c["event"].tolist() == EVENTS
    assert (c["event_source"] == "cues").all() and c["date"].isna().all()


def test_bundled_events_never_label_another_corpus(tmp_path):
    """Without an events.toml of its own, a corpus gets no inferred events (not the seeds')."""
    from analysis import config
    for path in sorted(Path(config.SEEDS_DIR).glob("*.txt")):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    c = load_corpus(tmp_path)
    assert c["event"].isna().all()
    (tmp_path / "events.toml").write_bytes((Path(config.SEEDS_DIR) / "events.toml").read_bytes())
    assert load_corpus(tmp_path)["event"].tolist() == EVENTS


def test_text_is_clean_with_one_blank_line_between_paragraphs(seeds):
    for text, raw in zip(seeds["text"], seeds["raw_text"], strict=True):
        assert "\n\n\n" not in text and text == text.strip()
        assert all(p and "\n" not in p for p in text.split("\n\n"))
        assert len(text) < len(raw)
    assert seeds["raw_text"].iat[0].startswith(" date 2023-03-21 \n")


def test_n_words_and_n_removed(seeds, tmp_path):
    # hand count for 002: 3 removals (date header, Share:, the promo headline)
    assert seeds["n_removed"].tolist() == [2, 15, 3, 3, 4]
    (tmp_path / "x.txt").write_text("OSLO — It’s a two-day, well-planned visit.\n", "utf-8")
    c = load_corpus(tmp_path, events=False)
    # OSLO, It’s, a, two-day, well-planned, visit  (apostrophes and hyphens join words)
    assert c["n_words"].tolist() == [6]


def test_cleaning_audit_table(seeds):
    audit = cleaning_audit(seeds)
    assert list(audit.columns) == ["doc_id", "line_no", "rule", "line", "inline", "profile"]
    assert (audit["profile"] == "news").all()  # the default profile ran
    assert seeds["clean_profile"].tolist() == ["news"] * 5
    assert audit.groupby("doc_id").size().tolist() == seeds["n_removed"].tolist()
    assert set(audit["rule"]) <= set(RULES)
    row = audit[(audit["doc_id"] == "004") & (audit["line_no"] == 37)].iloc[0]
    assert row["rule"] == "photo_caption" and row["line"].endswith("(Alexander Zemlianichenko/AP)")
    # works on a subset
    assert set(cleaning_audit(seeds[seeds["doc_id"] == "003"])["rule"]) == {
        "separator", "byline_credit", "author_bio"}


def test_cleaning_audit_needs_raw_text():
    with pytest.raises(CorpusError, match=r"no 'raw_text' column"):
        cleaning_audit(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}))


def test_clean_none_keeps_every_line_and_the_audit_says_so(seeds):
    raw_only = load_corpus(clean="none")
    assert raw_only["clean_profile"].tolist() == ["none"] * 5
    assert raw_only["n_removed"].tolist() == [0] * 5
    # the chrome the news profile removes from 001 is still there
    assert raw_only["text"].iat[1].startswith("13.2 C Los Angeles Monday, October 2, 2023")
    assert "contributed to this report" in raw_only["text"].iat[1]
    assert (raw_only["n_words"] > seeds["n_words"]).all()  # every seed loses a line to "news"
    audit = cleaning_audit(raw_only)
    assert len(audit) == 0 and "profile" in audit.columns
    # a corpus made of both: each document is audited with its own profile
    both = pd.concat([seeds.iloc[[3]], raw_only.iloc[[3]]], ignore_index=True)
    assert cleaning_audit(both)["profile"].tolist() == ["news"] * 3


@pytest.mark.parametrize("bad", ["web", "NEWS", None])
def test_bad_clean_profile_is_a_clear_error(bad):
    with pytest.raises(CorpusError, match=rf"^clean={bad!r} is not a cleaning profile\. "
                                          r"Valid values: 'news' \(.*\), 'none' \("):
        load_corpus(clean=bad)


def test_group_from_manifest_column(tmp_path):
    from analysis import config
    for path in Path(config.SEEDS_DIR).glob("*.txt"):
        shutil.copy(path, tmp_path)
    m = pd.read_csv(Path(config.SEEDS_DIR) / "manifest.csv", dtype=str, keep_default_na=False)
    m["outlet_kind"] = ["wire", "aggregator", "unknown", "wire", "unknown"]
    m.to_csv(tmp_path / "manifest.csv", index=False)
    c = load_corpus(tmp_path, group="outlet_kind")
    assert list(c.columns[:3]) == ["doc_id", "outlet_kind", "event"]
    assert c["outlet_kind"].tolist() == ["wire", "aggregator", "unknown", "wire", "unknown"]


def test_explicit_manifest_path_and_unlisted_files(tmp_path):
    from analysis import config
    for path in Path(config.SEEDS_DIR).glob("*.txt"):
        shutil.copy(path, tmp_path)
    manifest = tmp_path.parent / f"{tmp_path.name}-m.csv"
    manifest.write_text("doc_id,file,event\nfirst,000_2f1f60152577d472.txt,custom\n", "utf-8")
    with pytest.warns(CorpusWarning, match=r"001_b823cde6962bd9f1\.txt.*not listed in the manifest"):
        c = load_corpus(tmp_path, manifest=manifest, events=SEEDS_EVENTS)
    assert c["doc_id"].iat[0] == "first" and c["event"].iat[0] == "custom"
    assert c["event_label"].isna().iat[0]  # not an event in events.toml
    assert c["event"].tolist()[1:] == EVENTS[1:]  # the others inferred


def test_events_false_and_events_path(tmp_path):
    c = load_corpus(manifest=False, events=False)
    assert c["event"].isna().all() and (c["event_source"] == "none").all()
    (tmp_path / "ev.toml").write_text(
        '[[event]]\nid = "any"\nlabel = "Any"\nstart = 2023-01-01\nend = 2024-12-31\n', "utf-8")
    with pytest.warns(CorpusWarning, match=r"^001_b823cde6962bd9f1, 003_f8fb8f83cae5519c: has "
                      r"no date in an event"):
        c = load_corpus(manifest=False, events=tmp_path / "ev.toml")
    # 001's page date (2023-10-02) lies inside this wide window, but a page date is page
    # furniture, only an upper bound on publication (the story may be from any earlier day of
    # the window), so it does not decide; the file has no cues. 003 has no date and no cue.
    assert c["event"].isna().tolist() == [False, True, False, True, False]
    assert c["event_source"].tolist() == ["date", "none", "date", "none", "date"]


# --- tables ---------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_table_sources_carry_columns_through(tmp_path, suffix, seeds):
    table = pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "outlet": ["X", "Y", "X"],
        "date": ["2023-03-21", "2024-05-17", None],
        "text": list(seeds["raw_text"].iloc[[0, 3, 4]]),
    })
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    elif suffix == ".jsonl":
        table.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        table.to_parquet(path)
    c = load_corpus(path, group="outlet", events=SEEDS_EVENTS)
    assert c["doc_id"].tolist() == ["a", "b", "c"]
    assert c["outlet"].tolist() == ["X", "Y", "X"]
    assert c["event"].tolist() == ["2023-moscow", "2024-beijing", "2024-beijing"]
    assert c["event_source"].tolist() == ["date", "date", "date"]  # c: its text header
    assert c["date_source"].tolist() == ["table", "table", "header"]
    assert c["text"].tolist() == list(seeds["text"].iloc[[0, 3, 4]])


def test_table_other_text_column_and_row_ids(tmp_path):
    path = tmp_path / "t.csv"
    # a dateline alone (place evidence) no longer decides: each text carries one content cue
    pd.DataFrame({"body": ["MOSCOW - Xi met Putin after the arrest warrant.",
                           "BEIJING - Putin, in his fifth term, met Xi."]}).to_csv(
        path, index=False)
    c = load_corpus(path, text_column="body", events=SEEDS_EVENTS)
    assert c["doc_id"].tolist() == ["0", "1"]
    assert c["event"].tolist() == ["2023-moscow", "2024-beijing"]


def test_table_with_an_empty_text_cell(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"doc_id": ["a", "b"], "text": ["MOSCOW - Xi met Putin.", None]}).to_csv(
        path, index=False)
    with pytest.raises(CorpusError, match=r"t\.csv: row 1 \(doc_id b\) has no text"):
        load_corpus(path)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK")
    with pytest.raises(CorpusError, match=r"a\.docx: unsupported file type '\.docx'"):
        load_corpus(path)


# --- the bad-input matrix -------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES]
)
def test_bad_input_matrix(tmp_path, name):
    case = CASES[name](tmp_path)
    if case.error:
        with pytest.raises(CorpusError, match=case.error):
            load_corpus(case.source, **case.kwargs)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(case.source, **case.kwargs)
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    if case.warning:
        assert any(pd.Series(messages).str.contains(case.warning)), messages
    else:
        assert messages == []
    case.check(corpus)


def test_error_messages_say_what_to_do(tmp_path):
    for name in ("empty_file", "binary_file", "manifest_outside_dotdot", "unknown_group"):
        sub = tmp_path / name
        sub.mkdir()
        case = CASES[name](sub)
        with pytest.raises(CorpusError) as info:
            load_corpus(case.source, **case.kwargs)
        message = str(info.value)
        assert "\n" not in message and "Traceback" not in message
        assert any(word in message for word in ("Delete", "Remove", "Use", "Pass"))


# --- read only ------------------------------------------------------------------------------
def _listing(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.stat()
            out[str(path.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return out


def test_loader_writes_nothing_in_the_corpus_folder(tmp_path):
    from analysis import config
    corpus = tmp_path / "corpus"
    shutil.copytree(config.SEEDS_DIR, corpus)
    (corpus / "table.csv").write_text("doc_id,text\na,MOSCOW - Xi met Putin.\n", "utf-8")
    before = _listing(corpus)
    old = os.stat(corpus).st_mtime_ns
    time.sleep(0.01)
    load_corpus(corpus)
    load_corpus(corpus, manifest=False)
    load_corpus(corpus / "table.csv")
    cleaning_audit(load_corpus(corpus))
    assert _listing(corpus) == before
    assert os.stat(corpus).st_mtime_ns == old


# --- scale ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_twenty_thousand_files_stream_in_reasonable_time_and_memory(tmp_path):
    import random

    from analysis import config
    (seed,) = Path(config.SEEDS_DIR).glob("000_*.txt")
    words = seed.read_text(encoding="utf-8").split()
    rng = random.Random(0)
    folder = tmp_path / "big"
    folder.mkdir()
    total = 0
    for i in range(20_000):
        # dateline plus two content cues of the seeds' events file: a dateline alone no longer
        # decides, and the resampled words can form a cue of the other event ("trip to Moscow")
        city, cue = (("MOSCOW", "arrest warrant, International Criminal Court") if i % 2
                     else ("BEIJING", "fifth term, 75th anniversary"))
        data = (f"{city} (AP) — {cue} {' '.join(rng.choice(words) for _ in range(150))}."
                "\n\nShare:\n")
        total += len(data.encode("utf-8"))
        (folder / f"doc{i:05d}.txt").write_text(data, encoding="utf-8")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        corpus = load_corpus(folder, events=SEEDS_EVENTS)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    frame_mb = corpus.memory_usage(deep=True).sum() / 2**20
    print(f"\n20,000 files ({total / 2**20:.1f} MB): {elapsed:.1f} s under tracemalloc, "
          f"peak Python heap {peak / 2**20:.1f} MB, DataFrame {frame_mb:.1f} MB")
    assert len(corpus) == 20_000
    assert corpus["event"].value_counts().to_dict() == {"2023-moscow": 10_000,
                                                         "2024-beijing": 10_000}
    assert (corpus["n_removed"] == 1).all()
    # the Python heap never holds a copy of the corpus text (it is ~19 MB; text + raw_text as
    # Python str would be ~4x that): texts go to Arrow in chunks of 1000 documents
    assert peak < 2 * total, (peak, total)
    text_bytes = corpus["text"].str.len().sum() + corpus["raw_text"].str.len().sum()
    assert corpus.memory_usage(deep=True).sum() < 1.5 * text_bytes + 10_000_000


def test_table_ids_keep_leading_zeros(tmp_path):
    """A CSV or JSONL doc_id like "000" stays text; other carried columns keep their type."""
    frame = pd.DataFrame({"doc_id": ["000", "004"], "outlet": ["a", "b"], "n": [1, 2],
                          "text": ["First article text. It has two sentences.",
                                   "Second article text. Also two sentences."]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    for name in ("t.csv", "t.jsonl"):
        corpus = load_corpus(tmp_path / name, group="outlet", manifest=False)
        assert corpus["doc_id"].tolist() == ["000", "004"], name
        assert corpus["n"].tolist() == [1, 2], name


# --- issue 14: a pattern of table files ('news/*.parquet') is one corpus -------------------
def test_a_pattern_loads_every_matching_table_in_sorted_order(tmp_path):
    pd.DataFrame({"text": ["Alpha went home.", "Beta stayed."], "outlet": ["x", "y"]}).to_csv(
        tmp_path / "b.csv", index=False)
    pd.DataFrame({"text": ["Gamma spoke."], "outlet": ["x"]}).to_json(
        tmp_path / "a.jsonl", orient="records", lines=True)
    (tmp_path / "notes.txt").write_text("not matched")
    corpus = load_corpus(str(tmp_path / "*.[cj]s*"), group="outlet", events=False)
    # rows without an id column are numbered per file, after the file's stem
    assert corpus["doc_id"].tolist() == ["a-0", "b-0", "b-1"]
    assert corpus["text"].tolist() == ["Gamma spoke.", "Alpha went home.", "Beta stayed."]
    assert corpus["file"].tolist() == ["a.jsonl", "b.csv", "b.csv"]
    assert corpus["outlet"].tolist() == ["x", "x", "y"]


def test_a_pattern_names_the_bad_file_or_the_missing_match(tmp_path):
    pd.DataFrame({"doc_id": ["1"], "text": ["Fine."], "event": ["e"]}).to_parquet(
        tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"garbage")
    with pytest.raises(CorpusError, match=r"b\.parquet: cannot read this \.parquet table"):
        load_corpus(str(tmp_path / "*.parquet"))
    with pytest.raises(CorpusError, match="no file matches this pattern"):
        load_corpus(str(tmp_path / "*.jsonl"))
    (tmp_path / "c.txt").write_text("text")
    with pytest.raises(CorpusError, match=r"c\.txt: the pattern .* is not a \.csv"):
        load_corpus(str(tmp_path / "*.*"))
