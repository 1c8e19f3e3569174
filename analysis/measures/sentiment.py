"""Sentence-level sentiment: VADER scores, per-document and per-group aggregation, actors, voices.

What lives here
---------------
- :func:`score_sentences`: VADER scores (compound, pos, neu, neg) of any list of texts, exactly
  those of the reference implementation (``vaderSentiment``'s ``SentimentIntensityAnalyzer``,
  lexicon shipped in its wheel; Hutto & Gilbert 2014; see :func:`vader_analyzer`), in parallel
  processes for large inputs.
- :func:`sentence_sentiment`: every sentence of a corpus (from :func:`analysis.text.segment.sentences`)
  scored, with document, group, position in the article, quoted share, actors, voice, speaker.
- :func:`document_sentiment`: mean compound and shares of positive/negative sentences per article.
- :func:`group_sentiment`: the same per group with a two-stage cluster bootstrap interval, next to
  the per-document values and the sizes, the difference between groups, the permutation
  p-value (exact or sampled, said so) with its floor, and a caveat computed from the sizes.
- :func:`actor_sentiment`, :func:`voice_sentiment`: the same cut by actor mentioned and by voice
  (quoted speech vs the reporter's own text) and speaker.

Sentences, not articles, are scored: VADER sums word valences and squashes the sum with
``x / sqrt(x^2 + 15)``, so on a whole article the compound saturates near -1 or +1.

Known limits of VADER on news (say these wherever its numbers are shown)
------------------------------------------------------------------------
VADER was built and validated on social media text. On New York Times editorial sentences its
correlation with human ratings is about 0.49-0.50 (tweets: 0.88; Hutto & Gilbert 2014, table 3).
It reads topic words as tone: a neutral report *about* a war, a crisis or a threat scores
negative because "war" (-2.9), "crisis" (-3.1) and "threat" (-2.4) are in its lexicon; and names
such as "United States" score positive ("united" +1.8). It cannot tell whose words a sentence
carries: quoted praise (Putin praising Xi) scores as positive as if the outlet wrote it, which is
why every sentence here carries a ``voice``. See :mod:`analysis.measures.lexicons` for the word-level
explanation and an independent second lexicon.

Examples
--------
>>> score_sentences(["The talks were good.", "The talks were not good."])["compound"].tolist()
[0.4404, -0.3412]
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import re
import string
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context

import numpy as np
import pandas as pd
from vaderSentiment import vaderSentiment as _vader
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import config
from analysis.corpus.validation import require_columns
from analysis.errors import CorpusError
from analysis.measures import stats
from analysis.stages import StageSource, stage_parts
from analysis.text.passages import deduplicated
from analysis.text.quotes import quotes as find_quotes
from analysis.text.segment import sentences

__all__ = [
    "MEASURES",
    "ascii_quotes",
    "QUOTED_THRESHOLD",
    "GroupSentiment",
    "VoiceSentiment",
    "actor_sentiment",
    "annotate_sentences",
    "ascii_quote_changes",
    "document_sentiment",
    "group_sentiment",
    "position_sentiment",
    "score_sentences",
    "sentence_sentiment",
    "sentiment_and_quotes",
    "sentiment_from_store",
    "SentimentTables",
    "vader_analyzer",
    "voice_sentiment",
]

#: Score columns returned by :func:`score_sentences`, in order.
SCORE_COLUMNS: tuple[str, ...] = ("compound", "pos", "neu", "neg")
#: Columns :func:`sentence_sentiment` adds to the sentences; a group column may not share a name.
SENTENCE_COLUMNS: tuple[str, ...] = ("paragraph", "sentence", "start", "end", "quoted_share",
                                     "actors", "position", "voice", "speaker", *SCORE_COLUMNS)
#: Per-document / per-group measures, in the order tables show them.
MEASURES: tuple[str, ...] = ("mean_compound", "share_positive", "share_negative")
#: A sentence is "quoted" when at least half of its characters lie inside quotation marks
#: (``quoted_share >= 0.5``): the majority of its words are someone else's. Below that it is
#: the reporter's own text, possibly with a short quoted phrase embedded.
QUOTED_THRESHOLD: float = 0.5
#: Below this many texts :func:`score_sentences` stays in one process when ``n_jobs=None``:
#: starting workers costs more than it saves (measured: ~7,000 sentences/s per core, worker
#: start-up ~0.1-0.2 s).
PARALLEL_MIN_TEXTS: int = 20_000

#: Typographic quotation marks and apostrophes, mapped to ASCII by :func:`ascii_quotes`.
TYPOGRAPHIC_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                              "\u00ab": '"', "\u00bb": '"', "\u2018": "'", "\u2019": "'",
                              "\u201a": "'", "\u201b": "'"})

_MEASURE_LABELS = {
    "mean_compound": "mean compound",
    "share_positive": f"share of positive sentences (compound > {config.VADER_POS})",
    "share_negative": f"share of negative sentences (compound < {config.VADER_NEG})",
}


# --------------------------------------------------------------------------- scoring


#: The vaderSentiment release whose code :class:`_SameScoresAnalyzer` restates.
_VADER_RELEASE = "3.3.2"
_NEGATE = frozenset(_vader.NEGATE)


class _SentiText(_vader.SentiText):
    """The reference's ``SentiText`` with its word list made in one comprehension."""

    def _words_and_emoticons(self):  # noqa: ANN202 - the reference's signature
        # _strip_punc_if_word: punctuation stripped unless two characters or fewer remain
        return [w if len(stripped := w.strip(string.punctuation)) <= 2 else stripped
                for w in self.text.split()]


class _SameScoresAnalyzer(SentimentIntensityAnalyzer):
    """vaderSentiment 3.3.2's analyzer without its repeated work; the same scores, bit for bit.

    ``polarity_scores`` of the reference lower-cases the whole sentence again for every
    lexicon word it checks for negation and idioms (``_negation_check``,
    ``_special_idioms_check``: quadratic in the sentence length), lower-cases each word
    again at every look-up (``sentiment_valence``) and copies the text one character at a
    time to replace emojis that news text almost never has. Here the lower-cased words are
    made once per sentence and the copy is skipped when no character of the text is an
    emoji; every rule, every constant and the order of every floating-point operation are
    the reference's (the methods not restated here are inherited). Checked equal to the
    reference on 12,920 real sentences and 200,000 generated ones built from its negations,
    boosters, idioms, "but", "least", capitals and emojis (scores about 2x faster).
    :func:`vader_analyzer` uses this class only with the release it restates.
    """

    def __init__(self) -> None:
        super().__init__()
        # the reference compares one character at a time, so only one-character keys match
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        self._words: list[str] | None = None
        self._lower: list[str] = []

    def _lowered(self, words: list[str]) -> list[str]:
        if words is not self._words:
            self._words, self._lower = words, [str(w).lower() for w in words]
        return self._lower

    def polarity_scores(self, text):  # noqa: ANN001, ANN201 - the reference's signature
        if not isinstance(text, str):
            return super().polarity_scores(text)
        if text.isascii() or self._emoji_chars.isdisjoint(text):
            text_no_emoji = text
        else:
            text_no_emoji = ""
            prev_space = True
            for chr in text:
                if chr in self.emojis:
                    description = self.emojis[chr]
                    if not prev_space:
                        text_no_emoji += " "
                    text_no_emoji += description
                    prev_space = False
                else:
                    text_no_emoji += chr
                    prev_space = chr == " "
        text = text_no_emoji.strip()
        sentitext = _SentiText(text)
        sentiments = []
        words_and_emoticons = sentitext.words_and_emoticons
        lower = self._lowered(words_and_emoticons)
        lexicon, booster = self.lexicon, _vader.BOOSTER_DICT
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            if lower[i] in booster:
                sentiments.append(valence)
                continue
            if i < len(words_and_emoticons) - 1 and lower[i] == "kind" and lower[i + 1] == "of":
                sentiments.append(valence)
                continue
            if lower[i] not in lexicon:   # what sentiment_valence does with such a word
                sentiments.append(valence)
                continue
            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)

    def sentiment_valence(self, valence, sentitext, item, i, sentiments):  # noqa: ANN001, ANN201
        is_cap_diff = sentitext.is_cap_diff
        words_and_emoticons = sentitext.words_and_emoticons
        lower = (self._lower if words_and_emoticons is self._words
                 else self._lowered(words_and_emoticons))
        lexicon = self.lexicon
        item_lowercase = lower[i]
        if item_lowercase in lexicon:
            valence = lexicon[item_lowercase]
            if item_lowercase == "no" and i != len(words_and_emoticons) - 1 \
                    and lower[i + 1] in lexicon:
                valence = 0.0
            if (i > 0 and lower[i - 1] == "no") \
               or (i > 1 and lower[i - 2] == "no") \
               or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"]):
                valence = lexicon[item_lowercase] * _vader.N_SCALAR
            if item.isupper() and is_cap_diff:
                if valence > 0:
                    valence += _vader.C_INCR
                else:
                    valence -= _vader.C_INCR
            for start_i in range(0, 3):
                if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                    s = _vader.scalar_inc_dec(words_and_emoticons[i - (start_i + 1)], valence,
                                              is_cap_diff)
                    if start_i == 1 and s != 0:
                        s = s * 0.95
                    if start_i == 2 and s != 0:
                        s = s * 0.9
                    valence = valence + s
                    valence = self._negation_check(valence, words_and_emoticons, start_i, i)
                    if start_i == 2:
                        valence = self._special_idioms_check(valence, words_and_emoticons, i)
            valence = self._least_check(valence, words_and_emoticons, i)
        sentiments.append(valence)
        return sentiments

    def _negation_check(self, valence, words_and_emoticons, start_i, i):  # noqa: ANN001, ANN201
        lower = (self._lower if words_and_emoticons is self._words
                 else self._lowered(words_and_emoticons))

        def negated(words: list[str]) -> bool:   # _vader.negated of one lower-cased word
            word = words[0].lower()
            return word in _NEGATE or "n't" in word

        if start_i == 0 and negated([lower[i - (start_i + 1)]]):
            valence = valence * _vader.N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * _vader.N_SCALAR
        if start_i == 2:
            if lower[i - 3] == "never" and \
                    (lower[i - 2] == "so" or lower[i - 2] == "this") or \
                    (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and \
                    (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * _vader.N_SCALAR
        return valence

    def _special_idioms_check(self, valence, words_and_emoticons, i):  # noqa: ANN001, ANN201
        lower = (self._lower if words_and_emoticons is self._words
                 else self._lowered(words_and_emoticons))
        special, booster = _vader.SPECIAL_CASES, _vader.BOOSTER_DICT
        onezero = f"{lower[i - 1]} {lower[i]}"
        twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
        twoone = f"{lower[i - 2]} {lower[i - 1]}"
        threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
        threetwo = f"{lower[i - 3]} {lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in special:
                valence = special[seq]
                break
        if len(lower) - 1 > i:
            zeroone = f"{lower[i]} {lower[i + 1]}"
            if zeroone in special:
                valence = special[zeroone]
        if len(lower) - 1 > i + 1:
            zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
            if zeroonetwo in special:
                valence = special[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in booster:
                valence = valence + booster[n_gram]
        return valence


@functools.cache
def vader_analyzer() -> SentimentIntensityAnalyzer:
    """The one VADER analyzer of this process (built once: reading the lexicon costs ~10 ms).

    With vaderSentiment 3.3.2 (the pinned release) a subclass of its analyzer that gives the
    same scores without the reference's repeated per-word work (about 2x faster); with any
    other release the reference analyzer itself.

    Examples
    --------
    >>> vader_analyzer() is vader_analyzer()
    True
    >>> vader_analyzer().lexicon["war"]
    -2.9
    """
    try:
        release = importlib.metadata.version("vaderSentiment")
    except importlib.metadata.PackageNotFoundError:
        release = None
    if release == _VADER_RELEASE:
        return _SameScoresAnalyzer()
    return SentimentIntensityAnalyzer()


def ascii_quotes(texts: Iterable[str] | pd.Series) -> list[str] | pd.Series:
    """Replace typographic quotes and apostrophes (\u201c \u201d \u2018 \u2019 \u00ab \u00bb ...) by ASCII ones.

    VADER strips only ASCII punctuation from word edges and recognises "n't" negations only
    with an ASCII apostrophe. In news typeset with curly quotes, the first and last word of
    every quotation (\u201cdear friend\u201d) and every curly-apostrophe negation (don\u2019t)
    are invisible to it. Mapping these characters one-for-one to ASCII before scoring lets
    VADER see them; lengths and offsets are unchanged.

    Examples
    --------
    >>> ascii_quotes(["\u201cDear friend\u201d, he didn\u2019t say."])
    ['"Dear friend", he didn\\'t say.']
    """
    if isinstance(texts, pd.Series):
        return texts.astype(str).str.translate(TYPOGRAPHIC_QUOTES)
    return [t.translate(TYPOGRAPHIC_QUOTES) if isinstance(t, str) else t for t in texts]


def _score_chunk(texts: Sequence[str]) -> list[tuple[float, float, float, float]]:
    polarity = vader_analyzer().polarity_scores
    out = []
    for text in texts:
        s = polarity(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


def _available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_n_jobs(n_jobs: int | None, n_texts: int) -> int:
    """Worker processes for ``n_texts`` texts: scikit-learn's ``n_jobs`` convention.

    ``None`` is one process below :data:`PARALLEL_MIN_TEXTS` texts and every core above;
    ``-1`` every core, ``-2`` all but one; never more processes than texts.

    Examples
    --------
    >>> resolve_n_jobs(3, 2), resolve_n_jobs(None, 1)
    (2, 1)
    """
    cores = _available_cores()
    if n_jobs is None:
        jobs = 1 if n_texts < PARALLEL_MIN_TEXTS else cores
    elif not isinstance(n_jobs, int | np.integer) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None, a positive int or a negative int, not {n_jobs!r}")
    elif n_jobs < 0:
        jobs = max(1, cores + 1 + int(n_jobs))  # scikit-learn: -1 all cores, -2 all but one
    else:
        jobs = int(n_jobs)
    return max(1, min(jobs, n_texts))


def parallel_map_chunks(
    func: Callable[[Sequence[str]], list], texts: Sequence[str], *, n_jobs: int
) -> list:
    """Apply ``func`` to contiguous chunks of ``texts`` in ``n_jobs`` processes, in order.

    ``func`` must be a module-level function (it is sent to worker processes). Chunks are
    contiguous and results are concatenated in input order, so the output does not depend
    on scheduling. Uses ``fork`` where the platform has it (no ``if __name__ == "__main__"``
    guard needed in user scripts), ``spawn`` elsewhere.

    Examples
    --------
    >>> parallel_map_chunks(_score_chunk, ["good", "bad"], n_jobs=1)
    [(0.4404, 1.0, 0.0, 0.0), (-0.5423, 0.0, 0.0, 1.0)]
    """
    if n_jobs <= 1 or len(texts) < 2:
        return func(texts)
    n_chunks = min(len(texts), n_jobs * 4)
    bounds = np.linspace(0, len(texts), n_chunks + 1).astype(int)
    chunks = [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context(method)) as pool:
        parts = list(pool.map(func, chunks))
    return [row for part in parts for row in part]


def as_text_list(texts: Iterable[str] | pd.Series, what: str) -> tuple[list[str], pd.Index]:
    """``texts`` as a list of strings and its index; a clear error for one string or non-text.

    Examples
    --------
    >>> as_text_list(pd.Series(["a", "b"], index=[5, 6]), "score_sentences")[1].tolist()
    [5, 6]
    """
    if isinstance(texts, str):
        raise CorpusError(
            f"{what} got a single string; pass a list (or Series) of texts, e.g. [text]."
        )
    if isinstance(texts, pd.Series):
        index = texts.index
        values = texts.tolist()
    else:
        values = list(texts)
        index = pd.RangeIndex(len(values))
    bad = [i for i, t in enumerate(values) if not isinstance(t, str)]
    if bad:
        i = bad[0]
        raise CorpusError(
            f"{what}: {len(bad)} value(s) are not text (first at position {i}: "
            f"{type(values[i]).__name__} {values[i]!r}). Fill missing text with '' or drop "
            "those rows before scoring."
        )
    return values, index


def score_sentences(
    texts: Iterable[str] | pd.Series,
    *,
    ascii_quotes: bool = False,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """VADER scores of each text, exactly as ``SentimentIntensityAnalyzer().polarity_scores``.

    Parameters
    ----------
    texts : list or Series of str
        One sentence per item (VADER is meant for sentences: its compound saturates on long
        text). A Series keeps its index.
    n_jobs : int or None
        Worker processes. ``None`` (default): one process below
        :data:`PARALLEL_MIN_TEXTS` texts, all available cores above. ``-1``: all cores.
        Results are identical and in input order whatever ``n_jobs`` is.

    Returns
    -------
    DataFrame with float columns ``compound`` (in [-1, 1], rounded to 4 decimals by VADER),
    ``pos``, ``neu``, ``neg`` (proportions, 3 decimals), one row per text.

    Examples
    --------
    >>> score_sentences(["Putin warmly welcomed Xi.", "The war is a crisis!"])
       compound    pos    neu    neg
    0    0.6249  0.718  0.282  0.000
    1   -0.8516  0.000  0.266  0.734
    """
    values, index = as_text_list(texts, "score_sentences")
    if ascii_quotes:
        values = [t.translate(TYPOGRAPHIC_QUOTES) for t in values]
    jobs = resolve_n_jobs(n_jobs, len(values))
    rows = parallel_map_chunks(_score_chunk, values, n_jobs=jobs) if values else []
    return pd.DataFrame(
        np.asarray(rows, dtype=float).reshape(len(values), len(SCORE_COLUMNS)),
        columns=list(SCORE_COLUMNS),
        index=index,
    )


def ascii_quote_changes(scored: pd.DataFrame, *, n_jobs: int | None = None) -> int:
    """How many sentences' compound score the ASCII mapping of quotes changed.

    ``scored`` is a frame of :func:`sentence_sentiment` (or a store's ``sentences``), scored
    with ``ascii_quotes=True``. Only a sentence holding a typographic quote or apostrophe
    (a key of :data:`TYPOGRAPHIC_QUOTES`) reads differently without the mapping, so only
    those are scored again as printed; the count equals rescoring every sentence with
    ``score_sentences(scored["text"], ascii_quotes=False)`` and comparing.

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["He called Xi a “dear friend”. Talks went well. It isn’t good."]})
    >>> ascii_quote_changes(sentence_sentiment(corpus))
    2
    """
    for col in ("text", "compound"):
        if col not in scored.columns:
            raise CorpusError(f"ascii_quote_changes: the frame has no column {col!r}; pass "
                              "the output of sentence_sentiment (or a store's sentences).")
    texts = scored["text"].astype("string").fillna("")
    marks = "".join(chr(c) for c in TYPOGRAPHIC_QUOTES)
    curly = texts.str.contains(f"[{re.escape(marks)}]", regex=True).to_numpy(dtype=bool)
    if not curly.any():
        return 0
    as_printed = score_sentences(texts[curly].tolist(), ascii_quotes=False, n_jobs=n_jobs)
    return int((as_printed["compound"].to_numpy()
                != scored["compound"].to_numpy(dtype=float)[curly]).sum())


# --------------------------------------------------------------------------- sentence frame


def _attach_speakers(sents: pd.DataFrame, quotes: pd.DataFrame | None) -> pd.Series:
    """Speaker of each quoted sentence: the attributed quote overlapping it most."""
    speaker = pd.Series(pd.NA, index=sents.index, dtype="string")
    if quotes is None or quotes.empty or "speaker" not in quotes.columns:
        return speaker
    quotes = quotes.dropna(subset=["speaker"])
    quotes = quotes[quotes["speaker"].astype(str).str.len() > 0]
    if quotes.empty:
        return speaker
    left = sents.loc[:, ["doc_id", "start", "end"]].reset_index(names="_row")
    right = quotes.loc[:, ["doc_id", "start", "end", "speaker"]].rename(
        columns={"start": "q_start", "end": "q_end"}
    )
    pairs = left.merge(right, on="doc_id", how="inner")
    overlap = np.minimum(pairs["end"], pairs["q_end"]) - np.maximum(pairs["start"], pairs["q_start"])
    pairs = pairs.assign(_overlap=overlap)
    pairs = pairs[pairs["_overlap"] > 0]
    if pairs.empty:
        return speaker
    best = pairs.sort_values(["_row", "_overlap"], ascending=[True, False], kind="stable")
    best = best.drop_duplicates("_row")
    speaker.loc[best["_row"].to_numpy()] = best["speaker"].astype("string").to_numpy()
    return speaker


def sentence_sentiment(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    dedupe: bool = False,
    ascii_quotes: bool = True,
    n_jobs: int | None = None,
    aliases: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Every sentence of ``corpus`` scored by VADER, with where and whose it is.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` and the ``group`` column (one row per document)
    group : grouping column carried along (default :data:`analysis.config.DEFAULT_GROUP`); a
        column that is missing, or has no value in any row (a corpus loaded with another
        grouping), is refused with a message listing the columns that have values
    dedupe : if True, passages shared between documents are counted once
        (:func:`analysis.text.passages.deduplicated` is applied first); default False counts text as
        published.
    ascii_quotes : if True (default), typographic quotes and apostrophes are mapped to ASCII
        before scoring (:func:`ascii_quotes`; the ``text`` column keeps the original). Without
        it VADER misses the first and last word of every curly-quoted quotation and curly
        "n't" negations, and outlets that typeset quotes differently would differ for that
        reason alone. False scores the sentences exactly as printed.
    n_jobs : passed to :func:`score_sentences`
    aliases : actor table for the ``actors`` column (default: the bundled
        ``resources/actors.csv``; see :func:`analysis.text.actors.actor_table`)

    Returns
    -------
    One row per sentence: the columns of :func:`analysis.text.segment.sentences` (``doc_id``, group,
    ``paragraph``, ``sentence``, ``text``, ``start``, ``end``, ``quoted_share``, ``actors``) and
    ``position`` (the sentence's place in its article from 0 = first to 1 = last, by sentence
    index), ``voice`` (``"quoted"`` when ``quoted_share >= 0.5``, see :data:`QUOTED_THRESHOLD`,
    else ``"reporter"``), ``speaker`` (the attributed speaker of a quoted sentence from
    :func:`analysis.text.quotes.quotes`; <NA> for the reporter's text or unattributed quotes), and
    the VADER scores ``compound``, ``pos``, ``neu``, ``neg``.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["Putin welcomed Xi warmly. The war goes on. Talks resume today."]})
    >>> s = sentence_sentiment(corpus)
    >>> s[["sentence", "position", "voice", "compound"]]
       sentence  position     voice  compound
    0         0       0.0  reporter    0.6249
    1         1       0.5  reporter   -0.5994
    2         2       1.0  reporter    0.0000
    """
    _check_sentence_corpus(corpus, group, "sentence_sentiment")
    if dedupe:
        corpus = deduplicated(corpus, group=group)
    return _split_and_score(corpus, group=group, ascii_quotes=ascii_quotes, n_jobs=n_jobs,
                            aliases=aliases)[0]


def sentiment_and_quotes(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    ascii_quotes: bool = True,
    n_jobs: int | None = None,
    aliases: str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame of :func:`sentence_sentiment` and the quotation table it was built with.

    One sentence split and one search for quotations serve both, so a caller that needs
    the speakers too (:func:`analysis.text.quotes.speaker_counts`) does not search again.
    Deduplication is a step before (:func:`analysis.text.passages.deduplicated`).

    Parameters
    ----------
    corpus, group, ascii_quotes, n_jobs, aliases : as in :func:`sentence_sentiment`

    Returns
    -------
    scored : the frame of :func:`sentence_sentiment`
    quotes : the frame of :func:`analysis.text.quotes.quotes` for the same sentences

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["“We are ready,” Putin said. The war goes on."]})
    >>> scored, found = sentiment_and_quotes(corpus)
    >>> len(scored), found["speaker"].tolist()
    (2, ['Vladimir Putin'])
    """
    _check_sentence_corpus(corpus, group, "sentiment_and_quotes")
    return _split_and_score(corpus, group=group, ascii_quotes=ascii_quotes, n_jobs=n_jobs,
                            aliases=aliases)


def _split_and_score(corpus: pd.DataFrame, *, group: str, ascii_quotes: bool,
                     n_jobs: int | None, aliases: str | os.PathLike[str] | None,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    sents = sentences(corpus, group=group, aliases=aliases)
    quote_frame = find_quotes(corpus, group=group, aliases=aliases, sents=sents)
    scored = annotate_sentences(sents, quote_frame, group=group, ascii_quotes=ascii_quotes,
                                n_jobs=n_jobs)
    return scored, quote_frame


def _check_sentence_corpus(corpus: pd.DataFrame, group: str, what: str) -> None:
    require_columns(
        corpus, ["doc_id", "text", group], what,
        f"Pass group= the grouping column (default {config.DEFAULT_GROUP!r}), e.g. the one "
        "the corpus was loaded with.",
    )
    if group in SENTENCE_COLUMNS:
        raise CorpusError(
            f"{what}: the group column {group!r} has the name of a column the "
            f"sentence table adds ({', '.join(SENTENCE_COLUMNS)}). Rename it in the corpus "
            f"(e.g. corpus.rename(columns={{{group!r}: {group + '_name'!r}}})) and pass that name."
        )
    if len(corpus) and corpus[group].isna().all():
        filled = [str(c) for c in corpus.columns
                  if c not in ("doc_id", "text", "raw_text", group) and corpus[c].notna().any()]
        raise CorpusError(
            f"{what}: group column {group!r} has no values in this corpus (every "
            f"row is missing), so every sentence would have no group. Pass group= the column "
            f"the corpus is grouped by; columns with values: {', '.join(filled)}."
        )


def annotate_sentences(
    sents: pd.DataFrame,
    quotes: pd.DataFrame | None,
    *,
    group: str = config.DEFAULT_GROUP,
    ascii_quotes: bool = True,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Add position, voice, speaker and VADER scores to a sentence table.

    The step of :func:`sentence_sentiment` after splitting: it takes the sentences and the
    quotations already found, so a pipeline that has them (a prepared store, a batch of a
    corpus) does not split or search the text again. Every sentence needs only its own
    document's rows, so a corpus can be annotated batch by batch of whole documents.

    Parameters
    ----------
    sents : frame from :func:`analysis.text.segment.sentences` (whole documents)
    quotes : frame from :func:`analysis.text.quotes.quotes` for the same documents, or None (no
        speakers)
    group : grouping column of ``sents``
    ascii_quotes, n_jobs : as in :func:`sentence_sentiment`

    Returns
    -------
    The frame :func:`sentence_sentiment` returns (same columns, same order).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.text.segment import sentences
    >>> from analysis.text.quotes import quotes
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
    ...     "text": ["“We are ready,” Putin said. The war goes on."]})
    >>> s = annotate_sentences(sentences(corpus), quotes(corpus))
    >>> s[["sentence", "position", "voice", "speaker", "compound"]]
       sentence  position     voice         speaker  compound
    0         0       0.0    quoted  Vladimir Putin    0.3612
    1         1       1.0  reporter            <NA>   -0.5994
    """
    sents = sents.reset_index(drop=True)
    scores = score_sentences(sents["text"].astype(str), ascii_quotes=ascii_quotes,
                             n_jobs=n_jobs).reset_index(drop=True)
    last = sents.groupby("doc_id", sort=False)["sentence"].transform("max").to_numpy(dtype=float)
    position = np.divide(
        sents["sentence"].to_numpy(dtype=float), last,
        out=np.zeros(len(sents)), where=last > 0,
    )
    voice = np.where(sents["quoted_share"].to_numpy(dtype=float) >= QUOTED_THRESHOLD,
                     "quoted", "reporter")
    speaker = _attach_speakers(sents, quotes)
    speaker = speaker.where(voice == "quoted")
    out = sents.assign(position=position, voice=pd.array(voice, dtype="string"), speaker=speaker)
    first = ["doc_id", group, "paragraph", "sentence", "position"]
    order = first + [c for c in out.columns if c not in first]
    return pd.concat([out[order], scores], axis=1)


# --------------------------------------------------------------------------- aggregation


def _with_flags(scored: pd.DataFrame) -> pd.DataFrame:
    c = scored["compound"].to_numpy(dtype=float)
    return scored.assign(
        is_positive=(c > config.VADER_POS).astype(float),
        is_negative=(c < config.VADER_NEG).astype(float),
    )


_VALUE_OF = {"mean_compound": "compound", "share_positive": "is_positive",
             "share_negative": "is_negative"}


def document_sentiment(scored: pd.DataFrame, *, group: str = config.DEFAULT_GROUP) -> pd.DataFrame:
    """Per document: mean compound, shares of positive and negative sentences, sentence count.

    A sentence is positive when its compound > ``config.VADER_POS`` (0.05) and negative when it
    is < ``config.VADER_NEG`` (-0.05), VADER's conventional cut-offs; the rest are neutral.

    Returns one row per document (sorted by group, then ``doc_id``): ``doc_id``, group,
    ``n_sentences``, ``mean_compound``, ``share_positive``, ``share_negative``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["a", "a", "b"], "event": ["x", "x", "y"],
    ...                   "compound": [0.5, -0.1, 0.0]})
    >>> document_sentiment(s)
      doc_id event  n_sentences  mean_compound  share_positive  share_negative
    0      a     x            2            0.2             0.5             0.5
    1      b     y            1            0.0             0.0             0.0
    """
    require_columns(scored, ["doc_id", group, "compound"], "document_sentiment",
             "Pass the frame returned by sentence_sentiment (or one with doc_id, group, compound).")
    flagged = _with_flags(scored)
    out = (
        flagged.groupby(["doc_id", group], sort=True, dropna=False)
        .agg(
            n_sentences=("compound", "size"),
            mean_compound=("compound", "mean"),
            share_positive=("is_positive", "mean"),
            share_negative=("is_negative", "mean"),
        )
        .reset_index()
        .sort_values([group, "doc_id"], kind="stable", na_position="last")
        .reset_index(drop=True)
    )
    return out


@dataclass(frozen=True)
class GroupSentiment:
    """Result of :func:`group_sentiment`: every table a group comparison must show together.

    Attributes
    ----------
    summary : one row per group x measure: ``estimate`` (pooled over sentences, or the mean
        of document means with ``weight="document"``), ``ci_low``, ``ci_high`` (two-stage
        cluster bootstrap), ``doc_min``, ``doc_max`` (range of the per-document values),
        ``n_docs``, ``n_sentences``.
    documents : per-document values (:func:`document_sentiment`).
    differences : one row per contrast x measure: ``estimate`` with bootstrap ``ci_low``,
        ``ci_high``, sizes, the permutation ``p_value`` over per-document values, ``min_p``
        (the smallest p-value that test can report), ``sampled`` (``False``: every
        relabelling enumerated; ``True``: B random relabellings), ``n_permutations`` and
        ``test``, the sentence describing the test (:meth:`analysis.measures.stats.PermutationResult.describe`).
    caveat : plain-language caveat computed from the group sizes and the tests run.
    """

    summary: pd.DataFrame
    documents: pd.DataFrame
    differences: pd.DataFrame
    caveat: str


def group_sentiment(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    weight: str = "unit",
    resampling: stats.Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
    unit: str = "articles",
) -> GroupSentiment:
    """Per-group mean compound and shares of positive/negative sentences, with honest uncertainty.

    Why a two-stage cluster bootstrap: sentences are nested in articles. Sentences of one
    article share an author, an outlet, a topic and often a copied wire passage, so they are
    not independent draws; the article is the unit that was sampled. Resampling sentences as if
    independent would treat a 60-sentence article as 60 pieces of evidence and give intervals
    far too narrow. :func:`analysis.measures.stats.cluster_bootstrap` therefore resamples articles
    within each group, then sentences within each drawn article. With two or three articles per
    group even this interval is too narrow (it cannot see articles it never sampled), so the
    per-document values, the sizes and a caveat are returned with it.

    The difference between groups gets its own bootstrap interval
    (:func:`analysis.measures.stats.bootstrap_difference`: first group minus second in sorted order for
    two groups, ``groups=(a, b)`` for a chosen pair, each group minus the rest for more) and a
    permutation p-value over the per-document values (:func:`analysis.measures.stats.permutation_test`:
    every relabelling enumerated when there are at most ``max_exact``, otherwise a sample of B,
    said in the ``sampled`` and ``test`` columns), reported with ``min_p``, the smallest p it
    can report (0.1 for 3 vs 2 articles; 1/(B+1) when sampled).

    Parameters
    ----------
    scored : frame from :func:`sentence_sentiment` (needs ``doc_id``, group, ``compound``)
    group : grouping column; rows whose group is missing are left out
    groups : a chosen pair ``(a, b)`` to compare; default: the two groups, or each vs the rest
    weight : ``"unit"`` (default) pools sentences, each counts once; ``"document"`` averages
        per-document values, each article counts once
    resampling : :class:`analysis.measures.stats.Resampling` (replicates, level, seed, test options)
    n_boot, level, random_state : short forms overriding those fields of ``resampling``
    unit : what a document is in the tests' sentences (``test``) and the caveat
        ("articles", "speeches", "texts": :func:`analysis.settings.nouns`)

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("aabbccdd"), "event": list("xxxxyyyy"),
    ...                   "compound": [0.5, 0.3, 0.1, 0.3, -0.4, 0.0, -0.2, -0.2]})
    >>> r = group_sentiment(s, n_boot=200)
    >>> r.summary.query("measure == 'mean_compound'")[["event", "estimate", "n_docs", "n_sentences"]]
      event  estimate  n_docs  n_sentences
    0     x       0.3       2            4
    1     y      -0.2       2            4
    >>> r.differences[["contrast", "measure", "estimate", "p_value", "min_p", "sampled"]].head(1)
      contrast        measure  estimate   p_value     min_p  sampled
    0    x - y  mean_compound       0.5  0.333333  0.333333    False
    """
    require_columns(scored, ["doc_id", group, "compound"], "group_sentiment",
             "Pass the frame returned by sentence_sentiment.")
    opts = stats.resolve_resampling(resampling, n_boot=n_boot, level=level,
                                    random_state=random_state)
    stats.check_groups(scored, group=group)
    data = _with_flags(scored.dropna(subset=[group]))
    docs = document_sentiment(data, group=group)
    boot = stats.bootstrap_groups(data, values=[_VALUE_OF[m] for m in MEASURES], group=group,
                                  groups=groups, weight=weight, key=("sentiment", weight),
                                  resampling=opts)
    return _group_tables(docs, boot, sizes=stats.group_sizes(data, group=group), group=group,
                         groups=groups, opts=opts, unit=unit)


def _group_tables(docs: pd.DataFrame, boot: stats.GroupBootstrap, *, sizes: pd.Series,
                  group: str, groups: Sequence[str] | None, opts: stats.Resampling,
                  unit: str) -> GroupSentiment:
    """:class:`GroupSentiment` from the per-document values and the bootstrap of the flags."""
    value_of = {_VALUE_OF[m]: m for m in MEASURES}
    order = {m: i for i, m in enumerate(MEASURES)}
    summary = boot.estimates.assign(measure=boot.estimates["value"].map(value_of))
    spread = docs.melt(id_vars=[group], value_vars=list(MEASURES), var_name="measure")
    spread = spread.groupby([group, "measure"])["value"].agg(doc_min="min", doc_max="max")
    summary[group] = summary[group].astype(docs[group].dtype)
    summary = summary.merge(spread.reset_index(), on=[group, "measure"], how="left")
    summary = summary.sort_values("measure", key=lambda m: m.map(order), kind="stable")
    summary = summary.rename(columns={"n_units": "n_sentences"}).reset_index(drop=True)
    summary = summary[[group, "measure", "estimate", "ci_low", "ci_high", "doc_min", "doc_max",
                       "n_docs", "n_sentences", "n_boot"]]
    diff = boot.differences.assign(measure=boot.differences["value"].map(value_of))
    diff = diff.sort_values("measure", key=lambda m: m.map(order), kind="stable")
    diff = diff.drop(columns="value").reset_index(drop=True)
    diff = diff[["contrast", "measure"] + [c for c in diff.columns if c not in ("contrast", "measure")]]
    labels = docs[group].astype(str).to_numpy()
    tests = pd.DataFrame([
        _permutation_for(docs[row.measure].to_numpy(dtype=float), labels, row.measure, row,
                         opts).as_row(unit)
        for row in diff.itertuples()
    ], index=diff.index)
    differences = pd.concat([diff, tests], axis=1)
    return GroupSentiment(
        summary=summary,
        documents=docs,
        differences=differences,
        caveat=stats.caveat(sizes, pair=groups, resampling=opts, unit=unit),
    )


def _permutation_for(values: np.ndarray, labels: np.ndarray, measure: str, row,
                     opts: stats.Resampling) -> stats.PermutationResult:
    """The permutation test of one contrast row: its two groups, or one group vs the rest."""
    if row.group_b == stats.REST:
        labels = np.where(labels == row.group_a, row.group_a, stats.REST)
    else:
        keep = (labels == row.group_a) | (labels == row.group_b)
        labels, values = labels[keep], values[keep]
    return stats.permutation_test(values, labels, key=("sentiment", measure, row.contrast),
                                  resampling=opts)


# --------------------------------------------------------------------------- actors and voices


def _cells(
    data: pd.DataFrame,
    *,
    by: str,
    group: str,
    weight: str,
    opts: stats.Resampling,
    min_docs: int,
) -> pd.DataFrame:
    """Cluster-bootstrap mean compound (and shares) for every value of ``by`` x group.

    Each cell draws from a generator keyed by (``by``, its value, group): its interval does
    not depend on which other actors, voices or speakers are computed beside it.
    """
    data = _with_flags(data.dropna(subset=[group, by]))
    keys = sorted(data[by].astype(str).unique())
    out = []
    for key in keys:
        part = data[data[by].astype(str) == key]
        est = stats.cluster_bootstrap(
            part, value="compound", group=group, weight=weight, key=(by, key, "compound", weight),
            resampling=opts,
        )
        shares = part.groupby(group).agg(
            share_positive=("is_positive", "mean"), share_negative=("is_negative", "mean")
        ).reset_index()
        out.append(_cell(est, shares, by=by, key=key, group=group))
    return _cell_table(out, by=by, group=group, min_docs=min_docs)


def _cell(est: pd.DataFrame, shares: pd.DataFrame, *, by: str, key: str,
          group: str) -> pd.DataFrame:
    """One value of ``by``: its bootstrap rows (one per group) with the group's shares."""
    shares[group] = shares[group].astype(str)
    est[group] = est[group].astype(str)
    est = est.merge(shares, on=group, how="left")
    est.insert(0, by, key)
    return est


def _cell_table(out: list[pd.DataFrame], *, by: str, group: str,
                min_docs: int) -> pd.DataFrame:
    columns = [by, group, "estimate", "ci_low", "ci_high", "share_positive", "share_negative",
               "n_docs", "n_sentences", "few_docs"]
    if not out:
        return pd.DataFrame(columns=columns)
    table = pd.concat(out, ignore_index=True).rename(columns={"n_units": "n_sentences"})
    table["few_docs"] = table["n_docs"] < min_docs
    return table[columns]


def actor_sentiment(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    actors: Sequence[str] | None = None,
    top: int | None = None,
    min_docs: int = 2,
    weight: str = "unit",
    resampling: stats.Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Mean compound of the sentences mentioning each actor, per group, with intervals.

    A sentence mentioning two actors counts for both. The interval is the two-stage cluster
    bootstrap of :func:`group_sentiment` (articles, then sentences within them) restricted to
    the actor's sentences. Cells resting on fewer than ``min_docs`` articles are flagged
    (``few_docs``): their interval shows only variation inside one article.

    Parameters
    ----------
    scored : frame from :func:`sentence_sentiment` (needs ``actors``: tuples of names)
    actors : actors to keep (default: every actor mentioned)
    top : keep only the ``top`` actors mentioned in most sentences (all groups; ties by name)
    min_docs : cells with fewer documents get ``few_docs = True``
    resampling, n_boot, level, random_state : as in :func:`group_sentiment`; each cell's
        interval depends only on its actor and group, not on which other actors are kept

    Returns
    -------
    One row per actor x group: ``actor``, group, ``estimate`` (mean compound), ``ci_low``,
    ``ci_high``, ``share_positive``, ``share_negative``, ``n_docs``, ``n_sentences``,
    ``few_docs``. Sorted by actor, then group.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("aabc"), "event": list("xxyy"),
    ...                   "actors": [("Putin",), ("Putin", "Xi"), ("Xi",), ()],
    ...                   "compound": [0.4, 0.2, -0.5, 0.1]})
    >>> t = actor_sentiment(s, n_boot=100)
    >>> t[["actor", "event", "estimate", "n_docs", "n_sentences", "few_docs"]]
       actor event  estimate  n_docs  n_sentences  few_docs
    0  Putin     x       0.3       1            2      True
    1     Xi     x       0.2       1            1      True
    2     Xi     y      -0.5       1            1      True
    """
    require_columns(scored, ["doc_id", group, "compound", "actors"], "actor_sentiment",
             "Pass the frame returned by sentence_sentiment (it carries an actors column).")
    exploded = scored.loc[:, ["doc_id", group, "compound", "actors"]].explode("actors")
    exploded = exploded.rename(columns={"actors": "actor"}).dropna(subset=["actor"])
    if actors is not None:
        exploded = exploded[exploded["actor"].isin(list(actors))]
    if top is not None:
        counts = exploded["actor"].astype(str).value_counts().sort_index()
        keep = counts.sort_values(ascending=False, kind="stable").index[:top]
        exploded = exploded[exploded["actor"].astype(str).isin(keep)]
    opts = stats.resolve_resampling(resampling, n_boot=n_boot, level=level,
                                    random_state=random_state)
    return _cells(exploded, by="actor", group=group, weight=weight, opts=opts, min_docs=min_docs)


@dataclass(frozen=True)
class VoiceSentiment:
    """Result of :func:`voice_sentiment`.

    Attributes
    ----------
    voices : one row per voice (``quoted`` / ``reporter``) x group with the cluster-bootstrap
        mean compound, shares, ``n_docs``, ``n_sentences``, ``few_docs``.
    speakers : the same per speaker x group for the most quoted speakers (quoted sentences
        with an attributed speaker only).
    reporter_minus_quoted : per group, the reporter's mean compound minus the quoted
        sentences' mean compound (how much of a group's tone is other people's words).
    documents : per document ``n_sentences``, ``n_quoted`` (sentences with voice "quoted") and
        ``n_with_marks`` (sentences containing any quotation mark). An article with speech
        verbs but no marks at all (scraped copy often loses them) has its quotes counted as
        the reporter's text: check this column before reading the voice comparison.
    """

    voices: pd.DataFrame
    speakers: pd.DataFrame
    reporter_minus_quoted: pd.DataFrame
    documents: pd.DataFrame


def voice_sentiment(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    top_speakers: int = 6,
    min_docs: int = 2,
    weight: str = "unit",
    resampling: stats.Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> VoiceSentiment:
    """Quoted speech vs the reporter's own text, per group, and by the most quoted speakers.

    VADER cannot tell whose words it scores: an article quoting Putin praising Xi reads as
    positive even when the reporter's own sentences are neutral or critical. Splitting by
    ``voice`` (``quoted_share >= 0.5``, :data:`QUOTED_THRESHOLD`) separates the outlet's own
    tone from the tone of the people it quotes. Intervals as in :func:`group_sentiment`.

    Parameters
    ----------
    scored : frame from :func:`sentence_sentiment` (needs ``voice``; ``speaker`` for speakers)
    top_speakers : how many speakers to show, by number of quoted sentences (all groups)
    min_docs : cells with fewer documents get ``few_docs = True``
    resampling, n_boot, level, random_state : as in :func:`group_sentiment`

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("aabb"), "event": list("xxyy"),
    ...                   "voice": ["quoted", "reporter", "quoted", "reporter"],
    ...                   "speaker": ["Putin", None, "Xi", None],
    ...                   "compound": [0.8, 0.0, 0.6, -0.2]})
    >>> v = voice_sentiment(s, n_boot=100)
    >>> v.voices[["voice", "event", "estimate", "n_sentences"]]
          voice event  estimate  n_sentences
    0    quoted     x       0.8            1
    1    quoted     y       0.6            1
    2  reporter     x       0.0            1
    3  reporter     y      -0.2            1
    >>> v.reporter_minus_quoted[["event", "difference"]].round(2).to_dict("records")
    [{'event': 'x', 'difference': -0.8}, {'event': 'y', 'difference': -0.8}]
    """
    require_columns(scored, ["doc_id", group, "compound", "voice"], "voice_sentiment",
             "Pass the frame returned by sentence_sentiment (it carries voice and speaker).")
    opts = stats.resolve_resampling(resampling, n_boot=n_boot, level=level,
                                    random_state=random_state)
    common = dict(group=group, weight=weight, opts=opts, min_docs=min_docs)
    voices = _cells(scored, by="voice", **common)
    if "speaker" in scored.columns:
        quoted = scored[(scored["voice"] == "quoted") & scored["speaker"].notna()]
        keep = _top_speakers(quoted["speaker"], top_speakers)
        quoted = quoted[quoted["speaker"].astype(str).isin(keep)]
        speakers = _cells(quoted, by="speaker", **common)
    else:
        speakers = _cells(scored.iloc[:0].assign(speaker=pd.Series(dtype="string")),
                          by="speaker", **common)
    per_doc = _voice_documents(scored, group=group)
    return VoiceSentiment(voices=voices, speakers=speakers,
                          reporter_minus_quoted=_reporter_minus_quoted(voices, group=group),
                          documents=per_doc)


def _top_speakers(speakers: pd.Series, top: int) -> pd.Index:
    """The ``top`` speakers of the most quoted sentences (ties by name)."""
    return _top_of(speakers.astype(str).value_counts(), top)


def _top_of(counts: pd.Series, top: int) -> pd.Index:
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return counts.index[:top]


def _voice_documents(scored: pd.DataFrame, *, group: str) -> pd.DataFrame:
    """Per document: sentences, quoted sentences, sentences with a quotation mark."""
    return scored.assign(
        _quoted=(scored["voice"] == "quoted").astype(int),
        _marks=(scored["text"].astype(str).str.contains('["\u201c\u201d\u00ab\u00bb\u201e]')
                .astype(int) if "text" in scored.columns else 0),
    ).groupby(["doc_id", group], sort=True).agg(
        n_sentences=("_quoted", "size"), n_quoted=("_quoted", "sum"),
        n_with_marks=("_marks", "sum"),
    ).reset_index()


def _reporter_minus_quoted(voices: pd.DataFrame, *, group: str) -> pd.DataFrame:
    wide = voices.pivot(index=group, columns="voice", values="estimate")
    for v in ("quoted", "reporter"):
        if v not in wide.columns:
            wide[v] = np.nan
    gap = pd.DataFrame({
        group: wide.index.astype(str),
        "reporter": wide["reporter"].to_numpy(dtype=float),
        "quoted": wide["quoted"].to_numpy(dtype=float),
    })
    gap["difference"] = gap["reporter"] - gap["quoted"]
    return gap


def position_sentiment(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    bins: int = 5,
    weight: str = "unit",
    resampling: stats.Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Mean compound along the article: ``bins`` equal slices of ``position`` (0 = first sentence).

    News puts its frame in the first sentences; this shows whether tone differs between the
    lead and the rest. Each group x slice gets the two-stage cluster bootstrap interval of
    :func:`group_sentiment` (articles, then sentences); ``resampling``, ``n_boot``, ``level``,
    ``random_state`` as there.

    Returns one row per slice x group: ``bin`` (0-based), ``bin_start``, ``bin_end``,
    ``bin_mid``, group, ``estimate``, ``ci_low``, ``ci_high``, ``n_docs``, ``n_sentences``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("aaaa"), "event": list("xxxx"),
    ...                   "position": [0.0, 1 / 3, 2 / 3, 1.0], "compound": [0.6, 0.2, 0.0, -0.2]})
    >>> position_sentiment(s, bins=2, n_boot=50)[["bin", "event", "estimate", "n_sentences"]]
       bin event  estimate  n_sentences
    0    0     x       0.4            2
    1    1     x      -0.1            2
    """
    require_columns(scored, ["doc_id", group, "position", "compound"], "position_sentiment",
             "Pass the frame returned by sentence_sentiment (it carries position).")
    if bins < 1:
        raise ValueError(f"bins must be at least 1, not {bins!r}")
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, scored["position"].to_numpy(dtype=float),
                                    side="right") - 1, 0, bins - 1)
    data = scored.assign(bin=which)
    opts = stats.resolve_resampling(resampling, n_boot=n_boot, level=level,
                                    random_state=random_state)
    out = []
    for b in range(bins):
        part = data[data["bin"] == b]
        if part.dropna(subset=[group]).empty:
            continue
        est = stats.cluster_bootstrap(part, value="compound", group=group, weight=weight,
                                      key=("position", bins, b, weight), resampling=opts)
        est.insert(0, "bin", b)
        est.insert(1, "bin_start", edges[b])
        est.insert(2, "bin_end", edges[b + 1])
        est.insert(3, "bin_mid", (edges[b] + edges[b + 1]) / 2)
        out.append(est)
    table = pd.concat(out, ignore_index=True).rename(columns={"n_units": "n_sentences"})
    return table.drop(columns="n_boot")


# --------------------------------------------------------------------------- from a store


@dataclass(frozen=True)
class SentimentTables:
    """Result of :func:`sentiment_from_store`: what :func:`group_sentiment`,
    :func:`actor_sentiment` and :func:`voice_sentiment` give on the stored sentences."""

    sentiment: GroupSentiment
    actors: pd.DataFrame
    voices: VoiceSentiment


class _Codes:
    """Strings numbered in order of first appearance (actors, speakers, voices)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def codes(self, values: pd.Series) -> np.ndarray:
        """The code of every value (-1 for a missing one); new values get new codes."""
        inverse, uniq = pd.factorize(values, use_na_sentinel=True)
        table = np.array([self.index.setdefault(str(u), len(self.index)) for u in uniq]
                         + [-1], dtype=np.int32)
        return table[inverse]

    @property
    def names(self) -> np.ndarray:
        return np.array(list(self.index), dtype=object)


@dataclass
class _Stream:
    """The sentences of a store reduced part by part: per-document rows, and per sentence only
    compound (float64), its document (int32) and voice (int8): 13 bytes; per actor mention
    and per quoted sentence with a speaker, the sentence (int64) and a code (int32)."""

    docs: list[pd.DataFrame]
    voice_docs: list[pd.DataFrame]
    doc_ids: list[pd.Series]
    doc_groups: list[pd.Series]
    compound: list[np.ndarray]
    doc: list[np.ndarray]
    voice: list[np.ndarray]
    mention_rows: list[np.ndarray]
    mention_actor: list[np.ndarray]
    speaker_rows: list[np.ndarray]
    speaker: list[np.ndarray]


def _read_stream(store: StageSource, group: str,
                 voice: str | None = None) -> tuple[_Stream, _Codes, _Codes, _Codes]:
    columns = ["compound", "actors", "voice", "speaker", "text"]
    out = _Stream(*([] for _ in range(11)))
    actors, voices, speakers = _Codes(), _Codes(), _Codes()
    n_docs = n_units = 0
    for part in stage_parts(store, "sentences", columns=columns, group=group):
        keep = part[group].notna()
        if voice is not None:
            keep &= part["voice"] == voice
        part = part.loc[keep].reset_index(drop=True)
        out.docs.append(document_sentiment(part[["doc_id", group, "compound"]], group=group))
        out.voice_docs.append(_voice_documents(part, group=group))
        local, first = pd.factorize(part["doc_id"])
        out.doc_ids.append(pd.Series(first))
        out.doc_groups.append(part[group].iloc[np.unique(local, return_index=True)[1]]
                              .reset_index(drop=True))
        out.compound.append(part["compound"].to_numpy(dtype=np.float64))
        out.doc.append((local + n_docs).astype(np.int32))
        out.voice.append(voices.codes(part["voice"]).astype(np.int8))
        lengths = np.fromiter((len(a) for a in part["actors"]), dtype=np.int64, count=len(part))
        flat = pd.Series([a for t in part["actors"] for a in t], dtype=object)
        keep = flat.notna().to_numpy()
        out.mention_rows.append((np.repeat(np.arange(len(part)), lengths) + n_units)[keep])
        out.mention_actor.append(actors.codes(flat[keep]))
        quoted = ((part["voice"] == "quoted") & part["speaker"].notna()).to_numpy(dtype=bool)
        out.speaker_rows.append(np.flatnonzero(quoted) + n_units)
        out.speaker.append(speakers.codes(part["speaker"][quoted].astype(str)))
        n_docs += len(first)
        n_units += len(part)
    return out, actors, voices, speakers


def sentiment_from_store(
    store: StageSource,
    *,
    group: str | None = None,
    groups: Sequence[str] | None = None,
    top_speakers: int = 6,
    top_actors: int | None = None,
    voice: str | None = None,
    min_docs: int = 2,
    weight: str = "unit",
    resampling: stats.Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
    unit: str = "articles",
) -> SentimentTables:
    """:func:`group_sentiment`, :func:`actor_sentiment` and :func:`voice_sentiment` of a store's
    sentences, read one part file at a time.

    The same tables (every number equal) those functions give on the stored sentences of
    the documents with a value of ``group`` (the sentences :func:`analysis.compare_groups`
    uses); documents without one are left out. Each part is reduced to per-document rows
    before the next is read; the two-stage bootstrap resamples sentences within documents,
    so it keeps per sentence its compound, document and voice (13 bytes) and per actor
    mention / quoted sentence with a speaker 12 bytes. The documents table is not read.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of the store's documents (default: the store's group)
    groups, weight, resampling, n_boot, level, random_state, unit : as in
        :func:`group_sentiment`
    top_speakers, min_docs : as in :func:`voice_sentiment` (``min_docs`` also for actors)
    top_actors : as ``top`` of :func:`actor_sentiment` (default: every actor)
    voice : only the sentences of this voice (``"reporter"``, ``"quoted"``), as the functions
        give on ``scored[scored["voice"] == voice]``

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> store = prepare(None, store=tempfile.mkdtemp() + "/s")
    >>> t = sentiment_from_store(store, n_boot=100)
    >>> t.sentiment.summary["n_docs"].tolist()
    [3, 2, 3, 2, 3, 2]
    """
    group = store.group if group is None else group
    opts = stats.resolve_resampling(resampling, n_boot=n_boot, level=level,
                                    random_state=random_state)
    read, actors, voices, speakers = _read_stream(store, group, voice)
    docs = _concat(read.docs).sort_values([group, "doc_id"], kind="stable",
                                          na_position="last").reset_index(drop=True)
    doc_ids = _concat(read.doc_ids)
    if doc_ids.duplicated().any():
        raise CorpusError(f"{getattr(store, 'path', 'the store')}: document(s) "
                          f"{doc_ids[doc_ids.duplicated()].astype(str).tolist()[:5]} have "
                          "sentences in more than one part file. Prepare the store again.")
    doc_groups = _concat(read.doc_groups)
    stats.check_groups(pd.DataFrame({"doc_id": doc_ids, group: doc_groups}), group=group)
    rank = pd.factorize(doc_ids, sort=True)[0].astype(np.int32)
    group_code, names = pd.factorize(doc_groups, sort=True)
    names = [str(n) for n in names]
    label_of = group_code.astype(np.int16 if len(names) < 2 ** 15 else np.int32)
    compound = np.concatenate(read.compound)
    doc = np.concatenate(read.doc)
    voice = np.concatenate(read.voice)
    del read.compound, read.doc, read.voice

    def flags(rows: np.ndarray) -> np.ndarray:
        c = compound[rows]
        return np.column_stack([c, (c > config.VADER_POS).astype(float),
                                (c < config.VADER_NEG).astype(float)])

    boot = stats.bootstrap_arrays(flags, clusters=rank[doc], labels=label_of[doc], names=names,
                                  value_names=[_VALUE_OF[m] for m in MEASURES], group=group,
                                  groups=groups, weight=weight, key=("sentiment", weight),
                                  resampling=opts)
    sentiment = _group_tables(docs, boot, sizes=stats.group_sizes(docs, group=group),
                              group=group, groups=groups, opts=opts, unit=unit)
    cells = dict(compound=compound, doc=doc, rank=rank, label_of=label_of, names=names,
                 group=group, weight=weight, opts=opts, min_docs=min_docs)
    actor_table = _array_cells(np.concatenate(read.mention_rows),
                               np.concatenate(read.mention_actor), actors.names, by="actor",
                               **cells)
    voice_table = _array_cells(np.arange(len(voice)), voice, voices.names, by="voice", **cells)
    speaker_rows = np.concatenate(read.speaker_rows)
    speaker_code = np.concatenate(read.speaker)
    counts = pd.Series(np.bincount(speaker_code, minlength=len(speakers.names)),
                       index=pd.Index(speakers.names.astype(str)))
    keep = [speakers.index[name] for name in _top_of(counts, top_speakers)]
    chosen = np.isin(speaker_code, np.asarray(keep, dtype=np.int32))
    speaker_table = _array_cells(speaker_rows[chosen], speaker_code[chosen], speakers.names,
                                 by="speaker", **cells)
    voice_docs = _concat(read.voice_docs).sort_values("doc_id", kind="stable")
    if top_actors is not None and len(actor_table):  # as actor_sentiment(top=...) keeps them
        counts = actor_table.groupby("actor")["n_sentences"].sum().sort_index()
        keep = counts.sort_values(ascending=False, kind="stable").index[:top_actors]
        actor_table = actor_table[actor_table["actor"].isin(keep)].reset_index(drop=True)
    return SentimentTables(
        sentiment=sentiment, actors=actor_table,
        voices=VoiceSentiment(voices=voice_table, speakers=speaker_table,
                              reporter_minus_quoted=_reporter_minus_quoted(voice_table,
                                                                           group=group),
                              documents=voice_docs.reset_index(drop=True)))


def _concat(frames: list) -> pd.DataFrame | pd.Series:
    full = [f for f in frames if len(f)]
    return pd.concat(full or frames[:1], ignore_index=True)


def _array_cells(rows: np.ndarray, codes: np.ndarray, key_names: np.ndarray, *, by: str,
                 compound: np.ndarray, doc: np.ndarray, rank: np.ndarray,
                 label_of: np.ndarray, names: list[str], group: str, weight: str,
                 opts: stats.Resampling, min_docs: int) -> pd.DataFrame:
    """:func:`_cells` on the sentences ``rows`` whose value of ``by`` is ``key_names[codes]``."""
    keys = key_names.astype(str)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    out = []
    for k in np.argsort(keys, kind="stable"):
        these = rows[order[bounds[k]:bounds[k + 1]]]
        if not len(these):
            continue
        labels = label_of[doc[these]]
        c = compound[these]
        est = stats.bootstrap_arrays(
            c, clusters=rank[doc[these]], labels=labels, names=names, value_names=["compound"],
            group=group, differences=False, weight=weight,
            key=(by, keys[k], "compound", weight), resampling=opts,
        ).estimates.drop(columns="value").reset_index(drop=True)
        n = np.bincount(labels, minlength=len(names))
        pos = np.bincount(labels, weights=(c > config.VADER_POS), minlength=len(names))
        neg = np.bincount(labels, weights=(c < config.VADER_NEG), minlength=len(names))
        seen = np.flatnonzero(n)
        shares = pd.DataFrame({group: [names[j] for j in seen],
                               "share_positive": pos[seen] / n[seen],
                               "share_negative": neg[seen] / n[seen]})
        out.append(_cell(est, shares, by=by, key=str(keys[k]), group=group))
    return _cell_table(out, by=by, group=group, min_docs=min_docs)
