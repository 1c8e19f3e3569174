"""Events: reading events.toml, validation, and event inference from dates, datelines and cues."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from analysis import config
from analysis.cleaning import clean_text
from analysis.errors import CorpusError, CorpusWarning
from analysis.events import assign_event, parse_dateline, read_events, score_events

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
