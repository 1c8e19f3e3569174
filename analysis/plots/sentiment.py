"""Figures for the sentiment analysis: distributions, actors, voices, words, position.

Every function takes the tables computed in :mod:`analysis.measures.sentiment` /
:mod:`analysis.measures.lexicons` (plus the sentence frame for group sizes), returns a matplotlib
Figure in the suite's style (:mod:`analysis.plots.common`: one colour per group, sizes in every title)
and never calls ``plt.show()``. Save with :func:`analysis.plots.common.save_figure`, passing the table
the figure shows.

Examples
--------
>>> import pandas as pd
>>> s = pd.DataFrame({"doc_id": list("aabbcd"), "event": list("xxxyyy"),
...                   "compound": [0.5, -0.2, 0.0, 0.3, -0.6, 0.1]})
>>> fig = plot_sentence_distribution(s)
>>> fig.axes[0].get_xlabel()
'VADER compound per sentence'
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis import config
from analysis.errors import NothingToShow
from analysis.measures import stats
from analysis.measures.sentiment import document_sentiment
from analysis.plots import common as plots

__all__ = [
    "plot_actor_sentiment",
    "plot_contributions",
    "plot_position",
    "plot_sentence_distribution",
    "plot_voice_sentiment",
]

#: Most sentences drawn as dots per group (a fixed random sample beyond; the violin uses all).
_MAX_DOTS = 3000


def _sizes(scored: pd.DataFrame, group: str) -> Mapping[str, int]:
    sizes = stats.group_sizes(scored, group=group)
    sizes.index = sizes.index.astype(str)
    return sizes.to_dict()


def plot_sentence_distribution(
    scored: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    summary: pd.DataFrame | None = None,
    label_docs: int = 12,
) -> Figure:
    """Every sentence's compound by group, with each document's mean and the pooled interval.

    Small dots: sentences (jittered vertically); shaded: their density (violin); large open
    diamonds: per-document means (labelled with ``doc_id`` when a group has at most
    ``label_docs`` documents); black bar: the pooled mean with its cluster-bootstrap interval
    when ``summary`` (``group_sentiment(...).summary``) is given. Dotted lines: VADER's
    neutral band (-0.05, 0.05).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"doc_id": list("abcd"), "g": list("xxyy"),
    ...                   "compound": [0.5, -0.2, 0.0, 0.3]})
    >>> len(plot_sentence_distribution(s, group="g").axes)
    1
    """
    data = scored.dropna(subset=[group])
    colors = plots.group_colors(data[group])
    sizes = _sizes(data, group)
    order, left_out = plots.shown_groups(sizes, max_groups=8)
    docs = document_sentiment(data, group=group)
    rng = np.random.default_rng(0)  # jitter only; fixed so figures are byte-identical
    thinned = []
    with plots.style():
        fig, ax = plt.subplots(figsize=(8.0, plots.fit_height(1.3 + 1.3 * len(order))))
        for y, g in enumerate(order):
            vals = data.loc[data[group].astype(str) == g, "compound"].to_numpy(dtype=float)
            dots = vals
            if len(vals) > _MAX_DOTS:  # the violin shows every sentence; dots a fixed sample
                dots = vals[np.sort(rng.choice(len(vals), size=_MAX_DOTS, replace=False))]
                thinned.append(f"{g}: {_MAX_DOTS:,} of {len(vals):,}")
            if len(vals) > 1 and np.ptp(vals) > 0:
                parts = ax.violinplot(vals, positions=[y], orientation="horizontal", widths=0.8,
                                      showextrema=False)
                for body in parts["bodies"]:
                    body.set_facecolor(colors[g])
                    body.set_alpha(0.18)
                    body.set_edgecolor("none")
            ax.scatter(dots, y + rng.uniform(-0.22, 0.22, len(dots)), s=9, color=colors[g],
                       alpha=float(np.clip(12.0 / np.sqrt(max(len(dots), 1)), 0.05, 0.45)),
                       linewidths=0, zorder=2)
            d = docs[docs[group].astype(str) == g]
            many = len(d) > plots.MAX_DOCUMENT_ROWS
            ax.scatter(d["mean_compound"], np.full(len(d), y - 0.42), marker="D",
                       s=18 if many else 46, facecolors="white", edgecolors=colors[g],
                       linewidths=0.8 if many else 1.6, alpha=0.5 if many else 1.0, zorder=4)
            if len(d) <= label_docs:  # alternate above/below so close diamonds stay legible
                ordered = d.sort_values(["mean_compound", "doc_id"])
                for k, (_, row) in enumerate(ordered.iterrows()):
                    ax.annotate(str(row["doc_id"]), (row["mean_compound"], y - 0.42),
                                xytext=(0, 7 if k % 2 == 0 else -13), textcoords="offset points",
                                ha="center", fontsize=7, color="0.25")
            if summary is not None:
                r = summary[(summary[group].astype(str) == g)
                            & (summary["measure"] == "mean_compound")]
                if not r.empty:
                    r = r.iloc[0]
                    ax.errorbar(r["estimate"], y - 0.42,
                                xerr=[[r["estimate"] - r["ci_low"]], [r["ci_high"] - r["estimate"]]],
                                fmt="|", color="black", markersize=14, capsize=4, lw=1.6,
                                zorder=5)
        for x in (config.VADER_NEG, config.VADER_POS):
            ax.axvline(x, color="0.5", lw=0.7, ls=":", zorder=1)
        ax.set_yticks(range(len(order)), order)
        ax.set_ylim(len(order) - 0.4, -0.8)
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("VADER compound per sentence")
        ax.set_title(plots.group_title("Sentence sentiment by group", sizes))
        ax.grid(axis="y", visible=False)
        note = ("dots: sentences; diamonds: document means"
                + ("; black bar: pooled mean with bootstrap interval over documents"
                   if summary is not None else "")
                + "; dotted: VADER's neutral band")
        if thinned:
            note += "\ndots are a fixed random sample (" + "; ".join(thinned) + "); the shading uses all"
        plots.footnote(fig, "\n".join(n for n in (note, left_out) if n))
    return fig


def _doc_means(scored: pd.DataFrame, *, by: str, group: str) -> pd.DataFrame:
    return (scored.dropna(subset=[group, by])
            .groupby(["doc_id", group, by], sort=True)["compound"].mean()
            .reset_index().rename(columns={"compound": "doc_mean"}))


def plot_actor_sentiment(
    actors: pd.DataFrame,
    *,
    scored: pd.DataFrame,
    group: str = config.DEFAULT_GROUP,
) -> Figure:
    """Mean compound of sentences mentioning each actor, per group, with intervals.

    ``actors`` is :func:`analysis.measures.sentiment.actor_sentiment`'s table; ``scored`` the sentence
    frame (for group sizes and the per-document points). Cells resting on too few documents
    (``few_docs``) are listed under the figure.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.sentiment import actor_sentiment
    >>> s = pd.DataFrame({"doc_id": list("aabc"), "event": list("xxyy"),
    ...                   "actors": [("Putin",), ("Xi",), ("Xi",), ("Putin",)],
    ...                   "compound": [0.4, 0.2, -0.5, 0.1]})
    >>> fig = plot_actor_sentiment(actor_sentiment(s, n_boot=50), scored=s)
    >>> fig.axes[0].get_xlabel()
    'mean VADER compound of sentences mentioning the actor'
    """
    exploded = scored.explode("actors").rename(columns={"actors": "actor"})
    per_doc = _doc_means(exploded, by="actor", group=group)
    per_doc = per_doc[per_doc["actor"].isin(actors["actor"])]
    few = actors[actors["few_docs"]]
    cells = [f"{r.actor}/{r[group]}" for _, r in few.iterrows()]
    note = ""
    if cells:
        shown = ", ".join(cells[:8]) + (f" and {len(cells) - 8} more" if len(cells) > 8 else "")
        note = f"resting on fewer documents than the minimum: {shown}"
    return plots.plot_group_estimates(
        actors, group=group, per_document=per_doc, doc_value="doc_mean", facet="actor",
        title=plots.group_title("Sentiment of sentences mentioning each actor", _sizes(scored, group)),
        xlabel="mean VADER compound of sentences mentioning the actor", notes=[note],
    )


def plot_voice_sentiment(
    voices: pd.DataFrame,
    *,
    scored: pd.DataFrame,
    group: str = config.DEFAULT_GROUP,
) -> Figure:
    """Quoted speech vs the reporter's own text, per group, with intervals and documents.

    ``voices`` is ``voice_sentiment(...).voices`` (or ``.speakers``, with ``speaker`` as facet).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.sentiment import voice_sentiment
    >>> s = pd.DataFrame({"doc_id": list("aabb"), "event": list("xxyy"),
    ...                   "voice": ["quoted", "reporter", "quoted", "reporter"],
    ...                   "compound": [0.8, 0.0, 0.6, -0.2]})
    >>> fig = plot_voice_sentiment(voice_sentiment(s, n_boot=50).voices, scored=s)
    >>> fig.axes[0].get_xlabel()
    'mean VADER compound'
    """
    facet = "voice" if "voice" in voices.columns else "speaker"
    per_doc = _doc_means(scored, by=facet, group=group) if facet in scored.columns else None
    if per_doc is not None:
        per_doc = per_doc[per_doc[facet].isin(voices[facet])]
    what = ("Quoted speech vs the reporter's own text" if facet == "voice"
            else "Sentiment of quoted sentences by speaker")
    return plots.plot_group_estimates(
        voices, group=group, per_document=per_doc, doc_value="doc_mean", facet=facet,
        title=plots.group_title(what, _sizes(scored, group)), xlabel="mean VADER compound",
    )


def plot_contributions(
    top: pd.DataFrame,
    *,
    scored: pd.DataFrame,
    group: str = config.DEFAULT_GROUP,
) -> Figure:
    """The words adding most negative and positive VADER valence in each group (one panel each).

    ``top`` is :func:`analysis.measures.lexicons.top_contributions`' table. Bars: summed valence
    (count x lexicon valence); hatched bars and a ``*`` mark topic words
    (``analysis/resources/topic_words.txt``) that VADER reads as tone.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.lexicons import lexicon_contributions, top_contributions
    >>> s = pd.DataFrame({"doc_id": list("ab"), "event": list("xy"),
    ...                   "text": ["war and peace", "a good crisis"]})
    >>> fig = plot_contributions(top_contributions(lexicon_contributions(s), n=2), scored=s)
    >>> len(fig.axes)
    2
    """
    if top.empty:
        raise NothingToShow("no sentence uses a word of VADER's lexicon, so no word carries "
                            "valence in any group.")
    colors = plots.group_colors(top[group])
    sizes = _sizes(scored, group)
    order, left_out = plots.shown_groups(
        {g: sizes.get(g, 0) for g in plots.group_order(top[group])}, max_groups=4)
    n_rows = int(top.groupby(group).size().max()) if len(top) else 1
    with plots.style():
        fig, axes = plt.subplots(1, len(order), figsize=(4.2 * len(order),
                                                         plots.fit_height(1.2 + 0.28 * n_rows)),
                                 squeeze=False, sharex=True)
        for ax, g in zip(axes[0], order, strict=True):
            t = top[top[group].astype(str) == g].sort_values("contribution")
            labels = [f"{w}{' *' if topic else ''}" for w, topic in
                      zip(t["word"], t["topic_word"], strict=True)]
            bars = ax.barh(range(len(t)), t["contribution"], color=colors[g], alpha=0.85)
            for bar, topic, value in zip(bars, t["topic_word"], t["contribution"], strict=True):
                if topic:
                    bar.set_hatch("///")
                    bar.set_edgecolor("white")
                if value < 0:
                    bar.set_alpha(0.55)
            ax.set_yticks(range(len(t)), labels, fontsize=8)
            ax.axvline(0, color="0.3", lw=0.8)
            ax.set_title(g, color=colors[g])
            ax.set_xlabel("summed valence (count x lexicon valence)")
            ax.grid(axis="y", visible=False)
        handles = [Patch(facecolor="0.6", hatch="///", edgecolor="white", label="topic word (*)")]
        fig.legend(handles=handles, loc="upper right", fontsize=8)
        fig.suptitle(plots.group_title("Words carrying VADER's valence", sizes),
                     fontweight="bold", fontsize=11)
        plots.footnote(fig, "\n".join(n for n in (
            "raw lexicon valence, VADER's negation/booster rules not applied", left_out) if n))
    return fig


def plot_position(
    position: pd.DataFrame,
    *,
    scored: pd.DataFrame,
    group: str = config.DEFAULT_GROUP,
) -> Figure:
    """Mean compound along the article (slices of ``position``) per group, with intervals.

    ``position`` is :func:`analysis.measures.sentiment.position_sentiment`'s table.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.sentiment import position_sentiment
    >>> s = pd.DataFrame({"doc_id": list("aabb"), "event": list("xxyy"),
    ...                   "position": [0.0, 1.0, 0.0, 1.0], "compound": [0.6, 0.0, -0.2, 0.1]})
    >>> fig = plot_position(position_sentiment(s, bins=2, n_boot=50), scored=s)
    >>> fig.axes[0].get_xlabel()
    'position in the document (0 = first sentence, 1 = last)'
    """
    colors = plots.group_colors(position[group])
    sizes = _sizes(scored, group)
    order, left_out = plots.shown_groups(
        {g: sizes.get(g, 0) for g in plots.group_order(position[group])}, max_groups=6)
    width = float((position["bin_end"] - position["bin_start"]).max()) if len(position) else 1.0
    offsets = np.linspace(-0.12, 0.12, len(order)) * width if len(order) > 1 else [0.0]
    with plots.style():
        fig, ax = plt.subplots(figsize=(8.0, 4.2))
        for g, off in zip(order, offsets, strict=True):
            t = position[position[group].astype(str) == g].sort_values("bin")
            x = t["bin_mid"].to_numpy(dtype=float) + off
            ax.errorbar(x, t["estimate"],
                        yerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
                        fmt="o-", color=colors[g], capsize=3, lw=1.4, label=g)
        ax.axhline(0, color="0.5", lw=0.8, ls="--")
        ax.set_xlim(0, 1)
        ax.set_xlabel("position in the document (0 = first sentence, 1 = last)")
        ax.set_ylabel("mean VADER compound")
        ax.set_title(plots.group_title("Sentiment along the document", sizes))
        ax.legend(loc="best", fontsize=8)
        plots.footnote(fig, "\n".join(n for n in (
            "points: pooled mean of the sentences in each slice; bars: bootstrap interval over "
            "documents", left_out) if n))
    return fig
