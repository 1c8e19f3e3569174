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
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import config

__all__ = [
    "DIVERGING_CMAP",
    "OKABE_ITO",
    "SEQUENTIAL_CMAP",
    "apply_style",
    "group_colors",
    "group_order",
    "group_title",
    "plot_group_estimates",
    "save_figure",
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


def group_title(text: str, sizes: Mapping[str, int] | pd.Series, *, unit: str = "documents") -> str:
    """Title with the group sizes appended on a second line.

    Examples
    --------
    >>> group_title("Sentence sentiment", {"2023-moscow": 3, "2024-beijing": 2})
    'Sentence sentiment\\n2023-moscow n = 3 vs 2024-beijing n = 2 documents'
    """
    parts = [f"{k} n = {int(v)}" for k, v in dict(sizes).items()]
    return f"{text}\n{' vs '.join(parts)} {unit}"


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
    a fixed hash salt, and the CSV uses a fixed float format and ``\\n`` line endings.

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
    frame = table.reset_index() if isinstance(table, pd.Series) else table
    csv = folder / f"{name}.csv"
    frame.to_csv(csv, index=False, float_format="%.6g", lineterminator="\n")
    paths["csv"] = csv
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
) -> Figure:
    """Pooled estimate with its interval per group, and each document's value beside it.

    ``summary`` has one row per group (and per ``facet`` value, if given) with ``value``,
    ``ci_low``, ``ci_high`` and ``n_docs`` (as returned by
    :func:`analysis.stats.cluster_bootstrap`). ``per_document`` has one row per document
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
    order = group_order(summary[group])
    facets = [None] if facet is None else list(dict.fromkeys(summary[facet].tolist()))
    height = max(2.2, 0.45 * len(order) * len(facets) + 1.4)
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
                    jitter = np.linspace(-0.18, 0.18, len(pts)) if len(pts) > 1 else np.zeros(len(pts))
                    ax.scatter(pts, y + 0.3 + jitter * 0.3, facecolors="none", edgecolors=colors[g],
                               s=28, zorder=2)
                label = f"{g} (n = {int(r['n_docs'])})"
                labels.append(label if f is None else f"{f}: {label}")
                ticks.append(y)
                y += 1
            y += 0.5
        ax.set_yticks(ticks, labels)
        ax.invert_yaxis()
        if reference is not None:
            ax.axvline(reference, color="0.5", lw=0.8, ls="--", zorder=1)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        fig.text(0.01, 0.005, "dot and bar: pooled estimate with bootstrap interval over documents; "
                 "circles: individual documents", fontsize=7, color="0.35")
        fig.tight_layout()
    return fig
