"""Events a corpus covers: read ``events.toml`` and decide which event a document is about.

An events file lists each event's id, label, host city, inclusive date window, the datelines
that mark coverage filed from it, and weighted cue phrases (see ``seeds/events.toml``).
:func:`assign_event` decides for one document: a date inside one event's window decides;
otherwise the dateline city and the cue phrases found in the text are scored per event and the
highest score wins. A tie, or no evidence at all, gives no event (``None``) and a warning naming
the document: the loader never forces a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
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
    "assign_event",
    "parse_dateline",
    "read_events",
    "score_events",
]

_DEFAULT_DATELINE_WEIGHT = 5.0
_EVENT_KEYS = {"id", "label", "city", "start", "end", "datelines", "city_words", "phrases",
               "dateline_weight"}


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
        ``"city"`` (place names: weak evidence) or ``"phrase"`` (content cues).
    """

    phrase: str
    weight: float
    kind: str = "phrase"


@dataclass(frozen=True)
class Event:
    """One event: id, label, host city, inclusive date window and recognition cues."""

    id: str
    label: str
    city: str
    start: dt.date
    end: dt.date
    datelines: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    dateline_weight: float = _DEFAULT_DATELINE_WEIGHT

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
class EventAssignment:
    """Result of :func:`assign_event`.

    Attributes
    ----------
    event : str or None
        The event id, or None when the evidence fits no event or fits two equally.
    source : str
        How it was decided: ``"date"``, ``"cues"``, ``"tie"`` or ``"none"``.
    scores : dict
        Cue score per event id (empty when the date decided).
    dateline : Dateline or None
        The dateline found at the start of the text.
    """

    event: str | None
    source: str
    scores: dict[str, float] = field(default_factory=dict)
    dateline: Dateline | None = None


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
        ``start``, ``end``, ``datelines``, ``[event.city_words]``, ``[event.phrases]``; an
        optional top-level or per-event ``dateline_weight``). None reads the bundled
        ``seeds/events.toml``.

    Returns
    -------
    list of Event
        Sorted by start date.

    Raises
    ------
    CorpusError
        The file is missing or not valid TOML, an event lacks a key or has an unknown one, a
        date is malformed, a window ends before it starts, two events share an id, or two
        windows overlap. The message names the file and the event.

    Examples
    --------
    >>> events = read_events()
    >>> [(e.id, e.start.isoformat(), e.end.isoformat()) for e in events]
    [('2023-moscow', '2023-03-18', '2023-03-24'), ('2024-beijing', '2024-05-14', '2024-05-19')]
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
    top_weight = data.get("dateline_weight", _DEFAULT_DATELINE_WEIGHT)
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
# Datelines and cues
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


def score_events(
    text: str, *, events: Sequence[Event], title: str | None = None
) -> dict[str, float]:
    """Score each event by the dateline and the cue phrases found in a text.

    The dateline city adds the event's ``dateline_weight`` when it is one of the event's
    datelines; each cue phrase adds its weight once if it occurs anywhere in the title or
    text. Overlapping phrases (``"Moscow"`` and ``"talks in Moscow"``) both count.

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
        Score per event id (0.0 when nothing matched).

    Examples
    --------
    >>> events = read_events()
    >>> score_events("BEIJING (AP) — Xi met Putin in the Great Hall of the People.",
    ...              events=events)
    {'2023-moscow': 0.0, '2024-beijing': 9.0}
    """
    scores = {e.id: 0.0 for e in events}
    dateline = parse_dateline(text)
    if dateline is not None:
        for e in events:
            if dateline.city.upper() in e.datelines:
                scores[e.id] += e.dateline_weight
    haystack = f"{title}\n{text}" if title else text
    folded = haystack.lower().replace("’", "'")
    for eid, cue, key, pattern in _matcher(tuple(events)):
        if key in folded and _found(pattern, folded):
            scores[eid] += cue.weight
    return scores


def assign_event(
    text: str,
    *,
    events: Sequence[Event],
    date: dt.date | None = None,
    title: str | None = None,
    doc_id: str | None = None,
    warn: bool = True,
) -> EventAssignment:
    """Decide which event a document covers.

    A ``date`` inside one event's window decides. Otherwise (no date, or a date outside every
    window, such as a page date months later) the dateline and cue phrases are scored with
    :func:`score_events`; the single highest positive score wins. A tie for the top score or no
    evidence at all gives ``event=None`` and, when ``warn``, a :class:`CorpusWarning` naming the
    document.

    Parameters
    ----------
    text : str
        Clean text of the document.
    events : sequence of Event
        From :func:`read_events`.
    date : datetime.date, optional
        The document's date, when known.
    title : str, optional
        The document's title, searched with the text.
    doc_id : str, optional
        Named in the warning.
    warn : bool
        Emit the warning (the loader collects them into one warning instead).

    Returns
    -------
    EventAssignment

    Examples
    --------
    >>> import datetime as dt
    >>> events = read_events()
    >>> assign_event("MOSCOW - Xi met Putin.", events=events, date=dt.date(2023, 3, 21)).source
    'date'
    >>> a = assign_event("RIGA, Latvia — Xi left the Grand Kremlin Palace.", events=events,
    ...                  date=dt.date(2023, 10, 2))
    >>> a.event, a.source
    ('2023-moscow', 'cues')
    >>> assign_event("Leaders met.", events=events, warn=False).event is None
    True
    """
    dateline = parse_dateline(text)
    if date is not None:
        if isinstance(date, dt.datetime):
            date = date.date()
        inside = [e for e in events if e.contains(date)]
        if len(inside) == 1:
            return EventAssignment(inside[0].id, "date", {}, dateline)
    scores = score_events(text, events=events, title=title)
    best = max(scores.values(), default=0.0)
    winners = [eid for eid, s in scores.items() if s == best]
    if best > 0 and len(winners) == 1:
        return EventAssignment(winners[0], "cues", scores, dateline)
    source = "tie" if best > 0 else "none"
    if warn:
        warnings.warn(
            _unassigned_message([doc_id or "document"], source, scores),
            CorpusWarning,
            stacklevel=2,
        )
    return EventAssignment(None, source, scores, dateline)


def _unassigned_message(
    doc_ids: Iterable[str], source: str, scores: dict[str, float] | None = None
) -> str:
    names = list(doc_ids)
    shown = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
    why = (
        "fits two events equally" if source == "tie" else "has no date in an event window and "
        "no dateline or cue of any event"
    )
    detail = f" (scores {scores})" if scores and len(names) == 1 else ""
    return (
        f"{shown}: {why}{detail}; event left missing. Give it an event in the manifest, or add "
        "cues or a date window to the events file."
    )
