"""Headline findings: each notebook's two or three computed results, recorded for the index.

A notebook ends with one call, ``record_findings(<kind>_findings(...), name="NN_findings",
figures_dir=figures_dir)``: the builder turns the notebook's own result tables into a few
:class:`Finding` s (one sentence each, every number, group and term in it computed, with the
uncertainty that goes with it: an interval, a permutation p said "sampled" when it was, the
number of documents a count comes from), :func:`record_findings` writes them as
``NN_findings.csv`` beside the figures and shows them; the report's index page reads them back
with :func:`read_findings` and lists them under the notebook's line.

Builders, one per notebook:

- :func:`corpus_findings`: size and grouping, lengths, shared passages (``00_corpus``)
- :func:`keyness_findings`: the most distinctive term of each side with its score and the
  documents its counts come from, and how many terms pass the false discovery rate (``01``)
- :func:`sentiment_findings`: the group difference in mean sentence tone with its interval
  and permutation p, the group means, and whether a second lexicon agrees (``02``)
- :func:`topic_findings`: how many topics are findings (stable, usable), the largest
  difference in topic share among them with its interval (``03``)
- :func:`comparison_findings`: how many differences have an interval excluding zero, the
  largest of them, and how the tests were run (``04``)

Examples
--------
>>> import tempfile
>>> f = Finding("Mean tone, a - b: +0.10 (95% interval -0.05 to +0.25).", measure="mean",
...             value=0.1, ci_low=-0.05, ci_high=0.25)
>>> with tempfile.TemporaryDirectory() as d:
...     shown = record_findings([f], name="02_findings", figures_dir=d)
...     [g.text for g in read_findings(d, "02_findings")]
['Mean tone, a - b: +0.10 (95% interval -0.05 to +0.25).']
>>> print(shown._repr_markdown_())
**Headline findings** (listed on the report's index page):
<BLANKLINE>
- Mean tone, a - b: +0.10 (95% interval -0.05 to +0.25).
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.measures.stats import describe_tests, top_groups
from analysis.settings import GENRES, Nouns
from analysis.tables import save_table

__all__ = [
    "Finding",
    "Findings",
    "comparison_findings",
    "corpus_findings",
    "keyness_findings",
    "read_findings",
    "record_findings",
    "sentiment_findings",
    "topic_findings",
]

#: Groups a finding names one by one; with more, it names the largest and counts the rest.
MAX_NAMED_GROUPS = 3
#: Name of the keyness score of each method, as the findings print it.
SCORE_NAMES = {"log_odds": "z", "g2": "G2", "chi2": "chi2"}
_TEXTS = GENRES["texts"]


@dataclass(frozen=True)
class Finding:
    """One headline result: a sentence and, where it has one, the number behind it.

    Attributes
    ----------
    text : the sentence a reader sees (plain text; every number in it computed)
    measure : what ``value`` is ("difference in mean compound", "log-odds z", ...)
    value : the headline number, ``nan`` when the finding has none
    ci_low, ci_high : its interval, ``nan`` when it has none
    p_value : its permutation p-value, ``nan`` when it has none
    sampled : ``True`` when that p comes from a sampled test, ``False`` when every
        relabelling was enumerated, ``None`` when there is no test
    """

    text: str
    measure: str = ""
    value: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    sampled: bool | None = None


FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


@dataclass(frozen=True)
class Findings:
    """The findings a notebook recorded, shown in the notebook as a short list.

    Attributes
    ----------
    items : the findings, in the order given
    path : the CSV they were written to
    """

    items: tuple[Finding, ...]
    path: Path | None = None

    def _repr_markdown_(self) -> str:
        lines = [f"- {html.escape(f.text, quote=False)}" for f in self.items]
        return ("**Headline findings** (listed on the report's index page):\n\n"
                + ("\n".join(lines) if lines else "- none recorded"))

    def __repr__(self) -> str:
        return "\n".join(f.text for f in self.items)


def record_findings(findings: Iterable[Finding], *, name: str,
                    figures_dir: str | Path | None = None) -> Findings:
    """Write ``findings`` as ``<figures_dir>/<name>.csv`` and return them for display.

    ``name`` is ``"NN_findings"`` with the notebook's number: the index page reads that file
    (:func:`read_findings`) and lists the findings under the notebook's line.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     out = record_findings([Finding("Two groups.")], name="00_findings", figures_dir=d)
    ...     out.path.name, pd.read_csv(out.path).columns.tolist()[:2]
    ('00_findings.csv', ['text', 'measure'])
    """
    items = tuple(findings)
    for f in items:
        if not isinstance(f, Finding):
            raise TypeError(f"record_findings takes Finding objects, not {type(f).__name__}")
    frame = pd.DataFrame([dataclasses.asdict(f) for f in items], columns=list(FIELDS))
    frame["sampled"] = frame["sampled"].astype(object)
    path = save_table(frame, name, figures_dir=figures_dir)
    return Findings(items, path)


def read_findings(figures_dir: str | Path, name: str) -> list[Finding]:
    """The findings written by :func:`record_findings` as ``<figures_dir>/<name>.csv``.

    An absent file gives an empty list (a notebook that records nothing).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = record_findings([Finding("p = 0.3, sampled.", p_value=0.3, sampled=True)],
    ...                         name="02_findings", figures_dir=d)
    ...     read_findings(d, "02_findings")[0].sampled, read_findings(d, "01_findings")
    (True, [])
    """
    path = Path(figures_dir) / f"{name}.csv"
    if not path.is_file():
        return []
    frame = pd.read_csv(path, dtype={"text": str, "measure": str, "sampled": object},
                        keep_default_na=False, na_values={c: [""] for c in
                                                          ("value", "ci_low", "ci_high",
                                                           "p_value")})
    out = []
    for row in frame.to_dict("records"):
        sampled = {"True": True, "False": False}.get(str(row["sampled"]))
        out.append(Finding(
            text=str(row["text"]), measure=str(row["measure"]),
            value=float(row["value"]), ci_low=float(row["ci_low"]),
            ci_high=float(row["ci_high"]), p_value=float(row["p_value"]), sampled=sampled,
        ))
    return out


# --------------------------------------------------------------------------- wording


def _interval(lo: float, hi: float, level: float, digits: int = 3) -> str:
    return f"{level:.0%} interval {lo:+.{digits}f} to {hi:+.{digits}f}"


def _test_text(row: Mapping[str, object], unit: str) -> str:
    """The permutation p with how it was obtained: "sampled" whenever it was."""
    p = row.get("p_value")
    if p is None or pd.isna(p):
        return ""
    floor = float(row["min_p"])
    n = int(row["n_permutations"])
    if bool(row["sampled"]):
        return (f"p = {float(p):.2g} from a sampled permutation test ({n:,} random relabellings "
                f"of the {unit}; it cannot report p below {floor:.2g})")
    return (f"p = {float(p):.2g} from an exact permutation test (all {n:,} relabellings of the "
            f"{unit}; no p below {floor:.2g} is possible)")


def _groups_note(n_more: int, n_docs: int, noun: Nouns) -> str:
    if n_more <= 0:
        return ""
    return (f" ({n_more} other group{'s' if n_more != 1 else ''}, no larger, with "
            f"{noun.count(n_docs)} not listed)")


# --------------------------------------------------------------------------- builders


def corpus_findings(corpus: pd.DataFrame, *, group: str, noun: Nouns = _TEXTS,
                    passages: pd.DataFrame | None = None,
                    n_dropped: int | None = None) -> list[Finding]:
    """Size, grouping and lengths of the corpus, and how much of it is shared copy.

    Parameters
    ----------
    corpus : the loaded corpus (``doc_id``, ``n_words`` and the group column)
    group : the grouping column
    noun : the genre's nouns (:func:`analysis.settings.nouns`)
    passages : the shared-passage clusters (``SharedPassages.summary()``: one row per
        cluster with ``n_docs``), optional
    n_dropped : sentences removed by counting each shared passage once, optional

    Examples
    --------
    >>> c = pd.DataFrame({"doc_id": list("abcd"), "g": list("xxyy"), "n_words": [10, 30, 20, 40]})
    >>> [f.text for f in corpus_findings(c, group="g")]  # doctest: +NORMALIZE_WHITESPACE
    ['4 texts in 2 groups of g: x (2), y (2).',
     'Words per text: median 25 (10 to 40); group medians from 20 (x) to 30 (y).']
    """
    sizes = corpus[group].dropna().astype(str).value_counts().sort_index()
    n_missing = int(corpus[group].isna().sum())
    top = top_groups(sizes, max_groups=8, unit=noun.documents)
    listing = ", ".join(f"{g} ({int(sizes[g]):,})" for g in sorted(top.kept))
    if top.left_out:
        rest = sizes[list(top.left_out)]
        span = (f"{int(rest.min()):,}" if rest.min() == rest.max()
                else f"{int(rest.min()):,} to {int(rest.max()):,}")
        listing = f"largest {listing}; {len(top.left_out)} more with {span} each"
    first = (f"{noun.count(len(corpus))} in {len(sizes)} groups of {group}: {listing}"
             + (f"; {noun.count(n_missing)} without a group" if n_missing else "") + ".")
    out = [Finding(first, measure="documents", value=float(len(corpus)))]
    words = corpus["n_words"].astype(float)
    medians = corpus.groupby(group)["n_words"].median().sort_values(kind="stable")
    second = (f"Words per {noun.document}: median {words.median():,.0f} "
              f"({words.min():,.0f} to {words.max():,.0f})")
    if len(medians) >= 2:
        second += (f"; group medians from {medians.iloc[0]:,.0f} ({medians.index[0]}) to "
                   f"{medians.iloc[-1]:,.0f} ({medians.index[-1]})")
    out.append(Finding(second + ".", measure="median words", value=float(words.median())))
    if passages is not None:
        if len(passages):
            widest = int(passages["n_docs"].max())
            text = (f"{len(passages):,} shared passage cluster{'s' if len(passages) != 1 else ''}"
                    f", printed by up to {noun.count(widest)}")
            if n_dropped is not None:
                text += f"; counting each once removes {n_dropped:,} sentence(s)"
            out.append(Finding(text + ".", measure="shared passage clusters",
                               value=float(len(passages))))
        else:
            out.append(Finding(f"No passage is shared by two {noun.documents}.",
                               measure="shared passage clusters", value=0.0))
    return out


def keyness_findings(key: pd.DataFrame, *, noun: Nouns = _TEXTS, alpha: float = 0.05,
                     max_groups: int = MAX_NAMED_GROUPS) -> list[Finding]:
    """The most distinctive term of each side, with its score and where its counts come from.

    With two groups: the top term of each side. With more (one comparison per group against
    the rest): the top term of the ``max_groups`` largest groups, and how many are not
    listed. Then how many terms pass the false discovery rate. A side where no term leans
    says so.

    Parameters
    ----------
    key : the table of :func:`analysis.measures.keyness.keyness`
    noun : the genre's nouns
    alpha : the false discovery rate ``passes_fdr`` was computed at
    max_groups : groups named one by one when there are more than two

    Examples
    --------
    >>> from analysis.measures.keyness import keyness
    >>> corpus = pd.DataFrame({
    ...     "doc_id": ["a", "b", "c", "d"], "g": ["x", "x", "y", "y"],
    ...     "text": ["war war talks", "war crisis", "trade talks", "trade trade deal"]})
    >>> for f in keyness_findings(keyness(corpus, group="g", min_count=2)):
    ...     print(f.text)
    Most typical of x against y: "war" (z = 1.18; 3 vs 0 uses, in 2 of 2 texts vs 0 of 2).
    Most typical of y against x: "trade" (z = 1.18; 3 vs 0 uses, in 2 of 2 texts vs 0 of 2).
    0 of 3 terms tested pass a false discovery rate of 5%; the tests treat every token as independent, so they overstate the evidence.
    """
    out: list[Finding] = []
    method = str(key["method"].iloc[0]) if "method" in key.columns and len(key) else "log_odds"
    score_name = SCORE_NAMES.get(method, "score")
    comparisons = list(dict.fromkeys(key["target"].astype(str)))
    if len(comparisons) == 1:
        sides = [(comparisons[0], "target"), (comparisons[0], "reference")]
        n_more = n_docs_more = 0
    else:
        sizes = key.groupby("target")["n_docs_group_target"].first()
        top = top_groups(sizes, max_groups=max_groups, unit=noun.documents)
        sides = [(str(t), "target") for t in top.kept]
        n_more, n_docs_more = len(top.left_out), top.n_docs_left_out
    for target, side in sides:
        part = key[key["target"].astype(str) == target]
        reference = str(part["reference"].iloc[0])
        favoured, other = (target, reference) if side == "target" else (reference, target)
        against = "the rest" if reference == "rest" else other
        leaning = part[part["score"] > 0] if side == "target" else part[part["score"] < 0]
        if leaning.empty:
            out.append(Finding(
                f"No term is more typical of {favoured} than of {against}: all {len(part):,} "
                f"terms tested are used at the same rate on both sides.",
                measure=f"keyness {score_name}", value=0.0))
            continue
        row = leaning.loc[leaning["score"].abs().idxmax()]
        counts = (int(row["count_target"]), int(row["count_reference"]))
        docs = (int(row["n_docs_target"]), int(row["n_docs_reference"]))
        sizes2 = (int(row["n_docs_group_target"]), int(row["n_docs_group_reference"]))
        if side == "reference":
            counts, docs, sizes2 = counts[::-1], docs[::-1], sizes2[::-1]
        single = bool(row["single_doc"]) if pd.notna(row["single_doc"]) else False
        text = (f"Most typical of {favoured} against {against}: \"{row['term']}\" "
                f"({score_name} = {abs(float(row['score'])):.3g}; {counts[0]:,} vs {counts[1]:,} "
                f"uses, in {docs[0]:,} of {noun.count(sizes2[0])} vs {docs[1]:,} of "
                f"{sizes2[1]:,}" + (f"; from a single {noun.document}" if single else "") + ").")
        out.append(Finding(text, measure=f"keyness {score_name}",
                           value=abs(float(row["score"]))))
    if n_more:
        out[-1] = dataclasses.replace(
            out[-1], text=out[-1].text[:-1] + _groups_note(n_more, n_docs_more, noun) + ".")
    passing = key["passes_fdr"].fillna(False).astype(bool)
    n_pass = int(key.loc[passing, "term"].nunique())
    n_terms = int(key["term"].nunique())
    where = ("" if len(comparisons) == 1 else
             f" in at least one of the {len(comparisons)} comparisons (each group against the rest)")
    out.append(Finding(
        f"{n_pass:,} of {n_terms:,} terms tested pass a false discovery rate of {alpha:.0%}"
        f"{where}; the tests treat every token as independent, so they overstate the evidence.",
        measure="terms passing the false discovery rate", value=float(n_pass)))
    return out


def _largest(table: pd.DataFrame) -> pd.Series:
    return table.loc[table["estimate"].abs().sort_values(ascending=False, kind="stable").index[0]]


def sentiment_findings(differences: pd.DataFrame, summary: pd.DataFrame, *, group: str,
                       direction: pd.DataFrame | None = None, noun: Nouns = _TEXTS,
                       level: float = config.CI_LEVEL,
                       max_groups: int = MAX_NAMED_GROUPS) -> list[Finding]:
    """The group difference in mean sentence tone, the group means, a second lexicon's view.

    Parameters
    ----------
    differences, summary : ``GroupSentiment.differences`` and ``.summary`` of
        :func:`analysis.measures.sentiment.group_sentiment`
    group : the grouping column
    direction : ``MethodComparison.direction`` of :func:`analysis.measures.lexicons.compare_methods`
        (does a second lexicon point the same way), optional
    noun : the genre's nouns
    level : the level of the intervals
    max_groups : groups named one by one

    Examples
    --------
    >>> d = pd.DataFrame({"contrast": ["x - y"], "measure": ["mean_compound"],
    ...                   "estimate": [0.1], "ci_low": [-0.05], "ci_high": [0.25],
    ...                   "n_docs_a": [3], "n_docs_b": [2], "p_value": [0.4], "min_p": [0.1],
    ...                   "sampled": [False], "n_permutations": [10]})
    >>> s = pd.DataFrame({"g": ["x", "y"], "measure": "mean_compound", "estimate": [0.2, 0.1],
    ...                   "ci_low": [0.1, 0.0], "ci_high": [0.3, 0.2], "n_docs": [3, 2]})
    >>> print(sentiment_findings(d, s, group="g")[0].text)
    Mean sentence tone (VADER compound, -1 to 1), x - y: +0.100 (95% interval -0.050 to +0.250; 3 vs 2 texts); p = 0.4 from an exact permutation test (all 10 relabellings of the texts; no p below 0.1 is possible).
    """
    out: list[Finding] = []
    mean = differences[differences["measure"] == "mean_compound"]
    if mean.empty:
        return [Finding("No group difference in tone could be computed.")]
    row = _largest(mean)
    which = ("" if len(mean) == 1 else
             f" (the largest of {len(mean)} contrasts, each group against the rest)")
    test = _test_text(row, noun.documents)
    out.append(Finding(
        f"Mean sentence tone (VADER compound, -1 to 1), {row['contrast']}{which}: "
        f"{row['estimate']:+.3f} ({_interval(row['ci_low'], row['ci_high'], level)}; "
        f"{int(row['n_docs_a']):,} vs {noun.count(int(row['n_docs_b']))})"
        + (f"; {test}" if test else "") + ".",
        measure="difference in mean compound", value=float(row["estimate"]),
        ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]),
        p_value=float(row["p_value"]) if pd.notna(row.get("p_value")) else math.nan,
        sampled=bool(row["sampled"]) if pd.notna(row.get("sampled")) else None))
    means = summary[summary["measure"] == "mean_compound"].copy()
    if len(means):
        means = means.sort_values("estimate", ascending=False, kind="stable")
        if len(means) <= max_groups:
            parts = [f"{r[group]} {r['estimate']:+.3f} ({r['ci_low']:+.3f} to {r['ci_high']:+.3f})"
                     for _, r in means.iterrows()]
            text = f"Group means with {level:.0%} intervals: " + "; ".join(parts) + "."
        else:
            hi, lo = means.iloc[0], means.iloc[-1]
            text = (f"Group means range from {lo['estimate']:+.3f} ({lo[group]}, "
                    f"{noun.count(int(lo['n_docs']))}) to {hi['estimate']:+.3f} ({hi[group]}, "
                    f"{noun.count(int(hi['n_docs']))}) over {len(means)} groups.")
        out.append(Finding(text, measure="group mean compound"))
    if direction is not None and len(direction):
        held = direction["same_direction"].astype(bool)
        flat = int(((direction["vader"] == 0) | (direction["pattern"] == 0)).sum())
        out.append(Finding(
            f"A second lexicon (TextBlob/Pattern) points the same way as VADER in "
            f"{int(held.sum())} of {len(held)} group contrast{'s' if len(held) != 1 else ''}"
            + (f" ({flat} show{'s' if flat == 1 else ''} no difference under one of the two, so "
               "no direction)" if flat else "") + ".",
            measure="contrasts where the second lexicon agrees", value=float(held.sum())))
    return out


def _usable(table: pd.DataFrame) -> pd.Series:
    """Topics that are findings: ``status == "usable"`` where the model gives a status, else
    ``stable``."""
    if "status" in table.columns:
        return table["status"].astype(str).eq("usable")
    return table["stable"].astype(bool)


def topic_findings(topics: pd.DataFrame, difference: pd.DataFrame, *, noun: Nouns = _TEXTS,
                   n_seeds: int | None = None, level: float = config.CI_LEVEL) -> list[Finding]:
    """How many topics are findings, and the largest difference in topic share among them.

    A topic is a finding when it is stable across random starts (and, where the model gives
    each topic a ``status``, when that status is ``"usable"``).

    Parameters
    ----------
    topics : ``TopicModel.topics_`` (``topic``, ``label``, ``stable``, optionally ``status``)
    difference : ``TopicModel.prevalence_difference(...)`` (``contrast``, ``estimate``,
        ``ci_low``, ``ci_high``, ``n_docs_a``, ``n_docs_b``, ``stable``/``status``)
    noun : the genre's nouns
    n_seeds : random starts the stability was judged on, optional
    level : the level of the intervals

    Examples
    --------
    >>> t = pd.DataFrame({"topic": [0, 1], "label": ["trade / gas", "war"],
    ...                   "stable": [True, False]})
    >>> d = pd.DataFrame({"topic": [0, 1], "label": ["trade / gas", "war"],
    ...                   "stable": [True, False], "contrast": "x - y",
    ...                   "estimate": [0.05, 0.3], "ci_low": [-0.01, 0.1],
    ...                   "ci_high": [0.11, 0.5], "n_docs_a": 3, "n_docs_b": 2})
    >>> [f.text for f in topic_findings(t, d)]  # doctest: +NORMALIZE_WHITESPACE
    ['2 topics; 1 of them stable across random starts (the others are not findings).',
     'Largest difference in topic share among them: T0 "trade / gas", x - y = +0.050 (95% interval -0.010 to +0.110; 3 vs 2 texts).']
    """
    usable = _usable(topics)
    starts = f"{n_seeds} random starts" if n_seeds else "random starts"
    kind = ("usable (stable across " + starts + ", coherent, neither a formula nor group names)"
            if "status" in topics.columns else f"stable across {starts}")
    out = [Finding(f"{len(topics)} topics; {int(usable.sum())} of them {kind} (the others are "
                   "not findings).", measure="topics that are findings",
                   value=float(usable.sum()))]
    kept = difference[_usable(difference)]
    if kept.empty:
        out.append(Finding("No topic is a finding, so no difference in topic share is "
                           "reported."))
        return out
    row = _largest(kept)
    which = "" if kept["contrast"].nunique() == 1 else " (each group against the rest)"
    out.append(Finding(
        f"Largest difference in topic share among them{which}: T{row['topic']} "
        f"\"{row['label']}\", {row['contrast']} = {row['estimate']:+.3f} "
        f"({_interval(row['ci_low'], row['ci_high'], level)}; {int(row['n_docs_a']):,} vs "
        f"{noun.count(int(row['n_docs_b']))}).",
        measure="difference in topic share", value=float(row["estimate"]),
        ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"])))
    return out


def comparison_findings(differences: pd.DataFrame, tests: pd.DataFrame, *,
                        noun: Nouns = _TEXTS, level: float = config.CI_LEVEL) -> list[Finding]:
    """How many differences have an interval excluding zero, the largest, how tests ran.

    Parameters
    ----------
    differences : ``Comparison.differences`` of :func:`analysis.measures.comparison.compare_groups`
        (``kind``, ``label``, ``contrast``, ``estimate``, ``ci_low``, ``ci_high``, ``stable``)
    tests : the table whose permutation tests are described (``sampled``, ``min_p``,
        ``n_permutations``): ``Comparison.sentiment.differences``
    noun : the genre's nouns
    level : the level of the intervals

    Examples
    --------
    >>> d = pd.DataFrame({"kind": ["sentiment", "topic"], "label": ["mean compound", "gas"],
    ...                   "contrast": "x - y", "estimate": [0.1, -0.2], "ci_low": [-0.1, -0.3],
    ...                   "ci_high": [0.3, -0.1], "stable": [True, True]})
    >>> t = pd.DataFrame({"sampled": [False], "min_p": [0.1], "n_permutations": [10]})
    >>> [f.text for f in comparison_findings(d, t)]  # doctest: +NORMALIZE_WHITESPACE
    ['1 of 2 differences (sentiment measures and topics that are findings) has a 95% interval that excludes zero.',
     'Largest of them: share of topic "gas", x - y = -0.200 (95% interval -0.300 to -0.100).',
     'Permutation tests: 1 exact (every relabelling enumerated; smallest possible p 0.1).']
    """
    stable = differences[differences["stable"].astype(bool)]
    excl = stable[stable["ci_low"].gt(0) | stable["ci_high"].lt(0)]
    verb = "has" if len(excl) == 1 else "have"
    out = [Finding(
        f"{len(excl)} of {len(stable)} differences (sentiment measures and topics that are "
        f"findings) "
        f"{verb} a {level:.0%} interval that excludes zero.",
        measure="differences whose interval excludes zero", value=float(len(excl)))]
    if len(excl):
        row = _largest(excl)
        name = (f"share of topic \"{row['label']}\"" if row["kind"] == "topic"
                else str(row["label"]))
        out.append(Finding(
            f"Largest of them: {name}, {row['contrast']} = {row['estimate']:+.3f} "
            f"({_interval(row['ci_low'], row['ci_high'], level)}).",
            measure=name, value=float(row["estimate"]), ci_low=float(row["ci_low"]),
            ci_high=float(row["ci_high"])))
    ran = tests.dropna(subset=["sampled"]) if "sampled" in tests.columns else tests.iloc[:0]
    out.append(Finding(describe_tests(tests, unit=noun.documents),
                       sampled=bool(ran["sampled"].astype(bool).any()) if len(ran) else None))
    return out
