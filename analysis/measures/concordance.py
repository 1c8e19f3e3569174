"""Words in use: keyword-in-context lines and collocations.

Counts say *how often*; these tools show *how* a term is used. :func:`kwic` finds a
term, phrase or glob pattern in the documents' clean text and returns the real words
around each hit, so a reader sees the sentence rather than a normalised token. When the
pattern is a term of the vocabulary (say "ceasefire" or "united states"), its spelling
variants from ``analysis/resources/variants.csv`` ("cease-fire", "U.S.", "US") are found
too. :func:`collocations` ranks word pairs per group with NLTK's
``BigramCollocationFinder`` (no NLTK data needed) over the same tokens as the term counts.

A term can occur hundreds of times, mostly in a few long texts. :func:`kwic_view` shows a
readable handful: lines spread over the documents (:func:`sample_lines`: round-robin over
the documents in a seeded order, so one text cannot fill the page), aligned on the keyword,
each context cut on its outer end (:func:`trim_context`), never next to the keyword, with a
line "10 of 699 lines from 10 of 43 documents shown" and every line in a CSV.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
...                        "text": ["The West imposed new sanctions on Moscow."]})
>>> kwic(corpus, "sanction*", context_words=2)[["left", "match", "right"]].to_dict("records")
[{'left': 'imposed new', 'match': 'sanctions', 'right': 'on Moscow'}]
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

from analysis import config
from analysis.corpus.validation import corpus_texts
from analysis.errors import CorpusError
from analysis.measures.terms import corpus_for_counts
from analysis.stages import StageSource
from analysis.tables import count_noun, html_table, save_table
from analysis.text.vocab import token_runs

__all__ = [
    "COLLOCATION_MEASURES",
    "KwicView",
    "collocations",
    "kwic",
    "kwic_from_store",
    "kwic_view",
    "kwic_view_from_store",
    "pattern_regex",
    "sample_lines",
    "trim_context",
]

#: Association measures accepted by :func:`collocations`.
COLLOCATION_MEASURES: tuple[str, ...] = ("pmi", "likelihood_ratio")

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_APOS = "'’‘ʼ"
_LEFT = r"(?<![^\W_])(?<![^\W_]['’‘ʼ\-])"
# a match may be followed by a possessive 's, never by more of the same word
_RIGHT = r"(?=(?:['’‘ʼ]s)?(?![^\W_]|['’‘ʼ\-][^\W_]))"
_GLOB_CHARS = set("*?[")


# --------------------------------------------------------------------------- kwic


def _part_regex(part: str) -> str:
    """One word of a pattern as regex: glob ``*``/``?``, apostrophe-insensitive."""
    out = []
    for ch in part:
        if ch == "*":
            out.append(r"(?:[^\W_]|['’‘ʼ\-](?=[^\W_]))*")
        elif ch == "?":
            out.append(r"[^\W_]")
        elif ch in _APOS:
            out.append("['’‘ʼ]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _phrase_regex(text: str) -> str:
    return r"\s+".join(_part_regex(p) for p in text.split())


def _variants_of(pattern: str) -> tuple[list[str], list[str]]:
    """Surface forms the vocabulary merges into ``pattern`` (plain and case-sensitive)."""
    from analysis.text.vocab import load_rules

    rules = load_rules()
    key = " ".join(pattern.lower().replace("’", "'").split())
    plain = [s for s, c in rules.variants.items() if c == key]
    cased = [s for s, c in rules.variants_cs.items() if c == key]
    return plain, cased


def pattern_regex(pattern: str, *, variants: bool = True) -> re.Pattern:
    """Compile a kwic pattern: a word, a phrase, or a glob (``*`` any letters, ``?`` one).

    Matching ignores case and the kind of apostrophe, needs whole words (a possessive
    "'s" may follow), and lets the words of a phrase be separated by any whitespace. With
    ``variants`` a pattern without glob characters also matches the spelling variants the
    vocabulary merges into it (case-sensitive variants such as "US" keep their case).

    Examples
    --------
    >>> rx = pattern_regex("peace plan")
    >>> [m.group() for m in rx.finditer("China's Peace\\nplan; peace plans")]
    ['Peace\\nplan']
    >>> [m.group() for m in pattern_regex("sanction*").finditer("sanctions, sanctioned")]
    ['sanctions', 'sanctioned']
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError("pattern must be a non-empty string: a word, a phrase or a glob")
    alternatives = [_phrase_regex(pattern)]
    if variants and not (_GLOB_CHARS & set(pattern)):
        plain, cased = _variants_of(pattern)
        alternatives += [_phrase_regex(v) for v in sorted(plain, key=len, reverse=True)]
        alternatives += [f"(?-i:{_phrase_regex(v)})" for v in sorted(cased, key=len, reverse=True)]
    body = "|".join(f"(?:{a})" for a in alternatives)
    return re.compile(f"{_LEFT}(?:{body}){_RIGHT}", re.IGNORECASE)


def _squash(text: str) -> str:
    return " ".join(text.split())


def kwic(
    corpus: pd.DataFrame,
    pattern: str,
    *,
    context_words: int = 8,
    group: str | None = config.DEFAULT_GROUP,
    variants: bool = True,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``pattern`` with the words around it.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` (and the ``group`` column)
    pattern : a word ("sanctions"), a phrase ("peace plan") or a glob ("sanction*",
        "re?elect*"), matched case-insensitively on whole words of the clean text
    context_words : words of context on each side (punctuation between them is kept)
    group : grouping column copied to the output; ``None`` for none
    variants : also match spelling variants the vocabulary merges into the pattern

    Returns
    -------
    DataFrame with ``doc_id``, the group column, ``left``, ``match``, ``right`` (the text
    as written, whitespace collapsed to single spaces), ``start`` and ``end`` (character
    offsets of the match in the clean text), in corpus order. Note that a term's count can
    differ from its number of lines: counts see a word inside a longer phrase term (e.g.
    "xi" in "xi jinping") as that phrase, kwic shows every written occurrence.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["China's peace plan was criticized.", "A cease-fire, then a ceasefire."]})
    >>> kwic(corpus, "peace plan", context_words=1)[["doc_id", "left", "match", "right"]].to_dict("records")
    [{'doc_id': 'a', 'left': "China's", 'match': 'peace plan', 'right': 'was'}]
    >>> kwic(corpus, "ceasefire", context_words=1)["match"].tolist()
    ['cease-fire', 'ceasefire']
    """
    if int(context_words) < 0:
        raise ValueError(f"context_words must be 0 or more words, not {context_words!r}")
    corpus = corpus_for_counts(corpus, group=group, dedupe=False)
    rx = pattern_regex(pattern, variants=variants)
    groups = corpus[group].tolist() if group is not None else [None] * len(corpus)
    rows = _kwic_rows(corpus["doc_id"].astype(str).tolist(), groups, corpus_texts(corpus), rx,
                      int(context_words))
    return _kwic_frame(rows, group, corpus[group].dtype if group is not None else None)


def _kwic_rows(doc_ids: list[str], groups: list, texts: list[str], rx: re.Pattern,
               context_words: int) -> list[dict]:
    """Every match of ``rx`` in the texts with its context (the rows of :func:`kwic`)."""
    rows = []
    for doc_id, grp, text in zip(doc_ids, groups, texts, strict=True):
        hits = list(rx.finditer(text))
        if not hits:
            continue
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        starts = [s for s, _ in spans]
        ends = [e for _, e in spans]
        for m in hits:
            s, e = m.start(), m.end()
            i0 = bisect_right(ends, s)  # first word ending after the match start
            left_from = starts[max(i0 - context_words, 0)] if context_words and i0 > 0 else s
            j0 = bisect_left(starts, e)  # first word starting at/after the match end
            right_to = ends[min(j0 + context_words, len(ends)) - 1] if context_words and j0 < len(ends) else e
            rows.append({
                "doc_id": doc_id,
                "group": grp,
                "left": _squash(text[left_from:s]),
                "match": _squash(m.group()),
                "right": _squash(text[e:right_to]),
                "start": s,
                "end": e,
            })
    return rows


def _kwic_frame(rows: list[dict], group: str | None, dtype: object) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["doc_id", "group", "left", "match", "right", "start", "end"])
    out = out.astype({"doc_id": "string", "left": "string", "match": "string",
                      "right": "string", "start": "int64", "end": "int64"})
    if group is None:
        return out.drop(columns="group")
    out["group"] = out["group"].astype(dtype) if len(out) else out["group"]
    return out.rename(columns={"group": group})


def _needles(pattern: str, *, variants: bool) -> list[str] | None:
    """A literal that every match of each alternative of ``pattern`` contains (None: some
    alternative has none, e.g. ``"*"``): the longest run of it without glob characters,
    apostrophes or spaces."""
    alternatives = [pattern]
    if variants and not (_GLOB_CHARS & set(pattern)):
        plain, cased = _variants_of(pattern)
        alternatives += plain + cased
    out = []
    for alt in alternatives:
        pieces = [p for p in re.split(r"[*?\s" + _APOS + "]+", alt) if p]
        if not pieces:
            return None
        out.append(max(pieces, key=len))
    return sorted(set(out))


def _rebuilt(sents: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each document's clean text up to its last sentence, from its sentences in order.

    A sentence is ``text[start:end]`` of its document and sentences cover every character
    but whitespace, so spaces in the gaps give the words, offsets and matches of the text.
    """
    ids, texts = [], []
    doc_ids = sents["doc_id"].astype(str).tolist()
    pieces: list[str] = []
    pos = 0
    for i, (doc, start, end, text) in enumerate(zip(
            doc_ids, sents["start"].tolist(), sents["end"].tolist(),
            sents["text"].astype(str).tolist(), strict=True)):
        if i == 0 or doc != doc_ids[i - 1]:
            if i:
                texts.append("".join(pieces))
            ids.append(doc)
            pieces, pos = [], 0
        pieces.append(" " * (int(start) - pos) + text)
        pos = int(end)
    if ids:
        texts.append("".join(pieces))
    return ids, texts


def _whole_documents(parts: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The parts of a per-sentence table regrouped so that no document is split between two
    (a part's last document waits for the next part)."""
    held: pd.DataFrame | None = None
    for part in parts:
        if held is not None and len(held):
            part = pd.concat([held, part], ignore_index=True)
        if not len(part):
            continue
        ids = part["doc_id"].astype(str).to_numpy()
        last = ids == ids[-1]
        held = part[last]
        if not last.all():
            yield part[~last]
    if held is not None and len(held):
        yield held


def kwic_from_store(
    store: StageSource,
    pattern: str,
    *,
    context_words: int = 8,
    group: str | None = None,
    variants: bool = True,
    limit: int | None = None,
) -> pd.DataFrame:
    """:func:`kwic` on a prepared store's documents, read from its sentences part by part.

    Each part of the ``sentences`` table is read with four columns (``doc_id``, ``start``,
    ``end``, ``text``); a ``pyarrow.compute`` substring search (case-insensitive) for a
    literal every match must contain keeps the documents that may match, whose text is
    rebuilt from their sentences and searched exactly as :func:`kwic` searches it. So the
    rows are those of ``kwic(corpus, pattern, ...)`` on the corpus the store was prepared
    from (a store prepared with ``dedupe``: on the deduplicated text), in the same order;
    memory holds one part and the lines found.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    pattern, context_words, variants : as for :func:`kwic`
    group : any column of the store's documents (default: the store's group)
    limit : stop after this many lines: the first ``limit`` rows of :func:`kwic`

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
    ...     "The West imposed new sanctions. Moscow shrugged.", "Sanctions hurt."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> kwic_from_store(store, "sanction*", context_words=2)[["doc_id", "left", "right"]].values.tolist()
    [['a', 'imposed new', '. Moscow shrugged'], ['b', '', 'hurt']]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if int(context_words) < 0:
        raise ValueError(f"context_words must be 0 or more words, not {context_words!r}")
    if limit is not None and int(limit) < 1:
        raise ValueError(f"limit must be at least 1 line (or None for every line), not {limit!r}")
    group = store.group if group is None else group
    rx = pattern_regex(pattern, variants=variants)
    needles = _needles(pattern, variants=variants)
    docs = store.document_columns(["doc_id", group])
    values = pd.Series(docs[group].to_numpy(), index=pd.Index(docs["doc_id"].astype(str)))
    rows: list[dict] = []
    parts = store.iter_parts("sentences", columns=["doc_id", "start", "end", "text"])
    for part in _whole_documents(parts):
        if needles is None:
            hit = np.ones(len(part), dtype=bool)
        else:
            text = pa.array(part["text"].astype(str).tolist(), type=pa.large_string())
            found = [pc.match_substring(text, n, ignore_case=True) for n in needles]
            hit = np.asarray(functools.reduce(pc.or_, found).to_numpy(zero_copy_only=False),
                             dtype=bool)
        if not hit.any():
            continue
        ids = part["doc_id"].astype(str)
        doc_ids, texts = _rebuilt(part[ids.isin(set(ids[hit])).to_numpy()])
        rows += _kwic_rows(doc_ids, values.reindex(doc_ids).tolist(), texts, rx,
                           int(context_words))
        if limit is not None and len(rows) >= int(limit):
            rows = rows[: int(limit)]
            break
    return _kwic_frame(rows, group, docs[group].dtype)


# --------------------------------------------------------------------------- concordance

_ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


def trim_context(text: str, width: int, *, side: str) -> str:
    """Cut a context to at most ``width`` characters on its outer end, at a word boundary.

    The end next to the keyword is always kept: a ``"left"`` context keeps its last
    characters and gains a leading ellipsis, a ``"right"`` context keeps its first
    characters and gains a trailing one. A word cut in two is dropped, unless it is the only
    word that would be left.

    Examples
    --------
    >>> trim_context("the West imposed new", 12, side="left")
    '…imposed new'
    >>> trim_context("on Moscow and Minsk today", 12, side="right")
    'on Moscow…'
    >>> trim_context("short", 12, side="left")
    'short'
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    if int(width) < 2:
        raise ValueError(f"width must be at least 2 characters, not {width!r}")
    if len(text) <= width:
        return text
    room = int(width) - 1  # one character for the ellipsis
    if side == "left":
        kept = text[-room:]
        if not text[-room - 1].isspace() and " " in kept.strip():
            kept = kept[kept.index(" ") + 1 :]  # drop the word cut in two
        return _ELLIPSIS + kept.lstrip()
    kept = text[:room]
    if not text[room].isspace() and " " in kept.strip():
        kept = kept[: kept.rindex(" ")]
    return kept.rstrip() + _ELLIPSIS


def sample_lines(lines: pd.DataFrame, *, n: int | None = 10, max_per_doc: int | None = None,
                 random_state: int = config.RANDOM_STATE) -> pd.DataFrame:
    """At most ``n`` lines spread over the documents: round-robin in a seeded order.

    The documents are put in a random order (seeded, so the same lines give the same
    sample) and each, in turn, gives one line, drawn at random from its own lines; then a
    second round, and so on, until ``n`` lines are picked or every document has given
    ``max_per_doc``. So ten lines come from ten documents when ten documents have the term,
    and no document gives more than one line more than any other.

    Parameters
    ----------
    lines : one row per line, with a ``doc_id`` column (e.g. from :func:`kwic`)
    n : lines kept; ``None`` keeps every line (up to ``max_per_doc`` per document)
    max_per_doc : most lines from one document; ``None`` for no limit beyond the rounds
    random_state : seed of the document order and of the draw within each document

    Returns
    -------
    DataFrame: the picked rows of ``lines`` in their original order.

    Examples
    --------
    >>> lines = pd.DataFrame({"doc_id": ["a"] * 8 + ["b", "c"], "start": range(10)})
    >>> sorted(sample_lines(lines, n=3)["doc_id"])
    ['a', 'b', 'c']
    >>> sample_lines(lines, n=6)["doc_id"].value_counts().to_dict()
    {'a': 4, 'b': 1, 'c': 1}
    """
    if n is not None and int(n) < 1:
        raise ValueError(f"n must be at least 1 (or None for every line), not {n!r}")
    if max_per_doc is not None and int(max_per_doc) < 1:
        raise ValueError(f"max_per_doc must be at least 1 (or None), not {max_per_doc!r}")
    if "doc_id" not in lines.columns:
        raise CorpusError(f"lines need a 'doc_id' column; they have {list(lines.columns)}.")
    if len(lines) == 0:
        return lines.copy()
    rng = np.random.default_rng(random_state)
    docs = pd.unique(lines["doc_id"].astype(str))
    codes = pd.Categorical(lines["doc_id"].astype(str), categories=docs).codes
    doc_rank = np.empty(len(docs), dtype=np.int64)
    doc_rank[rng.permutation(len(docs))] = np.arange(len(docs))
    draw = rng.random(len(lines))
    order = np.lexsort((draw, codes))  # by document, then by the random draw
    round_ = np.empty(len(lines), dtype=np.int64)
    sorted_codes = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
    within = np.arange(len(lines)) - np.repeat(starts, np.diff(np.r_[starts, len(lines)]))
    round_[order] = within
    keep = np.ones(len(lines), dtype=bool) if max_per_doc is None else round_ < int(max_per_doc)
    candidates = np.flatnonzero(keep)
    ranked = candidates[np.lexsort((doc_rank[codes[candidates]], round_[candidates]))]
    picked = np.sort(ranked if n is None else ranked[: int(n)])
    return lines.iloc[picked].copy()


@dataclass(frozen=True, repr=False)
class KwicView:
    """Keyword-in-context lines for a page: a spread sample, aligned, and every line kept.

    Displayed in a notebook as a table aligned on the keyword under its caption; ``str()``
    gives the same as plain text, one line per hit.

    Attributes
    ----------
    lines : every line :func:`kwic` found, contexts uncut
    shown : the sampled lines, contexts cut on their outer end to ``width`` characters
    caption : "10 of 699 lines from 10 of 43 documents shown ..."
    path : the CSV of every line, or ``None``
    """

    lines: pd.DataFrame
    shown: pd.DataFrame
    caption: str
    path: Path | None = None

    @property
    def n_docs(self) -> int:
        """Documents with at least one line."""
        return int(self.lines["doc_id"].nunique())

    def _columns(self) -> list[str]:
        return [c for c in self.shown.columns if c not in ("start", "end")]

    def _repr_html_(self) -> str:
        return html_table(self.shown[self._columns()], caption=self.caption, classes={
            "left": "kwic-left", "match": "kwic-match", "right": "kwic-right"})

    def __repr__(self) -> str:
        cols = self._columns()
        before = [c for c in cols if c not in ("left", "match", "right")]
        frame = self.shown.astype({c: "string" for c in cols}).fillna("")
        widths = {c: max([len(c), *frame[c].str.len().tolist()]) for c in cols}
        def row(values: dict[str, str]) -> str:
            lead = "  ".join(values[c].ljust(widths[c]) for c in before)
            body = (f"{values['left'].rjust(widths['left'])}  "
                    f"{values['match'].ljust(widths['match'])}  {values['right']}")
            return (lead + "  " + body if lead else body).rstrip()
        out = [row({c: c for c in cols})]
        out += [row(r) for r in frame[cols].to_dict("records")]
        return "\n".join(([self.caption] if self.caption else []) + out)


def kwic_view(
    corpus: pd.DataFrame,
    pattern: str,
    *,
    n: int | None = 10,
    context_words: int = 8,
    width: int = 60,
    group: str | None = config.DEFAULT_GROUP,
    variants: bool = True,
    max_per_doc: int | None = None,
    random_state: int = config.RANDOM_STATE,
    name: str | None = None,
    figures_dir: str | Path | None = None,
    unit: str = "documents",
) -> KwicView:
    """Keyword in context for a page: ``n`` lines spread over the documents, aligned.

    Finds every line with :func:`kwic`, picks ``n`` of them with :func:`sample_lines`
    (round-robin over the documents in a seeded order), cuts each context to ``width``
    characters on its outer end (:func:`trim_context`: the words next to the keyword are
    always shown), and writes every line, uncut, to ``<figures_dir>/<name>.csv``.

    Parameters
    ----------
    corpus, pattern, context_words, group, variants : as for :func:`kwic`
    n : lines shown; ``None`` shows every line
    width : most characters of each context shown
    max_per_doc : most lines shown from one document
    random_state : seed of the sample
    name : file stem of the CSV of every line (:func:`analysis.tables.save_table`); ``None``
        writes nothing
    figures_dir : folder of the CSV, default :data:`analysis.config.FIGURES_DIR`
    unit : what a document is, for the caption ("documents", "articles", "speeches")

    Returns
    -------
    KwicView

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
    ...     "Last year the West imposed new sanctions on Moscow and its banks.",
    ...     "Sanctions hurt. Then more sanctions followed."]})
    >>> view = kwic_view(corpus, "sanctions", n=2, context_words=4, width=14)
    >>> print(view)  # doctest: +NORMALIZE_WHITESPACE
    2 of 3 lines from 2 of 2 documents shown (spread over the documents, random_state 0).
    doc_id  event            left  match      right
    a       x      …imposed new  sanctions  on Moscow and…
    b       y        …Then more  sanctions  followed
    >>> len(view.lines)  # every line, contexts uncut
    3
    """
    lines = kwic(corpus, pattern, context_words=context_words, group=group, variants=variants)
    return _view(lines, pattern, n=n, width=width, max_per_doc=max_per_doc,
                 random_state=random_state, name=name, figures_dir=figures_dir, unit=unit)


def kwic_view_from_store(
    store: StageSource,
    pattern: str,
    *,
    n: int | None = 10,
    context_words: int = 8,
    width: int = 60,
    group: str | None = None,
    variants: bool = True,
    max_per_doc: int | None = None,
    random_state: int = config.RANDOM_STATE,
    name: str | None = None,
    figures_dir: str | Path | None = None,
    unit: str = "documents",
) -> KwicView:
    """:func:`kwic_view` from a prepared store: the lines of :func:`kwic_from_store`.

    The same view (lines, sample, caption, CSV) as ``kwic_view`` on the corpus the store was
    prepared from; ``group`` defaults to the store's group. Options as in :func:`kwic_view`.

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
    ...     "Sanctions hurt. Then more sanctions followed.", "No sanctions here."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> kwic_view_from_store(store, "sanctions", n=2).caption
    '2 of 3 lines from 2 of 2 documents shown (spread over the documents, random_state 0).'
    """
    lines = kwic_from_store(store, pattern, context_words=context_words, group=group,
                            variants=variants)
    return _view(lines, pattern, n=n, width=width, max_per_doc=max_per_doc,
                 random_state=random_state, name=name, figures_dir=figures_dir, unit=unit)


def _view(lines: pd.DataFrame, pattern: str, *, n: int | None, width: int,
          max_per_doc: int | None, random_state: int, name: str | None,
          figures_dir: str | Path | None, unit: str) -> KwicView:
    """Sample, cut and caption the lines of :func:`kwic` (what :func:`kwic_view` shows)."""
    path = save_table(lines, name, figures_dir=figures_dir) if name is not None else None
    shown = sample_lines(lines, n=n, max_per_doc=max_per_doc, random_state=random_state)
    shown = shown.assign(
        left=[trim_context(t, width, side="left") for t in shown["left"].tolist()],
        right=[trim_context(t, width, side="right") for t in shown["right"].tolist()],
    ).reset_index(drop=True)
    n_docs = int(lines["doc_id"].nunique())
    if len(lines) == 0:
        caption = f"No line matches {pattern!r}."
    elif len(shown) < len(lines):
        caption = (f"{len(shown):,} of {len(lines):,} lines from "
                   f"{shown['doc_id'].nunique():,} of {count_noun(n_docs, unit)} shown (spread over "
                   f"the {unit}, random_state {random_state})")
        caption += (f"; every line is in {name}.csv in the figures folder." if name is not None
                    else ".")
    else:
        caption = f"All {count_noun(len(lines), 'lines')} from {count_noun(n_docs, unit)} shown."
    return KwicView(lines=lines, shown=shown, caption=caption, path=path)


# --------------------------------------------------------------------------- collocations



def collocations(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    measure: str = "pmi",
    min_freq: int = 3,
    top: int = 20,
    dedupe: bool = False,
) -> pd.DataFrame:
    """Word pairs that occur together more than chance, per group (NLTK collocations).

    Tokens are the vocabulary's (:mod:`analysis.text.vocab`: stop words removed, phrases such
    as "xi jinping" one token); a pair is two adjacent tokens with no punctuation or
    removed word between them. Scores are NLTK's ``BigramAssocMeasures``: ``"pmi"``
    (pointwise mutual information, log2 of observed over expected; favours rare pairs,
    hence ``min_freq``) or ``"likelihood_ratio"`` (Dunning's G2 of the pair's 2 x 2
    table; favours frequent pairs).

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` and the ``group`` column
    group : grouping column (documents without a group are left out)
    measure : ``"pmi"`` or ``"likelihood_ratio"``
    min_freq : pairs seen fewer times in the group are dropped before scoring
    top : pairs kept per group
    dedupe : count passages shared between documents once

    Returns
    -------
    DataFrame with the group column, ``rank`` (1 = strongest), ``collocation`` ("w1 w2"),
    ``first``, ``second``, ``count`` (in the group), ``n_docs`` (documents of the group
    containing the pair), ``n_docs_group``, ``score`` and ``measure``.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "x"],
    ...     "text": ["Nuclear submarines sail. Nuclear submarines dive.",
    ...              "Nuclear submarines again. Quiet seas."]})
    >>> c = collocations(corpus, min_freq=2)
    >>> c[["collocation", "count", "n_docs"]].to_dict("records")
    [{'collocation': 'nuclear submarines', 'count': 3, 'n_docs': 2}]
    """
    if measure not in COLLOCATION_MEASURES:
        raise ValueError(f"measure must be one of {COLLOCATION_MEASURES}, not {measure!r}")
    if int(min_freq) < 1 or int(top) < 1:
        raise ValueError("min_freq and top must be at least 1")
    corpus = corpus_for_counts(corpus, group=group, dedupe=dedupe)
    corpus = corpus.loc[corpus[group].notna()]
    if corpus.empty:
        raise CorpusError(f"column {group!r} has no values: no document has a group.")
    scorer = getattr(BigramAssocMeasures, measure)
    labels = corpus[group].astype(str).to_numpy()
    texts = corpus_texts(corpus)
    frames = []
    for name in sorted(set(labels)):
        idx = np.flatnonzero(labels == name)
        doc_runs = [token_runs(texts[i]) for i in idx]
        finder = BigramCollocationFinder.from_documents(
            run for runs in doc_runs for run in runs)
        finder.apply_freq_filter(int(min_freq))
        scored = finder.score_ngrams(scorer)[: int(top)]
        doc_freq: Counter = Counter()
        wanted = {pair for pair, _ in scored}
        for runs in doc_runs:
            seen = {p for run in runs for p in zip(run, run[1:], strict=False)}
            doc_freq.update(seen & wanted)
        frames.append(pd.DataFrame({
            group: name,
            "rank": np.arange(1, len(scored) + 1),
            "collocation": [f"{a} {b}" for (a, b), _ in scored],
            "first": [a for (a, _b), _ in scored],
            "second": [b for (_a, b), _ in scored],
            "count": [int(finder.ngram_fd[p]) for p, _ in scored],
            "n_docs": [int(doc_freq[p]) for p, _ in scored],
            "n_docs_group": len(idx),
            "score": [float(s) for _, s in scored],
            "measure": measure,
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.astype({group: "string", "collocation": "string", "first": "string",
                       "second": "string", "measure": "string", "rank": "int64",
                       "count": "int64", "n_docs": "int64", "n_docs_group": "int64"})
