"""Figures and tables that describe a corpus before any analysis: lengths, dates, removals.

:func:`plot_document_lengths` draws the words of every document (after cleaning), coloured by
group, with the group sizes in the title; :func:`removal_summary` counts the lines cleaning
removed per document and rule, the table the corpus notebook shows next to the audit.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.corpus.cleaning import RULES
from analysis.corpus.loader import cleaning_audit
from analysis.errors import CorpusError
from analysis.plots.common import (
    MAX_DOCUMENT_ROWS,
    document_labels,
    draw_distribution,
    fit_height,
    footnote,
    group_colors,
    group_order,
    group_title,
    shown_groups,
    style,
)

__all__ = ["event_check", "length_table", "plot_document_lengths", "removal_summary"]

_MISSING = "(no group)"
_MISSING_COLOR = "#999999"


def _need(corpus: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in corpus.columns]
    if missing:
        raise CorpusError(
            f"corpus has no column(s) {missing} (columns: {list(corpus.columns)}). Pass the "
            "DataFrame from load_corpus() and a group= column it has."
        )


def length_table(corpus: pd.DataFrame, *, group: str = "event") -> pd.DataFrame:
    """Words (after cleaning) and removed lines per document, in group then id order.

    Parameters
    ----------
    corpus : pandas.DataFrame
        From :func:`analysis.corpus.loader.load_corpus`.
    group : str
        Grouping column; documents without a group are listed as ``"(no group)"`` last.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, the group column, ``n_words``, ``n_removed``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> length_table(load_corpus())["n_words"].tolist()
    [991, 1476, 381, 732, 1104]
    """
    _need(corpus, ("doc_id", group, "n_words", "n_removed"))
    table = corpus[["doc_id", group, "n_words", "n_removed"]].copy()
    table[group] = table[group].astype("string").fillna(_MISSING)
    order = {g: k for k, g in enumerate(group_order(corpus[group]))}
    table["_order"] = table[group].map(lambda g: order.get(g, len(order)))
    table = table.sort_values(["_order", "doc_id"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def plot_document_lengths(corpus: pd.DataFrame, *, group: str = "event",
                          label_column: str | None = None) -> Figure:
    """Words per document after cleaning, one colour per group.

    Up to :data:`analysis.plots.common.MAX_DOCUMENT_ROWS` documents: one bar per document, labelled
    by ``label_column`` (title, outlet, speaker) or the id. Above that: each group's
    distribution (box and points, the median marked) with the group's size, so the figure
    stays readable at any number of documents; the CSV beside it keeps every document.

    Parameters
    ----------
    corpus : pandas.DataFrame
        From :func:`analysis.corpus.loader.load_corpus`.
    group : str
        Grouping column (colours from :func:`analysis.plots.common.group_colors`).
    label_column : str, optional
        Column naming each document in the per-document view (default: ``doc_id``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from analysis import load_corpus
    >>> fig = plot_document_lengths(load_corpus())
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['000', '001', '002', '003', '004']
    >>> plt.close(fig)
    """
    table = length_table(corpus, group=group)
    colors = group_colors(corpus[group])
    colors_all = {**colors, _MISSING: _MISSING_COLOR}
    sizes = table[table[group] != _MISSING].groupby(group, sort=True)["doc_id"].nunique()
    if len(table) > MAX_DOCUMENT_ROWS:
        return _length_distribution(table, group=group, colors=colors_all, sizes=sizes)
    labels = document_labels(corpus, label_column=label_column)
    with style():
        fig, ax = plt.subplots(figsize=(8.0, fit_height(max(2.5, 0.35 * len(table) + 1.5))))
        y = range(len(table))
        ax.barh(list(y), table["n_words"],
                color=[colors_all.get(g, _MISSING_COLOR) for g in table[group]])
        ax.set_yticks(list(y), [labels.get(d, d) for d in table["doc_id"].astype(str)])
        ax.invert_yaxis()
        for k, n in enumerate(table["n_words"]):
            ax.annotate(f"{n:,}", (n, k), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.set_xlabel("words after cleaning")
        ax.set_ylabel("document")
        handles = [Patch(color=c, label=g) for g, c in colors.items()]
        if (table[group] == _MISSING).any():
            handles.append(Patch(color=_MISSING_COLOR, label=_MISSING))
        ax.legend(handles=handles, title=group, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  frameon=False)
        ax.set_title(group_title("Length of each document", sizes.to_dict()))
        fig.tight_layout()
    return fig


def _length_distribution(table: pd.DataFrame, *, group: str, colors: dict[str, str],
                         sizes: pd.Series) -> Figure:
    """Per-group distribution of document lengths (the many-documents view)."""
    counts = table.groupby(group, sort=True)["doc_id"].nunique()
    order, left_out = shown_groups(counts.to_dict())
    values = {g: table.loc[table[group] == g, "n_words"].to_numpy(dtype=float) for g in order}
    with style():
        fig, ax = plt.subplots(figsize=(8.0, fit_height(1.8 + 0.55 * len(order))))
        draw_distribution(ax, values, colors=colors)
        ax.set_yticks(range(len(order)), [f"{g} (n = {int(counts[g]):,})" for g in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_xlabel("words after cleaning")
        ax.grid(axis="y", visible=False)
        ax.set_title(group_title("Length of the documents in each group", sizes.to_dict()))
        footnote(fig, "\n".join(n for n in (
            "box: quartiles, line: median, whiskers: 1.5 IQR; circles: documents "
            f"({len(table):,} in all, too many for one row each)", left_out) if n))
    return fig


def removal_summary(corpus: pd.DataFrame) -> pd.DataFrame:
    """Lines (or fragments) removed by cleaning, per document (rows) and rule (columns).

    Parameters
    ----------
    corpus : pandas.DataFrame
        From :func:`analysis.corpus.loader.load_corpus` (needs ``doc_id`` and ``raw_text``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``doc_id`` (every document, also those with nothing removed); one column
        per rule that removed something, in the order of :data:`analysis.corpus.cleaning.RULES`,
        and a ``total`` column.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> row = removal_summary(load_corpus()).loc["003"]
    >>> row[row > 0].to_dict()
    {'byline_credit': 1, 'author_bio': 1, 'separator': 1, 'total': 3}
    """
    audit = cleaning_audit(corpus)
    counts = pd.crosstab(audit["doc_id"], audit["rule"]) if len(audit) else pd.DataFrame()
    rules = [r for r in RULES if r in counts.columns]
    counts = counts.reindex(index=corpus["doc_id"].astype(str), columns=rules, fill_value=0)
    counts = counts.fillna(0).astype("int64")
    counts["total"] = counts.sum(axis=1)
    counts.index.name = "doc_id"
    counts.columns.name = None
    return counts


def event_check(corpus: pd.DataFrame, inferred: pd.DataFrame) -> pd.DataFrame:
    """Each document's event as loaded beside the event its text alone gives, and why.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The corpus as loaded (manifest included).
    inferred : pandas.DataFrame
        The same source loaded with ``manifest=False``, so events come from the text.
        Documents are matched by ``file`` (a folder) or by ``doc_id`` (a table, whose rows
        share one file).

    Returns
    -------
    pandas.DataFrame
        One row per document of ``corpus``: the key, ``event (as loaded)``, ``event (from the
        text alone)``, ``decided by`` (``event_source``), ``reason``, ``evidence`` (date,
        years written, dateline, cues found, events ruled out), ``cue scores``, ``date in the
        text`` and ``date found as``.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> check = event_check(load_corpus(), load_corpus(manifest=False))
    >>> check["decided by"].tolist()
    ['date', 'cues', 'date', 'cues', 'date']
    >>> check["reason"].iat[3][:46]
    'cues: 2024-beijing leads 2023-moscow 21 to 2 ('
    """
    _need(corpus, ("doc_id", "file", "event"))
    _need(inferred, ("doc_id", "file", "event", "event_source", "event_reason",
                     "event_evidence", "event_scores", "date", "date_source"))
    key = "file" if corpus["file"].is_unique else "doc_id"
    alone = inferred.set_index(key).reindex(corpus[key])
    return pd.DataFrame({
        key: corpus[key].to_numpy(),
        "event (as loaded)": corpus["event"].to_numpy(),
        "event (from the text alone)": alone["event"].to_numpy(),
        "decided by": alone["event_source"].to_numpy(),
        "reason": alone["event_reason"].to_numpy(),
        "evidence": alone["event_evidence"].to_numpy(),
        "cue scores": alone["event_scores"].to_numpy(),
        "date in the text": alone["date"].to_numpy(),
        "date found as": alone["date_source"].to_numpy(),
    })
