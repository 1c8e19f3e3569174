"""Direct quotations and who is quoted.

Finding quotes (:func:`quote_spans`), paragraph by paragraph:

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

A subject is resolved to a speaker through the actor table (``resources/actors.csv``; persons
first: "Xi" -> "Xi Jinping", "the Chinese leader" -> "Xi Jinping"), else to the capitalised
name in it (a surname seen earlier with a first name in the same document is expanded:
"Podolyak" -> "Mykhailo Podolyak"), else to a non-person actor ("the Kremlin" -> "Russia").
``he``/``she`` and singular descriptors ("the president") are carried over from the nearest
preceding *named person* who is the subject of a speech verb in the same document (quoted or
not: "Blinken said on Monday that ... “...,” he told reporters" is Blinken). Plural subjects
("the leaders", "they") and quotes with no supporting pattern get a missing speaker
(``<NA>``): a speaker is never guessed.

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis import config
from analysis.actors import ActorTable, actor_table, find_mentions
from analysis.segment import check_corpus, paragraph_spans, sentence_spans

__all__ = ["UNATTRIBUTED", "quote_spans", "quoted_shares", "quoted_speech", "quotes",
           "speaker_counts"]

#: Label used for quotes without a speaker in summary tables.
UNATTRIBUTED = "(no speaker)"

_OPEN = "“«"
_CLOSE = "”»"
_MARKS = re.compile(r"[“”«»\"]")
_VERBS = (
    r"said|says|say|stated|states|told|tells|added|adds|wrote|writes|asked|asks|noted|"
    r"notes|declared|insisted|stressed|urged|warned|explained|tweeted|replied|commented|"
    r"announced|argued|claimed|described|called|greeted|proclaimed|remarked|responded"
)
_VERB_RE = re.compile(rf"\b(?:{_VERBS})\b")
_ADVERBS = frozenset({"also", "then", "later", "further", "repeatedly", "again", "previously",
                      "once", "has", "had", "have", "would", "will", "reportedly", "earlier",
                      "recently"})
_WORD = r"[\w’'.\-]+"
_NAME = r"[A-Z][\w’'.\-]*(?:\s+(?:of\s+)?[A-Z][\w’'.\-]*){0,5}"
# attribution right after a sentence end inside a quote that was never closed
_BREAK = re.compile(
    rf"(?<=[.!?,])\s+(?=(?:{_VERBS})\s+[A-Z]|(?:he|she|they)\s+(?:\w+\s+)?(?:{_VERBS})\b"
    rf"|[A-Z][\w’'.\-]*(?:\s+{_WORD}){{0,5}}\s+(?:{_VERBS})\b)"
)
_AFTER_SUBJ_VERB = re.compile(
    rf"^\s*,?\s*(?P<subj>(?:{_WORD}\s+){{0,6}}?{_WORD})\s+"
    rf"(?:(?:{'|'.join(sorted(_ADVERBS))})\s+)?(?:(?:{_VERBS})\b|was\s+quoted\s+as\s+saying)"
)
_AFTER_VERB_SUBJ = re.compile(rf"^\s*,?\s*(?:{_VERBS})\s+(?P<subj>{_NAME})")
_QUOTED_AS = re.compile(
    rf"^\s*,?[^.!?“”\"]{{0,80}}?\bquoted\s+(?P<subj>(?:{_WORD}\s+){{0,4}}?{_WORD})\s+as\s+saying"
)
_ACCORDING = re.compile(r"^[^.!?“”\"]{0,120}?\baccording\s+to\s+(?P<subj>[^,.;:“”\"()]{1,80})")
_NAME_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\.[A-Z]\.?)?(?:\s+[A-Z][\w’'\-]*)*")
_SUBJ_TAIL = re.compile(rf"((?:{_WORD}[ \t]+){{0,6}})$")
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


# --------------------------------------------------------------------------- spans
def quote_spans(text: str) -> list[tuple[int, int, bool, int]]:
    """``(start, end, closed, paragraph)`` of each direct quotation in ``text``.

    ``text[start:end]`` includes the marks (no closing mark when ``closed`` is False).

    Examples
    --------
    >>> t = "“Yes,” he said. “It is late. said Xi. Then he left.\\n\\n“Open"
    >>> [(t[s:e], c) for s, e, c, _ in quote_spans(t)]
    [('“Yes,”', True), ('“It is late.', False), ('“Open', False)]
    """
    out: list[tuple[int, int, bool, int]] = []
    for p, (pstart, pend) in enumerate(paragraph_spans(text)):
        open_at: int | None = None
        for m in _MARKS.finditer(text, pstart, pend):
            ch, pos = m.group(), m.start()
            if open_at is None:
                if ch in _OPEN or ch == '"':
                    open_at = pos
            elif ch in _CLOSE or ch == '"':
                out.append((open_at, pos + 1, True, p))
                open_at = None
            elif ch in _OPEN:
                out.append((open_at, _unclosed_end(text, open_at, pos), False, p))
                open_at = pos
        if open_at is not None:
            out.append((open_at, _unclosed_end(text, open_at, pend), False, p))
    return out


def _unclosed_end(text: str, start: int, limit: int) -> int:
    m = _BREAK.search(text, start + 1, limit)
    end = m.start() if m is not None else limit
    return start + len(text[start:end].rstrip())


def quoted_shares(text: str, spans: list[tuple[int, int]],
                  quoted: list[tuple[int, int, bool, int]] | None = None) -> np.ndarray:
    """Share of each ``(start, end)`` span's characters that lie inside quotation marks.

    Examples
    --------
    >>> t = "He said “yes” today."
    >>> quoted_shares(t, [(0, len(t))]).round(3).tolist()
    [0.25]
    """
    quoted = quote_spans(text) if quoted is None else quoted
    if not spans:
        return np.zeros(0)
    s = np.array([a for a, _ in spans], dtype="int64")[:, None]
    e = np.array([b for _, b in spans], dtype="int64")[:, None]
    if not quoted:
        return np.zeros(len(spans))
    qs = np.array([q[0] for q in quoted], dtype="int64")[None, :]
    qe = np.array([q[1] for q in quoted], dtype="int64")[None, :]
    overlap = np.clip(np.minimum(e, qe) - np.maximum(s, qs), 0, None).sum(axis=1)
    length = (e - s).ravel()
    return np.where(length > 0, overlap / np.maximum(length, 1), 0.0)


# --------------------------------------------------------------------------- speakers
@dataclass
class _Speaker:
    name: str | None     # resolved speaker (None: unresolved)
    kind: str            # person, name, actor, pronoun, anaphor, none
    surface: str


def _clean_subject(subj: str) -> str:
    words = subj.split()
    while words and words[-1].lower() in _ADVERBS:
        words.pop()
    return " ".join(words)


def _resolve(subj: str, table: ActorTable, full_names: dict[str, str]) -> _Speaker:
    subj = _clean_subject(subj.strip())
    if not subj:
        return _Speaker(None, "none", subj)
    words = subj.split()
    if words[-1].lower() in _PRONOUNS:
        return _Speaker(None, "pronoun", subj)
    found = find_mentions(subj, aliases=table)
    persons = [a for _, _, a in found if table.kinds.get(a) == "person"]
    if persons:
        return _Speaker(persons[-1], "person", subj)
    runs = []
    for m in _NAME_RUN.finditer(subj):
        parts = m.group().split()
        while parts and parts[0].lower().strip("’'") in ENGLISH_STOP_WORDS:
            parts.pop(0)
        if parts:
            runs.append(" ".join(parts))
    if runs:
        name = _POSSESSIVE.sub("", runs[-1])
        actor = table.actor_of(name)
        if actor is not None:
            return _Speaker(actor, "actor" if table.kinds.get(actor) != "person" else "person",
                            subj)
        if found:
            return _Speaker(found[-1][2], "actor", subj)
        if " " not in name and name in full_names:
            name = full_names[name]
        return _Speaker(name, "name", subj)
    if found:
        return _Speaker(found[-1][2], "actor", subj)
    if _ANAPHOR.match(subj.lower()):
        return _Speaker(None, "anaphor", subj)
    return _Speaker(None, "none", subj)


def _is_real_subject(subj: str) -> bool:
    """A subject with a content word or a plural pronoun (not just "and", "which")."""
    return any(w.lower() not in ENGLISH_STOP_WORDS or w.lower() in _PLURAL
               for w in re.findall(r"[\w’']+", subj))


def _full_names(text: str) -> dict[str, str]:
    """Surname -> "First Last" for capitalised two/three-word names in the text."""
    names: dict[str, str] = {}
    for m in re.finditer(r"\b([A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+){1,2})\b", text):
        parts = m.group(1).split()
        if parts[0].lower() in ENGLISH_STOP_WORDS:
            continue
        names.setdefault(parts[-1], m.group(1))
    return names


def _speech_events(text: str, table: ActorTable, full_names: dict[str, str],
                   ) -> tuple[list[int], list[str]]:
    """Positions and names of named persons who are subjects of a speech verb."""
    pos, who = [], []
    for m in _VERB_RE.finditer(text):
        found = _subject_before(text, 0, m.start())
        if found is None:
            continue
        sp = _resolve(found[0], table, full_names)
        if sp.kind in ("person", "name") and sp.name is not None:
            pos.append(m.start())
            who.append(sp.name)
    return pos, who


def _subject_before(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """Subject words right before a speech verb at ``hi`` (searching back to ``lo``)."""
    lo = max(lo, hi - 160)
    tail = _SUBJ_TAIL.search(text, lo, hi)
    if tail is not None and tail.group(1).strip():
        return tail.group(1), tail.start(1)
    app = _APPOSITIVE_TAIL.search(text, lo, hi)
    if app is not None:
        return app.group("subj"), app.start("subj")
    return None


def _sentence_of(starts: list[int], ends: list[int], at: int) -> int:
    i = bisect.bisect_right(starts, at) - 1
    return max(i, 0)


def _attribute_doc(text: str, table: ActorTable) -> list[dict]:
    qspans = quote_spans(text)
    if not qspans:
        return []
    sents = sentence_spans(text)
    s_starts = [s for _, s, _ in sents]
    s_ends = [e for _, _, e in sents]
    names = _full_names(text)
    ev_pos, ev_who = _speech_events(text, table, names)

    def carry(at: int) -> str | None:
        i = bisect.bisect_left(ev_pos, at) - 1
        return ev_who[i] if i >= 0 else None

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
            sp = _resolve(subj, table, names)
            if sp.kind in ("pronoun", "anaphor"):
                speaker, rule, surface = carry(at), rule_name + "+carried", sp.surface
                break
            if sp.name is not None:
                speaker, rule, surface = sp.name, rule_name, sp.surface.rstrip(".,")
                break
            blocked = blocked or _is_real_subject(sp.surface)
        if speaker is None and rule == "none" and rows and not blocked:
            last = rows[-1]
            if last["speaker"] is not None and last["_sentence"] == si:
                speaker, rule, surface = last["speaker"], "same_sentence", last["speaker_text"]
            elif (last["speaker"] is not None and not last["closed"]
                  and last["paragraph"] == para - 1
                  and not text[text.rfind("\n", 0, qs) + 1:qs].strip()):
                speaker, rule, surface = last["speaker"], "continuation", last["speaker_text"]
            elif (last["speaker"] is not None and last["paragraph"] == para
                  and _only_speaker_between(text, last["end"], qs, last["speaker"], table,
                                            names, ev_pos, ev_who)):
                speaker, rule, surface = last["speaker"], "same_paragraph", last["speaker_text"]
        end_inner = qe - 1 if closed else qe
        rows.append({"quote": qi, "text": text[qs + 1:end_inner].strip(), "start": qs, "end": qe,
                     "closed": closed, "paragraph": para, "speaker": speaker,
                     "speaker_text": surface, "rule": rule, "_sentence": si})
        prev_end = qe
    return rows


def _only_speaker_between(text: str, lo: int, hi: int, speaker: str, table: ActorTable,
                          names: dict[str, str], ev_pos: list[int], ev_who: list[str]) -> bool:
    """True if no person other than ``speaker`` is named or speaks between ``lo`` and ``hi``."""
    between = text[lo:hi]
    persons = {a for _, _, a in find_mentions(between, aliases=table)
               if table.kinds.get(a) == "person"}
    if persons - {speaker}:
        return False
    i, j = bisect.bisect_left(ev_pos, lo), bisect.bisect_left(ev_pos, hi)
    return all(w == speaker for w in ev_who[i:j])


def quotes(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
           aliases: str | Path | None = None) -> pd.DataFrame:
    """Direct quotations in each document with their speakers.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column carried through.
    aliases : str or Path, optional
        Actor alias table used to canonicalise speakers (default ``resources/actors.csv``).

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
    gname = group if group is not None else "group"
    groups = corpus[group].tolist() if group is not None else [pd.NA] * len(corpus)
    records = []
    for doc_id, grp, text in zip(corpus["doc_id"].tolist(), groups, corpus["text"].tolist(),
                                 strict=True):
        text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
        for row in _attribute_doc(text, table):
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
            from analysis.errors import CorpusError

            raise CorpusError(f"quote table has no column {col!r}; pass the output of "
                              "analysis.quotes(corpus, group=...).")
    frame = quote_frame.dropna(subset=[group]).assign(
        speaker=quote_frame["speaker"].fillna(UNATTRIBUTED).astype(str))
    out = (frame.groupby([group, "speaker"], sort=True)
           .agg(quotes=("doc_id", "size"), chars=("n_chars", "sum"),
                n_docs=("doc_id", "nunique"))
           .reset_index())
    totals = out.groupby(group)["quotes"].transform("sum")
    out["share"] = (out["quotes"] / totals).round(4)
    out["group_docs"] = out[group].map(frame.groupby(group)["doc_id"].nunique()).astype("int64")
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
        Passed to :func:`analysis.stats.cluster_bootstrap` (documents, then sentences).

    Returns
    -------
    summary : DataFrame
        Per group: ``estimate`` (pooled character share), ``ci_low``, ``ci_high``,
        ``n_docs``, ``n_units`` (sentences).
    per_document : DataFrame
        ``doc_id``, group, ``quoted_share`` (character share of that document).

    Examples
    --------
    >>> from analysis.segment import sentences
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
    ...     "text": ["“All quoted.”", "Nothing quoted.", "Half “quoted”"]})
    >>> summary, docs = quoted_speech(sentences(corpus), n_boot=50)
    >>> docs["quoted_share"].round(3).tolist(), summary["n_docs"].tolist()
    ([1.0, 0.0, 0.615], [2, 1])
    """
    from analysis.stats import cluster_bootstrap

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
