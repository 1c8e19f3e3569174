"""Direct quotations and who is quoted.

Finding quotes (:func:`analysis.text.segment.quote_spans`, a segmentation of the text into
quotation spans), paragraph by paragraph:

* double quotation marks only: curly “ ” and straight ", plus « »; single marks (‘ ’) are
  treated as nested quotes or apostrophes, never as a quote of their own;
* a quote may span several sentences; a quote opened and never closed ends at the paragraph
  end, or earlier where an attribution follows a sentence end inside it
  (``“... our countries. said Xi.``, ``... aggressive. he wrote.``, ``... anyone. Russian news
  agency RIA Novosti stated``): scraped copy often loses closing marks. A new opening mark
  while a quote is open also ends the open quote there (or at such an attribution).

Finding the speaker (:func:`quotes`), first rule that names someone wins:

``after_speaker_verb``  ``“...,” Putin said`` / ``“...,” the Chinese leader said`` /
                        ``“...,” Xi told Putin`` / ``Putin was quoted as saying``
``after_verb_speaker``  ``“...,” said Blinken``
``quoted_as_saying``    ``“...,” Xinhua quoted the president as saying``
``before``              ``Xi said China “highly values” ...``, ``Putin called Xi his “dear
                        friend”`` (a speech verb earlier in the same sentence)
``according_to``        ``“detailed explanation” ..., according to Kremlin spokesman Dmitry
                        Peskov``
``same_sentence``       a further quote in a sentence whose earlier quote has a speaker
``same_paragraph``      a further quote later in the paragraph when nobody else is named or
                        speaks in between (``“...,” Kishida said. “I really feel ...”``)
``continuation``        a paragraph that opens with a quote right after a paragraph whose
                        quote was left open

A speaker is a named person or organisation, or nobody (``<NA>``); it is never guessed.
A subject is read as follows (:func:`speaker_words` holds the word lists):

* an actor-table form ending the subject (``resources/actors.csv``: "Xi" -> "Xi Jinping",
  "the Chinese leader" -> "Xi Jinping", "NATO") gives that actor when it is a person or an
  organisation; actors whose kind is a place (country, bloc ...) are not speakers, so
  "Moscow said" and "the United States said" have none;
* otherwise the capitalised name that ends the subject: not a function word or pronoun
  ("It", "We've"), not an adjective compound ("God-inspired"), without a sentence-opening
  common word, after its last title ("Governor Romney" -> "Romney", expanded to the one
  fuller name the document gives it, e.g. "Mitt Romney"); a name ending in an organisation
  head ("the Justice Department", "China's Foreign Ministry") is an organisation; a place
  or a plural/adjectival place form ("France", "Russians", ``resources/places.txt``) is
  nobody; a single word opening a sentence counts only if the document also writes it
  capitalised inside a sentence ("Officials said" names nobody);
* ``he``/``she``, a bare title ("the President") and singular descriptors ("the
  president") are resolved to the last *named person* who is the subject of a speech verb
  (quoted or not: "Blinken said on Monday that ... “...,” he told reporters" is Blinken),
  only within the same paragraph or the previous one, else nobody;
* pronouns other than he/she, passive subjects ("We've been called", "were told"),
  common-noun heads ("Russian officials", "the leaders"), coordinated names ("Putin and
  Xi") and places name nobody, and the quote does not inherit an earlier speaker.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": [
...     "“We are ready,” Putin said. Blinken said on Monday talks failed. “No,” he said."]})
>>> quotes(corpus)[["text", "speaker", "rule"]].values.tolist()
[['We are ready,', 'Vladimir Putin', 'after_speaker_verb'], ['No,', 'Antony Blinken', 'after_speaker_verb+carried']]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis import config
from analysis.corpus.validation import check_corpus
from analysis.corpus.wordlists import read_lines, resource_path
from analysis.errors import CorpusError
from analysis.stages import StageSource, stage_parts
from analysis.text.actors import ActorTable, actor_table, find_mentions
from analysis.text.segment import (
    SPEECH_VERBS,
    abbreviations,
    paragraph_spans,
    quote_spans,
    quoted_shares,
    sentence_spans,
)

__all__ = ["PLACE_KINDS", "UNATTRIBUTED", "SpeakerWords", "quote_spans", "quoted_shares",
           "quoted_speech", "quotes", "speaker_counts", "speaker_counts_from_store",
           "speaker_words"]

#: Label used for quotes without a speaker in summary tables.
UNATTRIBUTED = "(no speaker)"

_VERBS = SPEECH_VERBS
_VERB_RE = re.compile(rf"\b(?:{_VERBS})\b")
_ADVERBS = frozenset({"also", "then", "later", "further", "repeatedly", "again", "previously",
                      "once", "has", "had", "have", "would", "will", "reportedly", "earlier",
                      "recently"})
_WORD = r"[\w’'.\-]+"
_NAME = r"[A-Z][\w’'.\-]*(?:\s+(?:of\s+)?[A-Z][\w’'.\-]*){0,5}"
_AFTER_SUBJ_VERB = re.compile(
    rf"^\s*,?\s*(?P<subj>(?:{_WORD}\s+){{0,6}}?{_WORD})\s+"
    rf"(?:(?:{'|'.join(sorted(_ADVERBS))})\s+)?(?:(?:{_VERBS})\b|was\s+quoted\s+as\s+saying)"
)
_AFTER_VERB_SUBJ = re.compile(rf"^\s*,?\s*(?:{_VERBS})\s+(?P<subj>{_NAME})")
_QUOTED_AS = re.compile(
    rf"^\s*,?[^.!?“”\"]{{0,80}}?\bquoted\s+(?P<subj>(?:{_WORD}\s+){{0,4}}?{_WORD})\s+as\s+saying"
)
_ACCORDING = re.compile(r"^[^.!?“”\"]{0,120}?\baccording\s+to\s+(?P<subj>[^,.;:“”\"()]{1,80})")
# the subject before a speech verb: up to six words, each followed by spaces or tabs, that
# end right at the verb. Matched on the REVERSED text before the verb, so the regex does not
# try every start position of the window (as rf"((?:{_WORD}[ \t]+){{0,6}})$" searched
# forwards would; same words, about 40x faster)
_SUBJ_TAIL_REVERSED = re.compile(rf"(?:[ \t]+{_WORD}){{1,6}}")
# "Jens Stoltenberg, NATO’s secretary general, told ..."
_APPOSITIVE_TAIL = re.compile(
    r"(?P<subj>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})\s*,\s*[^,“”\"\n]{1,60},\s*$")
_PRONOUNS = frozenset({"he", "she"})
_PLURAL = frozenset({"they", "we", "you", "i", "both", "some", "many", "others"})
_ANAPHOR = re.compile(
    r"^(?:the|that|this)\s+(?:[a-z]+\s+){0,2}(?:president|leader|premier|minister|chancellor|"
    r"spokesman|spokeswoman|spokesperson|official|diplomat|envoy|secretary)$"
)
_POSSESSIVE = re.compile(r"[’']s$")


# --------------------------------------------------------------------------- speakers
_KIND_PERSON, _KIND_NAME, _KIND_ORG = "person", "name", "org"
#: kinds of a subject that name nobody and stop a quote inheriting an earlier speaker
_BLOCKING = frozenset({"place", "plural", "passive", "common", "pronoun_other"})
#: actor-table kinds that are places, never speakers ("Moscow said" has no speaker)
PLACE_KINDS = frozenset({"country", "bloc", "place", "region", "city", "state"})
_BE = frozenset({"is", "was", "were", "are", "been", "being", "be", "am", "get", "got",
                 "gets", "getting"})
_COORD = frozenset({"and", "&", "or", "nor", "both"})
_PARTICLES = frozenset({"of", "for", "de", "da", "di", "do", "dos", "das", "del", "della",
                        "van", "von", "der", "den", "ter", "bin", "ibn", "al", "el", "la",
                        "le", "du", "y"})
_CONTRACTIONS = frozenset({"s", "ve", "re", "ll", "d", "m", "t", ""})
# words scikit-learn lists as stop words that are also names or name particles
_NAMELIKE_STOP = frozenset({"bill", "de", "con", "mill", "fire"})
_FUNCTION = frozenset(ENGLISH_STOP_WORDS - _NAMELIKE_STOP)
_DEMONYM_SUFFIXES = ("ian", "ean", "ese", "ish", "an", "ic", "i")
_SENTENCE_BREAK = re.compile(r"[.!?][”\"’']?\s")
_TOKEN = re.compile(r"[\w’'.&\-]+")
_CAP_WORD = re.compile(r"\b[A-Z][\w’'\-]*")
_LOWER_WORD = re.compile(r"\b[a-z][\w’'\-]*")
_FULL_NAME = re.compile(r"\b[A-Z][\w’'\-]*[a-z][\w’'\-]*(?:[ \t]+[A-Z][\w’'\-]*[a-z][\w’'\-]*){1,3}")


@dataclass(frozen=True)
class SpeakerWords:
    """Word lists behind speaker resolution; build with :func:`speaker_words`.

    Attributes
    ----------
    titles : frozenset of str
        Titles before a name (lower case, no final period).
    after_titles : frozenset of str
        Words that are titles only right after another title ("general").
    org_heads : frozenset of str
        Head nouns of organisation names ("ministry", "party").
    places : frozenset of str
        Place names, lower case, without a leading "the".
    place_sorted : tuple of str
        ``places`` sorted, for prefix look-ups (plural and adjectival forms).
    """

    titles: frozenset[str]
    after_titles: frozenset[str]
    org_heads: frozenset[str]
    places: frozenset[str]
    place_sorted: tuple[str, ...]

    def is_place(self, name: str) -> bool:
        """True if ``name`` is a listed place or a plural/adjectival form of one.

        Examples
        --------
        >>> words = speaker_words()
        >>> [words.is_place(w) for w in ("the United States", "Russians", "French", "Obama")]
        [True, True, True, False]
        """
        key = _place_key(name)
        if key in self.places:
            return True
        if " " in key:
            return False
        base = key[:-1] if key.endswith("s") else key
        if base in self.places:
            return True
        for suffix in _DEMONYM_SUFFIXES:
            if base.endswith(suffix) and len(base) - len(suffix) >= 4:
                stem = base[: -len(suffix)]
                i = bisect.bisect_left(self.place_sorted, stem)
                if i < len(self.place_sorted) and self.place_sorted[i].startswith(stem):
                    return True
        return False


def _place_key(name: str) -> str:
    key = " ".join(name.replace("’", "'").split()).lower()
    return key[4:] if key.startswith("the ") else key


def speaker_words(titles: str | Path = "titles.txt",
                  places: str | Path = "places.txt") -> SpeakerWords:
    """Read the title/organisation-head list and the place list used to resolve speakers.

    Parameters
    ----------
    titles, places : str or Path
        Resource files (``analysis/resources/``) or paths to files of the same format.

    Returns
    -------
    SpeakerWords

    Examples
    --------
    >>> words = speaker_words()
    >>> "governor" in words.titles, "ministry" in words.org_heads, "france" in words.places
    (True, True, True)
    """
    t, p = resource_path(titles), resource_path(places)
    return _speaker_words(str(t), t.stat().st_mtime_ns, str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _speaker_words(titles: str, _t_mtime: int, places: str, _p_mtime: int) -> SpeakerWords:
    plain, after, orgs = set(abbreviations()[1]), set(), set()
    for line in read_lines(titles):
        parts = line.lower().split()
        word = parts[0].rstrip(".")
        flag = parts[1] if len(parts) > 1 else ""
        if flag not in ("", "after", "org"):
            raise CorpusError(f"{titles}: entry {line!r} has flag {flag!r}; use 'after', "
                              "'org' or nothing.")
        {"": plain, "after": after, "org": orgs}[flag].add(word)
    place_set = frozenset(_place_key(line) for line in read_lines(places))
    return SpeakerWords(frozenset(plain), frozenset(after), frozenset(orgs), place_set,
                        tuple(sorted(place_set)))


@dataclass
class _Speaker:
    name: str | None     # resolved speaker (None: unresolved)
    kind: str            # person, name, org, pronoun, anaphor, or a kind naming nobody
    surface: str

    @property
    def blocks(self) -> bool:
        """An explicit subject naming nobody: the quote inherits no earlier speaker."""
        return self.kind in _BLOCKING


@dataclass(frozen=True)
class _Doc:
    """What speaker resolution needs to know about one document."""

    text: str
    table: ActorTable
    words: SpeakerWords
    full_names: dict[str, str]     # one-word name -> the one longer name it is part of
    mid_caps: frozenset[str]       # words written capitalised inside a sentence
    lower_words: frozenset[str]    # words written in lower case somewhere
    resolved: dict = field(default_factory=dict)   # (subject, offset) -> _Speaker


def _is_initial(text: str, pos: int) -> bool:
    """True if the word at ``pos`` opens a sentence, a line or a quotation."""
    j = pos - 1
    while j >= 0 and text[j] in " \t\xa0":
        j -= 1
    if j < 0:
        return True
    c = text[j]
    if c == '"':
        return j == 0 or text[j - 1].isspace()   # an opening straight mark
    return not (c.isalnum() or c in ",;”’)%")


def _base(token: str) -> tuple[str, str]:
    """``("It", "s")`` for "It's": the word before an apostrophe and what follows it."""
    cut = token.find("'")
    curly = token.find("’")
    if curly >= 0 and (cut < 0 or curly < cut):
        cut = curly
    if cut < 0:
        return token, ""
    return token[:cut], token[cut + 1:].lower()


@lru_cache(maxsize=1 << 16)
def _name_like(token: str) -> bool:
    """A capitalised word that is not a function word ("It", "We've") nor an adjective
    compound with a lower-case part ("God-inspired")."""
    if not token[:1].isupper():
        return False
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True   # an acronym: "US", "NATO", "U.S." ("us" is a pronoun, "US" is not)
    base, rest = _base(token.rstrip("."))
    if base.lower() in _FUNCTION and rest in _CONTRACTIONS:
        return False
    return all(part[:1].isupper() or part[:1].isdigit() for part in base.split("-")[1:])


def _mid_caps(text: str) -> set[str]:
    """Capitalised words (before any apostrophe) written somewhere not opening a sentence."""
    mid: set[str] = set()
    add = mid.add
    for m in _CAP_WORD.finditer(text):
        pos = m.start()
        if pos >= 2 and text[pos - 1] == " ":
            # the common case of _is_initial: one space after a word or a comma
            c = text[pos - 2]
            if c.isalnum() or c in ",;”’)%":
                add(m.group())
                continue
            if c not in " \t\xa0\"":
                continue
        if not _is_initial(text, pos):
            add(m.group())
    return {_base(w)[0] for w in mid}


def _doc_context(text: str, table: ActorTable, words: SpeakerWords) -> _Doc:
    mid = _mid_caps(text)
    lower = set(_LOWER_WORD.findall(text))
    candidates: dict[str, set[str]] = {}
    for m in _FULL_NAME.finditer(text):
        toks = m.group().split()
        starts = [m.start() + m.group().index(t) for t in toks]
        k = 0
        while k < len(toks) and (not _name_like(toks[k]) or toks[k].lower() in words.titles
                                 or (_is_initial(text, starts[k])
                                     and toks[k].lower() in lower)):
            k += 1
        toks = [_base(t)[0] for t in toks[k:]]
        if (len(toks) < 2 or any(t.lower() in words.titles or t.lower() in words.org_heads
                                 for t in toks)
                or words.is_place(" ".join(toks))):
            continue
        full = " ".join(toks)
        for part in (toks[0], toks[-1]):
            candidates.setdefault(part, set()).add(full)
    full_names = {k: next(iter(v)) for k, v in candidates.items() if len(v) == 1}
    return _Doc(text, table, words, full_names, frozenset(mid), frozenset(lower))


def _clean_subject(subj: str) -> str:
    words = subj.split()
    while words and words[-1].lower() in _ADVERBS:
        words.pop()
    return " ".join(words)


def _kind_of_actor(actor: str, table: ActorTable) -> str:
    kind = table.kinds.get(actor, "other")
    if kind == "person":
        return _KIND_PERSON
    return "place" if kind in PLACE_KINDS else _KIND_ORG


def _resolve(subj: str, at: int, doc: _Doc) -> _Speaker:
    """:func:`_resolve_subject`, once per subject and offset of a document."""
    key = (subj, at)
    found = doc.resolved.get(key)
    if found is None:
        found = doc.resolved[key] = _resolve_subject(subj, at, doc)
    return found


def _resolve_subject(subj: str, at: int, doc: _Doc) -> _Speaker:
    """Who the subject ``subj`` (starting at offset ``at`` of the text) names, if anyone.

    A speaker is a named person or organisation: the actor table's persons and non-place
    actors, or a capitalised name ending the subject that is not a function word, a place
    or a plural/adjectival place form. "he"/"she", a bare title ("the President") and
    "the Chinese leader"-type descriptors are returned for carrying over; pronouns, passive
    subjects ("We've been called"), common-noun heads ("Russian officials"), coordinated
    names ("Putin and Xi") and places name nobody.
    """
    offset = at + (len(subj) - len(subj.lstrip()))
    subj = _clean_subject(subj.strip())
    toks = [(m.group(), offset + m.start()) for m in _TOKEN.finditer(subj)]
    if not toks:
        return _Speaker(None, "none", subj)
    last = toks[-1][0].rstrip(".,")
    last_base, last_rest = _base(last)
    if last.lower() in _BE:
        return _Speaker(None, "passive", subj)
    if last_base.lower() in _PRONOUNS and last_rest in _CONTRACTIONS:
        return _Speaker(None, "pronoun", subj)
    if last_base.lower() in _FUNCTION and last_rest in _CONTRACTIONS:
        plural_or_pronoun = last_base.lower() in _PLURAL or last_base.lower() in (
            "it", "this", "these", "those", "everyone", "someone", "nobody", "everybody")
        return _Speaker(None, "pronoun_other" if plural_or_pronoun else "none", subj)
    table, words = doc.table, doc.words
    if _name_like(last) and last.lower() in words.org_heads:   # "the Justice Department"
        run = _name_run(toks)
        if run and not (run[0] > 0 and toks[run[0] - 1][0].lower() in _COORD):
            return _Speaker(_display([toks[i][0] for i in run]), _KIND_ORG, subj)
    # an actor-table form that ends the subject ("US Secretary of State Antony Blinken",
    # "the Chinese leader", "NATO")
    end = len(subj.rstrip(" .,"))
    mentions = [m for m in find_mentions(subj, aliases=table) if m[1] == end]
    if mentions:
        start, _, actor = mentions[-1]
        before = subj[:start].split()
        if before and before[-1].lower() in _COORD:
            return _Speaker(None, "plural", subj)
        kind = _kind_of_actor(actor, table)
        row = table.row_of(subj[start:end])
        if kind == "place" and row is not None and row[1] not in PLACE_KINDS:
            # an institution row of a place actor: "the Kremlin" speaks, Russia does not
            return _Speaker(row[0], _KIND_ORG, subj)
        run = _name_run(toks)
        first = next((i for i in run if toks[i][1] >= offset + start), None)
        # "Dr. Jill Biden" is not the table's "Biden"; "Michael Jordan" is not the country
        other_name = (first is not None and first > run[0]
                      and toks[first - 1][0].lower().rstrip(".") not in words.titles
                      and (kind == "place" or first == run[-1]))
        if not other_name:
            return _Speaker(actor if kind != "place" else None, kind, subj)
    if not _name_like(last):
        if _ANAPHOR.match(subj.lower()) or (last.lower() in words.titles and len(toks) > 1
                                             and toks[0][0].lower() in ("the", "this", "that")):
            return _Speaker(None, "anaphor", subj)
        return _Speaker(None, "common", subj)
    run = _name_run(toks)
    if run[0] > 0 and toks[run[0] - 1][0].lower() in _COORD:
        return _Speaker(None, "plural", subj)
    names = [toks[i] for i in run]
    # a sentence-opening common word ("Yesterday Putin said") is not part of the name
    while (len(names) > 1 and _is_initial(doc.text, names[0][1])
           and names[0][0].lower() in doc.lower_words and names[0][0] not in doc.mid_caps):
        names = names[1:]
    surface = [t for t, _ in names]
    titled = [i for i, t in enumerate(surface)
              if t.lower().rstrip(".") in words.titles
              or (i > 0 and t.lower() in words.after_titles
                  and surface[i - 1].lower().rstrip(".") in words.titles)]
    if titled:
        rest = surface[titled[-1] + 1:]
        if rest and rest[0].lower() == "of":  # "Secretary of State Antony Blinken"
            rest = rest[1:]
            rest = rest[-2:] if len(rest) > 2 else rest
        if not rest:
            return _Speaker(None, "anaphor", subj)
        surface = rest
    name = _display(surface)
    actor = table.actor_of(name)
    if actor is not None:
        kind = _kind_of_actor(actor, table)
        return _Speaker(actor if kind != "place" else None, kind, subj)
    if len(surface) == 1:
        if name in doc.full_names:
            name = doc.full_names[name]
        elif not titled and name not in doc.mid_caps:
            return _Speaker(None, "common", subj)  # "Officials said": no sign it is a name
    if not titled and (words.is_place(name) or words.is_place(_display([t for t, _ in names]))):
        return _Speaker(None, "place", subj)
    return _Speaker(name, _KIND_NAME, subj)


def _name_run(toks: list[tuple[str, int]]) -> list[int]:
    """Indices of the capitalised name ending the subject (particles allowed inside)."""
    i = len(toks) - 1
    if i < 0 or not _name_like(toks[i][0].rstrip(".,")):
        return []
    j = i
    while j > 0:
        word = toks[j - 1][0]
        if _name_like(word):
            j -= 1
        elif word.lower() in _PARTICLES and j >= 2 and _name_like(toks[j - 2][0]):
            j -= 2
        else:
            break
    return list(range(j, i + 1))


def _display(tokens: list[str]) -> str:
    """Tokens joined, without a trailing possessive or sentence period ("U.S." kept)."""
    name = " ".join(tokens).rstrip(",")
    if name.endswith(".") and "." not in name[:-1].split()[-1]:
        name = name[:-1]
    return _POSSESSIVE.sub("", name)


def _subject_before(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """Subject words right before a speech verb at ``hi`` (searching back to ``lo``)."""
    lo = max(lo, hi - 160)
    # "$" of the forward pattern also matches before a final newline
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi
    tail = _SUBJ_TAIL_REVERSED.match(text[lo:end][::-1])
    if tail is not None:
        return text[end - tail.end():end], end - tail.end()
    app = _APPOSITIVE_TAIL.search(text, lo, hi)
    if app is not None:
        return app.group("subj"), app.start("subj")
    return None


def _sentence_of(starts: list[int], ends: list[int], at: int) -> int:
    i = bisect.bisect_right(starts, at) - 1
    return max(i, 0)


def _speech_events(doc: _Doc) -> tuple[list[int], list[str]]:
    """Positions and names of named persons who are the subject of a speech verb.

    A speech verb inside reported speech ("Trump said Kim had insisted ...") is skipped:
    the sentence's speaker, and the antecedent of a following "he said", is Trump.
    """
    pos, who = [], []
    for m in _VERB_RE.finditer(doc.text):
        found = _subject_before(doc.text, 0, m.start())
        if found is None or _VERB_RE.search(_SENTENCE_BREAK.split(found[0])[-1]) is not None:
            continue
        sp = _resolve(found[0], found[1], doc)
        if sp.kind in (_KIND_PERSON, _KIND_NAME) and sp.name is not None:
            pos.append(m.start())
            who.append(sp.name)
    return pos, who


def _attribute_doc(text: str, table: ActorTable, words: SpeakerWords,
                   sents: list[tuple[int, int, int]] | None = None) -> list[dict]:
    qspans = quote_spans(text)
    if not qspans:
        return []
    if sents is None:
        sents = sentence_spans(text)
    s_starts = [s for _, s, _ in sents]
    s_ends = [e for _, _, e in sents]
    p_starts = [s for s, _ in paragraph_spans(text)]
    doc = _doc_context(text, table, words)
    events: list = []   # the speech events, found on first need (many documents never do)

    def speech_events() -> tuple[list[int], list[str], list[int]]:
        if not events:
            ev_pos, ev_who = _speech_events(doc)
            events.extend([ev_pos, ev_who, [bisect.bisect_right(p_starts, p) - 1
                                            for p in ev_pos]])
        return events[0], events[1], events[2]

    def carry(at: int) -> str | None:
        """The last named person speaking before ``at`` in its paragraph or the one before."""
        ev_pos, ev_who, ev_para = speech_events()
        i = bisect.bisect_left(ev_pos, at) - 1
        para_at = bisect.bisect_right(p_starts, at) - 1
        return ev_who[i] if i >= 0 and ev_para[i] >= para_at - 1 else None

    rows: list[dict] = []
    prev_end = 0
    for qi, (qs, qe, closed, para) in enumerate(qspans):
        si = _sentence_of(s_starts, s_ends, qs)
        sj = _sentence_of(s_starts, s_ends, max(qe - 1, qs))
        sent_start = s_starts[si] if sents else 0
        sent_end = s_ends[sj] if sents else len(text)
        after = text[qe:max(sent_end, qe)]
        before_from = max(sent_start, prev_end)
        speaker, rule, surface = None, "none", ""
        candidates: list[tuple[str, str, int]] = []
        if (m := _AFTER_VERB_SUBJ.match(after)) is not None:
            candidates.append(("after_verb_speaker", m.group("subj"), qe + m.start("subj")))
        if (m := _AFTER_SUBJ_VERB.match(after)) is not None:
            candidates.append(("after_speaker_verb", m.group("subj"), qe + m.start("subj")))
        if (m := _QUOTED_AS.match(after)) is not None:
            candidates.append(("quoted_as_saying", m.group("subj"), qe + m.start("subj")))
        for vm in reversed(list(_VERB_RE.finditer(text, before_from, qs))):
            found = _subject_before(text, before_from, vm.start())
            if found is not None:
                candidates.append(("before", *found))
        if (m := _ACCORDING.match(after)) is not None:
            candidates.append(("according_to", m.group("subj"), qe + m.start("subj")))
        blocked = False  # an explicit subject that names nobody ("they", "the leaders")
        for rule_name, subj, at in candidates:
            sp = _resolve(subj, at, doc)
            if sp.kind in ("pronoun", "anaphor"):
                speaker = carry(at)
                surface = sp.surface
                rule = rule_name + "+carried" if speaker is not None else "none"
                blocked = True
                break
            if sp.name is not None:
                speaker, rule, surface = sp.name, rule_name, sp.surface.rstrip(".,")
                break
            blocked = blocked or sp.blocks
        if speaker is None and rows and not blocked:
            last = rows[-1]
            if last["speaker"] is not None and last["_sentence"] == si:
                speaker, rule, surface = last["speaker"], "same_sentence", last["speaker_text"]
            elif (last["speaker"] is not None and not last["closed"]
                  and last["paragraph"] == para - 1
                  and not text[text.rfind("\n", 0, qs) + 1:qs].strip()):
                speaker, rule, surface = last["speaker"], "continuation", last["speaker_text"]
            elif (last["speaker"] is not None and last["paragraph"] == para
                  and _only_speaker_between(text, last["end"], qs, last["speaker"], table,
                                            *speech_events()[:2])):
                speaker, rule, surface = last["speaker"], "same_paragraph", last["speaker_text"]
        end_inner = qe - 1 if closed else qe
        rows.append({"quote": qi, "text": text[qs + 1:end_inner].strip(), "start": qs, "end": qe,
                     "closed": closed, "paragraph": para, "speaker": speaker,
                     "speaker_text": surface, "rule": rule, "_sentence": si})
        prev_end = qe
    return rows


def _only_speaker_between(text: str, lo: int, hi: int, speaker: str, table: ActorTable,
                          ev_pos: list[int], ev_who: list[str]) -> bool:
    """True if no person other than ``speaker`` is named or speaks between ``lo`` and ``hi``."""
    between = text[lo:hi]
    persons = {a for _, _, a in find_mentions(between, aliases=table)
               if table.kinds.get(a) == "person"}
    if persons - {speaker}:
        return False
    i, j = bisect.bisect_left(ev_pos, lo), bisect.bisect_left(ev_pos, hi)
    return all(w == speaker for w in ev_who[i:j])


def quotes(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
           aliases: str | Path | None = None, sents: pd.DataFrame | None = None,
           ) -> pd.DataFrame:
    """Direct quotations in each document with their speakers.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column carried through.
    aliases : str or Path, optional
        Actor alias table used to canonicalise speakers (default ``resources/actors.csv``).
    sents : DataFrame, optional
        The corpus's sentences (:func:`analysis.text.segment.sentences`: ``doc_id``, ``paragraph``,
        ``start``, ``end``): their boundaries are used instead of splitting each document
        again with the untrained tokenizer, so quotes and sentences share one segmentation
        and the text is split once.

    Returns
    -------
    DataFrame
        One row per quotation: ``doc_id``, group, ``quote`` (0-based in doc), ``text`` (the
        words inside the marks), ``start``, ``end`` (offsets of the quotation including its
        marks in the clean text), ``closed`` (False when the closing mark was missing),
        ``paragraph``, ``speaker`` (canonical name, ``<NA>`` when no pattern supports one),
        ``speaker_text`` (the words the speaker was read from), ``rule`` (which pattern;
        "+carried" marks he/she/"the president" resolved to the last named speaker) and
        ``n_chars`` (length of ``text``).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["Xi said China “highly values” ties. They called it “historic”."]})
    >>> quotes(corpus)[["text", "speaker", "rule"]].values.tolist()
    [['highly values', 'Xi Jinping', 'before'], ['historic', <NA>, 'none']]
    """
    check_corpus(corpus, group=group)
    table = actor_table(aliases)
    words = speaker_words()
    gname = group if group is not None else "group"
    groups = corpus[group].tolist() if group is not None else [pd.NA] * len(corpus)
    spans_of: dict = {}
    if sents is not None:
        cols = sents[["paragraph", "start", "end"]].to_numpy(dtype=np.int64)
        for doc_id, idx in sents.groupby("doc_id", sort=False).indices.items():
            spans_of[doc_id] = [tuple(row) for row in cols[idx].tolist()]
    records = []
    for doc_id, grp, text in zip(corpus["doc_id"].tolist(), groups, corpus["text"].tolist(),
                                 strict=True):
        text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
        spans = spans_of.get(doc_id, []) if sents is not None else None
        for row in _attribute_doc(text, table, words, spans):
            row.pop("_sentence")
            records.append({"doc_id": doc_id, gname: grp, **row})
    cols = ["doc_id", gname, "quote", "text", "start", "end", "closed", "paragraph", "speaker",
            "speaker_text", "rule"]
    frame = pd.DataFrame(records, columns=cols)
    frame = frame.astype({"quote": "int64", "start": "int64", "end": "int64",
                          "paragraph": "int64", "closed": "bool", "text": "string",
                          "speaker": "string", "speaker_text": "string", "rule": "string"})
    frame["doc_id"] = frame["doc_id"].astype(corpus["doc_id"].dtype)
    if group is not None:
        frame[group] = frame[group].astype(corpus[group].dtype)
    frame["n_chars"] = frame["text"].str.len().astype("int64")
    return frame


def speaker_counts(quote_frame: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                   ) -> pd.DataFrame:
    """Who is quoted how often in each group.

    Parameters
    ----------
    quote_frame : DataFrame
        Output of :func:`quotes`.
    group : str, default "event"
        Grouping column.

    Returns
    -------
    DataFrame
        One row per group and speaker (quotes without a speaker as ``UNATTRIBUTED``):
        ``quotes`` (number of quotations), ``chars`` (their length), ``share`` (of the group's
        quotations), ``n_docs`` (documents quoting the speaker) and ``group_docs`` (documents
        with any quotation in the group). Sorted by group, then ``quotes`` descending.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "x"],
    ...     "text": ["“Yes,” Xi said. “No,” said Putin.", "“Maybe,” Xi said. “Hm.”"]})
    >>> speaker_counts(quotes(corpus))[["speaker", "quotes", "share", "n_docs"]].values.tolist()
    [['Xi Jinping', 3, 0.75, 2], ['Vladimir Putin', 1, 0.25, 1]]
    """
    for col in ("doc_id", group, "speaker", "n_chars"):
        if col not in quote_frame.columns:
            raise CorpusError(f"quote table has no column {col!r}; pass the output of "
                              "analysis.quotes(corpus, group=...).")
    return _speaker_table(_speaker_documents(quote_frame, group=group), group=group)


def speaker_counts_from_store(store: StageSource, *, group: str | None = None) -> pd.DataFrame:
    """:func:`speaker_counts` of a store's quotations, read one part file at a time.

    Each part is reduced to one row per group x speaker x document before the next is read.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "x"],
    ...     "text": ["“Yes,” Xi said. “No,” said Putin.", "“Maybe,” Xi said. “Hm.”"]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> speaker_counts_from_store(store)[["speaker", "quotes", "share", "n_docs"]].values.tolist()
    [['Xi Jinping', 3, 0.75, 2], ['Vladimir Putin', 1, 0.25, 1]]
    """
    group = store.group if group is None else group
    parts = [_speaker_documents(part, group=group) for part in
             stage_parts(store, "quotes", columns=["speaker", "n_chars"], group=group)]
    full = [p for p in parts if len(p)]
    return _speaker_table(pd.concat(full or parts[:1], ignore_index=True), group=group)


def _speaker_documents(quote_frame: pd.DataFrame, *, group: str) -> pd.DataFrame:
    """Quotations and their characters per group x speaker x document."""
    frame = quote_frame.dropna(subset=[group]).assign(
        speaker=quote_frame["speaker"].fillna(UNATTRIBUTED).astype(str))
    return (frame.groupby([group, "speaker", "doc_id"], sort=True)
            .agg(quotes=("doc_id", "size"), chars=("n_chars", "sum")).reset_index())


def _speaker_table(per_doc: pd.DataFrame, *, group: str) -> pd.DataFrame:
    out = (per_doc.groupby([group, "speaker"], sort=True)
           .agg(quotes=("quotes", "sum"), chars=("chars", "sum"),
                n_docs=("doc_id", "nunique"))
           .reset_index())
    totals = out.groupby(group)["quotes"].transform("sum")
    out["share"] = (out["quotes"] / totals).round(4)
    out["group_docs"] = out[group].map(per_doc.groupby(group)["doc_id"].nunique()).astype("int64")
    out = out.sort_values([group, "quotes", "speaker"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
    return out[[group, "speaker", "quotes", "chars", "share", "n_docs", "group_docs"]]


def quoted_speech(sents: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                  n_boot: int = config.N_BOOT, level: float = config.CI_LEVEL,
                  random_state: int = config.RANDOM_STATE,
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Share of each group's text (characters) that lies inside quotation marks.

    Parameters
    ----------
    sents : DataFrame
        Output of :func:`analysis.sentences` (needs ``quoted_share``, ``start``, ``end``).
    group : str, default "event"
        Grouping column.
    n_boot, level, random_state
        Passed to :func:`analysis.measures.stats.cluster_bootstrap` (documents, then sentences).

    Returns
    -------
    summary : DataFrame
        Per group: ``estimate`` (pooled character share), ``ci_low``, ``ci_high``,
        ``n_docs``, ``n_units`` (sentences).
    per_document : DataFrame
        ``doc_id``, group, ``quoted_share`` (character share of that document).

    Examples
    --------
    >>> from analysis.text.segment import sentences
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
    ...     "text": ["“All quoted.”", "Nothing quoted.", "Half “quoted”"]})
    >>> summary, docs = quoted_speech(sentences(corpus), n_boot=50)
    >>> docs["quoted_share"].round(3).tolist(), summary["n_docs"].tolist()
    ([1.0, 0.0, 0.615], [2, 1])
    """
    from analysis.measures.stats import cluster_bootstrap

    frame = sents.assign(n_chars=(sents["end"] - sents["start"]).astype("float64"))
    frame = frame.assign(quoted_chars=frame["quoted_share"] * frame["n_chars"])
    docs = (frame.groupby(["doc_id", group], sort=True, dropna=False)
            .agg(quoted_chars=("quoted_chars", "sum"), n_chars=("n_chars", "sum"))
            .reset_index())
    docs["quoted_share"] = docs["quoted_chars"] / docs["n_chars"].where(docs["n_chars"] > 0)
    summary = cluster_bootstrap(frame, value="quoted_share", group=group, weights="n_chars",
                                weight="unit", n_boot=n_boot, level=level,
                                random_state=random_state)
    return summary, docs[["doc_id", group, "quoted_share"]]
