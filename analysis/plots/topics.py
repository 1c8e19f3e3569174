"""Figures for topic models: k selection, top terms, prevalence by group, article x topic heatmap.

Each function takes a fitted :class:`analysis.measures.topics.TopicModel` and returns a matplotlib
Figure (never shown). The table behind each figure, for :func:`analysis.plots.common.save_figure`:
``model.selection_`` (k selection), ``model.terms_`` or ``model.relevance()`` (top terms),
:func:`topic_prevalence_table` (prevalence), ``model.doc_topics()`` (heatmap).

Topics that are not usable findings are marked in every figure: their label carries their
status in brackets, e.g. "(unstable)", "(low coherence)", "(formula)" (grey italics on axes), and
their bars in the top-terms panel are grey and hatched.

Examples
--------
>>> import pandas as pd
>>> from analysis.measures.topics import fit_topics
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
>>> fig = plot_topic_terms(fit_topics(corpus, k=2, n_seeds=2, min_df=2))
>>> len(fig.axes) >= 2
True
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.errors import CorpusError
from analysis.measures import stats
from analysis.measures.topics import MIN_COHERENCE, MIN_DIVERSITY, STATUSES, TopicModel
from analysis.plots import common as plots

__all__ = [
    "plot_doc_topics",
    "plot_k_selection",
    "plot_topic_prevalence",
    "plot_topic_terms",
    "topic_prevalence_table",
    "topic_display_labels",
]

UNSTABLE_COLOR = "0.6"
UNSTABLE_HATCH = "///"


def topic_display_labels(model: TopicModel) -> dict[int, str]:
    """``"T<n> <label>"`` per topic, with its status in brackets where it is not "usable".

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.topics import fit_topics
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> sorted(topic_display_labels(fit_topics(corpus, k=2, n_seeds=2, min_df=2)))
    [0, 1]
    """
    out = {}
    for row in model.topics_.itertuples(index=False):
        text = f"T{row.topic} {row.label}"
        out[int(row.topic)] = text if row.status == "usable" else f"{text} ({row.status})"
    return out


def _is_flagged(text: str) -> bool:
    """Does a display label carry the status of a topic that is not usable?"""
    return any(f"({status})" in text for status in STATUSES if status != "usable")


def _sizes(model: TopicModel, group: str) -> pd.Series:
    return stats.group_sizes(model.documents_, group=group)


def plot_k_selection(model: TopicModel) -> Figure:
    """The measures behind the choice of k, against k, with the chosen k marked.

    Needs a model fitted with ``k=None``. Panels: mean NPMI coherence (dashed: the
    low-coherence cut), topic diversity (dashed: its threshold), the largest topic's share of
    the text (dashed: the cut above which it is "dominant") and the number of usable topics.
    Candidates set aside as degenerate are drawn hollow.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.topics import fit_topics
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> m = fit_topics(corpus, k_range=[2, 3], n_seeds=2, min_df=2)
    >>> len(plot_k_selection(m).axes)
    4
    """
    sel = model.selection_
    if sel is None:
        raise CorpusError(
            "this model was fitted with a fixed k: there are no k-selection curves. "
            "Fit with k=None to compare candidates."
        )
    chosen = int(sel.loc[sel["chosen"], "k"].iloc[0])
    ks = sel["k"].to_numpy()
    panels = [
        ("coherence", "NPMI coherence (mean over topics)", np.full(len(ks), MIN_COHERENCE)),
        ("diversity", "topic diversity", np.full(len(ks), MIN_DIVERSITY)),
        ("largest_share", "largest topic's share of the text", sel["largest_cut"].to_numpy()),
        ("n_usable", f"usable topics ({model.selection_seeds_} starts each)", None),
    ]
    with plots.style():
        fig, axes = plt.subplots(1, 4, figsize=(12.0, 3.6), sharex=True)
        for ax, (col, ylabel, threshold) in zip(axes, panels, strict=True):
            ys = sel[col].to_numpy(dtype=float)
            ax.plot(ks, ys, color=plots.OKABE_ITO[0], lw=1.5, zorder=2)
            elig = sel["eligible"].to_numpy(dtype=bool)
            ax.scatter(ks[elig], ys[elig], color=plots.OKABE_ITO[0], zorder=3, s=25)
            ax.scatter(ks[~elig], ys[~elig], facecolors="white", edgecolors=plots.OKABE_ITO[0],
                       zorder=3, s=25)
            ax.axvline(chosen, color=plots.OKABE_ITO[1], lw=1.2, ls="-", zorder=1)
            if threshold is not None:
                ax.plot(ks, threshold, color="0.4", lw=0.8, ls="--", zorder=1)
            ax.set_xlabel("k (number of topics)")
            ax.set_title(ylabel, fontsize=9)
            ax.set_xticks(ks)
        fig.suptitle(plots.group_title(f"Choosing the number of topics: k = {chosen}",
                                       _sizes(model, model.group)), fontsize=11,
                     fontweight="bold")
        fig.text(0.01, 0.005, "vertical line: chosen k; dashed: cuts (NPMI "
                 f"{MIN_COHERENCE:g}, diversity {MIN_DIVERSITY}, dominant topic); hollow: "
                 "degenerate candidate, set aside", fontsize=7, color="0.35")
        fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def plot_topic_terms(model: TopicModel, *, lambda_: float | None = None, top_n: int | None = None,
                   ncols: int = 4) -> Figure:
    """One panel per topic with its top terms as bars; topics not usable grey and hatched.

    Parameters
    ----------
    model : TopicModel
    lambda_ : float, optional
        ``None`` (default) ranks by weight ``p(w|k)``; a value ranks by relevance with that
        lambda (bars still show ``p(w|k)``).
    top_n : int, optional
        Terms per topic (default the model's ``top_n``).
    ncols : int
        Panels per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.topics import fit_topics
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> fig = plot_topic_terms(fit_topics(corpus, k=2, n_seeds=2, min_df=2), lambda_=0.6)
    >>> fig.axes[0].get_title().startswith("T0")
    True
    """
    table = _terms_table(model, lambda_=lambda_, top_n=top_n)
    labels = topic_display_labels(model)
    stab = model.stability_.set_index("topic")
    coh = model.coherence_
    status = model.topics_.set_index("topic")["status"]
    k = model.k_
    ncols = max(1, min(int(ncols), k))
    nrows = -(-k // ncols)
    n_terms = int(table.groupby("topic").size().max()) if len(table) else 1
    with plots.style():
        fig, axes = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 0.22 * n_terms * nrows + 1.2
                                                         * nrows + 0.6), squeeze=False)
        for t in range(nrows * ncols):
            ax = axes[t // ncols][t % ncols]
            if t >= k:
                ax.set_visible(False)
                continue
            rows = table[table["topic"] == t]
            stable = status[t] == "usable"
            y = np.arange(len(rows))
            ax.barh(y, rows["weight"].to_numpy(dtype=float),
                    color=plots.OKABE_ITO[2] if stable else UNSTABLE_COLOR,
                    hatch=None if stable else UNSTABLE_HATCH, edgecolor="white", lw=0.3)
            ax.set_yticks(y, rows["term"].astype(str).tolist(), fontsize=8)
            ax.invert_yaxis()
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="x", labelsize=7)
            title = _wrap(labels[t], 34)
            ax.set_title(f"{title}\nrecovered {stab.at[t, 'recovered']}/{stab.at[t, 'n_runs']}, "
                         f"NPMI {coh[t]:.2f}", fontsize=8, color="black" if stable else "0.35")
            ax.set_xlabel("p(term | topic)", fontsize=7)
        ranking = "weight" if lambda_ is None else f"relevance (lambda = {lambda_:g})"
        fig.suptitle(plots.group_title(f"Top terms per topic, ranked by {ranking}",
                                       _sizes(model, model.group)), fontsize=11,
                     fontweight="bold")
        fig.text(0.01, 0.005, "grey hatched: not a usable topic (status in brackets; usable = "
                 "recovered by most random starts, NPMI >= 0, not dominant, formula or group "
                 "names): not a finding", fontsize=7, color="0.35")
        fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def _terms_table(model: TopicModel, *, lambda_: float | None, top_n: int | None) -> pd.DataFrame:
    n = int(top_n if top_n is not None else model.top_n)
    if lambda_ is None:
        if n <= model.top_n:
            return model.terms_[model.terms_["rank"] <= n].reset_index(drop=True)
        rel = model.relevance(1.0, top_n=n)
    else:
        rel = model.relevance(lambda_, top_n=n)
    return rel.rename(columns={"p_term_topic": "weight"})


def _wrap(text: str, width: int) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines)


def topic_prevalence_table(prevalence: pd.DataFrame, per_document: pd.DataFrame) -> pd.DataFrame:
    """Pooled group estimates and per-article values in one long table (for CSV export).

    ``level`` is "group" (``estimate``, ``ci_low``, ``ci_high``, ``n_docs``) or "article"
    (``estimate`` is the article's share, ``doc_id`` set).

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"topic": [0], "label": ["a"], "stable": [True], "g": ["x"],
    ...                   "estimate": [0.5], "ci_low": [0.4], "ci_high": [0.6], "n_docs": [2]})
    >>> d = pd.DataFrame({"doc_id": ["d1"], "g": ["x"], "topic": [0], "label": ["a"],
    ...                   "stable": [True], "share": [0.45]})
    >>> topic_prevalence_table(p, d)["level"].tolist()
    ['group', 'article']
    """
    group = [c for c in prevalence.columns if c in per_document.columns
             and c not in ("topic", "label", "stable", "doc_id")][0]
    pooled = prevalence.assign(level="group", doc_id=pd.NA)
    docs = per_document.rename(columns={"share": "estimate"}).assign(level="article")
    cols = ["level", "topic", "label", "stable", group, "doc_id", "estimate", "ci_low",
            "ci_high", "n_docs"]
    out = pd.concat([pooled.reindex(columns=cols), docs.reindex(columns=cols)],
                    ignore_index=True)
    return out.sort_values(["topic", "level", group, "doc_id"], ascending=[True, False, True, True],
                           kind="stable").reset_index(drop=True)


def plot_topic_prevalence(model: TopicModel, prevalence: pd.DataFrame | None = None, *,
                    group: str | None = None, per_document: pd.DataFrame | None = None,
                    **prevalence_options) -> Figure:
    """Each topic's share of each group's text: pooled estimate, interval, and every article.

    Parameters
    ----------
    model : TopicModel
    prevalence : DataFrame, optional
        From :meth:`TopicModel.prevalence`; computed (with ``prevalence_options``) if omitted.
    group : str, optional
        Grouping column (default the model's).
    per_document : DataFrame, optional
        From :meth:`TopicModel.doc_topics`; computed if omitted.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.topics import fit_topics
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "event": ["x", "x", "y", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan.",
    ...              "Oil gas trade.\\n\\nOil exports.", "Peace plan.\\n\\nTalks on peace."]})
    >>> fig = plot_topic_prevalence(fit_topics(corpus, k=2, n_seeds=2, min_df=2), n_boot=50)
    >>> len(fig.axes)
    1
    """
    if group is None and prevalence is not None:
        known = {"topic", "label", "stable", "status", "doc_id"}
        group = next((c for c in prevalence.columns
                      if c in model.documents_.columns and c not in known), None)
    group = group or model.group
    if prevalence is None:
        prevalence = model.prevalence(group, **prevalence_options)
    if per_document is None:
        per_document = model.doc_topics(group)
    labels = topic_display_labels(model)
    summary = prevalence.assign(facet=prevalence["topic"].map(labels))
    docs = per_document.assign(facet=per_document["topic"].map(labels))
    sizes = _sizes(model, group)
    fig = plots.plot_group_estimates(
        summary, group=group, per_document=docs, value="estimate", doc_value="share",
        title=plots.group_title("Topic share of each group's text", sizes),
        xlabel="share of the group's content tokens", facet="facet", reference=None,
    )
    ax = fig.axes[0]
    # a figure-level title stays inside the saved image however long the tick labels are
    ax.set_title("")
    fig.suptitle(plots.group_title("Topic share of each group's text", sizes), fontsize=11,
                 fontweight="bold")
    for tick in ax.get_yticklabels():
        if _is_flagged(tick.get_text()):
            tick.set_color("0.45")
            tick.set_fontstyle("italic")
    ax.set_xlim(left=0)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def plot_doc_topics(model: TopicModel, *, group: str | None = None,
                    per_document: pd.DataFrame | None = None) -> Figure:
    """Heatmap of each article's topic shares; articles ordered by group, labels coloured by group.

    Column labels of topics that are not usable are grey, italic and carry their status.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.measures.topics import fit_topics
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> fig = plot_doc_topics(fit_topics(corpus, k=2, n_seeds=2, min_df=2))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['a (x)', 'b (y)']
    """
    group = group or model.group
    if per_document is None:
        per_document = model.doc_topics(group)
    if per_document["doc_id"].nunique() > plots.MAX_DOCUMENT_ROWS:
        return _group_topic_heatmap(model, per_document, group=group)
    wide = per_document.pivot(index="doc_id", columns="topic", values="share")
    doc_groups = per_document.drop_duplicates("doc_id").set_index("doc_id")[group]
    order = sorted(wide.index, key=lambda d: (pd.isna(doc_groups[d]), str(doc_groups[d]), str(d)))
    wide = wide.loc[order]
    labels = topic_display_labels(model)
    colors = plots.group_colors(doc_groups)
    sizes = _sizes(model, group)
    with plots.style():
        fig, ax = plt.subplots(figsize=(plots.fit_height(1.1 * wide.shape[1] + 3.0),
                                        plots.fit_height(0.45 * wide.shape[0] + 2.6)))
        im = ax.imshow(wide.to_numpy(dtype=float), cmap=plots.SEQUENTIAL_CMAP, vmin=0,
                       vmax=max(float(np.nanmax(wide.to_numpy(dtype=float))), 1e-9),
                       aspect="auto")
        values = wide.to_numpy(dtype=float)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if v < 0.6 * np.nanmax(values) else "black")
        ax.set_xticks(range(wide.shape[1]),
                      [_wrap(labels[int(t)], 18) for t in wide.columns], fontsize=7,
                      rotation=0)
        for tick, t in zip(ax.get_xticklabels(), wide.columns, strict=True):
            if _is_flagged(labels[int(t)]):
                tick.set_color("0.45")
                tick.set_fontstyle("italic")
        ax.set_yticks(range(wide.shape[0]), [f"{d} ({doc_groups[d]})" for d in wide.index])
        for tick, d in zip(ax.get_yticklabels(), wide.index, strict=True):
            g = doc_groups[d]
            tick.set_color(colors.get(str(g), "black") if not pd.isna(g) else "black")
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="topic share of the document", shrink=0.8)
        ax.set_title(plots.group_title("Topic shares per document", sizes))
        fig.tight_layout()
    return fig


def _group_topic_heatmap(model: TopicModel, per_document: pd.DataFrame, *, group: str) -> Figure:
    """Groups x topics: the mean of the documents' topic shares (too many documents for rows).

    The many-documents form of :func:`plot_doc_topics`: one row per group (the largest
    :data:`analysis.plots.common.MAX_GROUPS_SHOWN`, the others counted in the footnote), the number
    in each cell the mean share over the group's documents; every document's own shares stay
    in the CSV beside the figure.
    """
    docs = per_document.drop_duplicates("doc_id")
    sizes = docs[group].dropna().astype(str).value_counts()
    order, left_out = plots.shown_groups(sizes.to_dict())
    data = per_document.dropna(subset=[group])
    data = data.assign(**{group: data[group].astype(str)})
    wide = data.pivot_table(index=group, columns="topic", values="share",
                            aggfunc="mean").loc[order]
    values = wide.to_numpy(dtype=float)
    top = max(float(np.nanmax(values)), 1e-9)
    labels = topic_display_labels(model)
    colors = plots.group_colors(sizes.index)
    with plots.style():
        fig, ax = plt.subplots(figsize=(plots.fit_height(1.1 * wide.shape[1] + 3.5),
                                        plots.fit_height(0.45 * len(order) + 2.8)))
        im = ax.imshow(values, cmap=plots.SEQUENTIAL_CMAP, vmin=0, vmax=top, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if v < 0.6 * top else "black")
        ax.set_xticks(range(wide.shape[1]), [_wrap(labels[int(t)], 18) for t in wide.columns],
                      fontsize=7, rotation=0)
        ax.set_yticks(range(len(order)), [f"{g} (n = {int(sizes[g]):,})" for g in order],
                      fontsize=8)
        for tick, g in zip(ax.get_yticklabels(), order, strict=True):
            tick.set_color(colors.get(g, "black"))
        ax.grid(False)
        fig.colorbar(im, ax=ax, label="mean topic share of the group's documents", shrink=0.8)
        ax.set_title(plots.group_title("Mean topic shares per group", sizes.to_dict()))
        plots.footnote(fig, "\n".join(n for n in (
            f"{len(docs):,} documents are too many for one row each: the CSV beside the figure "
            "has every document's shares", left_out) if n))
    return fig
