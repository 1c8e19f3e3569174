"""Keyword in context and collocations."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis import collocations, kwic
from analysis.errors import CorpusError


def regex_count(corpus, pattern):
    return sum(len(re.findall(pattern, t, flags=re.I)) for t in corpus["text"])


def test_kwic_glob_on_seeds(seed_corpus):
    out = kwic(seed_corpus, "sanction*")
    assert len(out) == regex_count(seed_corpus, r"\bsanction\w*") > 0
    assert out["match"].str.lower().str.startswith("sanction").all()
    assert set(out.columns) == {"doc_id", "event", "left", "match", "right", "start", "end"}
    # the offsets point at the match in the clean text
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    for row in out.itertuples(index=False):
        assert texts[row.doc_id][row.start:row.end] == row.match
    # event copied from the corpus
    events = dict(zip(seed_corpus["doc_id"], seed_corpus["event"], strict=True))
    assert all(events[d] == e for d, e in zip(out["doc_id"], out["event"], strict=True))


def test_kwic_phrase_on_seeds(seed_corpus):
    out = kwic(seed_corpus, "peace plan")
    assert len(out) == regex_count(seed_corpus, r"\bpeace\s+plans?\b") - regex_count(
        seed_corpus, r"\bpeace\s+plans\b")
    assert (out["match"].str.lower() == "peace plan").all()


def test_kwic_context_window():
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
                           "text": ["One two three, four five SIX seven eight. Nine ten."]})
    out = kwic(corpus, "six", window=3)
    assert out.iloc[0][["left", "match", "right"]].tolist() == [
        "three, four five", "SIX", "seven eight. Nine"]
    out = kwic(corpus, "one", window=2)
    assert out.iloc[0]["left"] == "" and out.iloc[0]["right"] == "two three"
    assert kwic(corpus, "ten", window=0).iloc[0][["left", "right"]].tolist() == ["", ""]


def test_kwic_whole_words_possessives_and_variants():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
        "The Kremlin’s line: sanctions. Let us wait; the US and the U.S. agree.",
        "A cease-fire, a cease fire and a ceasefire in Kiev (Kyiv).",
    ]})
    assert kwic(corpus, "sanction").empty  # whole words unless a glob says otherwise
    kremlin = kwic(corpus, "kremlin")
    assert kremlin["match"].tolist() == ["Kremlin"]
    assert kremlin["right"].iloc[0].startswith("’s line")
    # vocabulary variants: "US" is case-sensitive, so the pronoun "us" is not a hit
    assert kwic(corpus, "united states")["match"].tolist() == ["US", "U.S."]
    assert kwic(corpus, "ceasefire")["match"].tolist() == ["cease-fire", "cease fire", "ceasefire"]
    assert kwic(corpus, "kyiv")["match"].tolist() == ["Kiev", "Kyiv"]
    assert kwic(corpus, "ceasefire", variants=False)["match"].tolist() == ["ceasefire"]


def test_kwic_other_group_column_and_none(seed_corpus):
    corpus = seed_corpus.assign(outlet=["ap", "wire", "ap", "ap", "bbc"])
    out = kwic(corpus, "kharkiv", group="outlet")
    assert "outlet" in out.columns and set(out["outlet"]) <= {"ap", "bbc"}
    assert "event" not in kwic(corpus, "kharkiv", group=None).columns
    with pytest.raises(CorpusError, match="'paper'"):
        kwic(corpus, "kharkiv", group="paper")
    with pytest.raises(ValueError, match="pattern"):
        kwic(corpus, "  ")


def test_kwic_keeps_hostile_text_as_plain_strings():
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
                           "text": ["Officials said <script>alert(1)</script> sanctions work."]})
    out = kwic(corpus, "sanctions", window=6)
    assert "<script>" in out.iloc[0]["left"]  # returned verbatim; pandas' HTML repr escapes it
    assert "&lt;script&gt;" in out.to_html()


# --------------------------------------------------------------------------- collocations


@pytest.fixture()
def colloc_corpus():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "event": ["x", "x", "y"],
        "text": [
            "Nuclear submarines patrol. Nuclear submarines return. Fleets patrol.",
            "Nuclear submarines sail. Nuclear. Submarines idle.",
            "Grain exports grow. Grain exports slow.",
        ],
    })


def test_collocation_counts_pmi_and_boundaries(colloc_corpus):
    out = collocations(colloc_corpus, min_freq=2, measure="pmi")
    x = out[out["event"] == "x"].set_index("collocation")
    # "Nuclear. Submarines" is split by a full stop: 3 adjacent pairs, not 4
    assert x.at["nuclear submarines", "count"] == 3
    assert x.at["nuclear submarines", "n_docs"] == 2
    assert x.at["nuclear submarines", "n_docs_group"] == 2
    # PMI by hand: group x has these 14 tokens; nuclear 4, submarines 4, the pair 3
    tokens = ["nuclear", "submarines", "patrol", "nuclear", "submarines", "return", "fleets",
              "patrol", "nuclear", "submarines", "sail", "nuclear", "submarines", "idle"]
    n = len(tokens)
    pmi = math.log2(3 * n / (4 * 4))
    assert x.at["nuclear submarines", "score"] == pytest.approx(pmi)
    y = out[out["event"] == "y"]
    assert y["collocation"].tolist() == ["grain exports"]
    assert (out["rank"] >= 1).all() and set(out["measure"]) == {"pmi"}


def test_collocation_likelihood_ratio_is_g2(colloc_corpus):
    out = collocations(colloc_corpus, min_freq=2, measure="likelihood_ratio")
    row = out[(out["event"] == "x") & (out["collocation"] == "nuclear submarines")].iloc[0]
    # 2 x 2 table of the pair over the 14 tokens: (w1, w2) 3, (w1, not w2) 1,
    # (not w1, w2) 1, (neither) 14 - 3 - 1 - 1 = 9
    g2 = chi2_contingency([[3, 1], [1, 9]], correction=False, lambda_="log-likelihood")
    assert row["score"] == pytest.approx(g2.statistic, rel=1e-9)


def test_collocation_top_and_bad_measure(colloc_corpus):
    out = collocations(colloc_corpus, min_freq=1, top=2)
    assert out.groupby("event").size().max() <= 2
    with pytest.raises(ValueError, match="measure"):
        collocations(colloc_corpus, measure="dice")
