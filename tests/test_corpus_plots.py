"""Corpus overview figure and tables: bars equal the word counts, colours follow the groups."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis import cleaning_audit, config, load_corpus
from analysis.errors import CorpusError, CorpusWarning
from analysis.plots.common import OKABE_ITO
from analysis.plots.corpus import (
    event_check,
    length_table,
    plot_document_lengths,
    removal_summary,
)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_bars_are_the_word_counts_coloured_by_group(corpus):
    fig = plot_document_lengths(corpus)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == corpus["n_words"].tolist()
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    # sorted group order: 2023-moscow gets the first Okabe-Ito colour, 2024-beijing the second
    assert colours == [OKABE_ITO[0].lower()] * 3 + [OKABE_ITO[1].lower()] * 2
    assert "2023-moscow n = 3 vs 2024-beijing n = 2 documents" in ax.get_title()
    plt.close(fig)


def test_documents_without_group_are_grey_and_last(corpus):
    c = corpus.copy()
    c["event"] = pd.array(["b", pd.NA, "a", "b", "a"], dtype="string")
    table = length_table(c)
    assert table["doc_id"].tolist() == ["002", "004", "000", "003", "001"]
    assert table["event"].tolist() == ["a", "a", "b", "b", "(no group)"]
    fig = plot_document_lengths(c)
    assert to_hex(fig.axes[0].patches[-1].get_facecolor()) == "#999999"
    assert "a n = 2 vs b n = 2 documents" in fig.axes[0].get_title()
    plt.close(fig)


def test_removal_summary_matches_the_audit(corpus):
    summary = removal_summary(corpus)
    audit = cleaning_audit(corpus)
    assert summary["total"].tolist() == corpus["n_removed"].tolist()
    assert summary.loc["001", "explainer_promo"] == 5  # heading + four 'Label:' paragraphs
    assert summary.loc["004", "photo_caption"] == 3
    assert int(summary.drop(columns="total").to_numpy().sum()) == len(audit)


def test_unknown_group_column(corpus):
    with pytest.raises(CorpusError, match=r"\['outlet'\]"):
        plot_document_lengths(corpus, group="outlet")


def test_event_check_sets_the_manifest_beside_the_text_alone(tmp_path):
    """A table whose manifest names an event the text does not support: the check shows both,
    matched by doc_id (the rows share one file), with the reason and the evidence read."""
    table = tmp_path / "t.csv"
    pd.DataFrame({"doc_id": ["a", "b"], "text": [
        # Moscow: dateline 5 + "Moscow" 1 + "arrest warrant" 2 = 8 against 0
        "MOSCOW - Xi met Putin after the arrest warrant.",
        "Leaders met in Oslo.",
    ]}).to_csv(table, index=False)
    manifest = tmp_path / "m.csv"
    manifest.write_text("doc_id,event\na,\nb,2024-beijing\n", "utf-8")
    events = config.SEEDS_DIR / "events.toml"
    loaded = load_corpus(table, manifest=manifest, events=events)
    with pytest.warns(CorpusWarning, match=r"^b: has no date in an event window"):
        alone = load_corpus(table, manifest=False, events=events)
    check = event_check(loaded, alone)
    assert check["doc_id"].tolist() == ["a", "b"]
    assert check["event (as loaded)"].tolist() == ["2023-moscow", "2024-beijing"]
    assert check["event (from the text alone)"].isna().tolist() == [False, True]
    assert check["decided by"].tolist() == ["cues", "none"]
    assert check["cue scores"].iat[0] == "2023-moscow 8, 2024-beijing 0"
    assert check["reason"].iat[1] == "no dateline or cue of any event"


def test_event_check_needs_the_event_columns(corpus):
    with pytest.raises(CorpusError, match=r"event_reason"):
        event_check(corpus, corpus.drop(columns=["event_reason"]))
