"""Paragraphs, sentences and analysis units of the corpus, with exact character offsets.

Paragraphs
    A document that contains a blank line is split at blank lines (single newlines inside a
    paragraph are hard wraps); a document without any blank line is split at single newlines
    (one seed uses that style). A document with no newline at all is one paragraph.
Sentences
    NLTK's Punkt (Kiss & Strunk 2006) with parameters built here, no NLTK data needed:

    * abbreviations from ``resources/abbreviations.txt`` ("Mr.", "U.S.", "U.N.", "Feb." ...),
      plus, when ``train=True`` (default), the abbreviation types a :class:`PunktTrainer`
      learns from the corpus itself. Training reads documents in ``doc_id`` order and at most
      ``MAX_TRAIN_CHARS`` characters, so it is deterministic and bounded; only learned
      *abbreviations with an inner period* ("n.y", "d.c", "s.c") are kept: on small corpora
      Punkt also "learns" plain words that happen to precede periods often (a repeated
      "... ends here." makes "here" an abbreviation), so plain short forms (Gov., Calif.)
      belong in the editable list. Punkt's learned orthographic statistics are deliberately not
      used: on small corpora they split "the U.N. | Charter" because "charter" was seen in
      lower case. With ``train=False`` every document is split independently of the others.
    * after an abbreviation a new sentence starts only before a capitalised frequent sentence
      starter (``resources/sentence_starters.txt``: The, He, But ...); after a *title*
      (entries marked ``title``: Mr., Dr., Gen. ...) never.
    * repairs after Punkt, inside a paragraph: a "sentence" whose first letter is lower
      case (``"...years.” said Putin``, ``... aggressive. he wrote.``), that has no letter
      or digit at all (a stray ``.``), or that is a bare attribution after a closed quote
      (``“...respect.” Putin said.``) is joined to the sentence before it.

    Sentence ``start``/``end`` are offsets into the clean ``text``: ``text[start:end]`` is
    the sentence, leading/trailing whitespace excluded, and sentences never overlap.
Units
    Paragraphs for the topic model, cut into windows of about ``sentences_per_unit`` sentences when a
    paragraph is longer than ``max_sentences`` sentences (which also covers documents with
    no paragraph breaks at all), or always windows with ``unit="window"``.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
...                        "text": ["Mr. Putin met U.S. officials. They talked.\\n\\nThen left."]})
>>> sentences(corpus)["text"].tolist()
['Mr. Putin met U.S. officials.', 'They talked.', 'Then left.']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

from analysis import config
from analysis.corpus.validation import check_corpus
from analysis.corpus.wordlists import WORD_RE, read_lines, read_list, resource_path
from analysis.errors import CorpusError
from analysis.text.actors import actor_table, find_mentions

__all__ = [
    "MAX_TRAIN_CHARS",
    "abbreviations",
    "corpus_tokenizer",
    "paragraph_spans",
    "paragraphs",
    "sentence_spans",
    "sentence_tokenizer",
    "sentences",
    "structure_summary",
    "units",
]

#: At most this many characters of the corpus are used to learn extra abbreviations.
MAX_TRAIN_CHARS: int = 200_000

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_BLANK_SPLIT = re.compile(r"\n(?:[ \t\r\f\v]*\n)+")
_LINE_SPLIT = re.compile(r"\n+")
_SENT_END = re.compile(r"[.?!]")
_TAIL_PUNCT = re.compile(r"[.?!\"”’'»)\]}\s]+$")
_HAS_ALNUM = re.compile(r"[^\W_]")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_ENDS_WITH_QUOTE = re.compile(r"[.!?,][”\"’']\s*$")
#: "Putin said." / "Chinese President Xi Jinping told reporters." after a closed quote
_BARE_ATTRIBUTION = re.compile(
    r"^(?:[A-Z][\w’'.-]*\s+){1,6}(?:said|says|added|adds|wrote|writes|told|asked|stated|"
    r"noted|declared|insisted|replied|tweeted)\b[^.!?“”\"]{0,80}[.!?]$"
)


def _texts(corpus: pd.DataFrame) -> list[str]:
    """The text column as plain str, missing text as ''."""
    return ["" if (t is None or t is pd.NA or (isinstance(t, float) and np.isnan(t))) else str(t)
            for t in corpus["text"].tolist()]


def _group_values(corpus: pd.DataFrame, group: str | None) -> list:
    if group is None:
        return [pd.NA] * len(corpus)
    return corpus[group].tolist()


# --------------------------------------------------------------------------- paragraphs
def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph of ``text``, whitespace trimmed, empty ones skipped.

    Blank lines separate paragraphs when the text has any; otherwise single newlines do.

    Examples
    --------
    >>> paragraph_spans("One.\\n\\nTwo\\nwrapped.")
    [(0, 4), (6, 18)]
    >>> paragraph_spans("One.\\nTwo.")
    [(0, 4), (5, 9)]
    """
    splitter = _BLANK_SPLIT if _BLANK_LINE.search(text) else _LINE_SPLIT
    spans = []
    pos = 0
    for match in [*splitter.finditer(text), None]:
        stop = match.start() if match is not None else len(text)
        chunk = text[pos:stop]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        if match is not None:
            pos = match.end()
    return spans


def paragraphs(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP) -> pd.DataFrame:
    """One row per paragraph: ``doc_id``, group, ``paragraph``, ``text``, ``start``, ``end``.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column carried through.

    Returns
    -------
    DataFrame
        ``paragraph`` is 0-based within the document; ``text == doc_text[start:end]``.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                        "text": ["P one.\\n\\nP two.", "Line one.\\nLine two."]})
    >>> paragraphs(corpus)[["doc_id", "paragraph", "text"]].values.tolist()
    [['a', 0, 'P one.'], ['a', 1, 'P two.'], ['b', 0, 'Line one.'], ['b', 1, 'Line two.']]
    """
    check_corpus(corpus, group=group)
    rows: list[tuple] = []
    for doc_id, grp, text in zip(corpus["doc_id"].tolist(), _group_values(corpus, group),
                                 _texts(corpus), strict=True):
        for i, (start, end) in enumerate(paragraph_spans(text)):
            rows.append((doc_id, grp, i, text[start:end], start, end))
    gname = group if group is not None else "group"
    frame = pd.DataFrame(rows, columns=["doc_id", gname, "paragraph", "text", "start", "end"])
    return _typed(frame, corpus, group, ints=("paragraph", "start", "end"))


def _typed(frame: pd.DataFrame, corpus: pd.DataFrame, group: str | None,
           *, ints: Iterable[str]) -> pd.DataFrame:
    """Give id/group columns the corpus dtypes and integer columns int64."""
    frame = frame.astype({c: "int64" for c in ints})
    frame["doc_id"] = frame["doc_id"].astype(corpus["doc_id"].dtype)
    if group is not None:
        frame[group] = frame[group].astype(corpus[group].dtype)
    if "text" in frame.columns:
        frame["text"] = frame["text"].astype("string")
    return frame


# --------------------------------------------------------------------------- Punkt setup
def abbreviations(path: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """``(abbreviations, titles)`` from the editable list (lower case, no final period).

    Examples
    --------
    >>> abbrevs, titles = abbreviations()
    >>> {"mr", "u.s", "u.n", "feb"} <= abbrevs, "mr" in titles, "u.s" in titles
    (True, True, False)
    """
    resolved = resource_path(path or "abbreviations.txt")
    return _abbreviations(str(resolved), resolved.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _abbreviations(path: str, _mtime: int) -> tuple[frozenset[str], frozenset[str]]:
    entries, titles = set(), set()
    for line in read_lines(path):
        parts = line.lower().split()
        word = parts[0].rstrip(".")
        entries.add(word)
        if "title" in parts[1:]:
            titles.add(word)
    return frozenset(entries), frozenset(titles)


def sentence_tokenizer(train_texts: Iterable[str] = (), *,
                       max_train_chars: int = MAX_TRAIN_CHARS) -> PunktSentenceTokenizer:
    """A Punkt tokenizer from the abbreviation list plus abbreviations learned from texts.

    Parameters
    ----------
    train_texts : iterable of str
        Texts to learn further abbreviation types from (in the order given, at most
        ``max_train_chars`` characters). Empty: the editable lists only.
    max_train_chars : int
        Cap on the training text, for speed on large corpora.

    Returns
    -------
    nltk.tokenize.punkt.PunktSentenceTokenizer

    Examples
    --------
    >>> tok = sentence_tokenizer()
    >>> tok.tokenize("We met on Feb. 24 at the U.N. Charter talks. Mr. Xi came.")
    ['We met on Feb. 24 at the U.N. Charter talks.', 'Mr. Xi came.']
    """
    learned: frozenset[str] = frozenset()
    sample = _training_sample(train_texts, max_train_chars)
    if sample:
        learned = _learned_abbreviations(sample)
    return _build_tokenizer(learned)


def _training_sample(texts: Iterable[str], limit: int) -> str:
    parts, total = [], 0
    for text in texts:
        if total >= limit:
            break
        piece = text[: limit - total]
        parts.append(piece)
        total += len(piece)
    return "\n\n".join(parts)


@lru_cache(maxsize=8)
def _learned_abbreviations(sample: str) -> frozenset[str]:
    trainer = PunktTrainer()
    trainer.train(sample, finalize=True)
    return frozenset(t for t in trainer.get_params().abbrev_types if "." in t.strip("."))


def _build_tokenizer(learned: frozenset[str]) -> PunktSentenceTokenizer:
    """Tokenizer for the current list files (edits are picked up: cached by modification time)."""
    starters = resource_path("sentence_starters.txt")
    return _tokenizer_for(learned, abbreviations()[0], str(starters),
                          starters.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _tokenizer_for(learned: frozenset[str], listed: frozenset[str], starters: str,
                   _mtime: int) -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(listed | learned)
    params.sent_starters = set(read_list(starters))
    return PunktSentenceTokenizer(params)


def _title_set() -> frozenset[str]:
    return abbreviations()[1]


def sentence_spans(text: str, tokenizer: PunktSentenceTokenizer | None = None,
                   ) -> list[tuple[int, int, int]]:
    """``(paragraph, start, end)`` of every sentence in ``text``.

    Parameters
    ----------
    text : str
        One document's clean text.
    tokenizer : PunktSentenceTokenizer, optional
        From :func:`sentence_tokenizer`; default the untrained one (lists only).

    Examples
    --------
    >>> text = "“It is late.” said Putin. He left.\\n\\nMr. Xi stayed."
    >>> [(p, text[s:e]) for p, s, e in sentence_spans(text)]
    [(0, '“It is late.” said Putin.'), (0, 'He left.'), (1, 'Mr. Xi stayed.')]
    """
    tok = tokenizer if tokenizer is not None else _build_tokenizer(frozenset())
    titles = _title_set()
    out: list[tuple[int, int, int]] = []
    for p, (pstart, pend) in enumerate(paragraph_spans(text)):
        for start, end in _repair(text[pstart:pend], tok, titles):
            out.append((p, pstart + start, pstart + end))
    return out


def _repair(para: str, tok: PunktSentenceTokenizer,
            titles: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Punkt spans of one paragraph with the joins described in the module docstring."""
    body = _TAIL_PUNCT.sub("", para)
    if not _SENT_END.search(body):  # no possible inner boundary: one sentence, skip Punkt
        yield 0, len(para)
        return
    spans = [(s, e) for s, e in tok.span_tokenize(para) if e > s]
    if not spans:
        return
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if _joins_previous(para[s:e], para[cur_s:cur_e], titles):
            cur_e = e
            continue
        yield cur_s, cur_e
        cur_s, cur_e = s, e
    yield cur_s, cur_e


def _joins_previous(sent: str, prev: str, titles: frozenset[str]) -> bool:
    if not _HAS_ALNUM.search(sent):
        return True
    first = _FIRST_LETTER.search(sent)
    if first is not None and first.group().islower() and not _HAS_ALNUM.search(
            sent[: first.start()]):
        return True
    if _ENDS_WITH_QUOTE.search(prev) and _BARE_ATTRIBUTION.match(sent):
        return True
    last = prev.rsplit(None, 1)   # the last word: what r"([^\s]+)\s*$" finds, without a scan
    if last:
        word = last[-1].lower().rstrip(".")
        word = word.lstrip("(\"'“‘[")
        if word in titles and last[-1].endswith("."):
            return True
    return False


# --------------------------------------------------------------------------- sentences
def corpus_tokenizer(corpus: pd.DataFrame, *, train: bool = True) -> PunktSentenceTokenizer:
    """The sentence tokenizer :func:`sentences` uses for ``corpus``.

    With ``train`` the abbreviation list plus the abbreviations learned from the first
    :data:`MAX_TRAIN_CHARS` characters of the texts in ``doc_id`` order; without it the
    lists only. Build it once for a whole corpus and pass it as ``sentences(batch,
    tokenizer=...)`` to split the corpus batch by batch exactly as in one call.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["b", "a"], "text": ["Two. Words.", "One."]})
    >>> corpus_tokenizer(corpus).tokenize("Mr. Xi met Putin. They talked.")
    ['Mr. Xi met Putin.', 'They talked.']
    """
    if not train:
        return _build_tokenizer(frozenset())
    order = np.argsort(corpus["doc_id"].astype(str).to_numpy(), kind="stable")
    texts = _texts(corpus)
    return sentence_tokenizer(texts[i] for i in order)


def sentences(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
              train: bool = True, aliases: str | Path | None = None,
              tokenizer: PunktSentenceTokenizer | None = None,
              mentions: Sequence[list[tuple[int, int, str]]] | None = None) -> pd.DataFrame:
    """One row per sentence, with paragraph, offsets, quoted share and actors.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` (paragraphs separated by blank lines, or by single
        newlines when the document has no blank line) and the ``group`` column.
    group : str, default "event"
        Grouping column carried through (values may be missing).
    train : bool, default True
        Learn extra abbreviations from the corpus (deterministic, see module docstring).
        ``False`` uses only ``resources/abbreviations.txt`` so each document is split
        independently of the rest of the corpus.
    aliases : str or Path, optional
        Actor alias table for the ``actors`` column (default ``resources/actors.csv``).
    tokenizer : PunktSentenceTokenizer, optional
        Split with this tokenizer instead of one built from ``corpus`` (``train`` is then
        ignored): pass :func:`corpus_tokenizer` of the whole corpus when ``corpus`` is one
        batch of it, so every batch is split as the whole corpus would be.
    mentions : list, optional
        Each document's ``find_mentions(text, aliases=..., merge=False)``
        (:func:`analysis.text.actors.find_mentions`), in corpus order, when the caller has them
        already: the ``actors`` column is read from them instead of searching the text again.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, group, ``paragraph`` (0-based in doc), ``sentence`` (0-based in
        doc), ``text``, ``start``, ``end`` (offsets into the clean text, ``text ==
        doc_text[start:end]``), ``quoted_share`` (0..1, share of the sentence's characters
        inside quotation marks, see :mod:`analysis.text.quotes`) and ``actors`` (tuple of canonical
        actor names, see :mod:`analysis.text.actors`).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["The U.N. Charter was cited on Feb. 24. Mr. Putin agreed."]})
    >>> sentences(corpus)[["sentence", "text", "start", "end"]].values.tolist()
    [[0, 'The U.N. Charter was cited on Feb. 24.', 0, 38], [1, 'Mr. Putin agreed.', 39, 56]]
    """
    check_corpus(corpus, group=group)
    tok = tokenizer if tokenizer is not None else corpus_tokenizer(corpus, train=train)
    table = actor_table(aliases)
    rows: list[tuple] = []
    shares: list[float] = []
    actor_lists: list[tuple[str, ...]] = []
    texts = _texts(corpus)
    if mentions is not None and len(mentions) != len(texts):
        raise CorpusError(f"sentences: mentions has {len(mentions)} item(s) for {len(texts)} "
                          "document(s); pass one find_mentions(text, merge=False) list per "
                          "document, in corpus order, or None.")
    for d, (doc_id, grp, text) in enumerate(zip(corpus["doc_id"].tolist(),
                                                _group_values(corpus, group), texts,
                                                strict=True)):
        spans = sentence_spans(text, tok)
        for i, (p, start, end) in enumerate(spans):
            rows.append((doc_id, grp, p, i, text[start:end], start, end))
        shares.extend(_quoted_shares(text, spans))
        found = (mentions[d] if mentions is not None
                 else find_mentions(text, aliases=table, merge=False))
        actor_lists.extend(_sentence_actors(spans, found))
    gname = group if group is not None else "group"
    frame = pd.DataFrame(rows, columns=["doc_id", gname, "paragraph", "sentence", "text",
                                        "start", "end"])
    frame["quoted_share"] = np.asarray(shares, dtype="float64")
    frame["actors"] = pd.Series(actor_lists, index=frame.index, dtype="object")
    return _typed(frame, corpus, group, ints=("paragraph", "sentence", "start", "end"))


def _sentence_actors(spans: list[tuple[int, int, int]], mentions: list[tuple[int, int, str]],
                     ) -> list[tuple[str, ...]]:
    """Actors of each sentence from the document's mentions (one pass of the alias regex)."""
    found: list[list[str]] = [[] for _ in spans]
    if not spans:
        return []
    starts = [s for _, s, _ in spans]
    for start, _, actor in mentions:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < spans[i][2]:
            found[i].append(actor)
    return [tuple(dict.fromkeys(a)) for a in found]


def _quoted_shares(text: str, spans: list[tuple[int, int, int]]) -> list[float]:
    """Share of each sentence's characters inside quotation marks (see :func:`quote_spans`)."""
    return quoted_shares(text, [(s, e) for _, s, e in spans]).tolist()


# --------------------------------------------------------------------------- quotation spans
#: Verbs that introduce speech ("said", "told" ...), as a regex alternation; quotation spans
#: use them to end a quote whose closing mark was lost, :mod:`analysis.text.quotes` to find speakers.
SPEECH_VERBS: str = (
    r"said|says|say|stated|states|told|tells|added|adds|wrote|writes|asked|asks|noted|"
    r"notes|declared|insisted|stressed|urged|warned|explained|tweeted|replied|commented|"
    r"announced|argued|claimed|described|called|greeted|proclaimed|remarked|responded"
)
_OPEN = "“«"
_CLOSE = "”»"
_MARKS = re.compile(r"[“”«»\"]")
_VERBS = SPEECH_VERBS
_WORD = r"[\w’'.\-]+"
# attribution right after a sentence end inside a quote that was never closed
_BREAK = re.compile(
    rf"(?<=[.!?,])\s+(?=(?:{_VERBS})\s+[A-Z]|(?:he|she|they)\s+(?:\w+\s+)?(?:{_VERBS})\b"
    rf"|[A-Z][\w’'.\-]*(?:\s+{_WORD}){{0,5}}\s+(?:{_VERBS})\b)"
)


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


# --------------------------------------------------------------------------- units
def units(corpus: pd.DataFrame, *, group: str | None = config.DEFAULT_GROUP,
          unit: str = "paragraph", sentences_per_unit: int = 3, max_sentences: int = 8,
          train: bool = True, sents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Text units for topic models: paragraphs, or windows of consecutive sentences.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column carried through.
    unit : {"paragraph", "window"}
        ``"paragraph"``: one unit per paragraph, except that a paragraph of more than
        ``max_sentences`` sentences (e.g. a document without paragraph breaks) is cut into
        windows. ``"window"``: every paragraph is cut into windows.
    sentences_per_unit : int, default 3
        Target sentences per window. A paragraph of ``n`` sentences becomes
        ``ceil(n / sentences_per_unit)`` consecutive windows whose sizes differ by at most one; windows
        never cross a paragraph break.
    max_sentences : int, default 8
        Longest paragraph kept whole with ``unit="paragraph"``.
    train : bool, default True
        Passed to :func:`sentences`.
    sents : DataFrame, optional
        The sentences of ``corpus`` already split (:func:`sentences`, or a prepared store's
        ``sentences``: ``doc_id``, group, ``paragraph``, ``sentence``, ``start``, ``end``,
        whole documents in corpus order); ``train`` is then unused and the text is not split
        again.

    Returns
    -------
    DataFrame
        ``doc_id``, group, ``unit`` (0-based in doc), ``kind`` ("paragraph" or "window"),
        ``paragraph``, ``first_sentence``, ``n_sentences``, ``text`` (the clean text from the
        first sentence's start to the last one's end), ``start``, ``end``.

    Examples
    --------
    >>> text = "A one. A two.\\n\\n" + " ".join(f"B {i}x." for i in range(5))
    >>> corpus = pd.DataFrame({"doc_id": ["d"], "event": ["x"], "text": [text]})
    >>> units(corpus, max_sentences=4)[["kind", "n_sentences", "text"]].values.tolist()
    [['paragraph', 2, 'A one. A two.'], ['window', 3, 'B 0x. B 1x. B 2x.'], ['window', 2, 'B 3x. B 4x.']]
    """
    if unit not in ("paragraph", "window"):
        raise CorpusError(f"unit={unit!r} is not supported; use 'paragraph' or 'window'.")
    if int(sentences_per_unit) < 1 or int(max_sentences) < 1:
        raise CorpusError("sentences_per_unit and max_sentences must be positive integers.")
    gname = group if group is not None else "group"
    if sents is None:
        sents = sentences(corpus, group=group, train=train)
    else:
        missing = [c for c in ("doc_id", gname, "paragraph", "sentence", "start", "end")
                   if c not in sents.columns]
        if missing:
            raise CorpusError(f"sents has no column(s) {', '.join(map(repr, missing))}; pass "
                              f"the output of analysis.sentences(corpus, group={group!r}).")
    texts = dict(zip(corpus["doc_id"].tolist(), _texts(corpus), strict=True))
    rows: list[tuple] = []
    keys = sents[["doc_id", "paragraph"]].itertuples(index=False, name=None)
    starts = sents["start"].to_numpy()
    ends = sents["end"].to_numpy()
    sent_no = sents["sentence"].to_numpy()
    groups = sents[gname].tolist()
    # boundaries of (doc, paragraph) runs; rows are already in document order
    key_list = list(keys)
    run_starts = [0] + [i for i in range(1, len(key_list)) if key_list[i] != key_list[i - 1]]
    run_ends = [*run_starts[1:], len(key_list)]
    counter: dict = {}
    for a, b in zip(run_starts, run_ends, strict=True):
        doc_id, para = key_list[a]
        n = b - a
        if unit == "paragraph" and n <= max_sentences:
            chunks, kind = [(a, b)], "paragraph"
        else:
            k = -(-n // int(sentences_per_unit))
            sizes = np.full(k, n // k) + (np.arange(k) < n % k)
            edges = a + np.concatenate([[0], np.cumsum(sizes)])
            chunks, kind = list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)), \
                "window"
        for lo, hi in chunks:
            u = counter.get(doc_id, 0)
            counter[doc_id] = u + 1
            start, end = int(starts[lo]), int(ends[hi - 1])
            rows.append((doc_id, groups[lo], u, kind, para, int(sent_no[lo]), hi - lo,
                         texts[doc_id][start:end], start, end))
    frame = pd.DataFrame(rows, columns=["doc_id", gname, "unit", "kind", "paragraph",
                                        "first_sentence", "n_sentences", "text", "start", "end"])
    frame["kind"] = frame["kind"].astype("string")
    return _typed(frame, corpus, group,
                  ints=("unit", "paragraph", "first_sentence", "n_sentences", "start", "end"))


# --------------------------------------------------------------------------- summary


def structure_summary(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                      sents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Paragraphs, sentences and words per document and per group.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column.
    sents : DataFrame, optional
        Output of :func:`sentences` for this corpus (computed if not given).

    Returns
    -------
    DataFrame
        Long format with ``level`` ("document" or "group"): ``doc_id`` (missing on group
        rows), group, ``n_docs``, ``paragraphs``, ``sentences``, ``words`` (totals; words are
        runs of letters/digits as in ``n_words``) and ``words_per_sentence`` (pooled: words /
        sentences). Documents with a missing group appear only at document level.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "x"],
    ...                        "text": ["One two. Three.\\n\\nFour.", "Five six seven."]})
    >>> out = structure_summary(corpus)
    >>> out[["level", "doc_id", "paragraphs", "sentences", "words"]].values.tolist()
    [['document', 'a', 2, 3, 4], ['document', 'b', 1, 1, 3], ['group', nan, 3, 4, 7]]
    """
    check_corpus(corpus, group=group)
    sents = sentences(corpus, group=group) if sents is None else sents
    texts = _texts(corpus)
    doc = pd.DataFrame({
        "level": "document",
        "doc_id": corpus["doc_id"].tolist(),
        group: corpus[group].tolist(),
        "n_docs": 1,
        "paragraphs": [len(paragraph_spans(t)) for t in texts],
        "words": [len(WORD_RE.findall(t)) for t in texts],
    })
    counts = sents.groupby("doc_id", sort=False).size()
    doc["sentences"] = doc["doc_id"].map(counts).fillna(0).astype("int64")
    grp = (doc.dropna(subset=[group]).groupby(group, sort=True)
           .agg(n_docs=("doc_id", "size"), paragraphs=("paragraphs", "sum"),
                sentences=("sentences", "sum"), words=("words", "sum"))
           .reset_index())
    grp["level"] = "group"
    grp["doc_id"] = pd.NA
    cols = ["level", "doc_id", group, "n_docs", "paragraphs", "sentences", "words"]
    out = pd.concat([doc[cols], grp[cols]], ignore_index=True)
    out = out.astype({"level": "string", "n_docs": "int64", "paragraphs": "int64",
                      "sentences": "int64", "words": "int64"})
    out["doc_id"] = out["doc_id"].astype(corpus["doc_id"].dtype)
    out[group] = out[group].astype(corpus[group].dtype)
    out["words_per_sentence"] = (out["words"] / out["sentences"].where(out["sentences"] > 0)
                                 ).round(2)
    return out
