"""Why the sentiment scores come out as they do: word-level VADER valence, topic words, a second lexicon.

What lives here
---------------
- :func:`lexicon_contributions`: for every group, each VADER lexicon word's summed valence
  (count x valence), its rate per 10,000 tokens and the documents using it.
  :func:`top_contributions` and :func:`difference_drivers` read the words that carry each
  group's positive and negative valence and the words behind the difference between groups.
- :func:`topic_word_share` and :func:`rescore_without`: how much of a group's valence comes from
  topic words (``analysis/resources/topic_words.txt``: war, crisis, threat, attack ...) that VADER
  reads as tone, and the group means when those words are removed from VADER's lexicon.
- :func:`approximation_fidelity`: how close the word-sum approximation is to VADER's own scores.
- :func:`pattern_scores` and :func:`compare_methods`: a second, independent lexicon method
  (TextBlob's port of the Pattern sentiment lexicon, ``en-sentiment.xml`` shipped inside the
  ``textblob`` wheel; no NLTK data needed) scored on the same sentences, its rank agreement with
  VADER and whether the direction of each group difference holds under both.

The approximation
-----------------
Contributions sum each matched word's *raw* lexicon valence, counted with VADER's own tokenizer
(whitespace split, edge punctuation stripped unless that leaves two characters or fewer,
lower-cased) against the single-word entries of VADER's lexicon. VADER's rules are *not*
applied: negation ("not good" flips and damps), boosters ("very"), ALL-CAPS emphasis, "but"
(halves what precedes, boosts what follows), "no" before a lexicon word, "least", idioms,
punctuation emphasis and emoji descriptions. It answers "which words carry the valence", not
"exactly how much each word added". :func:`approximation_fidelity` measures the gap on the
same sentences (rank correlation, category agreement, per-group means).

Examples
--------
>>> vader_tokens('"War," he said: it is NOT good!')
['war', 'he', 'said', 'it', 'is', 'not', 'good']

Typographic quotes are not ASCII punctuation, so VADER keeps them on the word (and misses it)
unless :func:`analysis.measures.sentiment.ascii_quotes` is applied first:

>>> vader_tokens("“War,” he said")
['“war,”', 'he', 'said']
"""

from __future__ import annotations

import functools
import math
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats as sps
from sklearn.feature_extraction.text import CountVectorizer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import config
from analysis.corpus.validation import require_columns
from analysis.errors import CorpusError, NothingToShow
from analysis.measures.sentiment import (
    SCORE_COLUMNS,
    TYPOGRAPHIC_QUOTES,
    as_text_list,
    parallel_map_chunks,
    resolve_n_jobs,
    vader_analyzer,
)

__all__ = [
    "MethodComparison",
    "approximate_compound",
    "approximation_fidelity",
    "compare_methods",
    "difference_drivers",
    "lexicon_contributions",
    "load_topic_words",
    "pattern_scores",
    "rescore_without",
    "top_contributions",
    "topic_word_share",
    "vader_tokens",
    "vader_valences",
    "without_topic_words",
]

TOPIC_WORDS_FILE: Path = config.RESOURCES_DIR / "topic_words.txt"
#: Rates are per this many VADER tokens.
PER_TOKENS: int = 10_000
_ALPHA = 15  # VADER's normalisation constant: compound = x / sqrt(x^2 + 15)


# --------------------------------------------------------------------------- VADER lexicon


@functools.cache
def _valences() -> tuple[tuple[str, ...], np.ndarray]:
    lexicon = vader_analyzer().lexicon
    words = tuple(sorted(w for w in lexicon if w == w.lower() and not any(c.isspace() for c in w)))
    return words, np.array([lexicon[w] for w in words], dtype=float)


def vader_valences() -> pd.Series:
    """VADER's lexicon as a Series word -> mean human valence (-4 .. +4), single words only.

    Multi-word entries ("can't stand") and entries with capitals (":D") are left out: VADER
    splits on whitespace and looks words up lower-cased, so they never match in VADER either.

    Examples
    --------
    >>> v = vader_valences()
    >>> float(v["war"]), float(v["peace"]), "can't stand" in v.index
    (-2.9, 2.5, False)
    """
    words, values = _valences()
    return pd.Series(values, index=pd.Index(words, name="word"), name="valence")


def _strip(token: str) -> str:
    stripped = token.strip(string.punctuation)
    return token if len(stripped) <= 2 else stripped


def vader_tokens(text: str) -> list[str]:
    """VADER's tokens of ``text``, lower-cased (as its lexicon lookup sees them).

    Whitespace split; leading and trailing ASCII punctuation removed unless that leaves two
    characters or fewer (VADER keeps such tokens whole, as emoticons).

    Examples
    --------
    >>> vader_tokens("Putin's war, (again) :) ok.")
    ["putin's", 'war', 'again', ':)', 'ok.']
    """
    return [_strip(t).lower() for t in text.split()]


@functools.cache
def _vectorizer() -> CountVectorizer:
    words, _ = _valences()
    vec = CountVectorizer(analyzer=vader_tokens, vocabulary=list(words))
    return vec


def _counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Sparse texts x lexicon-words count matrix (columns in :func:`vader_valences` order)."""
    return _vectorizer().transform(texts).tocsr()


def _n_tokens(texts: pd.Series) -> np.ndarray:
    return texts.astype(str).str.count(r"\S+").to_numpy(dtype=np.int64)


def approximate_compound(
    texts: Iterable[str] | pd.Series, *, ascii_quotes: bool = False
) -> np.ndarray:
    """Compound from raw lexicon valences: ``s / sqrt(s^2 + 15)`` with ``s`` the summed valence.

    VADER's normalisation without its rules (see the module docstring); used to measure how
    faithful word-level contributions are. ``ascii_quotes`` as in
    :func:`analysis.measures.sentiment.score_sentences`.

    Examples
    --------
    >>> approximate_compound(["good", "not good"]).round(4).tolist()  # VADER: 0.4404, -0.3412
    [0.4404, 0.4404]
    """
    values, _ = as_text_list(texts, "approximate_compound")
    if ascii_quotes:
        values = [t.translate(TYPOGRAPHIC_QUOTES) for t in values]
    _, valence = _valences()
    total = _counts(values) @ valence
    return total / np.sqrt(total * total + _ALPHA)


# --------------------------------------------------------------------------- topic words


def load_topic_words(path: str | Path | None = None) -> frozenset[str]:
    """Topic words from an editable list (default ``analysis/resources/topic_words.txt``).

    One word per line, lower-cased on reading; ``#`` comments and blank lines are skipped.

    Examples
    --------
    >>> words = load_topic_words()
    >>> {"war", "crisis", "threat", "sanctions"} <= words
    True
    """
    file = Path(path) if path is not None else TOPIC_WORDS_FILE
    if not file.is_file():
        raise CorpusError(
            f"{file}: topic word list not found. Pass topic_words= a list of words or the path "
            "of a text file with one word per line."
        )
    words = set()
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


def _topic_set(topic_words: Iterable[str] | str | Path | None) -> frozenset[str]:
    if topic_words is None or isinstance(topic_words, str | Path):
        return load_topic_words(topic_words)
    return frozenset(str(w).lower() for w in topic_words)


# --------------------------------------------------------------------------- contributions


def lexicon_contributions(
    frame: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    text: str = "text",
    topic_words: Iterable[str] | str | Path | None = None,
    ascii_quotes: bool = True,
) -> pd.DataFrame:
    """Summed VADER valence of each lexicon word in each group (word-level approximation).

    ``frame`` is the sentence frame from :func:`analysis.measures.sentiment.sentence_sentiment` (or any
    frame with the group column and a text column, e.g. the corpus itself). Counting is
    vectorized: one sparse texts x lexicon-words matrix from scikit-learn's ``CountVectorizer``
    with VADER's tokenizer, summed per group by a sparse indicator product. Raw valences, no
    VADER rules (see the module docstring and :func:`approximation_fidelity`).
    ``ascii_quotes`` (default True, as :func:`analysis.measures.sentiment.sentence_sentiment`) maps
    typographic quotes to ASCII first so the words VADER scored are the words counted.
    ``topic_words``: a list of words or a file path (default: the bundled list).

    Returns
    -------
    One row per group x word used in that group: group, ``word``, ``valence`` (lexicon value),
    ``count``, ``n_docs`` (documents of the group using it; needs ``doc_id``), ``n_tokens``
    (the group's VADER tokens), ``rate_per_10k``, ``contribution`` (= count x valence),
    ``share`` (the word's part of its group's positive, or negative, valence total) and
    ``topic_word``. Sorted by group, then contribution.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                   "text": ["War, war and peace.", "A good peace."]})
    >>> lexicon_contributions(s)[["event", "word", "valence", "count", "contribution", "share"]]
      event   word  valence  count  contribution  share
    0     x    war     -2.9      2          -5.8  1.000
    1     x  peace      2.5      1           2.5  1.000
    2     y   good      1.9      1           1.9  0.432
    3     y  peace      2.5      1           2.5  0.568
    """
    require_columns(frame, [group, text], "lexicon_contributions",
             "Pass the sentence frame from sentence_sentiment, or the corpus.")
    data = frame.dropna(subset=[group])
    texts = data[text].astype(str)
    if ascii_quotes:
        texts = texts.str.translate(TYPOGRAPHIC_QUOTES)
    labels = data[group].astype(str).to_numpy()
    names, codes = np.unique(labels, return_inverse=True)
    counts = _counts(texts.tolist())
    n = len(data)
    member = sp.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(len(names), n))
    by_group = (member @ counts).toarray()
    tokens = np.bincount(codes, weights=_n_tokens(texts), minlength=len(names))
    if "doc_id" in data.columns:
        doc_codes, doc_names = pd.factorize(data["doc_id"].astype(str), sort=True)
        to_doc = sp.csr_matrix((np.ones(n), (doc_codes, np.arange(n))), shape=(len(doc_names), n))
        doc_present = ((to_doc @ counts) > 0).astype(np.int64)
        doc_group = pd.Series(codes).groupby(doc_codes).first().to_numpy()
        doc_member = sp.csr_matrix(
            (np.ones(len(doc_names)), (doc_group, np.arange(len(doc_names)))),
            shape=(len(names), len(doc_names)),
        )
        docs_using = (doc_member @ doc_present).toarray()
    else:
        docs_using = np.full(by_group.shape, np.nan)
    words, valence = _valences()
    gi, wi = np.nonzero(by_group)
    out = pd.DataFrame({
        group: names[gi],
        "word": np.asarray(words, dtype=object)[wi],
        "valence": valence[wi],
        "count": by_group[gi, wi].astype(np.int64),
        "n_docs": docs_using[gi, wi],
        "n_tokens": tokens[gi].astype(np.int64),
    })
    if "doc_id" in data.columns:
        out["n_docs"] = out["n_docs"].astype(np.int64)
    out["rate_per_10k"] = out["count"] / out["n_tokens"] * PER_TOKENS
    out["contribution"] = out["count"] * out["valence"]
    sign = np.sign(out["valence"])
    totals = out.groupby([out[group], sign])["contribution"].transform("sum")
    out["share"] = (out["contribution"] / totals).round(3)
    out["topic_word"] = out["word"].isin(_topic_set(topic_words))
    out = out.sort_values([group, "contribution", "word"], ascending=[True, True, True],
                          kind="stable").reset_index(drop=True)
    return out


def top_contributions(
    contributions: pd.DataFrame, *, group: str = config.DEFAULT_GROUP, n: int = 10
) -> pd.DataFrame:
    """The ``n`` words adding most positive and most negative valence in each group.

    Returns the rows of :func:`lexicon_contributions` with a ``polarity`` column
    (``"negative"``/``"positive"``) and ``rank`` (1 = largest absolute contribution).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"event": ["x", "x"], "text": ["war war crisis", "good peace"]})
    >>> t = top_contributions(lexicon_contributions(s), n=1)
    >>> t[["event", "polarity", "rank", "word", "contribution"]]
      event  polarity  rank   word  contribution
    0     x  negative     1    war          -5.8
    1     x  positive     1  peace           2.5
    """
    c = contributions[contributions["valence"] != 0]
    c = c.assign(polarity=np.where(c["valence"] < 0, "negative", "positive"),
                 _mag=c["contribution"].abs())
    c = c.sort_values([group, "polarity", "_mag", "word"], ascending=[True, True, False, True],
                      kind="stable")
    c["rank"] = c.groupby([group, "polarity"]).cumcount() + 1
    c = c[c["rank"] <= n].drop(columns="_mag")
    first = [group, "polarity", "rank", "word"]
    return c[first + [k for k in c.columns if k not in first]].reset_index(drop=True)


def _contrasts(names: Sequence[str], groups: Sequence[str] | None, group: str):
    if groups is not None:
        if len(groups) != 2:
            raise CorpusError(f"groups= needs exactly two group names, got {list(groups)!r}.")
        unknown = [g for g in groups if g not in names]
        if unknown:
            raise CorpusError(f"group(s) {unknown} not found in column {group!r}; it has: "
                              f"{list(names)}.")
        return [(str(groups[0]), str(groups[1]))]
    if len(names) < 2:
        raise CorpusError(f"column {group!r} needs two or more groups to compare; it has "
                          f"{list(names)}.")
    if len(names) == 2:
        return [(names[0], names[1])]
    return [(name, "rest") for name in names]


def difference_drivers(
    contributions: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    n: int = 10,
) -> pd.DataFrame:
    """Words driving the valence difference between groups: rate difference x valence.

    For each contrast (group a minus group b; two groups: sorted order; more: each group
    minus the rest pooled) and each lexicon word, ``driver = (rate_a - rate_b) x valence`` with
    rates per 10,000 VADER tokens. A positive driver pushes a's tone up relative to b's
    (a uses a positive word more, or a negative word less). Returns the ``n`` largest positive
    and ``n`` largest negative drivers per contrast, with counts and rates on both sides.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"event": ["x", "y"], "text": ["war peace peace a", "war war b c"]})
    >>> d = difference_drivers(lexicon_contributions(s), n=2)
    >>> d[["contrast", "word", "rate_a", "rate_b", "driver"]]
      contrast   word  rate_a  rate_b   driver
    0    x - y  peace  5000.0     0.0  12500.0
    1    x - y    war  2500.0  5000.0   7250.0
    """
    names = sorted(contributions[group].astype(str).unique())
    if groups is None and len(names) < 2:
        raise NothingToShow(
            "fewer than two groups use any word of VADER's lexicon ("
            + (", ".join(names) or "none") + "): no word drives a difference between groups."
        )
    tokens = contributions.groupby(group)["n_tokens"].first()
    tokens.index = tokens.index.astype(str)
    wide = contributions.pivot_table(index="word", columns=group, values="count", aggfunc="sum",
                                     fill_value=0)
    wide.columns = wide.columns.astype(str)
    valence = vader_valences().reindex(wide.index)
    rows = []
    for a, b in _contrasts(names, groups, group):
        others = [g for g in names if g != a] if b == "rest" else [b]
        count_a = wide[a]
        count_b = wide[others].sum(axis=1)
        tok_a = float(tokens[a])
        tok_b = float(tokens[others].sum())
        rate_a = count_a / tok_a * PER_TOKENS
        rate_b = count_b / tok_b * PER_TOKENS
        t = pd.DataFrame({
            "contrast": f"{a} - {b}", "group_a": a, "group_b": b, "word": wide.index,
            "valence": valence.to_numpy(), "count_a": count_a.to_numpy(),
            "count_b": count_b.to_numpy(), "rate_a": rate_a.to_numpy(), "rate_b": rate_b.to_numpy(),
        })
        t["driver"] = (t["rate_a"] - t["rate_b"]) * t["valence"]
        t = t[t["driver"] != 0]
        up = t[t["driver"] > 0].sort_values(["driver", "word"], ascending=[False, True]).head(n)
        down = t[t["driver"] < 0].sort_values(["driver", "word"], ascending=[True, True]).head(n)
        rows.extend([up.assign(direction=f"raises {a}"), down.assign(direction=f"lowers {a}")])
    out = pd.concat(rows, ignore_index=True)
    out["topic_word"] = out["word"].isin(load_topic_words())
    return out


def topic_word_share(
    contributions: pd.DataFrame, *, group: str = config.DEFAULT_GROUP
) -> pd.DataFrame:
    """Per group: how much of its negative and positive valence comes from topic words.

    Uses the ``topic_word`` flags of :func:`lexicon_contributions` (editable list,
    ``analysis/resources/topic_words.txt``). ``negative_valence`` is the summed (negative)
    contribution of all negative words; ``topic_negative`` that of topic words among them;
    ``share_negative_topic = topic_negative / negative_valence`` (NaN when the group has no
    negative word). Same for positive.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"event": ["x"], "text": ["war and an ugly crisis, but peace and good"]})
    >>> t = topic_word_share(lexicon_contributions(s))
    >>> t[["event", "negative_valence", "topic_negative", "share_negative_topic"]]
      event  negative_valence  topic_negative  share_negative_topic
    0     x              -8.3            -6.0              0.722892
    """
    c = contributions.assign(
        neg=np.where(contributions["valence"] < 0, contributions["contribution"], 0.0),
        pos=np.where(contributions["valence"] > 0, contributions["contribution"], 0.0),
    )
    c = c.assign(topic_neg=np.where(c["topic_word"], c["neg"], 0.0),
                 topic_pos=np.where(c["topic_word"], c["pos"], 0.0))
    out = c.groupby(group, sort=True).agg(
        n_tokens=("n_tokens", "first"),
        negative_valence=("neg", "sum"), topic_negative=("topic_neg", "sum"),
        positive_valence=("pos", "sum"), topic_positive=("topic_pos", "sum"),
    ).reset_index()
    # shares of magnitudes (no -0.0); NaN for a group without any negative (positive) word
    neg_total = out["negative_valence"].abs().where(out["negative_valence"] != 0)
    pos_total = out["positive_valence"].where(out["positive_valence"] != 0)
    out["share_negative_topic"] = out["topic_negative"].abs() / neg_total
    out["share_positive_topic"] = out["topic_positive"] / pos_total
    cols = [group, "n_tokens", "negative_valence", "topic_negative", "share_negative_topic",
            "positive_valence", "topic_positive", "share_positive_topic"]
    return out[cols]


# --------------------------------------------------------------------------- rescoring


@functools.cache
def _analyzer_without(words: frozenset[str]) -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon = {w: v for w, v in analyzer.lexicon.items() if w not in words}
    return analyzer


def _score_without_chunk(texts: Sequence[str], words: frozenset[str]) -> list:
    polarity = _analyzer_without(words).polarity_scores
    out = []
    for text in texts:
        s = polarity(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


def rescore_without(
    texts: Iterable[str] | pd.Series,
    words: Iterable[str] | str | Path | None = None,
    *,
    ascii_quotes: bool = False,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """VADER scores with ``words`` deleted from its lexicon (all of VADER's rules still apply).

    Default ``words``: the topic word list. Answers "what would the tone be if VADER did not
    read topic words as tone?" exactly under VADER's rules, not by approximation.
    ``ascii_quotes`` as in :func:`analysis.measures.sentiment.score_sentences`.

    Examples
    --------
    >>> rescore_without(["The war is over and peace is good."], ["war", "peace"])["compound"].tolist()
    [0.4404]
    >>> score_sentences = __import__("analysis.measures.sentiment").measures.sentiment.score_sentences
    >>> score_sentences(["The war is over and peace is good."])["compound"].tolist()
    [0.3612]
    """
    values, index = as_text_list(texts, "rescore_without")
    if ascii_quotes:
        values = [t.translate(TYPOGRAPHIC_QUOTES) for t in values]
    drop = _topic_set(words)
    jobs = resolve_n_jobs(n_jobs, len(values))
    rows = (parallel_map_chunks(functools.partial(_score_without_chunk, words=drop), values,
                                n_jobs=jobs) if values else [])
    return pd.DataFrame(np.asarray(rows, dtype=float).reshape(len(values), len(SCORE_COLUMNS)),
                        columns=list(SCORE_COLUMNS), index=index)


def without_topic_words(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    topic_words: Iterable[str] | str | Path | None = None,
    ascii_quotes: bool = True,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Per group mean compound as scored, and again with topic words removed from VADER's lexicon.

    Rescores every sentence with :func:`rescore_without` (VADER's rules intact, only the topic
    words' valences gone). Columns: group, ``n_docs``, ``n_sentences``, ``mean_compound``,
    ``mean_compound_without_topic``, ``change`` (without minus with), and the same for the
    share of negative sentences. Pooled over sentences. ``ascii_quotes`` must match how
    ``scored`` was scored (default True, as :func:`analysis.measures.sentiment.sentence_sentiment`).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.sentiment import score_sentences
    >>> s = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...                   "text": ["The war goes on.", "A fine day."]})
    >>> s = pd.concat([s, score_sentences(s["text"])], axis=1)
    >>> without_topic_words(s)[["event", "mean_compound", "mean_compound_without_topic"]]
      event  mean_compound  mean_compound_without_topic
    0     x        -0.5994                       0.0000
    1     y         0.2023                       0.2023
    """
    require_columns(scored, ["doc_id", group, "text", "compound"], "without_topic_words",
             "Pass the frame returned by sentence_sentiment.")
    data = scored.dropna(subset=[group])
    rescored = rescore_without(data["text"].astype(str), topic_words, ascii_quotes=ascii_quotes,
                               n_jobs=n_jobs)["compound"].to_numpy()
    frame = pd.DataFrame({
        "doc_id": data["doc_id"].to_numpy(), group: data[group].astype(str).to_numpy(),
        "with": data["compound"].to_numpy(dtype=float), "without": rescored,
    })
    frame["neg_with"] = (frame["with"] < config.VADER_NEG).astype(float)
    frame["neg_without"] = (frame["without"] < config.VADER_NEG).astype(float)
    out = frame.groupby(group, sort=True).agg(
        n_docs=("doc_id", "nunique"), n_sentences=("doc_id", "size"),
        mean_compound=("with", "mean"), mean_compound_without_topic=("without", "mean"),
        share_negative=("neg_with", "mean"), share_negative_without_topic=("neg_without", "mean"),
    ).reset_index()
    out.insert(5, "change", out["mean_compound_without_topic"] - out["mean_compound"])
    return out


def _category(values: np.ndarray, pos: float, neg: float) -> np.ndarray:
    return np.where(values > pos, 1, np.where(values < neg, -1, 0))


def approximation_fidelity(
    scored: pd.DataFrame, *, group: str = config.DEFAULT_GROUP, ascii_quotes: bool = True
) -> pd.DataFrame:
    """How close the raw word-sum (no rules) comes to VADER's compound, overall and per group.

    Columns: ``scope`` (``"all"`` or a group), ``n_sentences``, ``spearman`` (rank correlation
    of the two per sentence), ``category_agreement`` (share of sentences put in the same
    positive / neutral / negative class), ``mean_abs_difference``, ``vader_mean`` and
    ``approx_mean`` (mean compound under each), ``identical_share`` (sentences where the two
    agree to VADER's 4 decimals, i.e. no rule changed anything). ``ascii_quotes`` must match
    how ``scored`` was scored (default True, as :func:`analysis.measures.sentiment.sentence_sentiment`).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.sentiment import score_sentences
    >>> s = pd.DataFrame({"event": ["x", "x", "y"],
    ...                   "text": ["It is good.", "It is not good.", "War."]})
    >>> s = pd.concat([s, score_sentences(s["text"])], axis=1)
    >>> approximation_fidelity(s)[["scope", "n_sentences", "category_agreement", "identical_share"]]
      scope  n_sentences  category_agreement  identical_share
    0   all            3            0.666667         0.666667
    1     x            2            0.500000         0.500000
    2     y            1            1.000000         1.000000
    """
    require_columns(scored, [group, "text", "compound"], "approximation_fidelity",
             "Pass the frame returned by sentence_sentiment.")
    approx = approximate_compound(scored["text"].astype(str), ascii_quotes=ascii_quotes)
    frame = pd.DataFrame({"scope": scored[group].astype("string").to_numpy(),
                          "vader": scored["compound"].to_numpy(dtype=float), "approx": approx})
    parts = [("all", frame)] + [
        (str(g), part) for g, part in frame.dropna(subset=["scope"]).groupby("scope", sort=True)
    ]
    rows = []
    for name, part in parts:
        v, a = part["vader"].to_numpy(), part["approx"].to_numpy()
        rho = (float(sps.spearmanr(v, a).statistic)
               if len(v) > 2 and np.ptp(v) > 0 and np.ptp(a) > 0 else math.nan)
        rows.append({
            "scope": name, "n_sentences": len(part), "spearman": rho,
            "category_agreement": float(np.mean(
                _category(v, config.VADER_POS, config.VADER_NEG)
                == _category(a, config.VADER_POS, config.VADER_NEG))),
            "mean_abs_difference": float(np.mean(np.abs(v - a))),
            "vader_mean": float(v.mean()), "approx_mean": float(a.mean()),
            "identical_share": float(np.mean(np.abs(v - np.round(a, 4)) < 5e-5)),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- second opinion


def _pattern_chunk(texts: Sequence[str]) -> list[tuple[float, float]]:
    from textblob.en import sentiment as pattern_sentiment

    return [tuple(float(x) for x in pattern_sentiment(t)) for t in texts]


def pattern_scores(texts: Iterable[str] | pd.Series, *, n_jobs: int | None = None) -> pd.DataFrame:
    """Polarity (-1..1) and subjectivity (0..1) from TextBlob's Pattern lexicon, per text.

    The same numbers as ``textblob.en.sentiments.PatternAnalyzer().analyze(text)`` (and
    ``TextBlob(text).sentiment``): averaged adjective/adverb polarities from ``en-sentiment.xml``
    (De Smedt & Daelemans 2012), with Pattern's own negation ("not") and intensifier handling.
    Its resources ship inside the ``textblob`` wheel; it needs no NLTK data download. An
    independent lexicon (built from product reviews, mostly adjectives) to check VADER against.

    Examples
    --------
    >>> pattern_scores(["A good and warm meeting.", "A bad war."]).round(3)
       polarity  subjectivity
    0      0.65         0.600
    1     -0.70         0.667
    """
    values, index = as_text_list(texts, "pattern_scores")
    jobs = resolve_n_jobs(n_jobs, len(values))
    rows = parallel_map_chunks(_pattern_chunk, values, n_jobs=jobs) if values else []
    return pd.DataFrame(np.asarray(rows, dtype=float).reshape(len(values), 2),
                        columns=["polarity", "subjectivity"], index=index)


@dataclass(frozen=True)
class MethodComparison:
    """Result of :func:`compare_methods`.

    Attributes
    ----------
    spearman_sentences : rank correlation of VADER compound and Pattern polarity over sentences
    n_sentences : sentences compared
    spearman_documents : the same over per-document means (one value per article)
    n_documents : documents compared
    category_agreement : share of sentences both methods put in the same class
        (positive / neutral / negative; VADER cut-offs +-0.05, Pattern: sign of polarity)
    by_group : per group ``n_docs``, ``n_sentences``, ``vader_mean``, ``pattern_mean``
    direction : per contrast the difference under each method and ``same_direction``
    """

    spearman_sentences: float
    n_sentences: int
    spearman_documents: float
    n_documents: int
    category_agreement: float
    by_group: pd.DataFrame
    direction: pd.DataFrame


def compare_methods(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    weight: str = "unit",
    n_jobs: int | None = None,
) -> MethodComparison:
    """Second opinion: does an independent lexicon (Pattern) agree with VADER on these sentences?

    Scores ``scored["text"]`` with :func:`pattern_scores` unless a ``pattern_polarity`` column
    is already present. Reports the Spearman rank correlation per sentence and per document
    (``scipy.stats.spearmanr``; the scales differ, ranks do not), per-group means under both
    methods (``weight="unit"``: pooled over sentences; ``"document"``: mean of article means)
    and, for each contrast (two groups: first minus second in sorted order; more: each minus
    the rest), whether the difference points the same way under both.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("abcd"), "event": list("xxyy"),
    ...                   "text": ["A good deal.", "Warm, happy talks.", "A bad war.", "Sad."],
    ...                   "compound": [0.4404, 0.8402, -0.8126, -0.4767]})
    >>> m = compare_methods(s)
    >>> m.direction[["contrast", "vader", "pattern", "same_direction"]].round(3)
      contrast  vader  pattern  same_direction
    0    x - y  1.285      1.3            True
    """
    require_columns(scored, ["doc_id", group, "text", "compound"], "compare_methods",
             "Pass the frame returned by sentence_sentiment.")
    if weight not in {"unit", "document"}:
        raise ValueError(f"weight must be 'unit' or 'document', not {weight!r}")
    data = scored.dropna(subset=[group])
    if "pattern_polarity" in data.columns:
        pattern = data["pattern_polarity"].to_numpy(dtype=float)
    else:
        pattern = pattern_scores(data["text"].astype(str), n_jobs=n_jobs)["polarity"].to_numpy()
    frame = pd.DataFrame({"doc_id": data["doc_id"].to_numpy(),
                          group: data[group].astype(str).to_numpy(),
                          "vader": data["compound"].to_numpy(dtype=float), "pattern": pattern})
    docs = frame.groupby(["doc_id", group], sort=True)[["vader", "pattern"]].mean().reset_index()

    def rho(a: np.ndarray, b: np.ndarray) -> float:
        if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
            return math.nan
        return float(sps.spearmanr(a, b).statistic)

    source = frame if weight == "unit" else docs
    by_group = source.groupby(group, sort=True)[["vader", "pattern"]].mean()
    by_group.columns = ["vader_mean", "pattern_mean"]
    sizes = frame.groupby(group, sort=True).agg(n_docs=("doc_id", "nunique"),
                                                n_sentences=("doc_id", "size"))
    by_group = sizes.join(by_group).reset_index()
    names = by_group[group].tolist()
    rows = []
    for a, b in _contrasts(names, None, group):
        side_b = source[source[group] != a] if b == "rest" else source[source[group] == b]
        side_a = source[source[group] == a]
        dv = side_a["vader"].mean() - side_b["vader"].mean()
        dp = side_a["pattern"].mean() - side_b["pattern"].mean()
        rows.append({"contrast": f"{a} - {b}", "vader": float(dv), "pattern": float(dp),
                     "same_direction": bool(np.sign(dv) == np.sign(dp) and dv != 0)})
    v_cat = _category(frame["vader"].to_numpy(), config.VADER_POS, config.VADER_NEG)
    p_cat = _category(frame["pattern"].to_numpy(), 0.0, 0.0)
    return MethodComparison(
        spearman_sentences=rho(frame["vader"].to_numpy(), frame["pattern"].to_numpy()),
        n_sentences=len(frame),
        spearman_documents=rho(docs["vader"].to_numpy(), docs["pattern"].to_numpy()),
        n_documents=len(docs),
        category_agreement=float(np.mean(v_cat == p_cat)) if len(frame) else math.nan,
        by_group=by_group,
        direction=pd.DataFrame(rows),
    )
