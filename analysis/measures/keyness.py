"""Keyness: which terms one group of documents uses more than another.

Three measures on the 2 x 2 table of a term's count against all other tokens, in a target
group and a reference group (the other group, or all other groups pooled):

* ``"log_odds"`` (default): log-odds ratio with an informative Dirichlet prior, Monroe,
  Colaresi & Quinn (2008), "Fightin' Words", *Political Analysis* 16(4), 372-403.
* ``"g2"``: log-likelihood G2 (Dunning 1993; Rayson & Garside 2000) with the Log Ratio
  effect size (Hardie 2014).
* ``"chi2"``: Pearson chi-squared as in quanteda's ``textstat_keyness`` (Yates's
  continuity correction only when some expected cell is below 5).

The arithmetic works on plain count arrays (:func:`log_odds_dirichlet`,
:func:`g2_statistic`, :func:`chi2_statistic`, :func:`log_ratio`,
:func:`keyness_from_counts`) so it can be checked by hand; :func:`keyness` builds the
counts from a corpus DataFrame.

Every test here treats *tokens* as independent draws. They are not: tokens come in
articles, and one article that repeats a word supplies all of its count. p-values are
therefore far too small for a claim about coverage in general. Each row carries the number
of documents the counts come from and a ``single_doc`` flag; with a handful of articles read
keyness as a description of these articles. Thresholds account for the many terms tested
(Benjamini-Hochberg false discovery rate, column ``passes_fdr``), which controls only the
multiplicity problem, not the dependence problem.

Examples
--------
>>> import numpy as np
>>> out = keyness_from_counts(["war", "peace"], np.array([30, 5]), np.array([10, 25]),
...                           total_target=1000, total_reference=1000, method="g2",
...                           target="a", reference="b", min_count=1)
>>> out[["term", "count_target", "count_reference", "direction"]].to_dict("records")
[{'term': 'war', 'count_target': 30, 'count_reference': 10, 'direction': 'a'}, {'term': 'peace', 'count_target': 5, 'count_reference': 25, 'direction': 'b'}]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import xlogy

from analysis import config
from analysis.corpus.validation import check_corpus
from analysis.errors import CorpusError, CorpusWarning, NothingToShow
from analysis.measures.stats import check_groups
from analysis.measures.terms import CountSource, GroupCounts, group_counts

__all__ = [
    "KEYNESS_METHODS",
    "chi2_statistic",
    "g2_statistic",
    "keyness",
    "keyness_from_counts",
    "keyness_from_group_counts",
    "keyness_from_store",
    "log_odds_dirichlet",
    "log_ratio",
    "top_distinctive",
]

#: Methods accepted by :func:`keyness`.
KEYNESS_METHODS: tuple[str, ...] = ("log_odds", "g2", "chi2")

#: Count substituted for a zero when computing Log Ratio (Hardie 2014).
LOG_RATIO_FLOOR: float = 0.5

_SCORE_LABELS = {
    "log_odds": "z of the log-odds ratio (informative Dirichlet prior)",
    "g2": "signed log-likelihood G\N{SUPERSCRIPT TWO}",
    "chi2": "signed chi-squared",
}


# --------------------------------------------------------------------------- pure arithmetic


def _as_float(x: Sequence[float] | np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


def log_odds_dirichlet(
    y_target: Sequence[float] | np.ndarray,
    y_reference: Sequence[float] | np.ndarray,
    *,
    n_target: float | None = None,
    n_reference: float | None = None,
    prior: Sequence[float] | np.ndarray | None = None,
    prior_scale: float = 1.0,
    a0: float | None = None,
) -> pd.DataFrame:
    r"""Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008).

    For term :math:`w` with counts :math:`y_i, y_j` in the target and reference groups,
    group totals :math:`n_i, n_j`, prior pseudo-counts :math:`a_w` and
    :math:`a_0 = \sum_w a_w`:

    .. math::

        \delta_w = \ln\frac{y_i + a_w}{n_i + a_0 - y_i - a_w}
                 - \ln\frac{y_j + a_w}{n_j + a_0 - y_j - a_w}

        \sigma^2_w = \frac{1}{y_i + a_w} + \frac{1}{n_i + a_0 - y_i - a_w}
                   + \frac{1}{y_j + a_w} + \frac{1}{n_j + a_0 - y_j - a_w}

        z_w = \delta_w / \sqrt{\sigma^2_w}

    The variance keeps all four terms (the paper's shorter approximation keeps only the
    first and third). The prior defaults to the pooled counts of the two groups scaled by
    ``prior_scale``: :math:`a_w = s\,(y_i + y_j)`, so :math:`a_0 = s\,(n_i + n_j)` when the
    arrays cover the whole vocabulary. A larger ``prior_scale`` shrinks rare terms harder.

    Parameters
    ----------
    y_target, y_reference : counts per term (same length)
    n_target, n_reference : group totals; default the sums of the count arrays
    prior : pseudo-counts :math:`a_w`; default ``prior_scale * (y_target + y_reference)``
    prior_scale : multiplier of the default prior (ignored when ``prior`` is given)
    a0 : sum of the prior; default ``prior.sum()`` (pass it when the arrays are a subset
        of the vocabulary)

    Returns
    -------
    DataFrame with columns ``delta``, ``var``, ``z``, one row per term.

    Examples
    --------
    >>> out = log_odds_dirichlet([10, 2], [4, 8])
    >>> [round(v, 4) for v in out["delta"]]
    [0.6931, -0.6931]
    """
    yi, yj = _as_float(y_target), _as_float(y_reference)
    if yi.shape != yj.shape:
        raise ValueError("y_target and y_reference must have the same length")
    if (yi < 0).any() or (yj < 0).any():
        raise ValueError("counts must be non-negative")
    ni = float(yi.sum()) if n_target is None else float(n_target)
    nj = float(yj.sum()) if n_reference is None else float(n_reference)
    a = prior_scale * (yi + yj) if prior is None else _as_float(prior)
    if (a <= 0).any():
        raise ValueError(
            "every prior pseudo-count must be positive; drop terms with zero pooled count "
            "or pass prior= with positive values"
        )
    a0_ = float(a.sum()) if a0 is None else float(a0)
    num_i, den_i = yi + a, ni + a0_ - yi - a
    num_j, den_j = yj + a, nj + a0_ - yj - a
    delta = np.log(num_i / den_i) - np.log(num_j / den_j)
    var = 1.0 / num_i + 1.0 / den_i + 1.0 / num_j + 1.0 / den_j
    return pd.DataFrame({"delta": delta, "var": var, "z": delta / np.sqrt(var)})


def _table(a: np.ndarray, b: np.ndarray, n_t: float, n_r: float) -> tuple[np.ndarray, ...]:
    """Cells of the 2 x 2 table: term in target (a), in reference (b), others (c, d)."""
    a, b = _as_float(a), _as_float(b)
    c, d = n_t - a, n_r - b
    if (c < 0).any() or (d < 0).any():
        raise ValueError("a term's count exceeds its group total")
    return a, b, c, d


def g2_statistic(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    n_target: float,
    n_reference: float,
) -> np.ndarray:
    r"""Log-likelihood G2 of each term's 2 x 2 table (unsigned, no continuity correction).

    Table rows: the term, all other tokens; columns: target, reference. With observed
    cells :math:`O` and expected :math:`E = \text{row} \times \text{column} / N`,
    :math:`G^2 = 2 \sum O \ln(O / E)`, taking :math:`0 \ln 0 = 0`. This equals
    ``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")``.
    (quanteda's default for its ``"lr"`` measure adds a Yates-style adjustment; this one
    does not.)

    Examples
    --------
    >>> g2_statistic([30], [10], n_target=1000, n_reference=1000).round(4)
    array([10.669])
    """
    a, b, c, d = _table(a, b, n_target, n_reference)
    n = a + b + c + d
    row1, row2 = a + b, c + d
    col1, col2 = a + c, b + d
    total = np.zeros_like(a)
    for obs, exp in ((a, row1 * col1 / n), (b, row1 * col2 / n),
                     (c, row2 * col1 / n), (d, row2 * col2 / n)):
        with np.errstate(divide="ignore", invalid="ignore"):
            total += xlogy(obs, obs) - xlogy(obs, exp)
    return 2.0 * total


def chi2_statistic(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    n_target: float,
    n_reference: float,
    correction: str = "default",
) -> tuple[np.ndarray, np.ndarray]:
    r"""Pearson chi-squared of each term's 2 x 2 table, as quanteda's ``textstat_keyness``.

    :math:`\chi^2 = N (|ad - bc| - N\delta)^2 / ((a+b)(c+d)(a+c)(b+d))` with cells
    ``a`` (term, target), ``b`` (term, reference), ``c``, ``d`` (other tokens). With
    ``correction="default"`` Yates's correction :math:`\delta = 0.5` is applied only
    where some expected cell is below 5 and :math:`|ad - bc| \ge N/2` (otherwise
    :math:`\delta = 0`), exactly as quanteda does; ``"yates"`` applies the same rule,
    ``"none"`` never corrects. Unsigned; the sign is added by :func:`keyness_from_counts`.

    Returns
    -------
    (chi2, corrected) : statistic and a boolean array saying where Yates was applied.

    Examples
    --------
    >>> chi2, corrected = chi2_statistic([30, 3], [10, 0], n_target=1000, n_reference=1000)
    >>> chi2.round(4), corrected
    (array([10.2041,  1.3353]), array([False,  True]))
    """
    if correction not in {"default", "yates", "none"}:
        raise ValueError(f"correction must be 'default', 'yates' or 'none', not {correction!r}")
    a, b, c, d = _table(a, b, n_target, n_reference)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.stack([(a + b) * (a + c), (a + b) * (b + d),
                             (c + d) * (a + c), (c + d) * (b + d)]) / n
    diff = np.abs(a * d - b * c)
    corrected = np.zeros(a.shape, dtype=bool)
    if correction != "none":
        corrected = (expected < 5).any(axis=0) & (diff >= n / 2)
    delta = np.where(corrected, 0.5, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = n * (diff - n * delta) ** 2 / ((a + b) * (c + d) * (a + c) * (b + d))
    return np.nan_to_num(chi2, nan=0.0), corrected


def log_ratio(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    *,
    n_target: float,
    n_reference: float,
    floor: float = LOG_RATIO_FLOOR,
) -> np.ndarray:
    r"""Log Ratio (Hardie 2014): binary log of the ratio of relative frequencies.

    :math:`\log_2\frac{a / n_t}{b / n_r}`, with a zero count replaced by ``floor``
    (0.5, as Hardie suggests) so a term absent from one group gets a finite value. Each
    unit is a doubling: 1 means twice as frequent in the target, -2 a quarter as frequent.

    Examples
    --------
    >>> log_ratio([40, 10, 3], [10, 10, 0], n_target=1000, n_reference=2000).round(4).tolist()
    [3.0, 1.0, 3.585]
    """
    a = np.where(_as_float(a) == 0, floor, _as_float(a))
    b = np.where(_as_float(b) == 0, floor, _as_float(b))
    return np.log2((a / float(n_target)) / (b / float(n_reference)))


# --------------------------------------------------------------------------- one comparison


def keyness_from_counts(
    terms: Sequence[str] | np.ndarray,
    count_target: Sequence[float] | np.ndarray,
    count_reference: Sequence[float] | np.ndarray,
    *,
    total_target: float | None = None,
    total_reference: float | None = None,
    tokens_target: float | None = None,
    tokens_reference: float | None = None,
    n_docs_target: Sequence[int] | np.ndarray | None = None,
    n_docs_reference: Sequence[int] | np.ndarray | None = None,
    n_docs_group_target: int | None = None,
    n_docs_group_reference: int | None = None,
    target: str = "target",
    reference: str = "reference",
    method: str = "log_odds",
    prior_scale: float = 1.0,
    alpha: float = 0.05,
    min_count: int = 3,
) -> pd.DataFrame:
    """Keyness table for one comparison from per-term counts in two groups.

    The counts should cover the whole vocabulary (the log-odds prior and the totals use
    them); ``min_count`` then keeps only the terms whose pooled count reaches it, and only
    those are tested and enter the multiple-testing correction.

    Parameters
    ----------
    terms : term strings
    count_target, count_reference : the terms' counts in each group
    total_target, total_reference : all counted features of each group (table margins);
        default the sums of the count arrays
    tokens_target, tokens_reference : tokens of each group, the denominator of the rates
        per 10,000 tokens; default the totals
    n_docs_target, n_docs_reference : documents of each group containing the term;
        without them ``single_doc`` is missing (<NA>)
    n_docs_group_target, n_docs_group_reference : documents in each group
    target, reference : names written in the ``target``, ``reference`` and ``direction``
        columns
    method : ``"log_odds"``, ``"g2"`` or ``"chi2"`` (see the module docstring)
    prior_scale : strength of the log-odds prior, ``a_w = prior_scale * pooled count``
    alpha : false discovery rate for ``passes_fdr``
    min_count : smallest pooled count of a reported term

    Returns
    -------
    DataFrame sorted by ``score`` (most typical of the target first, of the reference
    last), with columns ``term``, ``target``, ``reference``, ``count_target``,
    ``count_reference``, ``rate_target``, ``rate_reference`` (per 10,000 tokens),
    ``n_docs_target``, ``n_docs_reference``, ``n_docs_group_target``,
    ``n_docs_group_reference``, the method's statistics (``delta``, ``var``, ``z`` for
    log_odds; ``g2`` for g2; ``chi2`` and ``yates`` for chi2; ``log_ratio`` for all),
    ``score`` (the signed statistic used for ranking: z, signed G2 or signed chi2),
    ``p_value``, ``q_value`` (Benjamini-Hochberg), ``passes_fdr`` (q below ``alpha``),
    ``direction`` (the group the term is more typical of, ``"neither"`` for a tie) and
    ``single_doc`` (all of the favoured group's count comes from one document).

    Examples
    --------
    >>> import numpy as np
    >>> out = keyness_from_counts(["a", "b", "c"], np.array([8, 1, 90]), np.array([2, 7, 90]),
    ...                           n_docs_target=[1, 1, 3], n_docs_reference=[2, 2, 2],
    ...                           target="x", reference="y", min_count=1)
    >>> out[["term", "direction", "single_doc"]].to_dict("records")
    [{'term': 'a', 'direction': 'x', 'single_doc': True}, {'term': 'c', 'direction': 'neither', 'single_doc': False}, {'term': 'b', 'direction': 'y', 'single_doc': False}]
    """
    if method not in KEYNESS_METHODS:
        raise ValueError(f"method must be one of {KEYNESS_METHODS}, not {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, not {alpha!r}")
    if prior_scale <= 0:
        raise ValueError(f"prior_scale must be positive, not {prior_scale!r}")
    terms = np.asarray(terms, dtype=object)
    yt, yr = _as_float(count_target), _as_float(count_reference)
    if not (len(terms) == len(yt) == len(yr)):
        raise ValueError("terms, count_target and count_reference must have the same length")
    nt = float(yt.sum()) if total_target is None else float(total_target)
    nr = float(yr.sum()) if total_reference is None else float(total_reference)
    if nt <= 0 or nr <= 0:
        raise CorpusError(
            f"group {target if nt <= 0 else reference!r} has no counted tokens: every "
            "document in it is empty after tokenizing. Check its texts or the grouping."
        )
    tok_t = nt if tokens_target is None else float(tokens_target)
    tok_r = nr if tokens_reference is None else float(tokens_reference)

    pooled = yt + yr
    present = pooled > 0
    stat_cols: dict[str, np.ndarray] = {}
    if method == "log_odds":
        a = prior_scale * pooled[present]
        lo = log_odds_dirichlet(yt[present], yr[present], n_target=nt, n_reference=nr,
                                prior=a, a0=prior_scale * (nt + nr))
        for col in ("delta", "var", "z"):
            full = np.zeros(len(yt))
            full[present] = lo[col].to_numpy()
            stat_cols[col] = full
        score = stat_cols["z"]
        p = 2.0 * stats.norm.sf(np.abs(score))
    elif method == "g2":
        g2 = g2_statistic(yt, yr, n_target=nt, n_reference=nr)
        stat_cols["g2"] = g2
        sign = np.sign(yt * nr - yr * nt)
        score = sign * g2
        p = stats.chi2.sf(g2, df=1)
    else:
        chi2, corrected = chi2_statistic(yt, yr, n_target=nt, n_reference=nr)
        stat_cols["chi2"] = chi2
        stat_cols["yates"] = corrected
        sign = np.sign(yt * nr - yr * nt)
        score = sign * chi2
        p = stats.chi2.sf(chi2, df=1)
    stat_cols["log_ratio"] = log_ratio(yt, yr, n_target=nt, n_reference=nr)

    keep = pooled >= max(min_count, 1)
    out = pd.DataFrame(
        {
            "term": pd.array(terms[keep], dtype="string"),
            "target": target,
            "reference": reference,
            "count_target": yt[keep].astype(np.int64),
            "count_reference": yr[keep].astype(np.int64),
            "rate_target": yt[keep] / tok_t * 1e4,
            "rate_reference": yr[keep] / tok_r * 1e4,
        }
    )
    if n_docs_target is not None and n_docs_reference is not None:
        out["n_docs_target"] = np.asarray(n_docs_target, dtype=np.int64)[keep]
        out["n_docs_reference"] = np.asarray(n_docs_reference, dtype=np.int64)[keep]
    else:
        out["n_docs_target"] = pd.array([pd.NA] * int(keep.sum()), dtype="Int64")
        out["n_docs_reference"] = pd.array([pd.NA] * int(keep.sum()), dtype="Int64")
    out["n_docs_group_target"] = pd.array(
        [n_docs_group_target] * len(out), dtype="Int64")
    out["n_docs_group_reference"] = pd.array(
        [n_docs_group_reference] * len(out), dtype="Int64")
    for col, values in stat_cols.items():
        out[col] = values[keep]
    out["score"] = score[keep]
    out["p_value"] = p[keep]
    out["q_value"] = (stats.false_discovery_control(p[keep], method="bh")
                      if keep.any() else np.array([], dtype=float))
    out["passes_fdr"] = out["q_value"] < alpha
    s = out["score"].to_numpy()
    out["direction"] = pd.array(
        np.where(s > 0, target, np.where(s < 0, reference, "neither")), dtype="string")
    favoured_docs = np.where(s > 0, out["n_docs_target"].to_numpy(dtype=float, na_value=np.nan),
                             out["n_docs_reference"].to_numpy(dtype=float, na_value=np.nan))
    single = pd.array(favoured_docs == 1, dtype="boolean")
    single[s == 0] = False
    single[np.isnan(favoured_docs) & (s != 0)] = pd.NA
    out["single_doc"] = single
    out = out.sort_values(["score", "term"], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- from a corpus


def keyness(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    target: str | None = None,
    method: str = "log_odds",
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 3,
    prior_scale: float = 1.0,
    alpha: float = 0.05,
    dedupe: bool = False,
) -> pd.DataFrame:
    r"""Terms typical of one group of documents compared with the rest.

    Methods (see :func:`keyness_from_counts` for every column):

    * ``"log_odds"`` (Monroe, Colaresi & Quinn 2008): counts :math:`y_i, y_j` of term
      :math:`w` in the target and reference, group totals :math:`n_i, n_j`, prior
      :math:`a_w = \text{prior\_scale} \times (y_i + y_j)` (pooled counts of the two
      sides), :math:`a_0 = \sum_w a_w`;
      :math:`\delta = \ln\frac{y_i+a_w}{n_i+a_0-y_i-a_w} - \ln\frac{y_j+a_w}{n_j+a_0-y_j-a_w}`,
      :math:`\mathrm{var} = \frac{1}{y_i+a_w} + \frac{1}{n_i+a_0-y_i-a_w} +
      \frac{1}{y_j+a_w} + \frac{1}{n_j+a_0-y_j-a_w}`, :math:`z = \delta/\sqrt{\mathrm{var}}`.
      ``p_value`` is the two-sided normal tail of z.
    * ``"g2"``: :math:`G^2 = 2\sum O\ln(O/E)` over the term's 2 x 2 table (term / other
      tokens x target / reference), no continuity correction, p from chi-squared with 1
      degree of freedom; effect size ``log_ratio`` = :math:`\log_2` of the ratio of
      relative frequencies, a zero count replaced by 0.5.
    * ``"chi2"``: Pearson chi-squared as quanteda's ``textstat_keyness``: Yates's
      correction only where some expected cell is below 5 (column ``yates``).

    Multiple testing: ``q_value`` is the Benjamini-Hochberg adjusted p-value over the terms
    of one comparison (``scipy.stats.false_discovery_control``) and ``passes_fdr`` is
    ``q_value < alpha``. All three methods treat tokens as independent, which they are not
    (they come in articles), so the p-values are too small; read ``n_docs_target``,
    ``n_docs_reference`` and ``single_doc`` (the favoured group's count comes from one
    document, i.e. one article's word, not a group difference) next to them.

    Parameters
    ----------
    corpus : DataFrame with ``doc_id``, ``text`` and the ``group`` column
    group : grouping column (2 or more groups; documents without a group are left out)
    target : the group compared with all others pooled. ``None``: with two groups the
        first in sorted order (against the other); with more than two groups every group
        in turn against the rest, stacked (the ``target`` column tells them apart and the
        false discovery rate is controlled within each comparison)
    method : ``"log_odds"``, ``"g2"`` or ``"chi2"``
    ngram_range : n-gram lengths counted (in terms)
    min_count : smallest pooled count of a tested term (rarer terms are neither reported
        nor counted in the multiple-testing correction; they still count in the totals
        and the prior)
    prior_scale : strength of the log-odds prior
    alpha : false discovery rate for ``passes_fdr``
    dedupe : count passages shared between documents once (raises
        :class:`analysis.errors.NothingToShow` when that leaves a group without text)

    Returns
    -------
    DataFrame, one row per (target and) term, sorted within each comparison from most
    typical of the target to most typical of the reference. ``reference`` is the other
    group's name for two groups and ``"rest"`` when the target is compared with several.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({
    ...     "doc_id": ["a", "b", "c", "d"], "g": ["x", "x", "y", "y"],
    ...     "text": ["war war talks", "war crisis", "trade talks", "trade trade deal"]})
    >>> k = keyness(corpus, group="g", min_count=2)
    >>> k[["term", "count_target", "count_reference", "n_docs_target", "direction"]].to_dict("records")
    [{'term': 'war', 'count_target': 3, 'count_reference': 0, 'n_docs_target': 2, 'direction': 'x'}, {'term': 'talks', 'count_target': 1, 'count_reference': 1, 'n_docs_target': 1, 'direction': 'neither'}, {'term': 'trade', 'count_target': 0, 'count_reference': 3, 'n_docs_target': 0, 'direction': 'y'}]
    """
    if method not in KEYNESS_METHODS:
        raise ValueError(f"method must be one of {KEYNESS_METHODS}, not {method!r}")
    check_corpus(corpus, group=group)
    with warnings.catch_warnings():
        # documents without a group are reported once, by check_groups
        warnings.simplefilter("ignore", CorpusWarning)
        check_groups(corpus, group=group, min_docs=2)
        gc = group_counts(corpus, group=group, ngram_range=ngram_range, dedupe=dedupe)
    return _keyness_table(gc, group=group, target=target, method=method,
                          ngram_range=ngram_range, min_count=min_count,
                          prior_scale=prior_scale, alpha=alpha, dedupe=dedupe)


def keyness_from_store(
    store: CountSource,
    *,
    group: str | None = None,
    target: str | None = None,
    method: str = "log_odds",
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 3,
    prior_scale: float = 1.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`keyness` from a prepared store's term counts: no text is read again.

    The same table :func:`keyness` gives on the corpus the store was prepared from (same
    columns, rows and numbers); deduplication is the store's (``store.settings["dedupe"]``).

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of ``store.documents`` (default: the group the store was prepared
        with); counts are per document, so another grouping needs no new store
    target, method, min_count, prior_scale, alpha : as in :func:`keyness`
    ngram_range : within the store's range (``settings.ngrams``)

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import StoreSettings, prepare
    >>> corpus = pd.DataFrame({
    ...     "doc_id": ["a", "b", "c", "d"], "g": ["x", "x", "y", "y"],
    ...     "text": ["war war talks", "war crisis", "trade talks", "trade trade deal"]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s", settings=StoreSettings(group="g"))
    >>> k = keyness_from_store(store, min_count=2)
    >>> k[["term", "count_target", "count_reference", "direction"]].values.tolist()
    [['war', 3, 0, 'x'], ['talks', 1, 1, 'neither'], ['trade', 0, 3, 'y']]
    """
    if method not in KEYNESS_METHODS:
        raise ValueError(f"method must be one of {KEYNESS_METHODS}, not {method!r}")
    group = store.group if group is None else group
    documents = store.document_columns(["doc_id", group])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        check_groups(documents, group=group, min_docs=2)
        gc = store.group_counts(group=group, ngram_range=ngram_range)
    return _keyness_table(gc, group=group, target=target, method=method,
                          ngram_range=ngram_range, min_count=min_count,
                          prior_scale=prior_scale, alpha=alpha,
                          dedupe=bool(store.settings.get("dedupe", False)))


def keyness_from_group_counts(
    gc: GroupCounts,
    *,
    group: str,
    target: str | None = None,
    method: str = "log_odds",
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 3,
    prior_scale: float = 1.0,
    alpha: float = 0.05,
    dedupe: bool = False,
) -> pd.DataFrame:
    """:func:`keyness` from counts already grouped, so several targets share one count.

    ``gc`` from :func:`analysis.measures.terms.group_counts` (or a store's ``group_counts``);
    ``dedupe`` says whether those counts were made with shared passages once (an emptied
    group is then explained, not compared). Other options as in :func:`keyness`.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.terms import group_counts
    >>> corpus = pd.DataFrame({
    ...     "doc_id": ["a", "b", "c", "d"], "g": ["x", "x", "y", "y"],
    ...     "text": ["war war talks", "war crisis", "trade talks", "trade trade deal"]})
    >>> gc = group_counts(corpus, group="g")
    >>> k = keyness_from_group_counts(gc, group="g", target="y", min_count=2)
    >>> k[["term", "count_target", "direction"]].values.tolist()
    [['trade', 3, 'y'], ['talks', 1, 'neither'], ['war', 0, 'x']]
    """
    if method not in KEYNESS_METHODS:
        raise ValueError(f"method must be one of {KEYNESS_METHODS}, not {method!r}")
    return _keyness_table(gc, group=group, target=target, method=method,
                          ngram_range=ngram_range, min_count=min_count,
                          prior_scale=prior_scale, alpha=alpha, dedupe=dedupe)


def _keyness_table(gc: GroupCounts, *, group: str, target: str | None, method: str,
                   ngram_range: tuple[int, int], min_count: int, prior_scale: float,
                   alpha: float, dedupe: bool) -> pd.DataFrame:
    if len(gc.groups) < 2:  # dedupe cannot remove groups, but stay safe
        raise CorpusError(f"column {group!r} needs two or more groups for keyness.")
    emptied = [g for g, total in zip(gc.groups, gc.totals, strict=True) if total <= 0]
    if dedupe and emptied:
        raise NothingToShow(
            f"counting shared passages once leaves group(s) {', '.join(map(repr, emptied))} "
            "without a counted token: every passage of their documents repeats one printed "
            "earlier (in doc_id order), so there is nothing left to compare."
        )
    if target is None:
        targets = gc.groups[:1] if len(gc.groups) == 2 else list(gc.groups)
    else:
        if str(target) not in gc.groups:
            raise CorpusError(
                f"target {target!r} is not a group of column {group!r}; its groups are: "
                f"{', '.join(gc.groups)}. Pass one of these as target=."
            )
        targets = [str(target)]
    all_counts, all_docs = gc.counts.sum(axis=0), gc.n_docs.sum(axis=0)
    frames = []
    for name in targets:
        i = gc.groups.index(name)
        rest = [g for g in gc.groups if g != name]
        reference = rest[0] if len(rest) == 1 else "rest"
        frames.append(
            keyness_from_counts(
                gc.terms,
                gc.counts[i],
                all_counts - gc.counts[i],
                total_target=gc.totals[i],
                total_reference=gc.totals.sum() - gc.totals[i],
                tokens_target=gc.tokens[i],
                tokens_reference=gc.tokens.sum() - gc.tokens[i],
                n_docs_target=gc.n_docs[i],
                n_docs_reference=all_docs - gc.n_docs[i],
                n_docs_group_target=int(gc.sizes[i]),
                n_docs_group_reference=int(gc.sizes.sum() - gc.sizes[i]),
                target=name,
                reference=reference,
                method=method,
                prior_scale=prior_scale,
                alpha=alpha,
                min_count=min_count,
            )
        )
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return out


def top_distinctive(table: pd.DataFrame, *, n: int = 15) -> pd.DataFrame:
    """The ``n`` terms most typical of each side of every comparison in a keyness table.

    Selects by the sign of ``score`` (a term with score 0 leans to neither side), so the
    two sides never overlap even when few terms were tested. Adds ``side``
    (``"target"`` or ``"reference"``) and ``rank`` (1 = most typical of that side).

    Examples
    --------
    >>> import numpy as np
    >>> k = keyness_from_counts(["a", "b", "c"], np.array([9, 1, 4]), np.array([1, 9, 4]),
    ...                         min_count=1, target="x", reference="y")
    >>> top_distinctive(k, n=2)[["term", "side", "rank", "direction"]].to_dict("records")
    [{'term': 'a', 'side': 'target', 'rank': 1, 'direction': 'x'}, {'term': 'b', 'side': 'reference', 'rank': 1, 'direction': 'y'}]
    """
    if not {"target", "score"} <= set(table.columns):
        raise CorpusError("pass a table returned by analysis.keyness (needs target and score).")
    parts = []
    for _, part in table.groupby("target", sort=False):
        ranked = part.sort_values("score", ascending=False, kind="mergesort")
        pos = ranked[ranked["score"] > 0].head(n).assign(side="target")
        neg = ranked[ranked["score"] < 0].iloc[::-1].head(n).assign(side="reference")
        for side in (pos, neg):
            side["rank"] = np.arange(1, len(side) + 1)
            parts.append(side)
    return pd.concat(parts, ignore_index=True) if parts else table.head(0).assign(side="", rank=0)
