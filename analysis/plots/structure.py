"""Figures for the text-structure layer: who is quoted, per group.

Other structure figures reuse :func:`analysis.plots.common.plot_group_estimates` (quoted share of
text, actor mention rates). Functions return a matplotlib Figure and never call ``show``.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"event": ["x", "x", "y"], "speaker": ["A", "B", "A"],
...                       "quotes": [3, 1, 2], "n_docs": [2, 1, 1]})
>>> fig = plot_speakers(table, group="event", sizes={"x": 2, "y": 1})
>>> fig.axes[0].get_xlabel()
'quotations'
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import config
from analysis.plots.common import (
    fit_height,
    footnote,
    group_colors,
    group_title,
    shown_groups,
    style,
)

__all__ = ["MAX_GROUPS", "plot_speakers"]

#: Groups drawn side by side for each speaker; more would make every bar a sliver.
MAX_GROUPS: int = 6


def plot_speakers(table: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                  sizes: Mapping[str, int] | pd.Series, top: int = 10,
                  title: str = "Who is quoted: direct quotations per speaker") -> Figure:
    """Horizontal bars: quotations per speaker, one bar per group.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`analysis.text.quotes.speaker_counts` (``speaker``, group, ``quotes``,
        ``n_docs``).
    group : str, default "event"
    sizes : mapping
        Documents per group (for the title), e.g. :func:`analysis.measures.stats.group_sizes`.
    top : int, default 10
        Speakers with most quotations overall (ties by name) are shown.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
        Bars are labelled with the number of documents quoting the speaker ("2 docs"). With
        more than :data:`MAX_GROUPS` groups the largest are drawn and a footnote says how many
        are left out (the table has every group).
    """
    present = {str(g): int(dict(sizes).get(g, dict(sizes).get(str(g), 0)))
               for g in table[group].dropna().unique()}
    order, left_out = shown_groups(present, max_groups=MAX_GROUPS)
    colors = group_colors(table[group])
    totals = table.groupby("speaker")["quotes"].sum()
    speakers = sorted(totals.index, key=lambda s: (-totals[s], s))[:top]
    n_groups = max(len(order), 1)
    height = 0.8 / n_groups
    with style():
        fig, ax = plt.subplots(figsize=(8.0, fit_height(max(2.5, 0.55 * len(speakers) + 1.6))))
        y = np.arange(len(speakers), dtype=float)
        for k, g in enumerate(order):
            part = table[table[group].astype(str) == g].set_index("speaker")
            vals = np.array([part["quotes"].get(s, 0) for s in speakers], dtype=float)
            docs = [int(part["n_docs"].get(s, 0)) for s in speakers]
            pos = y - 0.4 + height * (k + 0.5)
            ax.barh(pos, vals, height=height * 0.95, color=colors[g], label=g)
            for p, v, d in zip(pos, vals, docs, strict=True):
                if v > 0:
                    ax.text(v, p, f" {d} doc{'s' if d != 1 else ''}", va="center", fontsize=7)
        ax.set_yticks(y, speakers)
        ax.invert_yaxis()
        ax.set_xlabel("quotations")
        ax.set_title(group_title(title, sizes))
        ax.legend(title=group, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        if left_out:
            footnote(fig, left_out)
        else:
            fig.tight_layout()
    return fig
