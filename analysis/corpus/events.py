"""Events a corpus covers: read ``events.toml`` and decide which event a document is about.

An events file lists each event's id, label, host city, inclusive date window, the datelines
that mark coverage filed from it, and weighted cue phrases (see ``seeds/events.toml``).
:func:`assign_event` decides for one document by an order of evidence that refuses to guess:

1. **A publication date** (a header line, the manifest or a table column) decides alone: inside
   an event's window, that event; outside every window, no event ("dated outside every event
   window"), whatever the text says.
2. **Bounds** rule events out when there is no publication date. A page date (a date line in
   the page furniture, which may be the day the page was captured) is an upper bound: an event
   whose window starts more than ``preview_days`` after it is ruled out; a page date later than
   the event rules nothing out. A year the text writes in a past or present sense is a lower
   bound: an event that ended in an earlier year is ruled out (a text cannot recount a year
   that had not begun). Years written in a future sense ("by 2030", "the 2024 election") are
   shown but never used.
3. **Cues.** The dateline city and the cue phrases found are scored per event. The top event
   is assigned only when it is not ruled out, leads the runner-up by at least ``cue_margin``
   points and by a factor ``cue_ratio``, and (unless ``require_phrase = false``) at least one of
   its cues is a content phrase: place evidence alone (a dateline, city or venue names) is
   shared by every meeting held in that place. Otherwise the event is left missing, with the
   scores shown.

Every result carries its reason and evidence (:class:`EventAssignment`); the loader puts them
in the corpus columns ``event_reason``, ``event_evidence`` and ``event_scores``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import tomllib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config
from analysis.errors import CorpusError, CorpusWarning

__all__ = [
    "Cue",
    "Dateline",
    "Event",
    "EventAssignment",
    "EventRules",
    "YearMention",
    "apply_rules",
    "assign_event",
    "find_cues",
    "parse_dateline",
    "read_events",
    "score_events",
    "unassigned_message",
    "written_years",
]

_DEFAULT_DATELINE_WEIGHT = 5.0
#: How far before an event's window a page date may lie and leave the event possible. State
#: visits and summits are announced days to a week ahead and previews follow the announcement;
#: a page captured more than a week before the window predates the event's news. The margin
#: only ever rules an event out, so erring wide costs no correct assignment.
DEFAULT_PREVIEW_DAYS = 7
#: The lead in cue points the top event needs over the runner-up: one strong event-specific
#: phrase (the events-file scale weighs place words 1 and event-specific phrases 2-3).
DEFAULT_CUE_MARGIN = 3.0
#: The factor by which the top event's score must exceed the runner-up's: a runner-up with half
#: the winner's evidence or more means the text is about both (a comparison, a retrospective).
DEFAULT_CUE_RATIO = 2.0
_EVENT_KEYS = {"id", "label", "city", "start", "end", "datelines", "city_words", "phrases",
               "dateline_weight", "preview_days"}
_FILE_KEYS = {"event", "dateline_weight", "preview_days", "cue_margin", "cue_ratio",
              "require_phrase"}
#: Where an assignment came from (``EventAssignment.source``), with the warning's wording.
SOURCES = {
    "date": "dated outside every event window",
    "cues": "decided by cues",
    "unclear": "cue evidence does not single out one event (a tie, a lead below the margin, "
               "place names only, or the best-scoring event ruled out by a date or year)",
    "ruled_out": "every event is ruled out by a page date or a year written in the text",
    "none": "has no date in an event window and no dateline or cue of any event",
}


@dataclass(frozen=True)
class Cue:
    """A phrase whose presence in a text is evidence for an event.

    Attributes
    ----------
    phrase : str
        Matched case-insensitively as whole words; ``'`` matches ``’`` and spaces match any
        whitespace.
    weight : float
        Added to the event's score once when the phrase occurs (however often).
    kind : str
        ``"city"`` (place evidence: city and venue names, shared by every meeting held there),
        ``"phrase"`` (content cues specific to the event) or ``"dateline"``.
    """

    phrase: str
    weight: float
    kind: str = "phrase"


@dataclass(frozen=True)
class EventRules:
    """Settings of :func:`assign_event`; None takes the events file's value (else the default).

    Attributes
    ----------
    preview_days : int, optional
        Days before a window that a page date may lie and leave the event possible
        (default :data:`DEFAULT_PREVIEW_DAYS`, 7).
    cue_margin : float, optional
        Points by which the top cue score must lead the runner-up (default 3).
    cue_ratio : float, optional
        Factor by which the top cue score must exceed the runner-up's (default 2).
    require_phrase : bool, optional
        Whether the top event needs a content phrase among its cues (default True).

    Examples
    --------
    >>> EventRules(cue_margin=5).cue_margin
    5
    >>> EventRules(cue_ratio=0.5)
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: cue_ratio = 0.5: use a number >= 1 (1 turns the ratio test off).
    """

    preview_days: int | None = None
    cue_margin: float | None = None
    cue_ratio: float | None = None
    require_phrase: bool | None = None

    def __post_init__(self) -> None:
        _check_setting("preview_days", self.preview_days)
        _check_setting("cue_margin", self.cue_margin)
        _check_setting("cue_ratio", self.cue_ratio)
        _check_setting("require_phrase", self.require_phrase)


def _check_setting(key: str, value: object, *, where: str = "") -> None:
    if value is None:
        return
    if key == "require_phrase":
        if not isinstance(value, bool):
            raise CorpusError(f"{where}{key} = {value!r}: use true or false.")
        return
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if key == "preview_days" and not (isinstance(value, int) and not isinstance(value, bool)
                                      and value >= 0):
        raise CorpusError(f"{where}{key} = {value!r}: use a whole number of days >= 0.")
    if key == "cue_margin" and not (is_number and math.isfinite(value) and value >= 0):
        raise CorpusError(f"{where}{key} = {value!r}: use a number of points >= 0.")
    if key == "cue_ratio" and not (is_number and math.isfinite(value) and value >= 1):
        raise CorpusError(
            f"{where}{key} = {value!r}: use a number >= 1 (1 turns the ratio test off)."
        )


@dataclass(frozen=True)
class Event:
    """One event: id, label, host city, inclusive date window, cues and decision settings.

    ``preview_days`` may differ per event; ``cue_margin``, ``cue_ratio`` and ``require_phrase``
    are set at the top of an events file and copied to each of its events.
    """

    id: str
    label: str
    city: str
    start: dt.date
    end: dt.date
    datelines: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    dateline_weight: float = _DEFAULT_DATELINE_WEIGHT
    preview_days: int = DEFAULT_PREVIEW_DAYS
    cue_margin: float = DEFAULT_CUE_MARGIN
    cue_ratio: float = DEFAULT_CUE_RATIO
    require_phrase: bool = True

    def __hash__(self) -> int:  # cheap: events are looked up per document
        return hash((self.id, self.start, self.end))

    def contains(self, date: dt.date | None) -> bool:
        """Whether ``date`` falls inside the window (inclusive).

        Examples
        --------
        >>> import datetime as dt
        >>> e = Event("e", "E", "Oslo", dt.date(2024, 1, 1), dt.date(2024, 1, 3))
        >>> e.contains(dt.date(2024, 1, 3)), e.contains(dt.date(2024, 1, 4)), e.contains(None)
        (True, False, False)
        """
        return date is not None and self.start <= date <= self.end


@dataclass(frozen=True)
class Dateline:
    """The dateline that opens a wire story, e.g. ``BEIJING (AP) —``."""

    city: str
    region: str | None
    agency: str | None
    text: str


@dataclass(frozen=True)
class YearMention:
    """A year written in a text (see :func:`written_years`).

    Attributes
    ----------
    year : int
    future : bool
        Written in a future sense ("by 2030", "the 2024 election"): not a bound on the date.
    context : str
        The words around it, as written.
    """

    year: int
    future: bool
    context: str


@dataclass(frozen=True)
class EventAssignment:
    """Result of :func:`assign_event`: the event, how it was decided, and the evidence.

    Attributes
    ----------
    event : str or None
        The event id, or None when the evidence does not single out one event.
    source : str
        ``"date"`` (a publication date decided: its window's event, or None outside every
        window), ``"cues"``, ``"unclear"`` (cues without a clear lead), ``"ruled_out"`` (every
        event ruled out by a page date or a written year) or ``"none"`` (no evidence).
    scores : dict
        Cue score per event id (empty when a publication date decided).
    dateline : Dateline or None
        The dateline found at the start of the text.
    reason : str
        One sentence saying why.
    ruled_out : dict
        Event id -> why a page date or a written year rules it out.
    cues : dict
        Event id -> the cues found for it, as ``"phrase +weight"``.
    years : tuple of YearMention
        Years written in the text (not read when a publication date decided).
    date : datetime.date or None
        The date used.
    date_kind : str
        ``"publication"`` or ``"page"``.
    """

    event: str | None
    source: str
    scores: dict[str, float] = field(default_factory=dict)
    dateline: Dateline | None = None
    reason: str = ""
    ruled_out: dict[str, str] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    years: tuple[YearMention, ...] = ()
    date: dt.date | None = None
    date_kind: str = "publication"

    @property
    def evidence(self) -> str:
        """The evidence read, as one line: date, years written, dateline, cues, ruled out.

        Examples
        --------
        >>> a = assign_event("MOSCOW - Talks in Moscow ended in 2019.", events=read_events(),
        ...                  warn=False)
        >>> a.evidence
        'years written: 2019; 2023-moscow: dateline MOSCOW +5, Moscow +1, in Moscow +1, talks in Moscow +3'
        >>> assign_event("RIGA - Talks ended.", events=read_events(), warn=False).evidence
        "dateline RIGA (not an event's)"
        """
        parts = []
        if self.date is not None:
            parts.append(f"{self.date_kind} date {self.date.isoformat()}")
        if self.years:
            shown = dict.fromkeys(
                f"{y.year} (future sense)" if y.future else str(y.year)
                for y in sorted(self.years, key=lambda y: (y.year, y.future))
            )
            parts.append("years written: " + ", ".join(shown))
        if self.dateline is not None and not self.scores:
            parts.append(f"dateline {self.dateline.city}")  # cues not read: a date decided
        elif self.dateline is not None and not any(
            c.startswith("dateline ") for found in self.cues.values() for c in found
        ):
            parts.append(f"dateline {self.dateline.city} (not an event's)")
        parts += [f"{eid}: {', '.join(found)}" for eid, found in self.cues.items() if found]
        parts += [f"{eid} ruled out: {why}" for eid, why in self.ruled_out.items()]
        return "; ".join(parts)

    @property
    def score_text(self) -> str:
        """The cue scores as one line, e.g. ``"a 7, b 0"`` (empty when no cues were read).

        Examples
        --------
        >>> EventAssignment("a", "cues", {"a": 7.0, "b": 0.5}).score_text
        'a 7, b 0.5'
        """
        return ", ".join(f"{eid} {s:g}" for eid, s in self.scores.items())


def apply_rules(events: list[Event] | None, rules: EventRules | None) -> list[Event] | None:
    """The events with the settings an :class:`EventRules` overrides (None leaves them).

    Parameters
    ----------
    events : list of Event or None
    rules : EventRules or None

    Returns
    -------
    list of Event or None

    Examples
    --------
    >>> [e.cue_margin for e in apply_rules(read_events(), EventRules(cue_margin=5))]
    [5.0, 5.0]
    """
    if events is None or rules is None:
        return events
    changes: dict[str, object] = {
        key: value for key, value in (
            ("preview_days", rules.preview_days),
            ("cue_margin", None if rules.cue_margin is None else float(rules.cue_margin)),
            ("cue_ratio", None if rules.cue_ratio is None else float(rules.cue_ratio)),
            ("require_phrase", rules.require_phrase),
        ) if value is not None
    }
    return [dataclasses.replace(e, **changes) for e in events]


# --------------------------------------------------------------------------------------------
# Reading and validating events.toml
# --------------------------------------------------------------------------------------------
def _event_near_line(raw: str, line: int | None) -> str | None:
    """The id of the [[event]] table that contains ``line`` (1-based) of the TOML text."""
    found = None
    for k, text in enumerate(raw.splitlines(), start=1):
        if line is not None and k > line:
            break
        m = re.match(r"\s*id\s*=\s*[\"']([^\"']*)[\"']", text)
        if m:
            found = m.group(1)
        elif re.match(r"\s*\[\[event\]\]", text):
            found = None
    return found


def _as_date(value: object, *, path: Path, event: str, key: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CorpusError(
        f"{path}: event {event!r}: {key} = {value!r} is not a date. "
        f"Write it as YYYY-MM-DD, e.g. {key} = 2023-03-20."
    )


def _weights(value: object, *, path: Path, event: str, key: str, kind: str) -> list[Cue]:
    if value is None:
        return []
    if not isinstance(value, dict):
        raise CorpusError(
            f"{path}: event {event!r}: {key} must be a table of \"phrase\" = weight, "
            f"e.g. [event.{key}] then \"Kremlin\" = 1.0."
        )
    cues = []
    for phrase, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise CorpusError(
                f"{path}: event {event!r}: weight of {phrase!r} in {key} is {weight!r}; "
                "use a number >= 0."
            )
        if not str(phrase).strip():
            raise CorpusError(f"{path}: event {event!r}: empty phrase in {key}.")
        cues.append(Cue(str(phrase), float(weight), kind))
    return cues


def read_events(path: str | Path | None = None) -> list[Event]:
    """Read and validate an events file.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file with one ``[[event]]`` table per event (keys ``id``, ``label``, ``city``,
        ``start``, ``end``, ``datelines``, ``[event.city_words]``, ``[event.phrases]``, and
        optionally ``dateline_weight`` and ``preview_days``). At the top, before the first
        ``[[event]]``, optional settings: ``dateline_weight`` (5), ``preview_days`` (7),
        ``cue_margin`` (3), ``cue_ratio`` (2), ``require_phrase`` (true); see
        :func:`assign_event`. None reads the bundled ``seeds/events.toml``.

    Returns
    -------
    list of Event
        Sorted by start date.

    Raises
    ------
    CorpusError
        The file is missing or not valid TOML, an event lacks a key or has an unknown one, a
        date is malformed, a window ends before it starts, two events share an id, two windows
        overlap, or a setting is unknown or out of range. The message names the file and the
        event.

    Examples
    --------
    >>> events = read_events()
    >>> [(e.id, e.start.isoformat(), e.end.isoformat()) for e in events]
    [('2023-moscow', '2023-03-18', '2023-03-24'), ('2024-beijing', '2024-05-14', '2024-05-19')]
    >>> events[0].preview_days, events[0].cue_margin, events[0].cue_ratio
    (7, 3.0, 2.0)
    """
    path = Path(path) if path is not None else config.SEEDS_DIR / config.EVENTS_NAME
    if not path.is_file():
        raise CorpusError(
            f"{path}: events file not found. Pass events= the path of an events.toml "
            "(see seeds/events.toml for the format)."
        )
    raw = path.read_text(encoding="utf-8-sig")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        near = _event_near_line(raw, int(m.group(1)) if m else None)
        where = f" in event {near!r}" if near else ""
        raise CorpusError(
            f"{path}: not valid TOML{where}: {err}. Dates are written YYYY-MM-DD "
            "(e.g. start = 2023-03-20)."
        ) from None
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise CorpusError(
            f"{path}: unknown top-level key(s) {unknown}. Allowed: {sorted(_FILE_KEYS)} "
            "(settings go before the first [[event]])."
        )
    for key in ("preview_days", "cue_margin", "cue_ratio", "require_phrase"):
        _check_setting(key, data.get(key), where=f"{path}: ")
    top_weight = data.get("dateline_weight", _DEFAULT_DATELINE_WEIGHT)
    top_preview = data.get("preview_days", DEFAULT_PREVIEW_DAYS)
    settings = {
        "cue_margin": float(data.get("cue_margin", DEFAULT_CUE_MARGIN)),
        "cue_ratio": float(data.get("cue_ratio", DEFAULT_CUE_RATIO)),
        "require_phrase": bool(data.get("require_phrase", True)),
    }
    tables = data.get("event")
    if not isinstance(tables, list) or not tables:
        raise CorpusError(
            f"{path}: no [[event]] tables found. Add one per event with id, label, city, "
            "start and end."
        )
    events: list[Event] = []
    for k, table in enumerate(tables, start=1):
        eid = str(table.get("id", "")).strip()
        name = eid or f"#{k}"
        unknown = sorted(set(table) - _EVENT_KEYS)
        if unknown:
            raise CorpusError(
                f"{path}: event {name!r}: unknown key(s) {unknown}. "
                f"Allowed: {sorted(_EVENT_KEYS)}."
            )
        missing = [key for key in ("id", "label", "start", "end") if key not in table]
        if missing or not eid:
            raise CorpusError(f"{path}: event {name!r}: missing {missing or ['id']}. Add them.")
        start = _as_date(table["start"], path=path, event=eid, key="start")
        end = _as_date(table["end"], path=path, event=eid, key="end")
        if end < start:
            raise CorpusError(
                f"{path}: event {eid!r}: end {end} is before start {start}. Swap them."
            )
        datelines = table.get("datelines", [])
        if isinstance(datelines, str):
            datelines = [datelines]
        cues = _weights(table.get("city_words"), path=path, event=eid, key="city_words",
                        kind="city")
        cues += _weights(table.get("phrases"), path=path, event=eid, key="phrases",
                         kind="phrase")
        weight = table.get("dateline_weight", top_weight)
        preview = table.get("preview_days", top_preview)
        _check_setting("preview_days", preview, where=f"{path}: event {eid!r}: ")
        events.append(
            Event(
                id=eid,
                label=str(table["label"]),
                city=str(table.get("city", "")),
                start=start,
                end=end,
                datelines=tuple(str(d).upper().strip() for d in datelines),
                cues=tuple(cues),
                dateline_weight=float(weight),
                preview_days=int(preview),
                **settings,
            )
        )
    ids = [e.id for e in events]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise CorpusError(f"{path}: event id(s) {dupes} defined twice. Give each event its own id.")
    events.sort(key=lambda e: (e.start, e.end))
    for a, b in zip(events, events[1:], strict=False):
        if b.start <= a.end:
            raise CorpusError(
                f"{path}: the windows of events {a.id!r} ({a.start}..{a.end}) and {b.id!r} "
                f"({b.start}..{b.end}) overlap, so a date could not decide between them. "
                "Shorten one window."
            )
    return events


# --------------------------------------------------------------------------------------------
# Datelines, cues and years
# --------------------------------------------------------------------------------------------
_DATELINE = re.compile(
    r"^(?P<city>[A-Z][A-Z.'’]*(?:[ -][A-Z][A-Z.'’]*)*)"
    r"(?:,\s+(?P<region>[A-Z][\w.'’]*(?:\s+[A-Z][\w.'’]*){0,3}))?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w&. -]{0,30})\))?\s*(?:—|–|--|-)\s+"
)


def parse_dateline(text: str) -> Dateline | None:
    """Find the dateline that opens a wire story.

    Parameters
    ----------
    text : str
        Clean text (the dateline is at the start of the first paragraph).

    Returns
    -------
    Dateline or None
        City (upper case as written), region, agency, and the matched text.

    Examples
    --------
    >>> parse_dateline("BEIJING (AP) — Chinese President Xi Jinping welcomed ...")
    Dateline(city='BEIJING', region=None, agency='AP', text='BEIJING (AP) —')
    >>> parse_dateline("RIGA, Latvia — Russian President Vladimir Putin ...").region
    'Latvia'
    >>> parse_dateline("Russian President Vladimir Putin warmly welcomed ...") is None
    True
    """
    m = _DATELINE.match(text.lstrip())
    if not m or len(re.sub(r"[^A-Z]", "", m.group("city"))) < 2:
        return None
    return Dateline(
        city=m.group("city"),
        region=m.group("region"),
        agency=m.group("agency"),
        text=m.group().strip(),
    )


def _cue_regex(phrase: str) -> str:
    parts = [re.escape(w) for w in phrase.split()]
    body = re.sub(r"['’]", "['’]", r"\s+".join(parts))
    return rf"{body}(?!\w)"  # the word boundary before is checked by _found (keeps re fast)


@functools.lru_cache(maxsize=32)
def _matcher(events: tuple[Event, ...]) -> list[tuple[str, Cue, str, re.Pattern[str]]]:
    """Every cue of every event: (event id, cue, a word it must contain, compiled pattern)."""
    out = []
    for e in events:
        for c in e.cues:
            folded = c.phrase.lower().replace("’", "'")
            key = max(folded.split(), key=len)
            out.append((e.id, c, key, re.compile(_cue_regex(folded))))
    return out


def _found(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``pattern`` matches ``text`` at the start of a word."""
    for m in pattern.finditer(text):
        k = m.start()
        if k == 0 or not (text[k - 1].isalnum() or text[k - 1] == "_"):
            return True
    return False


def find_cues(
    text: str, *, events: Sequence[Event], title: str | None = None
) -> dict[str, list[Cue]]:
    """The dateline and cue phrases of each event found in a text.

    The dateline counts as a cue of kind ``"dateline"`` (weight ``dateline_weight``) when its
    city is one of the event's datelines; each cue phrase counts once if it occurs anywhere in
    the title or text. Overlapping phrases (``"Moscow"`` and ``"talks in Moscow"``) both count.

    Parameters
    ----------
    text : str
        Clean text of the document.
    events : sequence of Event
    title : str, optional
        Title, searched with the text.

    Returns
    -------
    dict
        Event id -> list of Cue found (in the events file's order, the dateline first).

    Examples
    --------
    >>> found = find_cues("BEIJING (AP) — Putin arrived.", events=read_events())
    >>> [(c.phrase, c.weight, c.kind) for c in found["2024-beijing"]]
    [('dateline BEIJING', 5.0, 'dateline'), ('Beijing', 1.0, 'city')]
    """
    found: dict[str, list[Cue]] = {e.id: [] for e in events}
    dateline = parse_dateline(text)
    if dateline is not None:
        for e in events:
            if dateline.city.upper() in e.datelines:
                found[e.id].append(Cue(f"dateline {dateline.city}", e.dateline_weight,
                                       "dateline"))
    haystack = f"{title}\n{text}" if title else text
    folded = haystack.lower().replace("’", "'")
    for eid, cue, key, pattern in _matcher(tuple(events)):
        if key in folded and _found(pattern, folded):
            found[eid].append(cue)
    return found


def score_events(
    text: str, *, events: Sequence[Event], title: str | None = None
) -> dict[str, float]:
    """Score each event by the dateline and the cue phrases found in a text.

    The sum of the weights of :func:`find_cues`: the dateline city adds the event's
    ``dateline_weight`` when it is one of the event's datelines; each cue phrase adds its
    weight once if it occurs anywhere in the title or text.

    Parameters
    ----------
    text, events, title
        As in :func:`find_cues`.

    Returns
    -------
    dict
        Score per event id (0.0 when nothing matched).

    Examples
    --------
    >>> events = read_events()
    >>> score_events("BEIJING (AP) — Xi met Putin in the Great Hall of the People.",
    ...              events=events)
    {'2023-moscow': 0.0, '2024-beijing': 9.0}
    """
    found = find_cues(text, events=events, title=title)
    return {eid: float(sum(c.weight for c in cues)) for eid, cues in found.items()}


# A year between 1800 and 2099 standing alone: not part of a number, an amount, a range's end
# ("2022-2025", "mid-2025"), a decade ("2020s") or a percentage.
_YEAR = re.compile(r"(?<![\w$€£¥.,/\-–—])((?:1[89]|20)\d\d)(?![\w%]|[.,]\d)")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: Words shortly before a year that make it a plan, a deadline or a forecast, not a past year.
_FUTURE_BEFORE = frozenset({
    "by", "until", "till", "til", "through", "thru", "before", "ahead", "next", "upcoming",
    "coming", "scheduled", "schedule", "due", "expected", "expect", "expects", "set",
    "planned", "plan", "plans", "planning", "target", "targets", "targeted", "goal", "goals",
    "aim", "aims", "aiming", "will", "would", "shall", "forecast", "forecasts", "projected",
    "beyond", "deadline", "end", "ends", "ending", "expire", "expires", "expiring", "hope",
    "hopes", "intend", "intends", "vision", "strategy", "election", "elections", "vote",
    "polls", "ballot",
})
#: Words shortly after a year that make it the name of a coming event or plan.
_FUTURE_AFTER = frozenset({
    "election", "elections", "vote", "polls", "ballot", "olympics", "olympic", "games", "cup",
    "expo", "summit", "target", "targets", "goal", "goals", "plan", "plans", "deadline",
    "agenda", "strategy", "vision", "budget", "forecast",
})
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*$", re.IGNORECASE)


def written_years(text: str) -> list[YearMention]:
    """Years written in a text, each marked as written in a future sense or not.

    A year counts in a future sense when one of the six words before it in its clause is a
    marker of plans or forecasts (``by``, ``until``, ``next``, ``will``, ``would``,
    ``scheduled``, ``target``, ``election`` ...) or one of the three words after it names a
    coming event or plan (``election``, ``summit``, ``Olympics``, ``plan`` ...). The markers err
    towards "future": a past year misread as future only weakens the bound, while a future year
    misread as past would wrongly rule an event out. Copyright years, amounts, decades and the
    second year of a range are not read.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of YearMention
        In order of appearance.

    Examples
    --------
    >>> [(y.year, y.future) for y in written_years(
    ...     "Crimea was annexed in 2014. Ties will deepen until 2030, before the 2028 election.")]
    [(2014, False), (2030, True), (2028, True)]
    >>> written_years("It cost $2019 in 2020s money, 1,2019 units; © 2025 The Paper")
    []
    """
    out = []
    for m in _YEAR.finditer(text):
        before = text[max(0, m.start() - 80):m.start()]
        if _COPYRIGHT.search(before):
            continue
        cut = max(before.rfind(sep) for sep in (". ", "\n", "! ", "? ", "; ", ", "))
        if cut >= 0:
            before = before[cut + 1:]
        words_before = _WORD.findall(before.lower().replace("’", "'"))[-6:]
        words_after = _WORD.findall(text[m.end():m.end() + 40].lower())[:3]
        future = (
            any(w in _FUTURE_BEFORE or w.endswith("'ll") for w in words_before)
            or any(w in _FUTURE_AFTER for w in words_after)
        )
        context = " ".join(text[max(0, m.start() - 30):m.end() + 15].split())
        out.append(YearMention(int(m.group(1)), future, context))
    return out


# --------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Settings:
    margin: float
    ratio: float
    require_phrase: bool
    preview: dict[str, int]


def _settings(events: Sequence[Event], rules: EventRules | None) -> _Settings:
    """The rules in force: the option where given, else the events file's (the strictest when
    hand-built events disagree)."""
    rules = rules or EventRules()
    margin = rules.cue_margin if rules.cue_margin is not None else max(
        (e.cue_margin for e in events), default=DEFAULT_CUE_MARGIN)
    ratio = rules.cue_ratio if rules.cue_ratio is not None else max(
        (e.cue_ratio for e in events), default=DEFAULT_CUE_RATIO)
    phrase = rules.require_phrase if rules.require_phrase is not None else any(
        e.require_phrase for e in events)
    preview = {e.id: e.preview_days if rules.preview_days is None else rules.preview_days
               for e in events}
    return _Settings(float(margin), float(ratio), bool(phrase), preview)


def _bounds(
    events: Sequence[Event], *, page_date: dt.date | None, years: list[YearMention],
    preview: dict[str, int],
) -> dict[str, str]:
    """Event id -> why an upper bound (page date) or lower bound (a year written) rules it out."""
    ruled: dict[str, str] = {}
    if page_date is not None:
        for e in events:
            earliest = e.start - dt.timedelta(days=preview[e.id])
            if page_date < earliest:
                ruled[e.id] = (
                    f"the page date {page_date} is before {earliest}, the start of its window "
                    f"({e.start} to {e.end}) less {preview[e.id]} days of previews"
                )
    past = [y for y in years if not y.future]
    if past:
        latest = max(past, key=lambda y: y.year)
        for e in events:
            if e.id not in ruled and latest.year > e.end.year:
                ruled[e.id] = (
                    f"the text writes {latest.year} (\"{latest.context}\"), after the event's "
                    f"year {e.end.year}"
                )
    return ruled


def _decide(
    events: Sequence[Event], scores: dict[str, float], cues: dict[str, list[Cue]],
    ruled: dict[str, str], s: _Settings,
) -> tuple[str | None, str, str]:
    """(event, source, reason) from the cue scores and the events ruled out."""
    if events and len(ruled) == len(events):
        return None, "ruled_out", "every event is ruled out: " + "; ".join(
            f"{eid}: {why}" for eid, why in ruled.items())
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] <= 0:
        return None, "none", "no dateline or cue of any event"
    (top, s1), (second, s2) = ranked[0], (ranked[1] if len(ranked) > 1 else (None, 0.0))
    need = f"a decision needs a lead of {s.margin:g} points and {s.ratio:g}x the runner-up"
    if second is not None and s1 == s2:
        return None, "unclear", f"cues tie: {top} and {second} both score {s1:g}"
    if top in ruled:
        return None, "unclear", (f"the best cue score is {top}'s ({s1:g}), but {top} is ruled "
                                 f"out: {ruled[top]}")
    lead = (f"{top} leads {second} {s1:g} to {s2:g}" if second is not None
            else f"{top} scores {s1:g}")
    if s1 - s2 < s.margin or s1 < s.ratio * s2:
        return None, "unclear", f"cues do not decide: {lead}; {need}"
    if s.require_phrase and not any(c.kind == "phrase" for c in cues[top]):
        return None, "unclear", (f"only place evidence for {top} (dateline, city or venue "
                                 "names), which every meeting held there shares")
    return top, "cues", f"cues: {lead} ({need})"


def assign_event(
    text: str,
    *,
    events: Sequence[Event],
    date: dt.date | None = None,
    date_kind: str = "publication",
    title: str | None = None,
    doc_id: str | None = None,
    rules: EventRules | None = None,
    warn: bool = True,
) -> EventAssignment:
    """Decide which event a document covers, or refuse to guess.

    Evidence is read in order (see the module docstring): a publication date decides alone;
    without one, a page date and the years the text writes rule events out; then the cues
    decide only with a clear lead. Undecided documents get ``event=None`` and, when ``warn``,
    a :class:`CorpusWarning` naming the document and why.

    Parameters
    ----------
    text : str
        Clean text of the document.
    events : sequence of Event
        From :func:`read_events`.
    date : datetime.date, optional
        The document's date, when known.
    date_kind : {"publication", "page"}
        ``"publication"``: the date the document was published (a header, the manifest, a
        table column); it decides alone. ``"page"``: a date in the page furniture, at or after
        publication; it only rules out events whose window starts more than ``preview_days``
        after it.
    title : str, optional
        The document's title, searched with the text.
    doc_id : str, optional
        Named in the warning.
    rules : EventRules, optional
        Overrides the events file's ``preview_days``, ``cue_margin``, ``cue_ratio`` and
        ``require_phrase``.
    warn : bool
        Emit the warning (the loader collects them into one warning instead).

    Returns
    -------
    EventAssignment
        With ``reason`` and ``evidence``.

    Raises
    ------
    CorpusError
        ``date_kind`` is neither ``"publication"`` nor ``"page"``.

    Examples
    --------
    >>> import datetime as dt
    >>> events = read_events()
    >>> assign_event("MOSCOW - Xi met Putin.", events=events, date=dt.date(2023, 3, 21)).reason
    'published 2023-03-21, inside the window of 2023-moscow (2023-03-18 to 2023-03-24)'
    >>> text = "RIGA, Latvia — Xi left the Grand Kremlin Palace with an arrest warrant pending."
    >>> assign_event(text, events=events, date=dt.date(2023, 10, 2), warn=False).reason
    'dated outside every event window (published 2023-10-02)'
    >>> a = assign_event(text, events=events, date=dt.date(2023, 10, 2), date_kind="page")
    >>> a.event, a.source, a.reason
    ('2023-moscow', 'cues', 'cues: 2023-moscow leads 2024-beijing 6 to 0 (a decision needs a lead of 3 points and 2x the runner-up)')
    >>> assign_event("MOSCOW - Talks in the Kremlin.", events=events, warn=False).reason
    'only place evidence for 2023-moscow (dateline, city or venue names), which every meeting held there shares'
    """
    if date_kind not in ("publication", "page"):
        raise CorpusError(
            f"date_kind={date_kind!r}: use 'publication' (a date the document was published) or "
            "'page' (a date in the page furniture, at or after publication)."
        )
    if isinstance(date, dt.datetime):
        date = date.date()
    s = _settings(events, rules)
    dateline = parse_dateline(text)
    base = {"dateline": dateline, "date": date, "date_kind": date_kind}
    candidates = list(events)
    ruled: dict[str, str] = {}
    years: list[YearMention] = []
    if date is not None and date_kind == "publication":
        candidates = [e for e in events if e.contains(date)]
        if len(candidates) == 1:
            e = candidates[0]
            return EventAssignment(
                e.id, "date", reason=f"published {date}, inside the window of {e.id} "
                f"({e.start} to {e.end})", **base)
        if not candidates:
            result = EventAssignment(
                None, "date", reason=f"dated outside every event window (published {date})",
                **base)
            _maybe_warn(result, doc_id, warn)
            return result
        ruled = {e.id: f"its window ({e.start} to {e.end}) does not hold the publication date "
                 f"{date}" for e in events if e not in candidates}
    else:
        haystack = f"{title}\n{text}" if title else text
        years = written_years(haystack)
        ruled = _bounds(events, page_date=date, years=years, preview=s.preview)
    cues = find_cues(text, events=events, title=title)
    scores = {eid: float(sum(c.weight for c in found)) for eid, found in cues.items()}
    event, source, reason = _decide(events, scores, cues, ruled, s)
    result = EventAssignment(
        event, source, scores, reason=reason, ruled_out=ruled,
        cues={eid: tuple(f"{c.phrase} +{c.weight:g}" for c in found)
              for eid, found in cues.items()},
        years=tuple(years), **base,
    )
    _maybe_warn(result, doc_id, warn)
    return result


def _maybe_warn(result: EventAssignment, doc_id: str | None, warn: bool) -> None:
    if warn and result.event is None:
        warnings.warn(
            unassigned_message([doc_id or "document"], result.source, result.scores),
            CorpusWarning,
            stacklevel=3,
        )


def unassigned_message(
    doc_ids: Iterable[str], source: str, scores: dict[str, float] | None = None
) -> str:
    """The warning for documents left without an event, naming them and saying why.

    Parameters
    ----------
    doc_ids : iterable of str
        The documents (the first 20 are named).
    source : str
        Their ``EventAssignment.source``.
    scores : dict, optional
        Cue scores, shown when one document is named.

    Returns
    -------
    str

    Examples
    --------
    >>> unassigned_message(["a", "b"], "date")
    'a, b: dated outside every event window; event left missing. Give it an event in the manifest, or add cues or a date window to the events file.'
    """
    names = list(doc_ids)
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    why = SOURCES.get(source, source)
    detail = f" (scores {scores})" if scores and len(names) == 1 else ""
    return (
        f"{shown}: {why}{detail}; event left missing. Give it an event in the manifest, or add "
        "cues or a date window to the events file."
    )
