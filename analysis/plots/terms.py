"""Figures of term counts and keyness (matplotlib, the suite's shared style).

Four views, each a function taking a table and returning a ``matplotlib.figure.Figure``
(never shown or saved here: save with :func:`analysis.plots.common.save_figure`, passing the same
table):

* :func:`plot_top_terms`: the most frequent terms of each group, side by side on one
  rate scale;
* :func:`plot_keyness`: a diverging bar chart of the terms most typical of each side,
  counts annotated, single-document terms hatched;
* :func:`plot_keyness_scatter`: a Scattertext-style scatter of every term's rate in one
  group against the other, coloured by the keyness score, the most distinctive terms
  labelled (labels placed by ``adjustText`` with a fixed iteration budget, so the figure is
  the same on every run);
* :func:`plot_term_heatmap`: documents x distinctive terms, showing which article each
  count comes from (table from :func:`analysis.measures.terms.document_term_table`).

Colours come from :func:`analysis.plots.common.group_colors` (one colour per group everywhere) and
every title carries the group sizes.

Examples
--------
>>> import pandas as pd
>>> tf = pd.DataFrame({"term": ["war", "peace", "war", "peace"], "g": ["x", "x", "y", "y"],
...                    "count": [5, 1, 1, 4], "rate": [50.0, 10.0, 12.5, 50.0],
...                    "n_docs": [2, 1, 1, 2], "n_docs_group": [2, 2, 2, 2]})
>>> fig = plot_top_terms(tf, group="g", n=2)
>>> [ax.get_title() for ax in fig.axes]
['x', 'y']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from adjustText import adjust_text
from matplotlib import colors as mcolors
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis import config
from analysis.errors import CorpusError, NothingToShow
from analysis.measures.keyness import top_distinctive
from analysis.measures.terms import RATE_PER
from analysis.plots.common import (
    MAX_DOCUMENT_ROWS,
    SEQUENTIAL_CMAP,
    fit_height,
    footnote,
    group_colors,
    group_title,
    shown_groups,
    style,
)

__all__ = [
    "group_term_table",
    "plot_keyness",
    "plot_keyness_scatter",
    "plot_term_heatmap",
    "plot_top_terms",
]

_REST_COLOR = "0.45"
_SINGLE_MARK = "\N{DAGGER}"
_SINGLE_NOTE = f"{_SINGLE_MARK} / hatched: all of the favoured side's count comes from one document"


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CorpusError(
            f"{what} table lacks column(s) {', '.join(missing)}; pass the table returned by "
            f"the matching analysis function."
        )


# --------------------------------------------------------------------------- top terms


def plot_top_terms(
    frequencies: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    n: int = 15,
    title: str = "Most frequent terms",
) -> Figure:
    """Top ``n`` terms of each group by rate, one panel per group on a shared rate axis.

    Bars show the rate per 10,000 tokens; the label at each bar gives the raw count and
    the number of the group's documents containing the term ("12 · 2/3 docs").

    Parameters
    ----------
    frequencies : group-level table from :func:`analysis.term_frequencies`
    group : its group column
    n : terms per group
    title : first line of the figure title (group sizes are added)

    Examples
    --------
    >>> import pandas as pd
    >>> tf = pd.DataFrame({"term": ["a", "b", "a", "b"], "g": ["x", "x", "y", "y"],
    ...                    "count": [3, 1, 0, 2], "rate": [30.0, 10.0, 0.0, 20.0],
    ...                    "n_docs": [1, 1, 0, 2], "n_docs_group": [1, 1, 2, 2]})
    >>> fig = plot_top_terms(tf, group="g", n=1)
    >>> [t.get_text() for t in fig.axes[1].get_yticklabels()]
    ['b']
    """
    _require(frequencies, ["term", group, "count", "rate", "n_docs", "n_docs_group"],
             "term frequency")
    groups = sorted(frequencies[group].dropna().astype(str).unique())
    if not groups:
        raise NothingToShow("the term frequency table is empty: no term was counted.")
    colors = group_colors(groups)
    labels = frequencies[group].astype(str)
    sizes = {g: int(frequencies.loc[labels == g, "n_docs_group"].iloc[0]) for g in groups}
    groups, left_out = shown_groups(sizes, max_groups=4)
    tops = {g: (frequencies[(labels == g) & (frequencies["count"] > 0)]
                .sort_values(["rate", "term"], ascending=[False, True], kind="mergesort")
                .head(n)) for g in groups}
    rows = max(len(t) for t in tops.values())
    with style():
        fig, axes = plt.subplots(1, len(groups), sharex=True, squeeze=False,
                                 figsize=(3.6 * len(groups) + 1.0, fit_height(0.28 * rows + 1.8)))
        xmax = max(float(t["rate"].max()) if len(t) else 0.0 for t in tops.values()) or 1.0
        for ax, g in zip(axes[0], groups, strict=True):
            top = tops[g]
            y = np.arange(len(top))
            ax.barh(y, top["rate"], color=colors[g], height=0.7)
            ax.set_yticks(y, top["term"].tolist())
            ax.set_ylim(rows - 0.5, -0.5)
            for yi, (rate, count, nd) in enumerate(
                    zip(top["rate"], top["count"], top["n_docs"], strict=True)):
                ax.text(rate + xmax * 0.02, yi, f"{int(count)} · {int(nd)}/{sizes[g]} docs",
                        va="center", fontsize=7, color="0.25")
            ax.set_title(g, color=colors[g])
            ax.set_xlabel(f"rate per {RATE_PER:,} tokens")
            ax.grid(axis="y", visible=False)
        axes[0][0].set_xlim(0, xmax * 1.45)
        fig.suptitle(group_title(title, sizes), fontsize=11, fontweight="bold")
        footnote(fig, "\n".join(n for n in (
            "label: count · documents of the group containing the term", left_out) if n))
    return fig


# --------------------------------------------------------------------------- keyness bars


def _one_comparison(table: pd.DataFrame, target: str | None) -> pd.DataFrame:
    targets = list(dict.fromkeys(table["target"].astype(str)))
    if not targets:
        raise NothingToShow("the keyness table is empty: no term was tested.")
    if target is None:
        target = targets[0]
    if str(target) not in targets:
        raise CorpusError(f"target {target!r} is not in the keyness table; it has {targets}.")
    return table[table["target"].astype(str) == str(target)]


def _group_names(table: pd.DataFrame) -> list[str]:
    """The groups a keyness table names, for the colours (the pooled "rest" is not a group).

    A two-group table names both groups, so the colours are those of every other figure; a
    table of one group against the rest names only that group: pass ``colors=`` (e.g.
    ``group_colors(corpus[group])``) to keep the corpus-wide colours.
    """
    names = set(table["target"].astype(str)) | set(table["reference"].astype(str))
    return sorted(names - {"rest"})


def _sides(table: pd.DataFrame, colors: Mapping[str, str] | None,
           names: Sequence[str]) -> tuple[str, str, dict, dict]:
    target = str(table["target"].iloc[0])
    reference = str(table["reference"].iloc[0])
    sizes = {target: int(table["n_docs_group_target"].iloc[0]),
             reference: int(table["n_docs_group_reference"].iloc[0])}
    if colors is None:
        colors = group_colors(names)
    palette = {target: colors.get(target, "#0072B2"),
               reference: colors.get(reference, _REST_COLOR)}
    return target, reference, sizes, palette


def _score_label(table: pd.DataFrame) -> str:
    if "z" in table.columns:
        return "z of the log-odds ratio (informative Dirichlet prior)"
    if "g2" in table.columns:
        return "signed log-likelihood G\N{SUPERSCRIPT TWO}"
    if "chi2" in table.columns:
        return "signed chi-squared"
    return "score"


def plot_keyness(
    table: pd.DataFrame,
    *,
    n: int = 12,
    target: str | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """Diverging bars: the ``n`` terms most typical of each side of a keyness comparison.

    Bars extend right for the target, left for the reference, by the signed keyness score.
    Each bar is annotated with the counts ("7 : 0") and the documents they come from
    ("3 : 0 docs"). Terms whose favoured count comes from a single document are hatched
    and marked with a dagger: one article's word, not a group difference. Terms passing
    the false-discovery threshold are in bold.

    Parameters
    ----------
    table : from :func:`analysis.keyness` (for a stacked one-vs-rest table, ``target``
        picks the comparison; default the first)
    n : terms per side
    target : comparison to draw
    colors : group -> colour; default :func:`analysis.plots.common.group_colors` of the groups
        (a pooled "rest" is grey)

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.measures.keyness import keyness_from_counts
    >>> k = keyness_from_counts(["war", "peace", "talks"], np.array([9, 1, 3]),
    ...                         np.array([1, 8, 3]), n_docs_target=[1, 1, 2],
    ...                         n_docs_reference=[1, 2, 2], n_docs_group_target=2,
    ...                         n_docs_group_reference=2, target="x", reference="y",
    ...                         min_count=1)
    >>> fig = plot_keyness(k, n=1)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['war \u2020', 'peace']
    """
    _require(table, ["term", "target", "reference", "count_target", "count_reference",
                     "n_docs_target", "n_docs_reference", "n_docs_group_target",
                     "n_docs_group_reference", "score", "direction", "single_doc"], "keyness")
    names = _group_names(table)
    table = _one_comparison(table, target)
    tgt, ref, sizes, palette = _sides(table, colors, names)
    picked = top_distinctive(table, n=n)
    pos = picked[picked["side"] == "target"]
    neg = picked[picked["side"] == "reference"].iloc[::-1]
    shown = pd.concat([pos, neg])
    if shown.empty:
        raise NothingToShow(
            f"no term leans to either side of {tgt} vs {ref}: all {len(table):,} terms tested "
            "are used at the same rate in both, so there are no distinctive terms to plot."
        )
    with style():
        fig, ax = plt.subplots(figsize=(8.0, 0.3 * len(shown) + 1.9))
        y = np.arange(len(shown))
        score = shown["score"].to_numpy(dtype=float)
        single = shown["single_doc"].fillna(False).to_numpy(dtype=bool)
        bar_colors = [palette[tgt] if s > 0 else palette[ref] for s in score]
        bars = ax.barh(y, score, color=bar_colors, height=0.7)
        for bar, is_single in zip(bars, single, strict=True):
            if is_single:
                bar.set_hatch("////")
                bar.set_edgecolor("white")
                bar.set_alpha(0.55)
        span = float(np.abs(score).max()) or 1.0
        for yi, row in enumerate(shown.itertuples(index=False)):
            s = float(row.score)
            note = (f"{int(row.count_target)} : {int(row.count_reference)}  "
                    f"({int(row.n_docs_target)} : {int(row.n_docs_reference)} docs)")
            ax.text(s + np.sign(s) * span * 0.02, yi, note, va="center",
                    ha="left" if s > 0 else "right", fontsize=7, color="0.25")
        labels = [f"{t} {_SINGLE_MARK}" if sd else str(t)
                  for t, sd in zip(shown["term"], single, strict=True)]
        ax.set_yticks(y, labels)
        if "passes_fdr" in shown.columns:
            for tick, passes in zip(ax.get_yticklabels(), shown["passes_fdr"], strict=True):
                if bool(passes):
                    tick.set_fontweight("bold")
        ax.set_ylim(len(shown) - 0.5, -0.5)
        ax.set_xlim(-span * 1.6, span * 1.6)
        ax.axvline(0, color="0.3", lw=0.8)
        ax.set_xlabel(f"{_score_label(table)}\n\N{LEFTWARDS ARROW} more typical of {ref}"
                      f"   |   more typical of {tgt} \N{RIGHTWARDS ARROW}")
        ax.grid(axis="y", visible=False)
        ax.legend(handles=[Patch(color=palette[tgt], label=f"more typical of {tgt}"),
                           Patch(color=palette[ref], label=f"more typical of {ref}"),
                           Patch(facecolor="0.6", hatch="////", edgecolor="white",
                                 label="count from a single document")],
                  loc="lower right", fontsize=7)
        ax.set_title(group_title(f"Distinctive terms: {tgt} vs {ref}", sizes))
        footnote(fig, f"label: count {tgt} : {ref} (documents containing it)."
                  f"\n{_SINGLE_NOTE}.\nBold term: passes the false-discovery threshold.")
    return fig


# --------------------------------------------------------------------------- scatter


def plot_keyness_scatter(
    table: pd.DataFrame,
    *,
    label_top: int = 20,
    target: str | None = None,
    colors: Mapping[str, str] | None = None,
    random_state: int = config.RANDOM_STATE,
) -> Figure:
    """Scattertext-style view: each term's rate in the target against the reference.

    Log axes; a term absent from one side sits on a dashed "0" line drawn below the
    smallest observed rate. Many terms share the same small counts, so points get a small
    multiplicative jitter (seeded by ``random_state``) to show how many there are. Colour
    is the keyness score (diverging, centred on 0); the ``label_top`` terms with the
    largest absolute score are labelled (half per side), labels kept apart by
    ``adjustText`` with a fixed iteration budget (deterministic). Hollow points and a
    dagger mark terms whose favoured count comes from one document.

    Parameters
    ----------
    table : from :func:`analysis.keyness`
    label_top : number of labelled terms
    target : comparison to draw when the table stacks several
    colors : group -> colour for the axis labels
    random_state : seed of the jitter

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.measures.keyness import keyness_from_counts
    >>> k = keyness_from_counts(["war", "peace", "talks", "sea"], np.array([9, 1, 3, 0]),
    ...                         np.array([1, 8, 3, 2]), n_docs_target=[2, 1, 2, 0],
    ...                         n_docs_reference=[1, 2, 2, 1], n_docs_group_target=2,
    ...                         n_docs_group_reference=2, target="x", reference="y",
    ...                         min_count=1)
    >>> fig = plot_keyness_scatter(k, label_top=2)
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text() in {"war", "peace"})
    ['peace', 'war']
    """
    _require(table, ["term", "target", "reference", "rate_target", "rate_reference",
                     "score", "single_doc", "n_docs_group_target", "n_docs_group_reference"],
             "keyness")
    names = _group_names(table)
    table = _one_comparison(table, target).reset_index(drop=True)
    tgt, ref, sizes, palette = _sides(table, colors, names)
    x = table["rate_reference"].to_numpy(dtype=float)
    y = table["rate_target"].to_numpy(dtype=float)
    positive = np.concatenate([x[x > 0], y[y > 0]])
    floor = float(positive.min()) / 2.0 if positive.size else 1.0
    rng = np.random.default_rng(random_state)
    xs = np.where(x > 0, x, floor) * np.exp(rng.normal(0.0, 0.06, len(x)))
    ys = np.where(y > 0, y, floor) * np.exp(rng.normal(0.0, 0.06, len(y)))
    score = table["score"].to_numpy(dtype=float)
    single = table["single_doc"].fillna(False).to_numpy(dtype=bool)
    lim = float(np.abs(score).max()) or 1.0
    norm = mcolors.TwoSlopeNorm(vmin=-lim, vcenter=0.0, vmax=lim)
    # Each side in its group's colour (as in every other figure), fading to grey at 0.
    cmap = mcolors.LinearSegmentedColormap.from_list(
        f"{ref}-{tgt}", [palette[ref], "#BBBBBB", palette[tgt]])
    with style():
        fig, ax = plt.subplots(figsize=(7.5, 6.5))
        ax.set_xscale("log")
        ax.set_yscale("log")
        hi = float(max(xs.max(), ys.max())) * 1.6
        lo = floor / 1.6
        ax.plot([lo, hi], [lo, hi], color="0.6", lw=0.8, ls=":", zorder=1)
        ax.axvline(floor, color="0.7", lw=0.7, ls="--", zorder=1)
        ax.axhline(floor, color="0.7", lw=0.7, ls="--", zorder=1)
        ax.text(floor, hi, " 0", color="0.4", fontsize=7, va="top")
        ax.text(hi, floor, "0 ", color="0.4", fontsize=7, ha="right", va="bottom")
        sc = ax.scatter(xs[~single], ys[~single], c=score[~single], cmap=cmap, norm=norm,
                        s=16, edgecolors="0.3", linewidths=0.3, zorder=3)
        ax.scatter(xs[single], ys[single], facecolors="none",
                   edgecolors=cmap(norm(score[single])), s=16, linewidths=0.9, zorder=3)
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        order = np.argsort(-score, kind="stable")
        k = max(label_top // 2, 1)
        pick = [i for i in order[:k] if score[i] > 0] + [i for i in order[::-1][:k] if score[i] < 0]
        texts = [ax.text(xs[i], ys[i], f"{table.at[i, 'term']}{' ' + _SINGLE_MARK if single[i] else ''}",
                         fontsize=7, zorder=4) for i in pick]
        fig.colorbar(sc, ax=ax, shrink=0.7, label=_score_label(table))
        ax.set_xlabel(f"rate per {RATE_PER:,} tokens in {ref} (log)", color=palette[ref])
        ax.set_ylabel(f"rate per {RATE_PER:,} tokens in {tgt} (log)", color=palette[tgt])
        ax.set_title(group_title(f"Term rates: {tgt} vs {ref}", sizes))
        footnote(fig, "dotted: equal rates; dashed: term absent on that side; "
                  f"hollow / {_SINGLE_MARK}: favoured count from one document; "
                  "points jittered slightly")
        if texts:  # after the layout is final: adjustText works in display coordinates
            near = _nearest_points(xs, ys, pick)  # repelling every point is slow at size
            adjust_text(texts, x=xs[near], y=ys[near], ax=ax, iter_lim=600, time_lim=None,
                        expand=(1.3, 1.6),
                        arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5})
    return fig


#: Points a label of the keyness scatter is kept off: the ones nearest the labelled points.
LABEL_OBSTACLES: int = 200


def _nearest_points(xs: np.ndarray, ys: np.ndarray, pick: Sequence[int], *,
                    n: int = LABEL_OBSTACLES) -> np.ndarray:
    """Indices of the ``n`` points nearest (on the log axes) to any labelled point.

    Labels are placed among these points only: adjustText's cost grows with every point it
    repels, and a label is never moved far from its own point.

    Examples
    --------
    >>> xs = np.array([1.0, 10.0, 100.0, 1000.0]); ys = xs.copy()
    >>> _nearest_points(xs, ys, [3], n=2).tolist()
    [2, 3]
    """
    if len(xs) <= n:
        return np.arange(len(xs))
    lx, ly = np.log10(xs), np.log10(ys)
    px, py = lx[list(pick)], ly[list(pick)]
    dist = np.min(np.hypot(lx[:, None] - px[None, :], ly[:, None] - py[None, :]), axis=1)
    return np.sort(np.argsort(dist, kind="stable")[:n])


# --------------------------------------------------------------------------- heatmap


def plot_term_heatmap(
    table: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    title: str = "Which document each distinctive term comes from",
) -> Figure:
    """Documents (rows, grouped) x terms (columns): rate as colour, count as number.

    A term typical of a group "because of" one article shows as one dark cell in that
    group's rows; a term spread over the group's articles shows as a band.

    Parameters
    ----------
    table : from :func:`analysis.measures.terms.document_term_table`
    group : its group column
    title : first line of the title (group sizes are added)

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "g": ["x", "x", "y", "y"],
    ...                   "term": ["war", "peace"] * 2, "count": [2, 0, 0, 1],
    ...                   "rate": [2e3, 0.0, 0.0, 5e3], "n_tokens": [10, 10, 2, 2]})
    >>> fig = plot_term_heatmap(t, group="g")
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['war', 'peace']
    """
    _require(table, ["doc_id", group, "term", "count", "rate"], "document-term")
    docs = list(dict.fromkeys(table["doc_id"].astype(str)))
    if len(docs) > MAX_DOCUMENT_ROWS:
        return _group_term_heatmap(table, group=group,
                                   title="How widely each group's documents use each term")
    terms = list(dict.fromkeys(table["term"].astype(str)))
    wide_rate = table.pivot(index="doc_id", columns="term", values="rate").loc[docs, terms]
    wide_count = table.pivot(index="doc_id", columns="term", values="count").loc[docs, terms]
    doc_group = table.drop_duplicates("doc_id").set_index("doc_id")[group].astype(str).loc[docs]
    groups = sorted(set(doc_group))
    colors = group_colors(groups)
    sizes = {g: int((doc_group == g).sum()) for g in groups}
    values = wide_rate.to_numpy(dtype=float)
    with style():
        fig, ax = plt.subplots(figsize=(fit_height(max(6.0, 0.42 * len(terms) + 2.8)),
                                        fit_height(0.42 * len(docs) + 2.6)))
        counts = wide_count.to_numpy()
        im = _annotated_heatmap(ax, values, [[str(int(c)) if c else "" for c in row]
                                             for row in counts], terms)
        ax.set_yticks(np.arange(len(docs)), [f"{d} ({g})" for d, g in doc_group.items()],
                      fontsize=8)
        for tick, g in zip(ax.get_yticklabels(), doc_group, strict=True):
            tick.set_color(colors[g])
        bounds = np.flatnonzero(doc_group.to_numpy()[1:] != doc_group.to_numpy()[:-1])
        for b in bounds:
            ax.axhline(b + 0.5, color="white", lw=2.0)
        ax.grid(False)
        fig.colorbar(im, ax=ax, shrink=0.8, label=f"rate per {RATE_PER:,} tokens")
        ax.set_title(group_title(title, sizes))
        footnote(fig, "number: count in the document; colour: rate per 10,000 tokens "
                  "of that document")
    return fig


def group_term_table(table: pd.DataFrame, *, group: str = config.DEFAULT_GROUP) -> pd.DataFrame:
    """Per group and term: pooled rate, count and how many of the group's documents use it.

    The many-documents summary of :func:`analysis.measures.terms.document_term_table`.

    Examples
    --------
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "g": ["x", "x", "x", "x"],
    ...                   "term": ["war", "peace"] * 2, "count": [2, 0, 0, 1],
    ...                   "rate": [2e3, 0.0, 0.0, 5e3], "n_tokens": [10, 10, 2, 2]})
    >>> out = group_term_table(t, group="g").round(2)  # 2 of 12 tokens, 1 of 12 tokens
    >>> out[["term", "count", "n_docs", "n_docs_group", "rate"]].values.tolist()
    [['war', 2, 1, 2, 1666.67], ['peace', 1, 1, 2, 833.33]]
    """
    _require(table, ["doc_id", group, "term", "count", "n_tokens"], "document-term")
    terms = list(dict.fromkeys(table["term"].astype(str)))
    t = table.assign(_used=(table["count"] > 0).astype(int), term=table["term"].astype(str),
                     **{group: table[group].astype(str)})
    out = (t.groupby([group, "term"], sort=False)
           .agg(count=("count", "sum"), n_docs=("_used", "sum"), n_tokens=("n_tokens", "sum"),
                n_docs_group=("doc_id", "nunique"))
           .reset_index())
    out["rate"] = np.where(out["n_tokens"] > 0,
                           out["count"] / out["n_tokens"].clip(lower=1) * RATE_PER, 0.0)
    out["term"] = pd.Categorical(out["term"], categories=terms, ordered=True)
    out = out.sort_values([group, "term"], kind="stable").reset_index(drop=True)
    out["term"] = out["term"].astype(str)
    return out[[group, "term", "count", "n_docs", "n_docs_group", "n_tokens", "rate"]]


def _group_term_heatmap(table: pd.DataFrame, *, group: str, title: str) -> Figure:
    """Groups x terms: pooled rate as colour, share of the group's documents as number."""
    agg = group_term_table(table, group=group)
    sizes = agg.drop_duplicates(group).set_index(group)["n_docs_group"].astype(int)
    order, left_out = shown_groups(sizes.to_dict())
    terms = list(dict.fromkeys(agg["term"]))
    wide = agg.pivot(index=group, columns="term", values="rate").loc[order, terms]
    docs = agg.pivot(index=group, columns="term", values="n_docs").loc[order, terms]
    values = wide.to_numpy(dtype=float)
    colors = group_colors(sizes.index)
    n_docs = int(sizes.sum())
    with style():
        fig, ax = plt.subplots(figsize=(fit_height(max(6.0, 0.42 * len(terms) + 3.2)),
                                        fit_height(0.5 * len(order) + 2.8)))
        shares = [[f"{used / max(int(sizes[g]), 1):.0%}" for used in row]
                  for g, row in zip(order, docs.to_numpy(), strict=True)]
        im = _annotated_heatmap(ax, values, shares, terms)
        ax.set_yticks(np.arange(len(order)), [f"{g} (n = {int(sizes[g]):,})" for g in order],
                      fontsize=8)
        for tick, g in zip(ax.get_yticklabels(), order, strict=True):
            tick.set_color(colors[g])
        ax.grid(False)
        fig.colorbar(im, ax=ax, shrink=0.8, label=f"rate per {RATE_PER:,} tokens of the group")
        ax.set_title(group_title(title, sizes.to_dict()))
        footnote(fig, "\n".join(n for n in (
            "number: share of the group's documents using the term; colour: the group's pooled "
            f"rate per {RATE_PER:,} tokens",
            f"{n_docs:,} documents are too many for one row each: the CSV beside the figure "
            "lists every document", left_out) if n))
    return fig


def _annotated_heatmap(ax, values: np.ndarray, labels: Sequence[Sequence[str]],
                       terms: Sequence[str]):
    """Rate matrix as colour, ``labels`` written in each non-empty cell, terms on the x axis."""
    im = ax.imshow(values, aspect="auto", cmap=SEQUENTIAL_CMAP,
                   vmin=0.0, vmax=float(values.max()) or 1.0)
    cutoff = (float(values.max()) or 1.0) * 0.55
    for (i, j), value in np.ndenumerate(values):
        if labels[i][j]:
            ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=7,
                    color="black" if value > cutoff else "white")
    ax.set_xticks(np.arange(len(terms)), terms, rotation=55, ha="right", fontsize=8)
    return im
