"""Keyword in context and collocations."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis import collocations, kwic, kwic_view, sample_lines
from analysis.errors import CorpusError
from analysis.measures.concordance import trim_context


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
    out = kwic(corpus, "six", context_words=3)
    assert out.iloc[0][["left", "match", "right"]].tolist() == [
        "three, four five", "SIX", "seven eight. Nine"]
    out = kwic(corpus, "one", context_words=2)
    assert out.iloc[0]["left"] == "" and out.iloc[0]["right"] == "two three"
    assert kwic(corpus, "ten", context_words=0).iloc[0][["left", "right"]].tolist() == ["", ""]


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
    out = kwic(corpus, "sanctions", context_words=6)
    assert "<script>" in out.iloc[0]["left"]  # returned verbatim; pandas' HTML repr escapes it
    assert "&lt;script&gt;" in out.to_html()


# --------------------------------------------------------------------------- concordance

LEFT_WORDS = "alpha beta gamma delta epsilon zeta"  # 35 characters
RIGHT_WORDS = "eta theta iota kappa lambda"  # 27 characters


def test_trim_context_cuts_on_the_outside_at_a_word():
    # left: the last 11 characters are "psilon zeta"; "psilon" is a cut word, so it goes
    assert trim_context(LEFT_WORDS, 12, side="left") == "…zeta"
    assert trim_context(LEFT_WORDS, 13, side="left") == "…epsilon zeta"
    # right: the first 11 characters are "eta theta i"; "i" is a cut word
    assert trim_context(RIGHT_WORDS, 12, side="right") == "eta theta…"
    assert trim_context(RIGHT_WORDS, 40, side="right") == RIGHT_WORDS
    # a single word longer than the width is cut hard, still on the outside
    assert trim_context("internationalisation", 6, side="left") == "…ation"
    assert trim_context("internationalisation", 6, side="right") == "inter…"
    with pytest.raises(ValueError, match="side"):
        trim_context("x", 5, side="middle")


def test_kwic_view_aligned_on_the_keyword_with_contexts_cut_outside(tmp_path):
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"], "text": [
        f"{LEFT_WORDS} KEY {RIGHT_WORDS}.",
        "Short KEY here.",
        f"One two three four five six seven eight nine ten KEY {RIGHT_WORDS} more words.",
    ]})
    view = kwic_view(corpus, "key", n=None, context_words=6, width=13, name="kwic_key",
                       figures_dir=tmp_path)
    rows = view.shown.set_index("doc_id")
    # the words next to the keyword are kept; the ellipsis is on the far end only
    assert rows.at["a", "left"] == "…epsilon zeta"
    assert rows.at["a", "right"] == "eta theta…"
    assert rows.at["b", "left"] == "Short" and rows.at["b", "right"] == "here"
    assert rows.at["c", "left"] == "…nine ten"  # "six seven eight nine ten" cut to 13
    for left, right in zip(view.shown["left"], view.shown["right"], strict=True):
        assert not left.endswith("…") and not right.startswith("…")
        assert len(left) <= 13 and len(right) <= 13
    # every line, uncut, is kept and written
    assert view.lines.set_index("doc_id").at["a", "left"] == LEFT_WORDS
    assert pd.read_csv(view.path)["left"].tolist()[0] == LEFT_WORDS
    # plain text: the keyword starts in the same column on every line
    lines = repr(view).splitlines()[2:]
    assert len(lines) == 3 and len({line.index("KEY") for line in lines}) == 1
    # HTML: left context, keyword and right context in their own aligned cells
    html = view._repr_html_()
    assert '<td class="kwic-left">…epsilon zeta</td><td class="kwic-match">KEY</td>' in html
    assert view.caption == "All 3 lines from 3 documents shown."


def spread_lines(counts):
    """One kwic-like row per line: ``counts`` maps a document to its number of lines."""
    return pd.DataFrame({
        "doc_id": [d for d, k in counts.items() for _ in range(k)],
        "start": [i for k in counts.values() for i in range(k)],
    })


def test_sample_lines_spread_over_documents_and_deterministic():
    # one text with 699 lines and nine with one: ten lines from ten texts, not from the big one
    counts = {"big": 699, **{f"d{i}": 1 for i in range(9)}}
    lines = spread_lines(counts)
    picked = sample_lines(lines, n=10, random_state=3)
    assert picked["doc_id"].value_counts().to_dict() == dict.fromkeys(counts, 1)
    assert picked.equals(sample_lines(lines, n=10, random_state=3))
    assert list(picked.index) == sorted(picked.index)  # original order kept
    # round-robin by hand over 699, 5 and 2 lines: rounds 1-2 give 3 + 3, rounds 3-4 give
    # the two larger texts one each: 4, 4, 2
    few = spread_lines({"big": 699, "mid": 5, "small": 2})
    assert sample_lines(few, n=10)["doc_id"].value_counts().to_dict() == {
        "big": 4, "mid": 4, "small": 2}
    assert sample_lines(few, n=10, max_per_doc=2)["doc_id"].value_counts().to_dict() == {
        "big": 2, "mid": 2, "small": 2}
    # within a text the line is drawn, not always its first: seeds pick different lines
    starts = {int(sample_lines(few, n=1, random_state=s)["start"].iloc[0]) for s in range(20)}
    assert len(starts) > 1
    with pytest.raises(CorpusError, match="doc_id"):
        sample_lines(pd.DataFrame({"x": [1]}))


def test_kwic_view_caption_counts():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "y", "y"], "text": [
        "Peace now. Peace later. Peace again. Peace once more. Peace at last.",
        "A word on peace.", "Nothing here."]})
    view = kwic_view(corpus, "peace", n=3, unit="articles")
    # a has 5 lines, b 1, c none: round one gives a and b, round two a again
    assert view.caption == ("3 of 6 lines from 2 of 2 articles shown (spread over the "
                            "articles, random_state 0).")
    assert view.shown["doc_id"].tolist().count("b") == 1 and view.n_docs == 2
    assert kwic_view(corpus, "war").caption == "No line matches 'war'."
    one = kwic_view(corpus, "word", unit="speeches")
    assert one.caption == "All 1 line from 1 speech shown."


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
