"""One plotting style for the whole suite: group colours, titles with sizes, deterministic savers.

Every figure in the notebooks uses these helpers, so a group has the same colour in every
figure (Okabe-Ito palette, safe for the common forms of colour blindness), every title
carries the group sizes, and every figure is written as PNG and SVG with the table behind it
as CSV. Saving is byte-for-byte reproducible: no dates in the metadata and a fixed SVG hash
salt.

Examples
--------
>>> group_colors(["2024-beijing", "2023-moscow"])
{'2023-moscow': '#0072B2', '2024-beijing': '#D55E00'}
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import config
from analysis.measures.stats import top_groups
from analysis.tables import save_table

__all__ = [
    "DIVERGING_CMAP",
    "OKABE_ITO",
    "SEQUENTIAL_CMAP",
    "apply_style",
    "group_colors",
    "group_order",
    "group_title",
    "MAX_DOCUMENT_ROWS",
    "MAX_FIGURE_INCHES",
    "MAX_GROUPS_SHOWN",
    "document_labels",
    "draw_distribution",
    "fit_height",
    "footnote",
    "plot_group_estimates",
    "save_figure",
    "shown_groups",
    "style",
]

#: Okabe & Ito (2008) colour-blind-safe palette, black last.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Colour-blind-safe maps for continuous values.
SEQUENTIAL_CMAP: str = "cividis"
DIVERGING_CMAP: str = "PuOr_r"

#: Tallest (and widest) figure, in inches: saved at ``savefig.dpi`` = 150 this is 2,400 px, so no
#: figure outgrows a page whatever the number of documents, terms or groups.
MAX_FIGURE_INCHES: float = 16.0
#: Up to this many documents a per-document figure draws one labelled row per document;
#: above it, it draws each group's distribution (box and points) instead.
MAX_DOCUMENT_ROWS: int = 40
#: Most groups drawn by name in one figure (the largest); the title says how many are left out.
MAX_GROUPS_SHOWN: int = 12

RC_PARAMS: dict[str, object] = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO)),
    "image.cmap": SEQUENTIAL_CMAP,
    "svg.hashsalt": "coverage-analysis",
    "svg.fonttype": "path",
    "legend.frameon": False,
}


def apply_style() -> None:
    """Apply the suite's matplotlib style globally (notebooks call this once).

    Examples
    --------
    >>> apply_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["svg.hashsalt"]
    'coverage-analysis'
    """
    mpl.rcParams.update(RC_PARAMS)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying the suite's style only inside the ``with`` block.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with style():
    ...     mpl.rcParams["axes.spines.top"]
    False
    """
    with mpl.rc_context(RC_PARAMS):
        yield


def group_order(groups: Iterable[object]) -> list[str]:
    """Distinct, non-missing group names in the order used everywhere (sorted).

    Examples
    --------
    >>> group_order(["b", "a", None, "b"])
    ['a', 'b']
    """
    return sorted({str(g) for g in groups if not pd.isna(g)})


def group_colors(groups: Iterable[object]) -> dict[str, str]:
    """One colour per group, assigned in :func:`group_order`, the same in every figure.

    More groups than palette colours cycle through the palette again.

    Examples
    --------
    >>> group_colors(["x", "y", "z"])
    {'x': '#0072B2', 'y': '#D55E00', 'z': '#009E73'}
    """
    return {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(group_order(groups))}


def group_title(text: str, sizes: Mapping[str, int] | pd.Series, *, unit: str = "documents",
                max_named: int = 4) -> str:
    """Title with the group sizes appended on a second line.

    With more than ``max_named`` groups the second line gives the number of groups, the
    total and the largest groups, so a title stays one line long at any number of groups.

    Examples
    --------
    >>> group_title("Sentence sentiment", {"2023-moscow": 3, "2024-beijing": 2})
    'Sentence sentiment\\n2023-moscow n = 3 vs 2024-beijing n = 2 documents'
    >>> group_title("Tone", {"a": 5000, "b": 12000})  # thousands as on the axes
    'Tone\\na n = 5,000 vs b n = 12,000 documents'
    >>> group_title("Tone", {f"s{i}": i for i in range(1, 8)})
    'Tone\\n7 groups, 28 documents; largest: s7 n = 7, s6 n = 6, s5 n = 5, ...'
    """
    items = [(str(k), int(v)) for k, v in dict(sizes).items()]
    if len(items) <= max_named:
        parts = [f"{k} n = {v:,}" for k, v in items]
        return f"{text}\n{' vs '.join(parts)} {unit}"
    top = sorted(items, key=lambda kv: (-kv[1], kv[0]))[:3]
    total = sum(v for _, v in items)
    named = ", ".join(f"{k} n = {v:,}" for k, v in top)
    return f"{text}\n{len(items)} groups, {total:,} {unit}; largest: {named}, ..."


def shown_groups(sizes: Mapping[str, int] | pd.Series, *,
                 max_groups: int = MAX_GROUPS_SHOWN) -> tuple[list[str], str]:
    """The groups a figure draws by name (the largest, in :func:`group_order`) and a note.

    The choice is :func:`analysis.measures.stats.top_groups`'s, so figures and tables agree.

    Parameters
    ----------
    sizes : group -> number of documents
    max_groups : most groups drawn

    Returns
    -------
    (groups, note)
        ``note`` is ``""`` when every group is drawn, else a sentence saying how many groups
        and documents are left out, for the figure's footnote.

    Examples
    --------
    >>> shown_groups({"a": 5, "b": 1, "c": 3}, max_groups=2)
    (['a', 'c'], 'The 2 largest of 3 groups are shown; the other one (1 document in all) is left out. The CSV beside the figure has every group.')
    >>> shown_groups({"a": 5, "b": 1})
    (['a', 'b'], '')
    """
    top = top_groups(sizes, max_groups=max_groups)
    note = f"{top.note} The CSV beside the figure has every group." if top.note else ""
    return group_order(top.kept), note


def fit_height(height: float) -> float:
    """``height`` in inches, capped at :data:`MAX_FIGURE_INCHES`.

    Examples
    --------
    >>> fit_height(3.0), fit_height(400.0)
    (3.0, 16.0)
    """
    return float(min(height, MAX_FIGURE_INCHES))


def document_labels(corpus: pd.DataFrame, *, label_column: str | None = None,
                    width: int = 40) -> pd.Series:
    """A readable label per document: ``label_column`` (title, outlet, speaker) or the id.

    Labels longer than ``width`` characters are shortened with an ellipsis; a missing label
    falls back to the document id, and labels shared by several documents get the id added,
    so every label names one document.

    Returns
    -------
    Series indexed by ``doc_id`` (as text).

    Examples
    --------
    >>> c = pd.DataFrame({"doc_id": ["1", "2", "3"], "speaker": ["Ann Lee", None, "Ann Lee"]})
    >>> document_labels(c, label_column="speaker").tolist()
    ['Ann Lee (1)', '2', 'Ann Lee (3)']
    >>> document_labels(c).tolist()
    ['1', '2', '3']
    """
    ids = corpus["doc_id"].astype(str)
    if label_column is None:
        return pd.Series(ids.to_numpy(), index=ids.to_numpy(), name="label")
    if label_column not in corpus.columns:
        raise KeyError(f"label_column {label_column!r} is not a column of the corpus; it has "
                       f"{list(corpus.columns)}. Pass one of them, or None for the document id.")
    raw = corpus[label_column].astype("string")
    text = [(" ".join(str(v).split()) if not pd.isna(v) and str(v).strip() else "")
            for v in raw.tolist()]
    text = [t if len(t) <= width else t[: width - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
            for t in text]
    counts = pd.Series(text).value_counts()
    labels = [d if not t else (f"{t} ({d})" if counts[t] > 1 else t)
              for t, d in zip(text, ids.tolist(), strict=True)]
    return pd.Series(labels, index=ids.to_numpy(), name="label")


def footnote(fig: Figure, text: str) -> None:
    """Lay ``fig`` out leaving room for a small grey note at the bottom, then write it.

    The room grows with the number of lines, so the note never covers an axis label.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> footnote(fig, "one line\\nanother")
    >>> fig.texts[-1].get_text()
    'one line\\nanother'
    >>> plt.close(fig)
    """
    height = fig.get_figheight()
    lines = text.count("\n") + 1
    bottom = (0.13 * lines + 0.06) / height
    fig.tight_layout(rect=(0.0, min(bottom, 0.5), 1.0, 1.0))
    fig.text(0.01, 0.03 / height, text, fontsize=7, color="0.35", va="bottom")


def draw_distribution(ax, values: Mapping[str, np.ndarray], *, colors: Mapping[str, str],
                      positions: Mapping[str, float] | None = None,
                      summary: Mapping[str, float] | None = None) -> None:
    """Each group's values as a horizontal box (quartiles, whiskers at 1.5 IQR) plus points.

    Readable at any number of documents: points are small and translucent when there are
    many, and spread vertically by rank (not at random), so the same data draw the same
    figure. ``summary`` (group -> pooled value) is drawn as a black diamond.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> draw_distribution(ax, {"a": np.arange(100.0), "b": np.ones(3)},
    ...                   colors={"a": "#0072B2", "b": "#D55E00"}, summary={"a": 49.5})
    >>> len(ax.collections) >= 2
    True
    >>> plt.close(fig)
    """
    order = list(values)
    pos = dict(positions) if positions is not None else {g: float(i) for i, g in enumerate(order)}
    for g in order:
        v = np.asarray(values[g], dtype=float)
        v = v[np.isfinite(v)]
        if v.size == 0:
            continue
        y = pos[g]
        box = ax.boxplot(v, positions=[y], orientation="horizontal", widths=0.5,
                         showfliers=False, patch_artist=True, manage_ticks=False)
        for patch in box["boxes"]:
            patch.set(facecolor="none", edgecolor=colors[g], linewidth=1.2)
        for part in ("whiskers", "caps", "medians"):
            for line in box[part]:
                line.set(color=colors[g], linewidth=1.0)
        ranks = np.argsort(np.argsort(v, kind="stable"), kind="stable")
        spread = ((ranks * 0.618034) % 1.0 - 0.5) * 0.5 if v.size > 1 else np.zeros(1)
        alpha = float(np.clip(6.0 / np.sqrt(v.size), 0.08, 0.9))
        size = float(np.clip(60.0 / np.sqrt(v.size), 3.0, 28.0))
        ax.scatter(v, y + spread, s=size, facecolors="none", edgecolors=colors[g],
                   alpha=alpha, linewidths=0.8, zorder=2)
        if summary is not None and g in summary and np.isfinite(summary[g]):
            ax.scatter([summary[g]], [y], marker="D", s=36, color="black", zorder=4)


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def save_figure(
    fig: Figure,
    name: str,
    *,
    table: pd.DataFrame | pd.Series,
    figures_dir: str | Path | None = None,
    formats: tuple[str, ...] = ("png", "svg"),
) -> dict[str, Path]:
    """Write ``fig`` as PNG and SVG and ``table`` (the data behind it) as CSV.

    Output is reproducible byte for byte: the PNG and SVG carry no creation date, SVG ids use
    a fixed hash salt, and the CSV is written by :func:`analysis.tables.save_table` (fixed
    float format, ``\\n`` line endings).

    Parameters
    ----------
    fig : matplotlib Figure
    name : file stem, letters, digits, ``_``, ``-`` and ``.`` only (no folders)
    table : the values plotted; a Series is written with its index
    figures_dir : target folder, default :data:`analysis.config.FIGURES_DIR`; created if needed

    Examples
    --------
    >>> import tempfile, pandas as pd, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(); _ = ax.bar(["a", "b"], [1, 2])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = save_figure(fig, "demo", table=pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}),
    ...                         figures_dir=d)
    ...     sorted(p.name for p in paths.values())
    ['demo.csv', 'demo.png', 'demo.svg']
    >>> plt.close(fig)
    """
    if not _NAME.match(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '_', '-' and '.' only")
    folder = Path(figures_dir) if figures_dir is not None else config.FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with mpl.rc_context({"svg.hashsalt": RC_PARAMS["svg.hashsalt"]}):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            metadata = {"Date": None} if fmt in {"svg", "pdf"} else {"Software": None}
            fig.savefig(path, format=fmt, metadata=metadata, bbox_inches="tight")
            paths[fmt] = path
    paths["csv"] = save_table(table, name, figures_dir=folder)
    return paths


def plot_group_estimates(
    summary: pd.DataFrame,
    *,
    group: str,
    per_document: pd.DataFrame | None = None,
    value: str = "estimate",
    doc_value: str | None = None,
    title: str,
    xlabel: str,
    facet: str | None = None,
    reference: float | None = 0.0,
    notes: Sequence[str] = (),
) -> Figure:
    """Pooled estimate with its interval per group, and each document's value beside it.

    At most :data:`MAX_GROUPS_SHOWN` groups are drawn (the largest; the footnote says how many
    are left out); ``notes`` are added to the footnote, each on its own line.

    ``summary`` has one row per group (and per ``facet`` value, if given) with ``value``,
    ``ci_low``, ``ci_high`` and ``n_docs`` (as returned by
    :func:`analysis.measures.stats.cluster_bootstrap`). ``per_document`` has one row per document
    with the group column (and facet) and ``doc_value``; documents are drawn as open circles
    so a reader sees how few there are and how they spread.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"g": ["x", "y"], "estimate": [0.1, -0.2], "ci_low": [0.0, -0.4],
    ...                   "ci_high": [0.2, 0.0], "n_docs": [3, 2]})
    >>> d = pd.DataFrame({"g": ["x", "x", "x", "y", "y"], "v": [0.0, 0.1, 0.2, -0.1, -0.3]})
    >>> fig = plot_group_estimates(s, group="g", per_document=d, doc_value="v",
    ...                            title="Demo", xlabel="mean")
    >>> len(fig.axes)
    1
    """
    colors = group_colors(summary[group])
    sizes = (summary.groupby(summary[group].astype(str), sort=True)["n_docs"].max()
             if "n_docs" in summary.columns else pd.Series(1, index=group_order(summary[group])))
    order, left_out = shown_groups(sizes)
    facets = [None] if facet is None else list(dict.fromkeys(summary[facet].tolist()))
    height = fit_height(max(2.2, 0.45 * len(order) * len(facets) + 1.6))
    with style():
        fig, ax = plt.subplots(figsize=(8.0, height))
        ticks, labels = [], []
        y = 0.0
        for f in facets:
            rows = summary if f is None else summary[summary[facet] == f]
            docs = None
            if per_document is not None:
                docs = per_document if f is None else per_document[per_document[facet] == f]
            for g in order:
                row = rows[rows[group].astype(str) == g]
                if row.empty:
                    y += 1
                    continue
                r = row.iloc[0]
                ax.errorbar(
                    r[value], y,
                    xerr=[[r[value] - r["ci_low"]], [r["ci_high"] - r[value]]],
                    fmt="o", color=colors[g], capsize=3, markersize=7, zorder=3,
                )
                if docs is not None and doc_value is not None:
                    pts = docs.loc[docs[group].astype(str) == g, doc_value].to_numpy(dtype=float)
                    pts = pts[np.isfinite(pts)]
                    if pts.size:
                        ranks = np.argsort(np.argsort(pts, kind="stable"), kind="stable")
                        spread = (((ranks * 0.618034) % 1.0 - 0.5) * 0.2 if pts.size > 1
                                  else np.zeros(1))
                        ax.scatter(pts, y + 0.3 + spread, facecolors="none",
                                   edgecolors=colors[g],
                                   s=float(np.clip(60.0 / np.sqrt(pts.size), 3.0, 28.0)),
                                   alpha=float(np.clip(6.0 / np.sqrt(pts.size), 0.08, 0.9)),
                                   zorder=2)
                label = f"{g} (n = {int(r['n_docs']):,})"
                labels.append(label if f is None else f"{f}: {label}")
                ticks.append(y)
                y += 1
            y += 0.5
        ax.set_yticks(ticks, labels, fontsize=8 if len(ticks) > 30 else None)
        ax.invert_yaxis()
        if reference is not None:
            ax.axvline(reference, color="0.5", lw=0.8, ls="--", zorder=1)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        note = ("dot and bar: pooled estimate with bootstrap interval over documents; "
                "circles: individual documents")
        extra = [n for n in (left_out, *notes) if n]
        footnote(fig, "\n".join([note, *extra]))
    return fig
