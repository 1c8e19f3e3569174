"""Synthesis layer: distinctive terms per group, quoted speakers, differences table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import (
    compare_groups,
    distinctive_terms,
    keyness,
    load_corpus,
    quoted_speakers,
    quotes,
)
from analysis.text.quotes import UNATTRIBUTED


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_distinctive_terms_are_each_groups_top_keyness_terms(corpus):
    got = distinctive_terms(corpus, top=5)
    for name, part in got.groupby("group"):
        full = keyness(corpus, target=name)
        mine = full[full["direction"] == name].sort_values("score", ascending=False, kind="stable")
        assert part["term"].tolist() == mine["term"].head(5).tolist()
        # every listed term is used more in its own group (rate), never less
        assert (part["rate_target"] > part["rate_reference"]).all()


def test_quoted_speakers_counts_match_the_quote_table(corpus):
    q = quotes(corpus)
    got = quoted_speakers(corpus, top=50).set_index(["event", "speaker"])["quotes"]
    putin = q[(q["speaker"] == "Vladimir Putin") & (q["event"] == "2023-moscow")]
    assert got[("2023-moscow", "Vladimir Putin")] == len(putin)
    unattributed = q[q["speaker"].isna() & (q["event"] == "2023-moscow")]
    assert got[("2023-moscow", UNATTRIBUTED)] == len(unattributed)


def test_three_groups_compare_each_with_the_rest(corpus):
    three = corpus.assign(outlet=["a", "b", "c", "a", "b"])
    with pytest.warns(UserWarning, match="group 'c'"):
        comp = compare_groups(three, group="outlet", k=2, n_seeds=2, n_boot=50)
    assert set(comp.differences["contrast"]) == {"a - rest", "b - rest", "c - rest"}
    assert comp.sizes.to_dict() == {"a": 2, "b": 2, "c": 1}
    assert "c have a single article" in comp.caveat
    sent = comp.differences[comp.differences["kind"] == "sentiment"]
    assert sent["p_value"].notna().all() and topic_rows_have_no_p(comp.differences)


def topic_rows_have_no_p(differences: pd.DataFrame) -> bool:
    return bool(differences.loc[differences["kind"] == "topic", "p_value"].isna().all())


def test_plot_differences_with_dozens_of_groups_shows_the_largest_and_says_so():
    from analysis import plot_differences

    # 40 groups, group gNN has NN + 1 documents; 3 sentiment rows and 2 topic rows per contrast
    sizes = {f"g{i:02d}": i + 1 for i in range(40)}
    rows = []
    for g in sizes:
        for kind, labels in (("sentiment", ["mean", "pos", "neg"]), ("topic", ["t0", "t1"])):
            rows += [{"contrast": f"{g} - rest", "group_a": g, "group_b": "rest", "kind": kind,
                      "label": lab, "stable": True, "estimate": 0.0, "ci_low": -0.1,
                      "ci_high": 0.1} for lab in labels]
    fig = plot_differences(pd.DataFrame(rows), sizes=sizes)
    # 32 rows per panel / 3 rows per contrast -> the 10 largest groups (g30 .. g39) are drawn
    left = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(left) == 30 and {lab.split(" - ")[0] for lab in left} == {f"g{i}" for i in range(30, 40)}
    # left out: g00 .. g29 with 1 + 2 + ... + 30 = 465 documents
    assert "The 10 largest of 40 groups are shown; the other 30 (465 documents in all)" in fig._suptitle.get_text()
    height_px = fig.get_size_inches()[1] * 150  # savefig.dpi of the suite's style
    assert height_px < 2500


def test_compare_groups_for_a_chosen_pair_of_three(corpus):
    three = corpus.assign(outlet=["a", "b", "c", "a", "b"])
    with pytest.warns(UserWarning, match="group 'c'"):
        comp = compare_groups(three, group="outlet", groups=("a", "b"), k=2, n_seeds=2, n_boot=50)
    assert set(comp.differences["contrast"]) == {"a - b"}
    sent = comp.differences[comp.differences["kind"] == "sentiment"]
    # a and b have 2 articles each: C(4, 2) = 6 splits, mirror ties -> floor 2/6
    assert sent["min_p"].tolist() == pytest.approx([1 / 3] * 3)
    assert (~sent["sampled"].astype(bool)).all()
    assert "only 6 ways to assign 4 articles of a and b" in comp.caveat
