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
from analysis.quotes import UNATTRIBUTED


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
