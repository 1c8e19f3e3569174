"""Events: reading events.toml, validation, and event inference from dates, datelines and cues."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from analysis import config
from analysis.corpus.cleaning import clean_text
from analysis.corpus.events import (
    EventRules,
    assign_event,
    parse_dateline,
    read_events,
    score_events,
    written_years,
)
from analysis.errors import CorpusError, CorpusWarning

SEEDS = Path(config.SEEDS_DIR)
EXPECTED_EVENT = {"000": "2023-moscow", "001": "2023-moscow", "002": "2023-moscow",
                  "003": "2024-beijing", "004": "2024-beijing"}


def clean_seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return clean_text(path.read_text(encoding="utf-8"))[0]


@pytest.fixture(scope="module")
def events():
    return read_events()


def test_bundled_events(events):
    assert [e.id for e in events] == ["2023-moscow", "2024-beijing"]
    moscow, beijing = events
    assert (moscow.city, beijing.city) == ("Moscow", "Beijing")
    # Xi was in Moscow 20-22 March 2023; Putin in Beijing 16-17 May 2024
    assert moscow.start <= dt.date(2023, 3, 20) and dt.date(2023, 3, 22) <= moscow.end
    assert beijing.start <= dt.date(2024, 5, 16) and dt.date(2024, 5, 17) <= beijing.end
    assert "MOSCOW" in moscow.datelines and "BEIJING" in beijing.datelines
    assert "Moscow" in moscow.label and "Beijing" in beijing.label


@pytest.mark.parametrize("prefix", sorted(EXPECTED_EVENT))
def test_each_seed_by_cues_alone(events, prefix):
    """No date given: the dateline and content cues must decide every seed correctly."""
    result = assign_event(clean_seed(prefix), events=events, warn=False)
    assert (result.event, result.source) == (EXPECTED_EVENT[prefix], "cues")
    other = next(e.id for e in events if e.id != EXPECTED_EVENT[prefix])
    assert result.scores[EXPECTED_EVENT[prefix]] > result.scores[other]


def test_001_page_date_bounds_the_date_and_cues_decide(events):
    """001's 'Monday, October 2, 2023' is page furniture: an upper bound on publication. It
    rules out the Beijing visit (May 2024, after it) and leaves Moscow (March 2023) to the cues."""
    text = clean_seed("001")
    assert parse_dateline(text).city == "RIGA"  # not an event city
    result = assign_event(text, events=events, date=dt.date(2023, 10, 2), date_kind="page",
                          warn=False)
    assert (result.event, result.source) == ("2023-moscow", "cues")
    assert list(result.ruled_out) == ["2024-beijing"]
    assert "page date 2023-10-02" in result.ruled_out["2024-beijing"]


def test_001_date_taken_as_a_publication_date_decides_no_event(events):
    """The same date read as a publication date lies outside both windows: no event, whatever
    the cues say (the old rule fell through to the cues and assigned Moscow)."""
    result = assign_event(clean_seed("001"), events=events, date=dt.date(2023, 10, 2),
                          warn=False)
    assert (result.event, result.source) == (None, "date")
    assert result.reason.startswith("dated outside every event window")
    assert result.scores == {}  # the cues were not consulted


def test_date_inside_a_window_decides_over_cues(events):
    text = clean_seed("003")  # Beijing coverage ...
    result = assign_event(text, events=events, date=dt.date(2023, 3, 21))  # ... dated in Moscow
    assert (result.event, result.source) == ("2023-moscow", "date")
    assert assign_event(text, events=events, date=dt.datetime(2024, 5, 17, 9)).event == (
        "2024-beijing"
    )


def test_window_bounds_are_inclusive(events):
    moscow = events[0]
    assert assign_event("x", events=events, date=moscow.start).source == "date"
    assert assign_event("x", events=events, date=moscow.end).source == "date"


def test_scores_by_hand(events):
    # weights in seeds/events.toml: BEIJING dateline 5, "Great Hall of the People" 3,
    # "Beijing" 1 (the dateline word itself); "Kremlin" 1 for Moscow
    text = "BEIJING (AP) — Putin left the Kremlin for the Great Hall of the People."
    assert score_events(text, events=events) == {"2023-moscow": 1.0, "2024-beijing": 9.0}
    # each cue counts once however often it occurs; ’ and ' are the same
    assert score_events("Kremlin Kremlin KREMLIN", events=events)["2023-moscow"] == 1.0
    assert score_events("in St. George’s Hall", events=events)["2023-moscow"] == 3.0
    # whole words only
    assert score_events("Kremlinology and Moscowitz", events=events)["2023-moscow"] == 0.0


def test_title_is_searched_with_the_text(events):
    # title cues: "talks in Moscow" 3 + "Moscow" 1 + "in Moscow" 1 (place) + "arrest warrant" 2
    result = assign_event("Leaders met.", events=events,
                          title="Talks in Moscow days after the arrest warrant", warn=False)
    assert (result.event, result.scores["2023-moscow"]) == ("2023-moscow", 7.0)


def test_tie_gives_missing_event_and_warning_naming_the_doc(events):
    with pytest.warns(CorpusWarning, match=r"doc-7.*does not single out one event"):
        result = assign_event("Officials in Moscow and in Beijing commented.", events=events,
                              doc_id="doc-7")
    assert (result.event, result.source) == (None, "unclear")
    assert result.reason == "cues tie: 2023-moscow and 2024-beijing both score 2"


def test_no_evidence_gives_missing_event_and_warning_naming_the_doc(events):
    with pytest.warns(CorpusWarning, match=r"doc-9.*no dateline or cue"):
        result = assign_event("Leaders met in Oslo.", events=events, doc_id="doc-9")
    assert (result.event, result.source) == (None, "none")


def test_a_date_outside_every_window_warns_naming_the_doc(events):
    with pytest.warns(CorpusWarning, match=r"doc-9: dated outside every event window"):
        result = assign_event("Leaders met in Oslo.", events=events, doc_id="doc-9",
                              date=dt.date(2020, 1, 1))
    assert (result.event, result.source) == (None, "date")


def test_no_warning_when_decided(events):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assign_event(clean_seed("002"), events=events, doc_id="x")


@pytest.mark.parametrize(
    "text, city, region, agency",
    [
        ("MOSCOW (AP) — Russian President", "MOSCOW", None, "AP"),
        ("MOSCOW - China and Russia", "MOSCOW", None, None),
        ("RIGA, Latvia — Russian President", "RIGA", "Latvia", None),
        ("WASHINGTON, D.C. (Reuters) -- The", "WASHINGTON", "D.C.", "Reuters"),
        ("ST. PETERSBURG, Russia (AP) — x", "ST. PETERSBURG", "Russia", "AP"),
    ],
)
def test_parse_dateline(text, city, region, agency):
    d = parse_dateline(text)
    assert (d.city, d.region, d.agency) == (city, region, agency)


@pytest.mark.parametrize("text", ["Russian President Vladimir Putin - a leader", "A — b",
                                  "US officials said", ""])
def test_no_dateline(text):
    assert parse_dateline(text) is None


# --- validation ---------------------------------------------------------------------------
GOOD = """
[[event]]
id = "a"
label = "Event A"
city = "Oslo"
start = 2024-01-01
end = 2024-01-05
datelines = ["OSLO"]
[event.phrases]
"accord" = 2

[[event]]
id = "b"
label = "Event B"
city = "Rome"
start = {b_start}
end = 2024-02-05
"""


def write(tmp_path, text, name="events.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_custom_events_file(tmp_path):
    events = read_events(write(tmp_path, GOOD.format(b_start="2024-02-01")))
    assert [(e.id, e.city, e.datelines) for e in events] == [("a", "Oslo", ("OSLO",)),
                                                             ("b", "Rome", ())]
    assert events[0].dateline_weight == 5.0
    assert assign_event("OSLO — The accord.", events=events).scores == {"a": 7.0, "b": 0.0}
    assert events[0].preview_days == 7 and events[0].cue_margin == 3.0


def test_overlapping_windows_refused_naming_file_and_events(tmp_path):
    path = write(tmp_path, GOOD.format(b_start="2024-01-05"))
    with pytest.raises(CorpusError, match=r"events\.toml.*'a'.*'b'.*overlap"):
        read_events(path)


def test_malformed_toml_date_names_file_and_event(tmp_path):
    path = write(tmp_path, GOOD.format(b_start="2024-02-30"))
    with pytest.raises(CorpusError, match=r"events\.toml.*in event 'b'") as info:
        read_events(path)
    assert "YYYY-MM-DD" in str(info.value)


def test_malformed_string_date_names_file_and_event(tmp_path):
    path = write(tmp_path, GOOD.format(b_start='"2024-13-01"'))
    with pytest.raises(CorpusError, match=r"events\.toml: event 'b': start = '2024-13-01' is not"):
        read_events(path)


def test_string_dates_are_accepted(tmp_path):
    events = read_events(write(tmp_path, GOOD.format(b_start='"2024-02-01"')))
    assert events[1].start == dt.date(2024, 2, 1)


@pytest.mark.parametrize(
    "change, message",
    [
        (("end = 2024-01-05", "end = 2023-12-01"), r"'a': end 2023-12-01 is before start"),
        (('id = "b"', 'id = "a"'), r"defined twice"),
        (('city = "Rome"', 'city = "Rome"\nwindow = 3'), r"'b': unknown key"),
        (('label = "Event B"\n', ""), r"'b': missing \['label'\]"),
        (('"accord" = 2', '"accord" = "high"'), r"weight of 'accord'"),
    ],
)
def test_other_validation_errors(tmp_path, change, message):
    text = GOOD.format(b_start="2024-02-01").replace(*change)
    with pytest.raises(CorpusError, match=message):
        read_events(write(tmp_path, text))


def test_missing_and_empty_events_files(tmp_path):
    with pytest.raises(CorpusError, match=r"nope\.toml: events file not found"):
        read_events(tmp_path / "nope.toml")
    with pytest.raises(CorpusError, match=r"no \[\[event\]\] tables"):
        read_events(write(tmp_path, "dateline_weight = 2\n"))


# --- the evidence order on hand-built look-alikes -------------------------------------------
# Cue weights below are those of seeds/events.toml; every expected score is summed by hand.
def test_lookalike_dated_years_away_gets_no_event_whatever_its_cues(events):
    # a 2019 Xi visit to Moscow: every Moscow cue, but a publication date years from the window
    text = ("MOSCOW (AP) — Xi Jinping arrived for talks in Moscow at the Grand Kremlin Palace, "
            "weeks after the International Criminal Court met.")
    result = assign_event(text, events=events, date=dt.date(2019, 6, 5), warn=False)
    assert (result.event, result.source) == (None, "date")
    assert result.reason == "dated outside every event window (published 2019-06-05)"
    assert result.scores == {} and result.evidence == "publication date 2019-06-05; dateline MOSCOW"


def test_a_publication_date_just_before_a_window_is_outside_it(events):
    # the preview margin widens what a page date leaves open; a publication date is exact
    result = assign_event("MOSCOW - Xi is expected after the arrest warrant.", events=events,
                          date=dt.date(2023, 3, 14), warn=False)
    assert (result.event, result.source) == (None, "date")


UNDATED = ("MOSCOW (AP) — Chinese leader Xi Jinping held talks in Moscow on Tuesday. Putin, who "
           "has faced an arrest warrant since 2023, said trade grew in {year}.")
# Moscow: dateline 5 + "Moscow" 1 + "in Moscow" 1 + "talks in Moscow" 3 + "arrest warrant" 2


def test_undated_lookalike_with_a_later_year_rules_out_both_events(events):
    result = assign_event(UNDATED.format(year=2025), events=events, warn=False)
    assert result.scores == {"2023-moscow": 12.0, "2024-beijing": 0.0}
    assert (result.event, result.source) == (None, "ruled_out")  # the old rule gave Moscow
    assert set(result.ruled_out) == {"2023-moscow", "2024-beijing"}
    assert "writes 2025" in result.ruled_out["2023-moscow"]
    assert "after the event's year 2023" in result.ruled_out["2023-moscow"]


def test_year_between_the_events_rules_out_only_the_earlier_one(events):
    # 2024 rules out the 2023 visit; the best cue score is Moscow's, so nothing is assigned
    result = assign_event(UNDATED.format(year=2024), events=events, warn=False)
    assert list(result.ruled_out) == ["2023-moscow"]
    assert (result.event, result.source) == (None, "unclear")
    assert result.reason.startswith("the best cue score is 2023-moscow's (12), but 2023-moscow is")


def test_years_of_the_event_or_earlier_and_future_years_rule_nothing_out(events):
    for text in (UNDATED.format(year=2023), UNDATED.format(year=2014),
                 UNDATED.replace("trade grew in {year}", "trade will double by 2030")):
        result = assign_event(text, events=events, warn=False)
        assert result.ruled_out == {}, text
        assert (result.event, result.source) == ("2023-moscow", "cues"), text


def test_tied_and_close_cues_give_no_event_with_the_scores_shown(events):
    # Moscow: "Moscow" 1 + "in Moscow" 1 + "arrest warrant" 2 = 4; Beijing: 1 + 1 = 2
    text = "Officials in Moscow spoke of the arrest warrant; officials in Beijing were silent."
    result = assign_event(text, events=events, warn=False)
    assert result.scores == {"2023-moscow": 4.0, "2024-beijing": 2.0}
    assert (result.event, result.source) == (None, "unclear")
    assert result.reason == ("cues do not decide: 2023-moscow leads 2024-beijing 4 to 2; a "
                             "decision needs a lead of 3 points and 2x the runner-up")
    # a margin of 2 points (the ratio 4 >= 2 x 2 holds) lets the same evidence decide
    looser = assign_event(text, events=events, rules=EventRules(cue_margin=2), warn=False)
    assert (looser.event, looser.source) == ("2023-moscow", "cues")


def test_a_lead_above_the_margin_but_below_the_ratio_gives_no_event(events):
    # Moscow: "talks in Moscow" 3 + "Moscow" 1 + "in Moscow" 1 + "Kremlin" 1 + ICC 2 +
    # "arrest warrant" 2 = 10; Beijing: "visit to Beijing" 3 + "Beijing" 1 + "Harbin" 2 = 6
    text = ("After talks in Moscow at the Kremlin, days after the International Criminal Court "
            "issued an arrest warrant, Putin planned a visit to Beijing and Harbin.")
    result = assign_event(text, events=events, warn=False)
    assert result.scores == {"2023-moscow": 10.0, "2024-beijing": 6.0}
    assert (result.event, result.source) == (None, "unclear")  # lead 4 >= 3, but 10 < 2 x 6
    ratio_off = assign_event(text, events=events, rules=EventRules(cue_ratio=1), warn=False)
    assert ratio_off.event == "2023-moscow"


def test_place_evidence_alone_never_assigns(events):
    # dateline 5 + "Moscow" 1 + "Kremlin" 1 + "Grand Kremlin Palace" 3: all place evidence
    text = "MOSCOW (AP) — Leaders met in the Grand Kremlin Palace."
    result = assign_event(text, events=events, warn=False)
    assert result.scores["2023-moscow"] == 10.0
    assert (result.event, result.source) == (None, "unclear")
    assert result.reason.startswith("only place evidence for 2023-moscow")
    allowed = assign_event(text, events=events, rules=EventRules(require_phrase=False),
                           warn=False)
    assert allowed.event == "2023-moscow"


PREVIEW = "Xi is expected in Moscow days after the arrest warrant."  # Moscow 1 + 1 + 2 = 4


@pytest.mark.parametrize(
    "page_date, preview_days, event",
    [
        (dt.date(2023, 3, 14), None, "2023-moscow"),   # 4 days before the window: a preview
        (dt.date(2023, 3, 11), None, "2023-moscow"),   # exactly 7 days before: still open
        (dt.date(2023, 3, 10), None, None),            # 8 days before: ruled out
        (dt.date(2023, 3, 10), 10, "2023-moscow"),     # a wider margin leaves it open
        (dt.date(2023, 3, 14), 0, None),               # no margin: before the start rules out
        (dt.date(2026, 1, 1), None, "2023-moscow"),    # a page date after the event: no bound
    ],
)
def test_preview_margin_before_a_window(events, page_date, preview_days, event):
    result = assign_event(PREVIEW, events=events, date=page_date, date_kind="page",
                          rules=EventRules(preview_days=preview_days), warn=False)
    assert result.event == event
    if event is None:
        assert result.source == "ruled_out"
        days = 7 if preview_days is None else preview_days
        assert result.ruled_out["2023-moscow"] == (
            f"the page date {page_date} is before {dt.date(2023, 3, 18) - dt.timedelta(days)}, "
            f"the start of its window (2023-03-18 to 2023-03-24) less {days} days of previews")


def test_bad_date_kind_is_refused(events):
    with pytest.raises(CorpusError, match=r"date_kind='capture': use 'publication'"):
        assign_event("x", events=events, date=dt.date(2023, 3, 20), date_kind="capture")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Crimea, which Russia invaded in 2014, was annexed.", [(2014, False)]),
        ("agreements on strategic cooperation until 2030.", [(2030, True)]),
        ("Putin won a fifth term in the 2024 presidential election.", [(2024, True)]),
        ("Trade will double by 2030, officials said in 2019.", [(2030, True), (2019, False)]),
        ("Sales reached 2,025 units, or $2019; the 2020s were hard; 12.2019 and 2019%.", []),
        ("The 2022-2025 talks. Copyright © 2025 The Paper.", [(2022, False)]),
        ("On February 24, 2022 Russia invaded; in March 2023 Xi came.", [(2022, False),
                                                                       (2023, False)]),
    ],
)
def test_written_years_by_hand(text, expected):
    assert [(y.year, y.future) for y in written_years(text)] == expected


# --- settings in the events file ------------------------------------------------------------
def test_settings_in_the_events_file(tmp_path):
    text = "cue_margin = 10\ncue_ratio = 1.5\npreview_days = 3\n" + GOOD.format(
        b_start="2024-02-01").replace('city = "Rome"', 'city = "Rome"\npreview_days = 30')
    a, b = read_events(write(tmp_path, text))
    assert (a.cue_margin, a.cue_ratio, a.preview_days, b.preview_days) == (10.0, 1.5, 3, 30)
    # "OSLO" dateline 5 + "accord" 2 = 7: a lead of 7 is below this file's margin of 10
    result = assign_event("OSLO — The accord.", events=[a, b], warn=False)
    assert (result.event, result.source) == (None, "unclear")
    assert assign_event("OSLO — The accord.", events=[a, b], rules=EventRules(cue_margin=7),
                        warn=False).event == "a"


@pytest.mark.parametrize(
    "top, message",
    [
        ("cue_ratio = 0.5", r"events\.toml: cue_ratio = 0\.5: use a number >= 1"),
        ("cue_margin = -1", r"events\.toml: cue_margin = -1: use a number of points >= 0"),
        ("preview_days = 2.5", r"events\.toml: preview_days = 2\.5: use a whole number"),
        ('require_phrase = "yes"', r"events\.toml: require_phrase = 'yes': use true or false"),
        ("margin = 3", r"events\.toml: unknown top-level key\(s\) \['margin'\]"),
    ],
)
def test_bad_settings_name_the_file_and_the_fix(tmp_path, top, message):
    with pytest.raises(CorpusError, match=message):
        read_events(write(tmp_path, top + "\n" + GOOD.format(b_start="2024-02-01")))


def test_bad_per_event_preview_names_the_event(tmp_path):
    text = GOOD.format(b_start="2024-02-01").replace('city = "Rome"',
                                                     'city = "Rome"\npreview_days = -2')
    with pytest.raises(CorpusError, match=r"event 'b': preview_days = -2: use a whole number"):
        read_events(write(tmp_path, text))
