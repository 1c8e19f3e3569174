"""Group sizes, nested bootstrap intervals, permutation tests and design caveats.

Coverage data are nested: sentences and paragraphs sit inside documents, and the document is
the unit that was sampled. Everything here therefore resamples or permutes *documents* first.
:func:`caveat` turns the real group sizes into a plain-language statement of what the
intervals and tests can and cannot show, worded for those sizes (a warning about rough
intervals only when groups are small; what the interval does not cover when they are large).

What lives here
---------------
- :class:`Resampling`: the options of every interval and test in one frozen object
  (``n_boot``, ``level``, ``random_state``, ``max_exact``, ``n_permutations``). Functions take
  it as ``resampling=``; the keywords ``n_boot=``, ``level=``, ``random_state=`` still work and
  override its fields (:func:`resolve_resampling`).
- :func:`keyed_rng`: every random draw comes from a generator derived with
  :class:`numpy.random.SeedSequence` from ``(random_state, key)``, where the key names what is
  estimated (a measure, an actor, a group). The same quantity gets the same interval in
  whatever function, page or order it is computed, whatever else is computed beside it.
- :func:`cluster_bootstrap`, :func:`bootstrap_difference`: two-stage percentile bootstrap
  (documents, then units within them), each group resampled on its own; differences for two
  groups, for a chosen pair, or for each group against the rest.
- :func:`permutation_test`: enumerates every relabelling when there are at most ``max_exact``
  (100,000 by default), otherwise samples ``n_permutations`` (B) random relabellings and says
  so: ``sampled=True``, ``p = (1 + hits) / (1 + B)``, floor ``1 / (B + 1)`` (Phipson & Smyth
  2010). Counts are exact integers or logarithms, so nothing overflows at any size.
- :func:`caveat` / :func:`design_caveat`, :func:`describe_tests`, :func:`top_groups`: prose
  computed from the sizes and the tests actually run; the largest groups of many, with a
  sentence saying how many are left out.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c", "d"],
...                       "grp": ["x", "x", "x", "y", "y", "y"],
...                       "v": [1.0, 3.0, 2.0, 0.0, 1.0, 0.5]})
>>> group_sizes(frame, group="grp").to_dict()
{'x': 2, 'y': 2}
>>> permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], list("aaabb")).floor
0.1
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import config
from analysis.errors import CorpusError, DesignWarning

__all__ = [
    "Caveat",
    "PermutationPlan",
    "PermutationResult",
    "Resampling",
    "TopGroups",
    "GroupBootstrap",
    "REST",
    "bootstrap_arrays",
    "bootstrap_difference",
    "bootstrap_groups",
    "caveat",
    "check_groups",
    "contrasts",
    "cluster_bootstrap",
    "describe_tests",
    "design_caveat",
    "exact_permutation_test",
    "group_sizes",
    "keyed_rng",
    "log10_label_assignments",
    "n_label_assignments",
    "permutation_plan",
    "permutation_test",
    "readable_count",
    "resolve_resampling",
    "top_groups",
]

#: Enumerate every relabelling when there are at most this many (cheap: well under a second).
MAX_EXACT: int = 100_000
#: Random relabellings (B) of a sampled permutation test; its p-value cannot go below 1/(B+1).
N_PERMUTATIONS: int = 9_999
#: Label of the pooled other groups in a one-vs-rest contrast.
REST: str = "rest"
#: Groups below these sizes get the small-sample wording of :func:`caveat`.
SMALL_GROUP: int = 10
MEDIUM_GROUP: int = 30
#: Random numbers drawn per chunk (bounds memory; fixed, so results never depend on it).
_CHUNK: int = 1 << 22
#: Units drawn per chunk of bootstrap replicates (small enough to stay in cache).
_BOOT_CHUNK: int = 1 << 18


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Resampling:
    """Options of every bootstrap interval and permutation test, defined once.

    Attributes
    ----------
    n_boot : bootstrap replicates per interval
    level : interval level (0.95: the 2.5th to 97.5th percentile of the replicates)
    random_state : non-negative seed; each generator is derived from it and a key naming what
        is estimated (:func:`keyed_rng`)
    max_exact : a permutation test enumerates every relabelling when there are at most this
        many, and samples ``n_permutations`` of them otherwise
    n_permutations : random relabellings (B) of a sampled test; its smallest p is 1/(B+1)

    Examples
    --------
    >>> Resampling()
    Resampling(n_boot=2000, level=0.95, random_state=0, max_exact=100000, n_permutations=9999)
    >>> Resampling(n_boot=0)
    Traceback (most recent call last):
    ...
    ValueError: Resampling: n_boot must be a positive integer, not 0.
    """

    n_boot: int = config.N_BOOT
    level: float = config.CI_LEVEL
    random_state: int = config.RANDOM_STATE
    max_exact: int = MAX_EXACT
    n_permutations: int = N_PERMUTATIONS

    def __post_init__(self) -> None:
        for name in ("n_boot", "max_exact", "n_permutations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"Resampling: {name} must be a positive integer, not {value!r}.")
        rs = self.random_state
        if isinstance(rs, bool) or not isinstance(rs, (int, np.integer)) or rs < 0:
            raise ValueError(
                f"Resampling: random_state must be a non-negative integer, not {rs!r}."
            )
        if not 0.0 < float(self.level) < 1.0:
            raise ValueError(f"Resampling: level must lie between 0 and 1, not {self.level!r}.")


def resolve_resampling(
    resampling: Resampling | None = None,
    *,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
    max_exact: int | None = None,
    n_permutations: int | None = None,
) -> Resampling:
    """The options in force: ``resampling`` (default :class:`Resampling`) with any keyword given.

    The keywords are the short form many functions accept next to ``resampling=``
    (``group_sentiment(scored, n_boot=500)``); a keyword left at ``None`` keeps the field.

    Examples
    --------
    >>> resolve_resampling(Resampling(n_boot=500), random_state=3)
    Resampling(n_boot=500, level=0.95, random_state=3, max_exact=100000, n_permutations=9999)
    """
    base = Resampling() if resampling is None else resampling
    if not isinstance(base, Resampling):
        raise TypeError(
            f"resampling must be an analysis.measures.stats.Resampling, not {type(base).__name__}; "
            "build one with Resampling(n_boot=..., random_state=...)."
        )
    given = {"n_boot": n_boot, "level": level, "random_state": random_state,
             "max_exact": max_exact, "n_permutations": n_permutations}
    changes = {k: v for k, v in given.items() if v is not None}
    return dataclasses.replace(base, **changes) if changes else base


def keyed_rng(random_state: int, *key: Hashable) -> np.random.Generator:
    """A generator determined by ``random_state`` and a key naming what is estimated.

    Each key part is turned into text (``str``) and hashed (BLAKE2b); the seed and the hashes
    form the entropy of a :class:`numpy.random.SeedSequence`. The draws therefore depend on
    *what* is estimated, never on how many other quantities were computed before it: the
    interval for one actor in one group is the same whether it is computed alone or among
    a hundred others.

    Examples
    --------
    >>> a = keyed_rng(0, "sentiment", "x").integers(0, 1000, 3)
    >>> b = keyed_rng(0, "sentiment", "x").integers(0, 1000, 3)
    >>> c = keyed_rng(0, "sentiment", "y").integers(0, 1000, 3)
    >>> bool((a == b).all()), bool((a == c).all())
    (True, False)
    """
    words = [int(random_state)]
    for part in key:
        digest = hashlib.blake2b(str(part).encode("utf-8"), digest_size=8).digest()
        words += [int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:], "little")]
    return np.random.default_rng(np.random.SeedSequence(words))


# --------------------------------------------------------------------------- sizes


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
    than two groups. Warns (:class:`~analysis.errors.DesignWarning`) once, naming the groups
    with fewer than ``min_docs`` documents (the first ten, and how many more), and once for
    the documents whose group is missing (they are left out of every comparison).

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
    if len(small):
        shown = small.iloc[:10]
        ids = corpus.dropna(subset=[group]).groupby(group, sort=True)[doc]
        described = []
        for name, n in shown.items():
            docs = ids.get_group(name).astype(str).unique().tolist()
            described.append(f"group {name!r} in column {group!r} has {n} document(s) "
                             f"({', '.join(docs[:5])}{' ...' if len(docs) > 5 else ''})")
        more = f"; and {len(small) - len(shown)} more group(s)" if len(small) > len(shown) else ""
        warnings.warn(
            "; ".join(described) + more + f": fewer than {min_docs} documents, so anything said "
            "about such a group rests on that document alone. Add documents to these groups, or "
            "merge them, for a comparison that generalises.",
            DesignWarning,
            stacklevel=2,
        )


def top_groups(
    sizes: Mapping[str, int] | pd.Series, *, max_groups: int = 12, unit: str = "documents"
) -> TopGroups:
    """The ``max_groups`` largest groups (ties by name) and a sentence saying what is left out.

    For figures and lists that cannot show dozens of groups: show ``kept``, print ``note``.
    ``note`` is empty when every group is kept.

    Examples
    --------
    >>> t = top_groups({"a": 5, "b": 9, "c": 2, "d": 9}, max_groups=2)
    >>> t.kept, t.left_out
    (('b', 'd'), ('a', 'c'))
    >>> t.note
    'The 2 largest of 4 groups are shown; the other 2 (7 documents in all) are left out.'
    >>> top_groups({"a": 5, "b": 9}).note
    ''
    """
    if max_groups < 1:
        raise ValueError(f"max_groups must be at least 1, not {max_groups!r}")
    items = sorted(((str(k), int(v)) for k, v in dict(sizes).items()), key=lambda kv: (-kv[1], kv[0]))
    kept = tuple(k for k, _ in items[:max_groups])
    rest = items[max_groups:]
    left_out = tuple(k for k, _ in rest)
    n_left = sum(v for _, v in rest)
    note = ""
    if rest:
        other = f"the other {len(rest)}" if len(rest) > 1 else "the other one"
        docs = unit if n_left != 1 else unit.rstrip("s")
        note = (f"The {len(kept)} largest of {len(items)} groups are shown; {other} "
                f"({n_left:,} {docs} in all) {'are' if len(rest) > 1 else 'is'} left out.")
    return TopGroups(kept=kept, left_out=left_out, n_docs_left_out=n_left, note=note)


@dataclass(frozen=True)
class TopGroups:
    """Result of :func:`top_groups`.

    Attributes
    ----------
    kept : the largest groups, largest first (ties by name)
    left_out : the other groups, in the same order
    n_docs_left_out : documents in the groups left out
    note : a sentence saying how many groups and documents are left out ("" when none)
    """

    kept: tuple[str, ...]
    left_out: tuple[str, ...]
    n_docs_left_out: int
    note: str


# --------------------------------------------------------------------------- permutation


def n_label_assignments(sizes: Sequence[int]) -> int:
    """Number of distinct ways to split ``sum(sizes)`` documents into groups of these sizes.

    The multinomial coefficient, as an exact integer (it can have hundreds of digits: use
    :func:`log10_label_assignments` to report it). An exact permutation test can never give
    a p-value below its reciprocal.

    Examples
    --------
    >>> n_label_assignments([3, 2])
    10
    >>> n_label_assignments([2, 2, 2])
    90
    >>> len(str(n_label_assignments([600, 600])))
    360
    """
    sizes = [int(s) for s in sizes]
    total, left = 1, 0
    for s in sizes:
        left += s
        total *= math.comb(left, s)
    return total


def log10_label_assignments(sizes: Sequence[int]) -> float:
    """Base-10 logarithm of :func:`n_label_assignments`, computed without forming the number.

    Examples
    --------
    >>> round(log10_label_assignments([3, 2]), 12)
    1.0
    >>> round(log10_label_assignments([600, 600]), 1)
    359.6
    """
    sizes = [int(s) for s in sizes]
    log = math.lgamma(sum(sizes) + 1) - sum(math.lgamma(s + 1) for s in sizes)
    return max(log, 0.0) / math.log(10)


@dataclass(frozen=True)
class PermutationPlan:
    """How a permutation test over these group sizes is run, known before any data is seen.

    Attributes
    ----------
    sizes : documents per group
    log10_assignments : base-10 log of the number of distinct relabellings
    n_assignments : that number, exactly, when it is enumerated (``None`` when sampled)
    sampled : ``True`` when there are more than ``max_exact`` relabellings and B are drawn
    n_permutations : relabellings the test looks at: all of them, or B when sampled
    floor : the smallest p-value the test can report: ``1 / n_assignments`` (doubled for two
        equal groups, whose mirror split always ties) when exact, ``1 / (B + 1)`` when sampled
    """

    sizes: tuple[int, ...]
    log10_assignments: float
    n_assignments: int | None
    sampled: bool
    n_permutations: int
    floor: float


def permutation_plan(
    sizes: Sequence[int],
    *,
    resampling: Resampling | None = None,
    max_exact: int | None = None,
    n_permutations: int | None = None,
    mirror: bool = True,
) -> PermutationPlan:
    """Exact or sampled, how many relabellings, and the smallest reportable p, from sizes alone.

    ``mirror`` (the default two-sided statistics) doubles the exact floor for two groups of
    equal size: swapping the groups gives the same statistic.

    Examples
    --------
    >>> permutation_plan([3, 2]).floor, permutation_plan([3, 2]).sampled
    (0.1, False)
    >>> plan = permutation_plan([600, 600], n_permutations=19_999)
    >>> plan.sampled, plan.n_permutations, plan.floor, plan.n_assignments
    (True, 19999, 5e-05, None)
    """
    opts = resolve_resampling(resampling, max_exact=max_exact, n_permutations=n_permutations)
    sizes = tuple(int(s) for s in sizes)
    log10 = log10_label_assignments(sizes)
    exact_count = None
    if log10 <= math.log10(opts.max_exact) + 1e-6:
        exact_count = n_label_assignments(sizes)
        if exact_count > opts.max_exact:
            exact_count = None
    if exact_count is None:
        b = int(opts.n_permutations)
        return PermutationPlan(sizes, log10, None, True, b, 1.0 / (b + 1))
    twin = 2 if mirror and len(sizes) == 2 and sizes[0] == sizes[1] else 1
    return PermutationPlan(sizes, log10, exact_count, False, exact_count, twin / exact_count)


@dataclass(frozen=True)
class PermutationResult:
    """Result of :func:`permutation_test`; :meth:`describe` is the sentence every page prints.

    Attributes
    ----------
    statistic : observed statistic
    p_value : share of relabellings at least as extreme (exact), or ``(1 + hits) / (1 + B)``
    floor : smallest p-value this test can report (see :class:`PermutationPlan`)
    sampled : ``True`` when B random relabellings were drawn instead of all of them
    n_permutations : relabellings looked at (all of them, or B)
    n_assignments : number of distinct relabellings when enumerated, else ``None``
    log10_assignments : its base-10 logarithm (always available)
    sizes : documents per group, in sorted group order
    groups : the group names, sorted
    """

    statistic: float
    p_value: float
    floor: float
    sampled: bool
    n_permutations: int
    n_assignments: int | None
    log10_assignments: float
    sizes: tuple[int, ...]
    groups: tuple[str, ...]

    @property
    def exact(self) -> bool:
        """``True`` when every relabelling was enumerated."""
        return not self.sampled

    @property
    def n_docs(self) -> int:
        """Documents tested (those with a finite value)."""
        return int(sum(self.sizes))

    def describe(self, unit: str = "documents") -> str:
        """One sentence: which test, how many relabellings, p, and the smallest possible p.

        Examples
        --------
        >>> r = permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], list("aaabb"))
        >>> r.describe("articles")
        'exact permutation test (all 10 relabellings of the 5 articles): p = 0.1; with these group sizes no p-value can fall below 0.1'
        """
        if self.sampled:
            return (
                f"sampled permutation test ({self.n_permutations:,} random relabellings of the "
                f"{self.n_docs:,} {unit}, out of about {readable_count(self.log10_assignments)}): "
                f"p = {self.p_value:.2g}; a sampled test with B = {self.n_permutations:,} "
                f"cannot report p below 1/(B+1) = {self.floor:.2g}"
            )
        return (
            f"exact permutation test (all {self.n_permutations:,} relabellings of the "
            f"{self.n_docs:,} {unit}): p = {self.p_value:.2g}; with these group sizes no p-value "
            f"can fall below {self.floor:.2g}"
        )

    def as_row(self, unit: str = "documents") -> dict[str, object]:
        """The table columns every comparison carries: ``p_value``, ``min_p`` (the floor),
        ``sampled``, ``n_permutations`` and ``test`` (:meth:`describe`).

        Examples
        --------
        >>> row = permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], list("aaabb")).as_row()
        >>> row["p_value"], row["min_p"], row["sampled"], row["n_permutations"]
        (0.1, 0.1, False, 10)
        """
        return {"p_value": self.p_value, "min_p": self.floor, "sampled": self.sampled,
                "n_permutations": self.n_permutations, "test": self.describe(unit)}


def permutation_test(
    values: Sequence[float] | np.ndarray | pd.Series,
    labels: Sequence[str] | np.ndarray | pd.Series,
    *,
    key: Sequence[Hashable] = (),
    statistic: Callable[[np.ndarray, np.ndarray], float] | None = None,
    resampling: Resampling | None = None,
    max_exact: int | None = None,
    n_permutations: int | None = None,
    random_state: int | None = None,
) -> PermutationResult:
    """Permutation test of group labels over *document-level* values, exact or sampled.

    One value per document (e.g. its mean sentiment); documents whose value is not finite
    are left out. The default statistic is the absolute difference of group means for two
    groups and the between-group sum of squares ``sum_g n_g (mean_g - mean)^2`` for more;
    both are two-sided. With at most ``max_exact`` distinct relabellings (100,000 by default)
    every one is enumerated and the p-value is exact; otherwise ``n_permutations`` (B) random
    relabellings are drawn from ``keyed_rng(random_state, "permutation", *key)``, the p-value
    is ``(1 + hits) / (1 + B)`` and it cannot fall below ``1 / (B + 1)``. The result says
    which (``sampled``), with B and that floor.

    Both paths are vectorised: two groups need only the sums of the smaller group's values
    under each relabelling.

    Examples
    --------
    >>> r = permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], ["a", "a", "a", "b", "b"])
    >>> r.p_value, r.floor, r.n_assignments, r.sampled
    (0.1, 0.1, 10, False)
    >>> big = permutation_test(list(range(40)), ["a"] * 20 + ["b"] * 20, n_permutations=999)
    >>> big.sampled, big.n_permutations, big.floor, big.p_value
    (True, 999, 0.001, 0.001)
    """
    opts = resolve_resampling(resampling, max_exact=max_exact, n_permutations=n_permutations,
                              random_state=random_state)
    vals = np.asarray(values, dtype=float)
    labs = np.asarray(labels)
    if labs.dtype.kind not in "iub":
        labs = labs.astype(str)
    if vals.shape != labs.shape:
        raise ValueError(
            f"values and labels must have the same length (got {vals.shape[0]} values and "
            f"{labs.shape[0]} labels): pass one value and one label per document."
        )
    keep = np.isfinite(vals)
    vals, labs = vals[keep], labs[keep]
    names, codes = np.unique(labs, return_inverse=True)
    if len(names) < 2:
        raise CorpusError(
            f"a permutation test needs two or more groups with a value; got {list(names)}."
        )
    sizes = np.bincount(codes)
    plan = permutation_plan(sizes.tolist(), resampling=opts, mirror=statistic is None)
    rng = keyed_rng(opts.random_state, "permutation", *key) if plan.sampled else None
    scale = max(1.0, float(np.abs(vals).max()))
    if statistic is None and len(sizes) == 2:
        observed, extreme = _two_group_statistics(vals, codes, sizes, plan, rng)
    elif statistic is None:
        observed, extreme = _k_group_statistics(vals, codes, sizes, plan, rng)
    else:
        observed = float(statistic(vals, codes))
        scale = max(scale, abs(observed))
        if plan.sampled:
            perms: Iterator[np.ndarray] = (rng.permutation(codes) for _ in range(plan.n_permutations))
        else:
            perms = _assignments(sizes)
        extreme = np.fromiter((statistic(vals, p) for p in perms), dtype=float)
    hits = int(np.count_nonzero(extreme >= observed - 1e-12 * scale))
    p = (1 + hits) / (1 + plan.n_permutations) if plan.sampled else hits / plan.n_permutations
    return PermutationResult(
        statistic=float(observed), p_value=float(p), floor=float(plan.floor),
        sampled=plan.sampled, n_permutations=int(plan.n_permutations),
        n_assignments=plan.n_assignments, log10_assignments=float(plan.log10_assignments),
        sizes=tuple(int(s) for s in sizes), groups=tuple(str(n) for n in names),
    )


def exact_permutation_test(
    doc_values: Sequence[float] | np.ndarray | pd.Series,
    labels: Sequence[str] | np.ndarray | pd.Series,
    *,
    statistic: Callable[[np.ndarray, np.ndarray], float] | None = None,
    max_exact: int = MAX_EXACT,
    n_resamples: int = 20_000,
    random_state: int = config.RANDOM_STATE,
) -> dict[str, float | int | bool | None]:
    """Deprecated: use :func:`permutation_test` (the test is sampled above ``max_exact``).

    Returns the old dictionary (``statistic``, ``p_value``, ``min_p``, ``n_assignments``,
    ``exact``, ``n_docs``) plus ``sampled`` and ``n_permutations``, and warns.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     r = exact_permutation_test([1.0, 2.0, 3.0, 10.0, 11.0], list("aaabb"))
    >>> r["p_value"], r["min_p"], r["exact"]
    (0.1, 0.1, True)
    """
    warnings.warn(
        "exact_permutation_test is deprecated: it samples when there are more than max_exact "
        "relabellings. Use analysis.measures.stats.permutation_test, whose result says sampled=True/False, "
        "B and the floor 1/(B+1).",
        DeprecationWarning,
        stacklevel=2,
    )
    r = permutation_test(doc_values, labels, statistic=statistic, max_exact=max_exact,
                         n_permutations=n_resamples, random_state=random_state)
    return {"statistic": r.statistic, "p_value": r.p_value, "min_p": r.floor,
            "n_assignments": r.n_assignments, "exact": r.exact, "n_docs": r.n_docs,
            "sampled": r.sampled, "n_permutations": r.n_permutations}


def _two_group_statistics(values, codes, sizes, plan, rng):
    """|mean difference|, observed and under every (or B random) relabelling, from subset sums."""
    n = len(values)
    small = 0 if sizes[0] <= sizes[1] else 1
    m = int(sizes[small])
    total = float(values.sum())

    def stat(subset_sums):
        return np.abs(subset_sums / m - (total - subset_sums) / (n - m))

    observed = float(stat(np.array([values[codes == small].sum()]))[0])
    if plan.sampled:
        sums = _random_subset_sums(values, m, plan.n_permutations, rng)
    else:
        flat = itertools.chain.from_iterable(itertools.combinations(range(n), m))
        combos = np.fromiter(flat, dtype=np.int64, count=plan.n_assignments * m).reshape(-1, m)
        sums = values[combos].sum(axis=1)
    return observed, stat(sums)


def _random_subset_sums(values: np.ndarray, m: int, n_draws: int, rng) -> np.ndarray:
    """Sums of ``values`` over ``n_draws`` uniformly random ``m``-subsets of the positions.

    Small subsets: draw ``m`` positions and redraw the rows that repeat one (uniform over
    subsets, O(m) per draw). Otherwise: random keys, the ``m`` smallest form the subset
    (O(n) per draw). Chunk sizes depend on the data only, so the draws are reproducible.
    """
    n = len(values)
    out = np.empty(n_draws)
    if m * (m - 1) < n:  # fewer than half a repeated pair expected per draw
        todo = np.arange(n_draws)
        while todo.size:
            idx = rng.integers(0, n, size=(todo.size, m))
            ordered = np.sort(idx, axis=1)
            ok = (np.diff(ordered, axis=1) > 0).all(axis=1)
            out[todo[ok]] = values[idx[ok]].sum(axis=1)
            todo = todo[~ok]
        return out
    per = max(1, _CHUNK // n)
    for start in range(0, n_draws, per):
        c = min(per, n_draws - start)
        keys = rng.random((c, n))
        kth = np.partition(keys, m - 1, axis=1)[:, m - 1 : m]
        mask = keys <= kth
        bad = np.flatnonzero(mask.sum(axis=1) != m)  # tied keys: practically never
        for row in bad:
            mask[row] = False
            mask[row, np.argsort(keys[row], kind="stable")[:m]] = True
        out[start : start + c] = mask @ values
    return out


def _k_group_statistics(values, codes, sizes, plan, rng):
    """Between-group sum of squares, observed and under every (or B random) relabelling."""
    k = len(sizes)
    total = float(values.sum())

    def stat(label_rows: np.ndarray) -> np.ndarray:
        rows = label_rows.shape[0]
        flat = (label_rows + k * np.arange(rows)[:, None]).ravel()
        sums = np.bincount(flat, weights=np.tile(values, rows), minlength=rows * k).reshape(rows, k)
        means = sums / sizes
        return (sizes * (means - total / len(values)) ** 2).sum(axis=1)

    observed = float(stat(codes[None, :])[0])
    if plan.sampled:
        per = max(1, _CHUNK // len(values))
        parts = []
        for start in range(0, plan.n_permutations, per):
            c = min(per, plan.n_permutations - start)
            parts.append(stat(rng.permuted(np.tile(codes, (c, 1)), axis=1)))
        return observed, np.concatenate(parts)
    rows = np.array(list(_assignments(sizes)))
    return observed, stat(rows)


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


def readable_count(log10: float) -> str:
    """A count given by its base-10 logarithm, readable at any size.

    Exact digits below 100,000, then one decimal and a power of ten, so a 360-digit number
    of relabellings (or of bootstrap resamples) never reaches a page.

    Examples
    --------
    >>> readable_count(math.log10(120_000))
    '1.2 x 10^5'
    >>> readable_count(math.log10(3_003))
    '3,003'
    >>> readable_count(log10_label_assignments([600, 600]))
    '4.0 x 10^359'
    """
    exponent = math.floor(log10 + 1e-12)
    if exponent < 5:
        return f"{round(10 ** log10):,}"
    return f"{10 ** (log10 - exponent):.1f} x 10^{exponent}"


# --------------------------------------------------------------------------- caveats


@dataclass(frozen=True)
class Caveat:
    """What a design can and cannot show, in parts chosen by the real group sizes.

    Attributes
    ----------
    sizes : documents per group ("1,134 speeches in 183 groups (largest: ...)")
    tests : what the permutation tests can show: enumerated or sampled, and the smallest p
    intervals : how rough the intervals are at these sizes ("" when no group is small)
    scope : what the intervals do and do not cover ("" for very small groups, where the
        advice in ``intervals`` says more)
    """

    sizes: str
    tests: str
    intervals: str
    scope: str

    @property
    def text(self) -> str:
        """All parts as one paragraph."""
        return " ".join(p for p in (self.sizes, self.tests, self.intervals, self.scope) if p)

    def __str__(self) -> str:
        return self.text


def design_caveat(
    sizes: Mapping[str, int] | pd.Series,
    *,
    unit: str = "articles",
    pair: Sequence[str] | None = None,
    resampling: Resampling | None = None,
) -> Caveat:
    """The parts of :func:`caveat`, each chosen by the sizes and the tests actually run.

    The tests are the comparisons made everywhere in the suite: the two groups, or
    ``pair=(a, b)``, or with more than two groups each group against the rest. Each is
    planned with :func:`permutation_plan` (enumerated up to ``max_exact`` relabellings,
    sampled above), so the text says "sampled" and gives 1/(B+1) whenever a test samples.

    Examples
    --------
    >>> c = design_caveat({"a": 600, "b": 600})
    >>> c.tests
    'There are too many relabellings of these 1,200 articles to enumerate (about 4.0 x 10^359), so the permutation test is sampled: B = 9,999 random relabellings, and no p-value can fall below 1/(B+1) = 0.0001.'
    >>> c.intervals
    ''
    """
    opts = resolve_resampling(resampling)
    items = [(str(k), int(v)) for k, v in dict(sizes).items()]
    if not items:
        return Caveat("No documents with a group: nothing to compare.", "", "", "")
    one = unit[:-1] if unit.endswith("s") else unit
    size_of = dict(items)
    total = sum(size_of.values())
    lo, hi = min(size_of.values()), max(size_of.values())
    if len(items) <= 8:
        listing = ", ".join(f"{k}: {v:,}" for k, v in items)
    else:
        top = top_groups(size_of, max_groups=5)
        rest = [size_of[g] for g in top.left_out]
        listing = ("largest: " + ", ".join(f"{g}: {size_of[g]:,}" for g in top.kept)
                   + f"; {len(rest)} more with {_span(min(rest), max(rest))} each")
    size_text = f"{total:,} {unit} in {len(items)} groups ({listing})."
    return Caveat(
        sizes=size_text,
        tests=_tests_text(size_of, unit=unit, pair=pair, opts=opts),
        intervals=_intervals_text(size_of, unit=unit, one=one),
        scope=_scope_text(lo, hi, unit=unit),
    )


def caveat(
    sizes: Mapping[str, int] | pd.Series,
    *,
    unit: str = "articles",
    pair: Sequence[str] | None = None,
    resampling: Resampling | None = None,
) -> str:
    """A plain-language caveat computed from the number of documents per group.

    Says how the permutation tests run at these sizes (every relabelling enumerated, or a
    sample of B with floor 1/(B+1)); warns about rough intervals only for groups under
    10 documents; for larger groups says what the interval does and does not cover. See
    :func:`design_caveat` for the parts.

    Examples
    --------
    >>> print(caveat({"2023-moscow": 3, "2024-beijing": 2}))  # doctest: +NORMALIZE_WHITESPACE
    5 articles in 2 groups (2023-moscow: 3, 2024-beijing: 2). There are only 10 ways to
    assign 5 articles to groups of these sizes, so no permutation test can give a p-value
    below 0.1; the test enumerates all of them. Intervals resample articles; with 2 to 3
    articles per group they are rough (a bootstrap over so few articles tends to be too
    narrow). Read differences as descriptions of these articles, not as evidence about the
    groups beyond them.
    """
    return design_caveat(sizes, unit=unit, pair=pair, resampling=resampling).text


def _span(lo: int, hi: int) -> str:
    return f"{lo:,}" if lo == hi else f"{lo:,} to {hi:,}"


def _tests_text(size_of: dict[str, int], *, unit: str, pair, opts: Resampling) -> str:
    names = sorted(size_of)
    total = sum(size_of.values())
    if len(names) < 2:
        return ""
    if pair is not None or len(names) == 2:
        a, b = (str(pair[0]), str(pair[1])) if pair is not None else (names[0], names[1])
        unknown = [g for g in (a, b) if g not in size_of]
        if unknown:
            raise CorpusError(f"group(s) {unknown} not in the sizes; the groups are: {names}.")
        n = size_of[a] + size_of[b]
        which = "" if len(names) == 2 else f" of {a} and {b}"
        plan = permutation_plan([size_of[a], size_of[b]], resampling=opts)
        if plan.sampled:
            return (f"There are too many relabellings of these {n:,} {unit}{which} to enumerate "
                    f"(about {readable_count(plan.log10_assignments)}), so the permutation test "
                    f"is sampled: B = {plan.n_permutations:,} random relabellings, and no p-value "
                    f"can fall below 1/(B+1) = {plan.floor:.2g}.")
        only = "only " if plan.n_assignments < 1000 else ""
        return (f"There are {only}{plan.n_assignments:,} ways to assign {n:,} {unit}{which} to "
                f"groups of these sizes, so no permutation test can give a p-value below "
                f"{plan.floor:.2g}; the test enumerates all of them.")
    plans = {g: permutation_plan([size_of[g], total - size_of[g]], resampling=opts) for g in names}
    exact = [p.floor for p in plans.values() if not p.sampled]
    sampled = [p for p in plans.values() if p.sampled]
    head = f"Each group is tested against the other {unit} pooled"
    if sampled:
        b = sampled[0].n_permutations
        sampled_text = (f"a sampled permutation test (B = {b:,} random relabellings; too many "
                        f"to enumerate), whose p-value cannot fall below 1/(B+1) = "
                        f"{sampled[0].floor:.2g}")
    if not sampled:
        return (f"{head} by a permutation test that enumerates every relabelling; with these "
                f"sizes the smallest possible p-value is {_floor_span(exact)}, depending on the "
                "group's size.")
    if not exact:
        return f"{head} with {sampled_text}."
    return (f"{head}: {len(exact)} group(s) by enumerating every relabelling (smallest possible "
            f"p-value {_floor_span(exact)}), the other {len(sampled)} with {sampled_text}.")


def _floor_span(floors: list[float]) -> str:
    lo, hi = min(floors), max(floors)
    return f"{lo:.2g}" if f"{lo:.2g}" == f"{hi:.2g}" else f"{lo:.2g} to {hi:.2g}"


def _intervals_text(size_of: dict[str, int], *, unit: str, one: str) -> str:
    counts = list(size_of.values())
    lo, hi = min(counts), max(counts)
    parts = []
    singles = [k for k, v in size_of.items() if v < 2]
    if singles:
        shown = ", ".join(singles[:10]) + (f" and {len(singles) - 10} more" if len(singles) > 10 else "")
        parts.append(
            f"Group(s) {shown} have a single {one}: their intervals show only variation within "
            f"that {one}, and any difference may be that {one}'s own rather than its group's."
        )
    if hi < SMALL_GROUP:
        parts.append(
            f"Intervals resample {unit}; with {_span(lo, hi)} {unit} per group they are rough "
            f"(a bootstrap over so few {unit} tends to be too narrow)."
        )
        parts.append(
            f"Read differences as descriptions of these {unit}, not as evidence about the "
            "groups beyond them."
        )
    elif lo < SMALL_GROUP:
        few = [v for v in counts if v < SMALL_GROUP]
        parts.append(
            f"{len(few)} of {len(counts)} groups have fewer than {SMALL_GROUP} {unit} "
            f"({_span(lo, max(few))} each): "
            f"their intervals are rough (a bootstrap over so few {unit} tends to be too "
            "narrow); read them as descriptions of those documents."
        )
    elif lo < MEDIUM_GROUP:
        parts.append(
            f"With {_span(lo, hi)} {unit} per group, intervals are approximate; check that "
            "differences hold across the per-document values."
        )
    return " ".join(parts)


def _scope_text(lo: int, hi: int, *, unit: str) -> str:
    if hi < SMALL_GROUP:
        return ""
    text = (
        f"Intervals resample {unit} within each group as if they were independent draws; "
        f"{unit} from the same outlet, speaker or source are not, so where a few sources supply "
        f"many {unit} the intervals are too narrow. They cover which {unit} happened to be "
        "collected, not how the sources were chosen, nor the measurement error of the lexicon "
        "or model that scored them."
    )
    if lo >= MEDIUM_GROUP:
        text += (
            f" With {lo:,} or more {unit} per group, differences too small to matter can have "
            "intervals that exclude zero: judge their size, not only their sign."
        )
    return text


def describe_tests(table: pd.DataFrame, *, unit: str = "documents") -> str:
    """One sentence on the permutation tests of a comparison table, from its own columns.

    Reads ``sampled``, ``min_p`` and ``n_permutations`` (as written by
    :meth:`PermutationResult.as_row`): how many tests enumerated every relabelling and with
    which floor, how many were sampled with which B. Rows without a test are ignored.

    Examples
    --------
    >>> t = pd.DataFrame({"sampled": [False, True, True], "min_p": [0.1, 1e-4, 1e-4],
    ...                   "n_permutations": [10, 9999, 9999]})
    >>> describe_tests(t)
    'Permutation tests: 1 exact (every relabelling enumerated; smallest possible p 0.1); 2 sampled (B = 9,999 random relabellings each; smallest possible p 1/(B+1) = 0.0001).'
    """
    for column in ("sampled", "min_p", "n_permutations"):
        _require_column(table, column)
    rows = table.dropna(subset=["sampled", "min_p"])
    if rows.empty:
        return "No permutation test was run."
    is_sampled = rows["sampled"].astype(bool)
    exact, sampled = rows[~is_sampled], rows[is_sampled]
    parts = []
    if len(exact):
        parts.append(f"{len(exact)} exact (every relabelling enumerated; smallest possible p "
                     f"{_floor_span(exact['min_p'].astype(float).tolist())})")
    if len(sampled):
        bs = sorted({int(b) for b in sampled["n_permutations"]})
        b_text = f"B = {bs[0]:,}" if len(bs) == 1 else f"B = {bs[0]:,} to {bs[-1]:,}"
        parts.append(f"{len(sampled)} sampled ({b_text} random relabellings each; smallest "
                     f"possible p 1/(B+1) = {_floor_span(sampled['min_p'].astype(float).tolist())})")
    return "Permutation tests: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- bootstrap


def _require_column(frame: pd.DataFrame, column: str) -> None:
    if column not in frame.columns:
        cols = ", ".join(map(str, frame.columns))
        raise CorpusError(
            f"column {column!r} not found; the table has: {cols}. Pass the name of an "
            "existing column."
        )


class _Clustered:
    """Values of one group laid out contiguously by document, for fast resampling.

    ``values`` has one column per measure; all columns share the documents, the units and
    the draws. Every statistic is a ratio ``num / den`` whose parts add up over groups:
    pooled units (``sum v*w / sum w``) or documents (sum of per-document means / number of
    documents with weight). A group's replicates can therefore be pooled with other groups'
    into "the rest".
    """

    def __init__(self, values: np.ndarray, weights: np.ndarray, codes: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        self.values = values[order].reshape(len(order), -1)
        self.weights = weights[order]
        _, self.sizes = np.unique(codes[order], return_counts=True)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64)
        self.n_docs = len(self.sizes)
        self.n_units = len(order)

    def parts(self, weight: str) -> tuple[np.ndarray, float]:
        """Numerators (one per column) and the denominator on the data as observed."""
        vw = self.values * self.weights[:, None]
        if weight == "unit":
            return vw.sum(axis=0), float(self.weights.sum())
        bounds = self.offsets
        doc_num = np.add.reduceat(vw, bounds, axis=0)
        doc_den = np.add.reduceat(self.weights, bounds)
        ok = doc_den > 0
        return (doc_num[ok] / doc_den[ok, None]).sum(axis=0), float(ok.sum())

    def estimate(self, weight: str) -> np.ndarray:
        num, den = self.parts(weight)
        return num / den if den > 0 else np.full(num.shape, np.nan)

    def replicate_parts(self, n_boot: int, rng: np.random.Generator,
                        weight: str) -> tuple[np.ndarray, np.ndarray]:
        """``num`` (replicates x columns) and ``den`` (replicates) of two-stage replicates.

        Documents are drawn with replacement, then units with replacement within each drawn
        document. Vectorised over replicates in chunks whose size depends on the data only,
        so the draws never depend on memory, on other groups or on the number of columns.
        """
        k = self.values.shape[1]
        num, den = np.empty((n_boot, k)), np.empty(n_boot)
        per = max(1, _BOOT_CHUNK // max(self.n_units, 1))
        vw = self.values * self.weights[:, None]
        unit_weights = bool((self.weights == 1.0).all())
        for start in range(0, n_boot, per):
            c = min(per, n_boot - start)
            docs = rng.integers(0, self.n_docs, size=c * self.n_docs)
            sizes = self.sizes[docs]
            starts = np.repeat(self.offsets[docs], sizes)
            draws = starts + (rng.random(starts.size) * np.repeat(sizes, sizes)).astype(np.int64)
            stop = start + c
            if weight == "unit":
                totals = sizes.reshape(c, self.n_docs).sum(axis=1)
                bounds = np.concatenate([[0], np.cumsum(totals)[:-1]])
                num[start:stop] = np.add.reduceat(vw[draws], bounds, axis=0)
                den[start:stop] = (totals if unit_weights
                                   else np.add.reduceat(self.weights[draws], bounds))
                continue
            bounds = np.concatenate([[0], np.cumsum(sizes)[:-1]])
            doc_num = np.add.reduceat(vw[draws], bounds, axis=0).reshape(c, self.n_docs, k)
            doc_den = (sizes.astype(float) if unit_weights
                       else np.add.reduceat(self.weights[draws], bounds)).reshape(c, self.n_docs)
            ok = doc_den > 0
            with np.errstate(invalid="ignore", divide="ignore"):
                per_doc = np.where(ok[..., None], doc_num / doc_den[..., None], 0.0)
            num[start:stop] = per_doc.sum(axis=1)
            den[start:stop] = ok.sum(axis=1)
        return num, den

    def replicates(self, n_boot: int, rng: np.random.Generator, weight: str) -> np.ndarray:
        """The statistic of ``n_boot`` two-stage replicates (replicates x columns)."""
        num, den = self.replicate_parts(n_boot, rng, weight)
        return _divide(num, den)


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` row by row (``den`` one value per row), NaN where ``den`` is 0."""
    den = np.asarray(den, dtype=float)
    safe = np.where(den > 0, den, 1.0)
    out = num / (safe[:, None] if num.ndim == 2 else safe)
    bad = den <= 0
    if bad.any():
        out[bad] = np.nan
    return out


def _prepare(
    frame: pd.DataFrame,
    *,
    value: str | Sequence[str],
    group: str,
    cluster: str,
    weights: str | None,
) -> dict[str, _Clustered]:
    values = [value] if isinstance(value, str) else list(value)
    for column in [*values, group, cluster] + ([weights] if weights else []):
        _require_column(frame, column)
    data = frame.dropna(subset=[group, *values])
    out: dict[str, _Clustered] = {}
    for name, part in data.groupby(group, sort=True):
        vals = part[values].to_numpy(dtype=float)
        w = part[weights].to_numpy(dtype=float) if weights else np.ones(len(part))
        codes = pd.factorize(part[cluster], sort=True)[0]
        out[str(name)] = _Clustered(vals, w, codes)
    return out


def _check_weight(weight: str) -> None:
    if weight not in {"unit", "document"}:
        raise ValueError(f"weight must be 'unit' or 'document', not {weight!r}")


def _quantiles(reps: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of every column of ``reps`` (NaN replicates ignored)."""
    alpha = (1.0 - level) / 2.0
    reps = reps.reshape(len(reps), -1)
    low, high = np.full(reps.shape[1], np.nan), np.full(reps.shape[1], np.nan)
    for j in range(reps.shape[1]):
        col = reps[:, j]
        if np.isfinite(col).any():
            low[j], high[j] = np.nanquantile(col, [alpha, 1.0 - alpha])
    return low, high


@dataclass(frozen=True)
class GroupBootstrap:
    """Result of :func:`bootstrap_groups`.

    Attributes
    ----------
    estimates : one row per group x value: group, ``value``, ``estimate``, ``ci_low``,
        ``ci_high``, ``n_docs``, ``n_units``, ``n_boot``
    differences : one row per contrast x value: ``contrast``, ``group_a``, ``group_b``,
        ``value``, ``estimate``, ``ci_low``, ``ci_high``, ``n_docs_a``, ``n_docs_b``,
        ``interval_excludes_zero`` (empty when not asked for)
    """

    estimates: pd.DataFrame
    differences: pd.DataFrame


def bootstrap_groups(
    frame: pd.DataFrame,
    *,
    values: str | Sequence[str],
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    estimates: bool = True,
    differences: bool = True,
    cluster: str = "doc_id",
    weights: str | None = None,
    weight: str = "unit",
    key: Sequence[Hashable] | None = None,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> GroupBootstrap:
    """Per-group intervals and group differences of one or more measures, from one set of draws.

    The engine behind :func:`cluster_bootstrap` and :func:`bootstrap_difference`. Each group
    is resampled on its own, documents first, then units within each drawn document (a
    two-stage percentile bootstrap), with the generator ``keyed_rng(random_state, *key, g)``.
    The draws depend only on the key, the group and its documents, so the same quantity gets
    the same interval in every function and on every page, and all ``values`` (measures of
    the same units, e.g. compound and the positive/negative flags) share the draws: asking
    for three measures costs little more than one. Rows with a missing value in any of
    ``values`` are left out.

    The statistic of each value is its mean, optionally weighted by the column ``weights``:
    ``weight="unit"`` pools the group's units (the "pooled" figure), ``weight="document"``
    averages per-document means (each document counts once).

    ``estimates`` / ``differences`` switch either table off (it is then empty).
    Differences (:func:`contrasts`): with ``groups=(a, b)`` one row per value for ``a - b``;
    with two groups first minus second in sorted order; with more, each group minus the
    other groups pooled (``group_b`` is ``"rest"``), whose replicate pools those groups'
    replicates (groups were collected separately, so they are resampled separately).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d", "d", "e"],
    ...                   "g": ["x", "x", "x", "y", "y", "y", "z"],
    ...                   "v": [1.0, 3.0, 2.0, 0.0, 1.0, 2.0, 4.0],
    ...                   "w": [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]})
    >>> b = bootstrap_groups(f, values=["v", "w"], group="g", n_boot=100)
    >>> b.estimates[["g", "value", "estimate"]].head(2).to_dict("records")
    [{'g': 'x', 'value': 'v', 'estimate': 2.0}, {'g': 'x', 'value': 'w', 'estimate': 0.3333333333333333}]
    >>> b.differences[["contrast", "value", "estimate"]].head(1).round(6).to_dict("records")
    [{'contrast': 'x - rest', 'value': 'v', 'estimate': 0.25}]
    """
    _check_weight(weight)
    opts = resolve_resampling(resampling, n_boot=n_boot, level=level, random_state=random_state)
    names_v = [values] if isinstance(values, str) else list(values)
    _require_column(frame, group)
    prepared = _prepare(frame, value=names_v, group=group, cluster=cluster, weights=weights)
    names = sorted(frame[group].dropna().astype(str).unique())
    return _bootstrap(prepared.__getitem__, list(prepared), names, names_v, group=group,
                      groups=groups, estimates=estimates, differences=differences,
                      weight=weight, key=key, opts=opts)


def bootstrap_arrays(
    values: np.ndarray | Callable[[np.ndarray], np.ndarray],
    *,
    clusters: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    value_names: Sequence[str],
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    estimates: bool = True,
    differences: bool = True,
    weights: np.ndarray | None = None,
    weight: str = "unit",
    key: Sequence[Hashable] | None = None,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> GroupBootstrap:
    """:func:`bootstrap_groups` on numpy arrays instead of a frame: the same numbers.

    For units held as compact arrays (e.g. the sentences of a large store, read part by
    part): one row per unit, in the order the frame of :func:`bootstrap_groups` would have
    them. Only one group's units are laid out for resampling at a time.

    Parameters
    ----------
    values : (units,) or (units, k) floats, or a function returning the rows of the given
        unit indices (so columns derived from a compact array are made one group at a time)
    clusters : integer code of each unit's document; codes in the order of the documents'
        ids (what ``pd.factorize(doc_ids, sort=True)`` gives)
    labels : each unit's group as an index into ``names``; -1 for no group
    names : the groups, in the order ``frame.groupby(group, sort=True)`` gives them
    value_names : the name of each column of ``values`` (the ``value`` column of the result)
    weights : one weight per unit (default: all 1)
    group, groups, estimates, differences, weight, key, resampling, n_boot, level,
    random_state : as in :func:`bootstrap_groups`; rows with a missing value are left out

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "d", "d"],
    ...                   "g": ["x", "x", "x", "y", "y", "y"],
    ...                   "v": [1.0, 3.0, 2.0, 0.0, 1.0, 2.0]})
    >>> want = bootstrap_groups(f, values="v", group="g", n_boot=50)
    >>> got = bootstrap_arrays(f["v"].to_numpy(), clusters=np.array([0, 0, 1, 2, 3, 3]),
    ...                        labels=np.array([0, 0, 0, 1, 1, 1]), names=["x", "y"],
    ...                        value_names=["v"], group="g", n_boot=50)
    >>> got.estimates.equals(want.estimates), got.differences.equals(want.differences)
    (True, True)
    """
    _check_weight(weight)
    opts = resolve_resampling(resampling, n_boot=n_boot, level=level, random_state=random_state)
    names_v = list(value_names)
    labels = np.asarray(labels)
    clusters = np.asarray(clusters)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(len(names) + 1))
    present: list[str] = []
    rows_of: dict[str, np.ndarray] = {}
    for j, name in enumerate(names):
        idx = order[bounds[j]:bounds[j + 1]]
        if not len(idx):
            continue
        vals = (values(idx) if callable(values) else np.asarray(values)[idx])
        vals = np.asarray(vals, dtype=float).reshape(len(idx), -1)
        keep = ~np.isnan(vals).any(axis=1)
        if keep.any():
            present.append(str(name))
            rows_of[str(name)] = idx[keep]
        del vals
    del order

    def clustered(name: str) -> _Clustered:
        idx = rows_of[name]
        vals = (values(idx) if callable(values) else np.asarray(values)[idx])
        w = (np.asarray(weights, dtype=float)[idx] if weights is not None
             else np.ones(len(idx)))
        return _Clustered(np.asarray(vals, dtype=float).reshape(len(idx), -1), w, clusters[idx])

    with_units = sorted(str(n) for j, n in enumerate(names) if bounds[j + 1] > bounds[j])
    return _bootstrap(clustered, present, with_units, names_v, group=group, groups=groups,
                      estimates=estimates, differences=differences, weight=weight, key=key,
                      opts=opts)


@dataclass(frozen=True)
class _Drawn:
    """One group's replicates and observed parts (its laid-out values are not kept)."""

    num: np.ndarray
    den: np.ndarray
    obs_num: np.ndarray
    obs_den: float
    n_docs: int
    n_units: int


def _bootstrap(clustered: Callable[[str], _Clustered], present: list[str], names: list[str],
               names_v: list[str], *, group: str, groups: Sequence[str] | None,
               estimates: bool, differences: bool, weight: str,
               key: Sequence[Hashable] | None, opts: Resampling) -> GroupBootstrap:
    """The tables of :func:`bootstrap_groups` from each group's clustered values.

    ``present``: the groups with units, in table order; ``names``: every group (sorted).
    """
    base = tuple(key) if key is not None else tuple(names_v)
    cache: dict[str, _Drawn] = {}

    def drawn(g: str) -> _Drawn:
        if g not in cache:
            data = clustered(g)
            rng = keyed_rng(opts.random_state, *base, g)
            num, den = data.replicate_parts(opts.n_boot, rng, weight)
            obs_num, obs_den = data.parts(weight)
            cache[g] = _Drawn(num, den, obs_num, obs_den, data.n_docs, data.n_units)
        return cache[g]

    est_rows = []
    if estimates:
        for g in present:
            d = drawn(g)
            low, high = _quantiles(_divide(d.num, d.den), opts.level)
            estimate = _ratio(d.obs_num, d.obs_den)
            for j, v in enumerate(names_v):
                est_rows.append({group: g, "value": v, "estimate": float(estimate[j]),
                                 "ci_low": float(low[j]), "ci_high": float(high[j]),
                                 "n_docs": int(d.n_docs), "n_units": int(d.n_units),
                                 "n_boot": int(opts.n_boot)})
    table = pd.DataFrame(est_rows, columns=[group, "value", "estimate", "ci_low", "ci_high",
                                            "n_docs", "n_units", "n_boot"])
    diff_cols = ["contrast", "group_a", "group_b", "value", "estimate", "ci_low", "ci_high",
                 "n_docs_a", "n_docs_b", "interval_excludes_zero"]
    if not differences:
        return GroupBootstrap(table, pd.DataFrame(columns=diff_cols))
    pairs = contrasts(names, groups=groups)
    empty = [g for g in names if g not in present]
    if pairs[0][1] == REST:
        pairs = [(a, b) for a, b in pairs if a in present]
        if empty:
            warnings.warn(
                f"group(s) {empty[:10]} of column {group!r} have no value in column(s) "
                f"{names_v} and are left out of the differences.",
                DesignWarning,
                stacklevel=3,
            )
        pooled = [g for g in names if g in present]
        all_num = sum(drawn(g).num for g in pooled)
        all_den = sum(drawn(g).den for g in pooled)
        obs_num = sum(drawn(g).obs_num for g in pooled)
        obs_den = sum(drawn(g).obs_den for g in pooled)
        all_docs = sum(drawn(g).n_docs for g in pooled)
    elif [g for g in pairs[0] if g in empty]:
        raise CorpusError(
            f"group(s) {[g for g in pairs[0] if g in empty]} of column {group!r} have no value "
            f"in column(s) {names_v}: no difference can be computed for them."
        )
    rows = []
    for a, b in pairs:
        da = drawn(a)
        if b == REST:
            num_b, den_b = all_num - da.num, all_den - da.den
            ob_num, ob_den = obs_num - da.obs_num, obs_den - da.obs_den
            n_b = all_docs - da.n_docs
        else:
            db = drawn(b)
            num_b, den_b, ob_num, ob_den, n_b = db.num, db.den, db.obs_num, db.obs_den, db.n_docs
        est = _ratio(da.obs_num, da.obs_den) - _ratio(ob_num, ob_den)
        low, high = _quantiles(_divide(da.num, da.den) - _divide(num_b, den_b), opts.level)
        for j, v in enumerate(names_v):
            rows.append({"contrast": f"{a} - {b}", "group_a": a, "group_b": b, "value": v,
                         "estimate": float(est[j]), "ci_low": float(low[j]),
                         "ci_high": float(high[j]), "n_docs_a": int(da.n_docs),
                         "n_docs_b": int(n_b)})
    out = pd.DataFrame(rows, columns=diff_cols[:-1])
    out["interval_excludes_zero"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    return GroupBootstrap(table, out)


def _ratio(num: np.ndarray, den: float) -> np.ndarray:
    return num / den if den > 0 else np.full(np.shape(num), np.nan)


def cluster_bootstrap(
    frame: pd.DataFrame,
    *,
    value: str,
    group: str = config.DEFAULT_GROUP,
    cluster: str = "doc_id",
    weights: str | None = None,
    weight: str = "unit",
    key: Sequence[Hashable] | None = None,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Per-group estimate with a two-stage (documents, then units) percentile bootstrap.

    Units (sentences, paragraphs) are nested in documents. Each replicate draws the group's
    documents with replacement, then draws units with replacement within every drawn
    document, and recomputes the statistic. Resampling only units would treat sentences of
    one document as independent evidence and make intervals far too narrow. With very few
    documents even this interval is too narrow (the bootstrap cannot see variation it has
    not sampled); report it next to the per-document values and :func:`caveat`.

    The statistic is a mean of ``value`` (a 0/1 column gives a share), optionally weighted
    by the column ``weights``. ``weight="unit"`` pools all units of the group (each unit
    counts once: the "pooled" figure); ``weight="document"`` averages per-document means
    (each document counts once).

    Group ``g`` draws from ``keyed_rng(random_state, *key, g)``; ``key`` (default
    ``(value,)``) names what is estimated, so the same quantity gets the same interval
    wherever it is computed (:func:`bootstrap_groups`). Options: ``resampling``
    (:class:`Resampling`), or the keywords ``n_boot``, ``level``, ``random_state``
    overriding its fields.

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
    result = bootstrap_groups(frame, values=[value], group=group, differences=False,
                              cluster=cluster, weights=weights, weight=weight,
                              key=(value,) if key is None else key, resampling=resampling,
                              n_boot=n_boot, level=level, random_state=random_state)
    return result.estimates.drop(columns="value").reset_index(drop=True)


def contrasts(names: Sequence[str], *, groups: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The comparisons made for these groups: ``groups=(a, b)``, the two groups, or each vs rest.

    With more than two groups and no pair chosen, every group is compared with the other
    groups pooled (``(g, "rest")``). Raises :class:`~analysis.errors.CorpusError` naming the
    groups when a chosen group does not exist or there is only one.

    Examples
    --------
    >>> contrasts(["x", "y"])
    [('x', 'y')]
    >>> contrasts(["x", "y", "z"])
    [('x', 'rest'), ('y', 'rest'), ('z', 'rest')]
    >>> contrasts(["x", "y", "z"], groups=("z", "x"))
    [('z', 'x')]
    """
    names = sorted(str(n) for n in names)
    if groups is not None:
        if len(groups) != 2 or str(groups[0]) == str(groups[1]):
            raise CorpusError(f"groups= must name two different groups, not {list(groups)}.")
        pair = (str(groups[0]), str(groups[1]))
        unknown = [g for g in pair if g not in names]
        if unknown:
            raise CorpusError(f"group(s) {unknown} not found; the groups are: {names}.")
        return [pair]
    if len(names) == 2:
        return [(names[0], names[1])]
    if len(names) > 2:
        return [(n, REST) for n in names]
    raise CorpusError(f"a difference needs two or more groups; there is only {names}.")


def bootstrap_difference(
    frame: pd.DataFrame,
    *,
    value: str,
    group: str = config.DEFAULT_GROUP,
    groups: Sequence[str] | None = None,
    cluster: str = "doc_id",
    weights: str | None = None,
    weight: str = "unit",
    key: Sequence[Hashable] | None = None,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    level: float | None = None,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Difference between groups with a two-stage cluster bootstrap interval.

    With ``groups=(a, b)`` one row for ``a - b`` (any two groups of many); with exactly two
    groups and ``groups=None`` one row, first minus second in sorted order; with more, one
    row per group for that group minus all other groups pooled (``group_b`` is ``"rest"``).
    Every group is resampled on its own, documents first, then units within documents, from
    the same keyed generator as its own interval in :func:`cluster_bootstrap`; the rest's
    replicate pools its groups' replicates. Each group's replicates are drawn once, so a
    hundred one-vs-rest contrasts cost little more than one (:func:`bootstrap_groups`).

    Columns: ``contrast``, ``group_a``, ``group_b``, ``estimate``, ``ci_low``, ``ci_high``,
    ``n_docs_a``, ``n_docs_b``, ``interval_excludes_zero``. The last column describes the
    interval only; it is no test.

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
    result = bootstrap_groups(frame, values=[value], group=group, groups=groups,
                              estimates=False, cluster=cluster, weights=weights, weight=weight,
                              key=(value,) if key is None else key, resampling=resampling,
                              n_boot=n_boot, level=level, random_state=random_state)
    return result.differences.drop(columns="value").reset_index(drop=True)
