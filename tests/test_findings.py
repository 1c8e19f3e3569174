"""Headline findings (analysis.report.findings) and the index page that lists them.

The builders are fed small tables written here, so the expected choice (which term, which
contrast, which topic) and every count in the sentences are read off the inputs by hand.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis.errors import NothingToShow
from analysis.measures.keyness import keyness_from_counts
from analysis.report.findings import (
    Finding,
    comparison_findings,
    corpus_findings,
    keyness_findings,
    read_findings,
    record_findings,
    sentiment_findings,
    topic_findings,
)
from analysis.settings import GENRES
from analysis.tables import explain_if_empty

SPEECHES = GENRES["speeches"]


def keyness_table():
    # war: 9 vs 1 uses in 3 of 3 vs 1 of 2 documents; peace: 1 vs 8 in 1 of 3 vs 2 of 2.
    return keyness_from_counts(
        ["war", "peace", "talks", "sea"], np.array([9, 1, 3, 0]), np.array([1, 8, 3, 2]),
        n_docs_target=[3, 1, 2, 0], n_docs_reference=[1, 2, 2, 2], n_docs_group_target=3,
        n_docs_group_reference=2, target="x", reference="y", min_count=1)


def test_keyness_findings_name_the_top_term_of_each_side_with_counts_and_documents():
    found = keyness_findings(keyness_table(), noun=SPEECHES)
    assert len(found) == 3
    assert re.fullmatch(r'Most typical of x against y: "war" \(z = [0-9.]+; 9 vs 1 uses, in 3 '
                        r"of 3 speeches vs 1 of 2\)\.", found[0].text), found[0].text
    assert re.fullmatch(r'Most typical of y against x: "peace" \(z = [0-9.]+; 8 vs 1 uses, in '
                        r"2 of 2 speeches vs 1 of 3\)\.", found[1].text), found[1].text
    assert found[0].value > 0 and found[1].value > 0
    assert found[2].text.startswith("0 of 4 terms tested pass a false discovery rate of 5%")


def test_keyness_findings_say_when_no_term_leans():
    # equal counts and equal totals on both sides: every score is 0
    key = keyness_from_counts(["a", "b"], np.array([2, 3]), np.array([2, 3]), min_count=1,
                              target="x", reference="y")
    found = keyness_findings(key)
    assert [f.text for f in found[:2]] == [
        "No term is more typical of x than of y: all 2 terms tested are used at the same rate "
        "on both sides.",
        "No term is more typical of y than of x: all 2 terms tested are used at the same rate "
        "on both sides.",
    ]


def test_keyness_findings_with_many_groups_name_the_largest_and_count_the_rest():
    frames = []
    for name, size in (("a", 9), ("b", 7), ("c", 5), ("d", 2), ("e", 1)):
        frames.append(keyness_from_counts(
            [f"{name}word", "common"], np.array([6, 3]), np.array([1, 3]),
            n_docs_target=[3, 2], n_docs_reference=[1, 2], n_docs_group_target=size,
            n_docs_group_reference=24 - size, target=name, reference="rest", min_count=1))
    found = keyness_findings(pd.concat(frames, ignore_index=True), max_groups=3)
    assert [f.text.split(":")[0] for f in found[:3]] == [
        "Most typical of a against the rest", "Most typical of b against the rest",
        "Most typical of c against the rest"]
    # d (2) and e (1) are not listed: 2 groups, 3 documents
    assert found[2].text.endswith("(2 other groups, no larger, with 3 texts not listed).")
    # 2 distinct terms per comparison: 5 own words + "common" = 6 terms over 5 comparisons
    assert found[3].text.startswith("0 of 6 terms tested pass a false discovery rate of 5% in at "
                                    "least one of the 5 comparisons (each group against the rest)")


def tone_tables(sampled: bool):
    differences = pd.DataFrame({
        "contrast": ["a - rest", "b - rest", "c - rest", "a - rest"],
        "measure": ["mean_compound"] * 3 + ["share_positive"],
        "estimate": [0.1, -0.3, 0.2, 0.9], "ci_low": [0.0, -0.5, 0.1, 0.8],
        "ci_high": [0.2, -0.1, 0.3, 1.0], "n_docs_a": [40, 30, 20, 40],
        "n_docs_b": [50, 60, 70, 50], "p_value": [0.2, 0.0421, 0.01, 0.001],
        "min_p": [1e-4] * 4 if sampled else [0.01] * 4, "sampled": [sampled] * 4,
        "n_permutations": [9999] * 4 if sampled else [100] * 4})
    summary = pd.DataFrame({"party": list("abcde"), "measure": "mean_compound",
                            "estimate": [0.3, -0.2, 0.1, 0.05, 0.0],
                            "ci_low": [0.2, -0.3, 0.0, 0.0, -0.1],
                            "ci_high": [0.4, -0.1, 0.2, 0.1, 0.1],
                            "n_docs": [40, 30, 20, 5, 1]})
    return differences, summary


def test_sentiment_findings_take_the_largest_mean_difference_and_say_sampled():
    differences, summary = tone_tables(sampled=True)
    direction = pd.DataFrame({"contrast": ["a - rest", "b - rest", "c - rest"],
                              "vader": [0.1, -0.3, 0.0], "pattern": [0.2, 0.1, 0.05],
                              "same_direction": [True, False, False]})
    found = sentiment_findings(differences, summary, group="party", direction=direction,
                               noun=SPEECHES)
    first = found[0]
    # b - rest has the largest |estimate| of the mean_compound rows (share_positive is ignored)
    assert first.text == (
        "Mean sentence tone (VADER compound, -1 to 1), b - rest (the largest of 3 contrasts, "
        "each group against the rest): -0.300 (95% interval -0.500 to -0.100; 30 vs 60 "
        "speeches); p = 0.042 from a sampled permutation test (9,999 random relabellings of "
        "the speeches; it cannot report p below 0.0001).")
    assert first.sampled is True and "exact" not in first.text
    assert (first.value, first.ci_low, first.ci_high, first.p_value) == (-0.3, -0.5, -0.1, 0.0421)
    assert found[1].text == ("Group means range from -0.200 (b, 30 speeches) to +0.300 (a, "
                             "40 speeches) over 5 groups.")
    assert found[2].text == ("A second lexicon (TextBlob/Pattern) points the same way as VADER "
                             "in 1 of 3 group contrasts (1 shows no difference under one of the "
                             "two, so no direction).")


def test_sentiment_findings_call_an_enumerated_test_exact():
    differences, summary = tone_tables(sampled=False)
    text = sentiment_findings(differences, summary, group="party")[0].text
    assert "p = 0.042 from an exact permutation test (all 100 relabellings of the texts" in text
    assert "sampled" not in text


def test_topic_findings_count_only_usable_topics():
    topics = pd.DataFrame({"topic": [0, 1, 2], "label": ["gas", "war", "said"],
                           "stable": [True, False, True],
                           "status": ["usable", "unstable", "formula"]})
    difference = topics.assign(contrast="x - y", estimate=[0.02, 0.4, -0.5],
                               ci_low=[-0.01, 0.3, -0.6], ci_high=[0.05, 0.5, -0.4],
                               n_docs_a=12, n_docs_b=1)
    found = topic_findings(topics, difference, n_seeds=10)
    assert found[0].value == 1 and found[0].text.startswith("3 topics; 1 of them usable")
    # the formula topic has the largest difference, but it is not a finding
    assert found[1].text == ('Largest difference in topic share among them: T0 "gas", x - y = '
                             "+0.020 (95% interval -0.010 to +0.050; 12 vs 1 text).")
    none = topic_findings(topics.assign(status="unstable"), difference.assign(status="unstable"))
    assert none[1].text == "No topic is a finding, so no difference in topic share is reported."


def test_comparison_findings_count_intervals_that_exclude_zero():
    differences = pd.DataFrame({
        "kind": ["sentiment", "sentiment", "topic", "topic"],
        "label": ["mean compound", "share of positive sentences", "gas", "war (unstable)"],
        "contrast": "x - y", "estimate": [0.2, 0.05, -0.35, 0.9],
        "ci_low": [0.1, -0.1, -0.5, 0.8], "ci_high": [0.3, 0.2, -0.2, 1.0],
        "stable": [True, True, True, False]})
    tests = pd.DataFrame({"sampled": [True, True], "min_p": [1e-4, 1e-4],
                          "n_permutations": [9999, 9999]})
    found = comparison_findings(differences, tests)
    assert found[0].text == ("2 of 3 differences (sentiment measures and topics that are "
                             "findings) have a 95% interval that excludes zero.")
    assert found[1].text == ('Largest of them: share of topic "gas", x - y = -0.350 (95% '
                             "interval -0.500 to -0.200).")
    assert found[2].sampled is True and found[2].text.startswith("Permutation tests: 2 sampled")


def test_corpus_findings_describe_sizes_lengths_and_shared_passages():
    corpus = pd.DataFrame({"doc_id": list("abcde"), "party": ["x", "x", "y", "y", None],
                           "n_words": [100, 300, 50, 70, 10]})
    clusters = pd.DataFrame({"n_docs": [2, 4, 3]})
    found = corpus_findings(corpus, group="party", noun=SPEECHES, passages=clusters, n_dropped=7)
    assert [f.text for f in found] == [
        "5 speeches in 2 groups of party: x (2), y (2); 1 speech without a group.",
        "Words per speech: median 70 (10 to 300); group medians from 60 (y) to 200 (x).",
        "3 shared passage clusters, printed by up to 4 speeches; counting each once removes 7 "
        "sentence(s).",
    ]


def test_findings_round_trip_through_their_csv(tmp_path):
    items = [Finding('Text with a comma, "quotes" and\na newline.', measure="m", value=0.5,
                     ci_low=0.1, ci_high=0.9, p_value=0.04, sampled=True),
             Finding("No number.", sampled=False), Finding("No test.")]
    shown = record_findings(items, name="02_findings", figures_dir=tmp_path)
    assert shown.path == tmp_path / "02_findings.csv"
    back = read_findings(tmp_path, "02_findings")
    assert [(f.text, f.measure, f.sampled) for f in back] == [
        (items[0].text, "m", True), ("No number.", "", False), ("No test.", "", None)]
    assert (back[0].value, back[0].ci_low, back[0].ci_high, back[0].p_value) == (0.5, 0.1, 0.9, 0.04)
    assert math.isnan(back[1].value) and math.isnan(back[2].p_value)
    assert read_findings(tmp_path, "03_findings") == []
    with pytest.raises(TypeError, match="Finding objects"):
        record_findings(["a sentence"], name="x", figures_dir=tmp_path)


def test_explain_if_empty_shows_the_reason_and_lets_other_errors_through():
    shown = []
    with explain_if_empty(show=shown.append):
        raise NothingToShow("no term leans to either side of a vs b.")
    assert [repr(n) for n in shown] == ["Nothing to show here: no term leans to either side of "
                                        "a vs b."]
    assert shown[0]._repr_markdown_().startswith("*Nothing to show here:")
    with pytest.raises(ValueError, match="a real error"), explain_if_empty(show=shown.append):
        raise ValueError("a real error")
    assert len(shown) == 1


def test_index_lists_the_findings_under_their_notebook(tmp_path, write_notebook):
    from bs4 import BeautifulSoup

    from analysis.report.render import render_report

    nbs = tmp_path / "nb"
    nbs.mkdir()
    write_notebook(nbs / "00_first.ipynb", "# First\n\nRecords two findings.",
                   "from analysis.report.findings import Finding, record_findings\n"
                   "record_findings([Finding('Tone <b>differs</b> by +0.1.'),\n"
                   "                 Finding('p = 0.3, sampled.', p_value=0.3, sampled=True)],\n"
                   "                name='00_findings', figures_dir=figures_dir)")
    write_notebook(nbs / "01_second.ipynb", "# Second\n\nRecords none.", "x = 1")
    out = render_report(out=tmp_path / "r", figures_dir=tmp_path / "f", notebooks_dir=nbs,
                        progress=None)
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    first, second = index.select("ol.contents > li")
    assert [li.get_text() for li in first.select("ul.findings li")] == [
        "Tone <b>differs</b> by +0.1.", "p = 0.3, sampled."]  # escaped: shown as text
    assert first.select("ul.findings b") == []
    assert second.select("ul.findings") == []
