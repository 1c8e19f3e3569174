"""Group sizes, nested bootstrap intervals, exact permutation tests and design caveats.

Coverage data are nested: sentences and paragraphs sit inside articles, and the article is
the unit that was sampled. Everything here therefore resamples or permutes *documents*
first. With few documents per group (the bundled seeds have 3 and 2) the intervals are
rough and no test can reach conventional thresholds; :func:`caveat` turns the group sizes
into a plain-language warning that every comparison shows next to its numbers.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c", "d"],
...                       "grp": ["x", "x", "x", "y", "y", "y"],
...                       "v": [1.0, 3.0, 2.0, 0.0, 1.0, 0.5]})
>>> group_sizes(frame, group="grp").to_dict()
{'x': 2, 'y': 2}
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import config
from .errors import CorpusError, DesignWarning

__all__ = [
    "bootstrap_difference",
    "caveat",
    "check_groups",
    "cluster_bootstrap",
    "exact_permutation_test",
    "group_sizes",
    "n_label_assignments",
]


def group_sizes(frame: pd.DataFrame, *, group: str, doc: str = "doc_id") -> pd.Series:
    """Number of distinct documents per group, sorted by group name.

    Rows whose group is missing are not counted.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "g": ["x", "x", "y", None]})
    >>> group_sizes(f, group="g").to_dict()
    {'x': 1, 'y': 1}
    """
    _require_column(frame, group)
    _require_column(frame, doc)
    sizes = frame.dropna(subset=[group]).groupby(group, sort=True)[doc].nunique()
    sizes.name = "n_docs"
    return sizes.astype(int)


def check_groups(corpus: pd.DataFrame, *, group: str, min_docs: int = 2, doc: str = "doc_id") -> None:
    """Check that ``group`` can support a comparison; raise or warn with the fix.

    Raises :class:`~analysis.errors.CorpusError` when the column is missing or holds fewer
    than two groups. Warns (:class:`~analysis.errors.DesignWarning`) naming every group with
    fewer than ``min_docs`` documents, and the documents whose group is missing (they are
    left out of every comparison).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "g": ["x", "x", "y", "y"]})
    >>> check_groups(f, group="g")  # fine: returns None
    >>> check_groups(f.iloc[:2], group="g")
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: column 'g' has only one group ('x'): a comparison needs two or more. Pass group= a column with at least two values, or add documents of another group.
    """
    _require_column(corpus, group)
    missing = corpus.loc[corpus[group].isna(), doc].astype(str).tolist()
    sizes = group_sizes(corpus, group=group, doc=doc)
    if len(sizes) == 0:
        raise CorpusError(
            f"column {group!r} has no values: no document could be assigned a group. "
            "Fill the column (or the manifest's event column), put an events.toml beside the "
            "texts (format: seeds/events.toml), or pass another group=."
        )
    if len(sizes) < 2:
        raise CorpusError(
            f"column {group!r} has only one group ({sizes.index[0]!r}): a comparison needs "
            "two or more. Pass group= a column with at least two values, or add documents "
            "of another group."
        )
    if missing:
        warnings.warn(
            f"{len(missing)} document(s) have no value in column {group!r} and are left out "
            f"of group comparisons: {', '.join(missing[:10])}"
            + (" ..." if len(missing) > 10 else "")
            + ". Assign them in the manifest to include them.",
            DesignWarning,
            stacklevel=2,
        )
    small = sizes[sizes < min_docs]
    for name, n in small.items():
        docs = corpus.loc[corpus[group] == name, doc].astype(str).unique().tolist()
        warnings.warn(
            f"group {name!r} in column {group!r} has {n} document(s) ({', '.join(docs)}): "
            "its interval can only reflect variation within that article, not between "
            "articles. Add documents to this group for a comparison that generalises.",
            DesignWarning,
            stacklevel=2,
        )


def n_label_assignments(sizes: Sequence[int]) -> int:
    """Number of distinct ways to split ``sum(sizes)`` documents into groups of these sizes.

    This is the multinomial coefficient; an exact permutation test can never give a
    p-value below its reciprocal.

    Examples
    --------
    >>> n_label_assignments([3, 2])
    10
    >>> n_label_assignments([2, 2, 2])
    90
    """
    sizes = [int(s) for s in sizes]
    total = math.factorial(sum(sizes))
    for s in sizes:
        total //= math.factorial(s)
    return total


def caveat(sizes: Mapping[str, int] | pd.Series, *, unit: str = "articles") -> str:
    """A plain-language caveat computed from the number of documents per group.

    Examples
    --------
    >>> print(caveat({"2023-moscow": 3, "2024-beijing": 2}))  # doctest: +NORMALIZE_WHITESPACE
    5 articles in 2 groups (2023-moscow: 3, 2024-beijing: 2). There are only 10 ways to
    assign 5 articles to groups of these sizes, so no permutation test can give a p-value
    below 0.1. Intervals resample articles; with 2 to 3 articles per group they are rough
    (a bootstrap over so few articles tends to be too narrow). Read differences as
    descriptions of these articles, not as evidence about coverage of the events in general.
    """
    items = [(str(k), int(v)) for k, v in dict(sizes).items()]
    if not items:
        return "No documents with a group: nothing to compare."
    counts = [v for _, v in items]
    total = sum(counts)
    listing = ", ".join(f"{k}: {v}" for k, v in items)
    parts = [f"{total} {unit} in {len(items)} groups ({listing})."]
    n_assign = n_label_assignments(counts)
    floor = 1.0 / n_assign
    if n_assign <= 10_000:
        parts.append(
            f"There are only {n_assign:,} ways to assign {total} {unit} to groups of these "
            f"sizes, so no permutation test can give a p-value below {floor:.2g}."
        )
    lo, hi = min(counts), max(counts)
    spread = f"{lo}" if lo == hi else f"{lo} to {hi}"
    if lo < 2:
        singles = [k for k, v in items if v < 2]
        parts.append(
            f"Group(s) {', '.join(singles)} have a single article: their intervals show only "
            "variation within that article, and any difference may be that article's style "
            "rather than its group's."
        )
    if lo < 10:
        parts.append(
            f"Intervals resample {unit}; with {spread} {unit} per group they are rough "
            f"(a bootstrap over so few {unit} tends to be too narrow)."
        )
        parts.append(
            f"Read differences as descriptions of these {unit}, not as evidence about "
            "coverage of the events in general."
        )
    elif lo < 30:
        parts.append(
            f"With {spread} {unit} per group, intervals are approximate; check that "
            "differences hold across the per-document values."
        )
    return " ".join(parts)


# --------------------------------------------------------------------------- bootstrap


def _require_column(frame: pd.DataFrame, column: str) -> None:
    if column not in frame.columns:
        cols = ", ".join(map(str, frame.columns))
        raise CorpusError(
            f"column {column!r} not found; the table has: {cols}. Pass the name of an "
            "existing column."
        )


class _Clustered:
    """Values of one group laid out contiguously by document, for fast resampling."""

    def __init__(self, values: np.ndarray, weights: np.ndarray, codes: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        self.values = values[order]
        self.weights = weights[order]
        _, self.sizes = np.unique(codes[order], return_counts=True)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.n_docs = len(self.sizes)

    def estimate(self, weight: str) -> float:
        return _statistic(self.values, self.weights, self.sizes, weight)

    def replicates(self, n_boot: int, rng: np.random.Generator, weight: str) -> np.ndarray:
        out = np.empty(n_boot)
        for b in range(n_boot):
            docs = rng.integers(0, self.n_docs, self.n_docs)
            sizes = self.sizes[docs]
            starts = np.repeat(self.offsets[docs], sizes)
            draws = starts + (rng.random(sizes.sum()) * np.repeat(sizes, sizes)).astype(np.int64)
            out[b] = _statistic(self.values[draws], self.weights[draws], sizes, weight)
        return out


def _statistic(values: np.ndarray, weights: np.ndarray, sizes: np.ndarray, weight: str) -> float:
    """Weighted mean pooled over units, or the mean of per-document weighted means."""
    if weight == "unit":
        total = weights.sum()
        return float((values * weights).sum() / total) if total > 0 else float("nan")
    seg = np.repeat(np.arange(len(sizes)), sizes)
    num = np.bincount(seg, weights=values * weights, minlength=len(sizes))
    den = np.bincount(seg, weights=weights, minlength=len(sizes))
    with np.errstate(invalid="ignore", divide="ignore"):
        per_doc = num / den
    return float(np.nanmean(per_doc)) if np.isfinite(per_doc).any() else float("nan")


def _prepare(
    frame: pd.DataFrame,
    *,
    value: str,
    group: str,
    cluster: str,
    weights: str | None,
) -> dict[str, _Clustered]:
    for column in [value, group, cluster] + ([weights] if weights else []):
        _require_column(frame, column)
    data = frame.dropna(subset=[group, value])
    out: dict[str, _Clustered] = {}
    for name, part in data.groupby(group, sort=True):
        vals = part[value].to_numpy(dtype=float)
        w = part[weights].to_numpy(dtype=float) if weights else np.ones(len(part))
        codes = pd.factorize(part[cluster], sort=True)[0]
        out[str(name)] = _Clustered(vals, w, codes)
    return out


def _check_weight(weight: str) -> None:
    if weight not in {"unit", "document"}:
        raise ValueError(f"weight must be 'unit' or 'document', not {weight!r}")


def cluster_bootstrap(
    frame: pd.DataFrame,
    *,
    value: str,
    group: str = config.DEFAULT_GROUP,
    cluster: str = "doc_id",
    weights: str | None = None,
    weight: str = "unit",
    n_boot: int = config.N_BOOT,
    level: float = config.CI_LEVEL,
    random_state: int = config.RANDOM_STATE,
) -> pd.DataFrame:
    """Per-group estimate with a two-stage (documents, then units) percentile bootstrap.

    Units (sentences, paragraphs) are nested in documents. Each replicate draws the group's
    documents with replacement, then draws units with replacement within every drawn
    document, and recomputes the statistic. Resampling only units would treat sentences of
    one article as independent evidence and make intervals far too narrow. With very few
    documents even this interval is too narrow (the bootstrap cannot see variation it has
    not sampled); report it next to the per-document values and :func:`caveat`.

    The statistic is a mean of ``value`` (a 0/1 column gives a share), optionally weighted
    by the column ``weights``. ``weight="unit"`` pools all units of the group (each unit
    counts once: the "pooled" figure); ``weight="document"`` averages per-document means
    (each article counts once).

    Returns one row per group: ``estimate`` (on the data as observed), ``ci_low``,
    ``ci_high``, ``n_docs``, ``n_units``, ``n_boot``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d", "d"],
    ...                   "g": ["x", "x", "x", "y", "y", "y"],
    ...                   "v": [1.0, 3.0, 2.0, 0.0, 1.0, 2.0]})
    >>> out = cluster_bootstrap(f, value="v", group="g", n_boot=200, random_state=1)
    >>> out[["g", "estimate", "n_docs", "n_units"]].to_dict("records")
    [{'g': 'x', 'estimate': 2.0, 'n_docs': 2, 'n_units': 3}, {'g': 'y', 'estimate': 1.0, 'n_docs': 2, 'n_units': 3}]
    >>> bool((out["ci_low"] <= out["estimate"]).all() and (out["estimate"] <= out["ci_high"]).all())
    True
    """
    _check_weight(weight)
    groups = _prepare(frame, value=value, group=group, cluster=cluster, weights=weights)
    seeds = np.random.SeedSequence(random_state).spawn(max(len(groups), 1))
    alpha = (1.0 - level) / 2.0
    rows = []
    for (name, data), seed in zip(groups.items(), seeds, strict=False):
        reps = data.replicates(n_boot, np.random.default_rng(seed), weight)
        rows.append(
            {
                group: name,
                "estimate": data.estimate(weight),
                "ci_low": float(np.nanquantile(reps, alpha)),
                "ci_high": float(np.nanquantile(reps, 1.0 - alpha)),
                "n_docs": int(data.n_docs),
                "n_units": int(len(data.values)),
                "n_boot": int(n_boot),
            }
        )
    return pd.DataFrame(rows, columns=[group, "estimate", "ci_low", "ci_high", "n_docs", "n_units", "n_boot"])


def bootstrap_difference(
    frame: pd.DataFrame,
    *,
    value: str,
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    cluster: str = "doc_id",
    weights: str | None = None,
    weight: str = "unit",
    n_boot: int = config.N_BOOT,
    level: float = config.CI_LEVEL,
    random_state: int = config.RANDOM_STATE,
) -> pd.DataFrame:
    """Difference between groups with a two-stage cluster bootstrap interval.

    With ``groups=(a, b)`` (default: the two groups in sorted order when there are exactly
    two) one row for ``a - b``. With more than two groups and ``groups=None``, one row per
    group for that group minus all other groups pooled. Groups are resampled independently,
    documents first, then units within documents (see :func:`cluster_bootstrap`).

    Columns: ``contrast``, ``group_a``, ``group_b``, ``estimate``, ``ci_low``, ``ci_high``,
    ``n_docs_a``, ``n_docs_b``, ``interval_excludes_zero``. The last column describes the
    interval only; with few documents it is no test of the events.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d", "d"],
    ...                   "g": ["x", "x", "x", "y", "y", "y"],
    ...                   "v": [1.0, 3.0, 2.0, 0.0, 1.0, 2.0]})
    >>> d = bootstrap_difference(f, value="v", group="g", n_boot=200)
    >>> d[["contrast", "estimate", "n_docs_a", "n_docs_b"]].to_dict("records")
    [{'contrast': 'x - y', 'estimate': 1.0, 'n_docs_a': 2, 'n_docs_b': 2}]
    """
    _check_weight(weight)
    _require_column(frame, group)
    names = sorted(frame[group].dropna().astype(str).unique())
    if groups is not None:
        pairs = [(str(groups[0]), str(groups[1]))]
        unknown = [g for g in pairs[0] if g not in names]
        if unknown:
            raise CorpusError(f"group(s) {unknown} not found in column {group!r}; it has: {names}.")
    elif len(names) == 2:
        pairs = [(names[0], names[1])]
    elif len(names) > 2:
        pairs = [(n, "rest") for n in names]
    else:
        raise CorpusError(f"column {group!r} needs two or more groups for a difference; it has {names}.")
    alpha = (1.0 - level) / 2.0
    seeds = np.random.SeedSequence(random_state).spawn(len(pairs))
    rows = []
    for (a, b), seed in zip(pairs, seeds, strict=True):
        labels = frame[group].astype("string")
        is_a = (labels == a).fillna(False).astype(bool)
        side = labels.where(is_a, other="rest") if b == "rest" else labels
        part = frame.assign(**{"_side": side})
        part = part[part["_side"].isin([a, b])]
        prepared = _prepare(part, value=value, group="_side", cluster=cluster, weights=weights)
        rng_a, rng_b = (np.random.default_rng(s) for s in seed.spawn(2))
        ca, cb = prepared[a], prepared[b]
        reps = ca.replicates(n_boot, rng_a, weight) - cb.replicates(n_boot, rng_b, weight)
        rows.append(
            {
                "contrast": f"{a} - {b}",
                "group_a": a,
                "group_b": b,
                "estimate": ca.estimate(weight) - cb.estimate(weight),
                "ci_low": float(np.nanquantile(reps, alpha)),
                "ci_high": float(np.nanquantile(reps, 1.0 - alpha)),
                "n_docs_a": int(ca.n_docs),
                "n_docs_b": int(cb.n_docs),
            }
        )
    out = pd.DataFrame(rows)
    out["interval_excludes_zero"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    return out


# --------------------------------------------------------------------------- permutation


def exact_permutation_test(
    doc_values: Sequence[float] | np.ndarray | pd.Series,
    labels: Sequence[str] | np.ndarray | pd.Series,
    *,
    statistic: Callable[[np.ndarray, np.ndarray], float] | None = None,
    max_exact: int = 100_000,
    n_resamples: int = 20_000,
    random_state: int = config.RANDOM_STATE,
) -> dict[str, float | int | bool]:
    """Permutation test of group labels over *document-level* values.

    One value per document (e.g. its mean sentiment). The default statistic is the
    absolute difference of group means for two groups and the between-group sum of squares
    ``sum_g n_g (mean_g - mean)^2`` for more; both are two-sided. When the number of
    distinct label assignments is at most ``max_exact`` every assignment is enumerated and
    the p-value is exact; otherwise ``n_resamples`` random relabellings estimate it
    (``(1 + hits) / (1 + n_resamples)``).

    The result reports ``min_p``: the smallest p-value the design can produce
    (``1 / assignments``, doubled for two equal groups whose mirror split ties). With 3 vs 2
    documents ``min_p`` is 0.1, whatever the data.

    Examples
    --------
    >>> r = exact_permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], ["a", "a", "a", "b", "b"])
    >>> r["p_value"], r["min_p"], r["n_assignments"], r["exact"]
    (0.1, 0.1, 10, True)
    """
    values = np.asarray(doc_values, dtype=float)
    labs = np.asarray(pd.Series(labels).astype(str))
    if values.shape != labs.shape:
        raise ValueError("doc_values and labels must have the same length")
    keep = np.isfinite(values)
    values, labs = values[keep], labs[keep]
    names, codes = np.unique(labs, return_inverse=True)
    if len(names) < 2:
        raise CorpusError(f"a permutation test needs two or more groups; got {list(names)}")
    sizes = np.bincount(codes)
    stat = statistic or _between_groups
    observed = stat(values, codes)
    n_assign = n_label_assignments(sizes.tolist())
    tol = 1e-12 * max(1.0, abs(observed))
    if n_assign <= max_exact:
        hits = 0
        total = 0
        for perm in _assignments(sizes):
            total += 1
            hits += stat(values, perm) >= observed - tol
        p = hits / total
        exact = True
    else:
        rng = np.random.default_rng(random_state)
        hits = sum(stat(values, rng.permutation(codes)) >= observed - tol for _ in range(n_resamples))
        p = (1 + hits) / (1 + n_resamples)
        exact = False
    mirror = 2 if len(sizes) == 2 and sizes[0] == sizes[1] else 1
    return {
        "statistic": float(observed),
        "p_value": float(p),
        "min_p": float(mirror / n_assign),
        "n_assignments": int(n_assign),
        "exact": exact,
        "n_docs": int(len(values)),
    }


def _between_groups(values: np.ndarray, codes: np.ndarray) -> float:
    counts = np.bincount(codes)
    means = np.bincount(codes, weights=values) / counts
    if len(counts) == 2:
        return float(abs(means[0] - means[1]))
    return float((counts * (means - values.mean()) ** 2).sum())


def _assignments(sizes: np.ndarray):
    """Yield every distinct assignment of group codes to positions (multiset permutations)."""
    n = int(sizes.sum())

    def fill(positions: tuple[int, ...], code: int, labels: np.ndarray):
        if code == len(sizes) - 1:
            out = labels.copy()
            out[list(positions)] = code
            yield out
            return
        for chosen in itertools.combinations(positions, int(sizes[code])):
            rest = tuple(p for p in positions if p not in set(chosen))
            labels_next = labels.copy()
            labels_next[list(chosen)] = code
            yield from fill(rest, code + 1, labels_next)

    yield from fill(tuple(range(n)), 0, np.zeros(n, dtype=np.int64))
