"""Term figures: what they draw, single-document marks, titles with sizes, determinism."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import (
    document_term_table,
    keyness,
    keyness_from_counts,
    plot_keyness,
    plot_keyness_scatter,
    plot_term_heatmap,
    plot_top_terms,
    term_frequencies,
)
from analysis.plots.common import group_colors, save_figure


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def small_table():
    # war: 9 vs 1 (target side from one document); peace: 1 vs 8 (two documents);
    # talks 3 vs 3 (tie in counts, leans to the smaller target total); sea 0 vs 2 (one doc)
    return keyness_from_counts(
        ["war", "peace", "talks", "sea"], np.array([9, 1, 3, 0]), np.array([1, 8, 3, 2]),
        n_docs_target=[1, 1, 2, 0], n_docs_reference=[1, 2, 2, 1],
        n_docs_group_target=3, n_docs_group_reference=2, target="x", reference="y",
        min_count=1, method="g2")


def test_top_terms_share_one_rate_scale(seed_corpus):
    tf = term_frequencies(seed_corpus, ngram_range=(1, 1), min_count=2)
    fig = plot_top_terms(tf, n=5)
    left, right = fig.axes
    assert left.get_xlim() == right.get_xlim()
    colors = group_colors(seed_corpus["event"])
    for ax, event in zip(fig.axes, sorted(colors), strict=True):
        expected = (tf[tf["event"] == event].sort_values(["rate", "term"], ascending=[False, True])
                    .head(5))
        widths = [p.get_width() for p in ax.patches]
        np.testing.assert_allclose(widths, expected["rate"])
        assert [t.get_text() for t in ax.get_yticklabels()] == expected["term"].tolist()
        assert ax.patches[0].get_facecolor()[:3] == pytest.approx(
            tuple(int(colors[event][i:i + 2], 16) / 255 for i in (1, 3, 5)))
    assert "n = 3" in fig._suptitle.get_text() and "n = 2" in fig._suptitle.get_text()


def test_keyness_chart_marks_single_document_terms(small_table):
    fig = plot_keyness(small_table, n=2)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # war (9 : 1, one document) and talks lean to x; sea (one document) and peace to y
    assert labels == ["war \u2020", "talks", "sea \u2020", "peace"]
    bars = {lab: bar for lab, bar in zip(labels, ax.patches, strict=False)}
    assert bars["war \u2020"].get_hatch() == "////"
    assert not bars["peace"].get_hatch()
    assert bars["war \u2020"].get_width() > 0 > bars["peace"].get_width()
    notes = [t.get_text() for t in ax.texts]
    assert "9 : 1  (1 : 1 docs)" in notes and "1 : 8  (1 : 2 docs)" in notes
    assert "x n = 3 vs y n = 2" in ax.get_title()


def test_keyness_chart_for_one_of_several_targets(seed_corpus):
    corpus = seed_corpus.assign(outlet=["ap", "wire", "ap", "ap", "bbc"])
    with pytest.warns(UserWarning):
        table = keyness(corpus, group="outlet", min_count=2)
    fig = plot_keyness(table, target="bbc", n=3)
    assert "bbc vs rest" in fig.axes[0].get_title()
    with pytest.raises(Exception, match="not in the keyness table"):
        plot_keyness(table, target="nyt")


def test_scatter_zero_handling_labels_and_determinism(small_table, tmp_path):
    fig = plot_keyness_scatter(small_table, label_top=4)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    offsets = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert len(offsets) == 4 and np.isfinite(offsets).all() and (offsets > 0).all()
    # "sea" has rate 0 in the target: drawn near the floor, below every observed rate
    positive = np.concatenate([small_table["rate_target"], small_table["rate_reference"]])
    floor = positive[positive > 0].min() / 2
    assert offsets[:, 1].min() < floor * 1.5
    texts = {t.get_text() for t in ax.texts}
    assert {"war \u2020", "peace", "sea \u2020"} <= texts
    # same input, same bytes
    a = save_figure(fig, "a", table=small_table, figures_dir=tmp_path)
    b = save_figure(plot_keyness_scatter(small_table, label_top=4), "b", table=small_table,
                    figures_dir=tmp_path)
    assert a["png"].read_bytes() == b["png"].read_bytes()
    assert a["svg"].read_bytes() == b["svg"].read_bytes()


def test_document_term_table_and_heatmap(seed_corpus):
    table = document_term_table(seed_corpus, ["kharkiv", "economic"])
    for row in table.itertuples(index=False):
        text = seed_corpus.set_index("doc_id").at[row.doc_id, "text"]
        assert row.count == len(re.findall(rf"\b{row.term}\b", text, flags=re.I))
    fig = plot_term_heatmap(table)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["kharkiv", "economic"]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows[0].startswith("000 (2023-moscow)") and rows[-1].startswith("004 (2024-beijing)")
    shown = sorted(int(t.get_text()) for t in ax.texts)
    assert shown == sorted(int(c) for c in table["count"] if c > 0)
    assert "n = 3" in ax.get_title()


def test_plots_reject_wrong_tables():
    with pytest.raises(Exception, match="lacks column"):
        plot_keyness(pd.DataFrame({"term": ["a"]}))
