"""Paragraph and sentence segmentation: the seeds' tricky cases and offset properties."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.errors import CorpusError
from analysis.text.segment import (
    paragraph_spans,
    paragraphs,
    sentence_spans,
    sentence_tokenizer,
    sentences,
    units,
)


def seed_id(corpus: pd.DataFrame, prefix: str) -> str:
    """doc_id of the seed whose id (or file name) starts with ``prefix``."""
    ids = [d for d in corpus["doc_id"] if str(d).startswith(prefix)]
    assert len(ids) == 1, f"no unique seed {prefix} in {corpus['doc_id'].tolist()}"
    return ids[0]


def raw_seed(prefix: str) -> str:
    (path,) = config.SEEDS_DIR.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def one_doc(text: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d"], "event": ["x"], "text": [text]})


@pytest.fixture(scope="module")
def sents(seed_corpus):
    return sentences(seed_corpus)


def doc_sentences(sents, corpus, prefix):
    return sents.loc[sents["doc_id"] == seed_id(corpus, prefix), "text"].tolist()


# ----------------------------------------------------------------- abbreviations (seeds)
def test_mr_putin_and_mr_xi_stay_in_one_sentence(sents, seed_corpus):
    texts = doc_sentences(sents, seed_corpus, "004")
    assert (
        "A joint statement after the meeting by Mr. Putin and Mr. Xi said that both sides "
        "believed that for a lasting settlement of the Ukrainian crisis, it was necessary to "
        "eliminate its root causes." in texts
    )
    assert (
        "Mr. Putin has faced no credible opposition in the presidential race and, like Mr. Xi, "
        "has laid out no plans for a potential successor." in texts
    )
    assert not any(re.search(r"\bMr\.$", t) for t in texts)


def test_un_charter_and_un_general_assembly_not_split(sents, seed_corpus):
    texts = doc_sentences(sents, seed_corpus, "001")
    assert (
        "“We are steadily guided by the goals and principles of the U.N. Charter,” the Chinese "
        "leader said." in texts
    )
    assert (
        "The U.N. General Assembly voted 141-7 last month to demand Russia’s withdrawal from "
        "Ukraine and adherence to the charter." in texts
    )
    assert not any(t.endswith("U.N.") for t in texts)


def test_us_actions_not_split(sents, seed_corpus):
    assert (
        "They said U.S. actions in Asia were shifting the balance of power and endangering the "
        "security of all countries in the region." in doc_sentences(sents, seed_corpus, "004")
    )


def test_st_georges_hall_not_split(sents, seed_corpus):
    texts = doc_sentences(sents, seed_corpus, "001")
    assert any(t.startswith("Putin entered through the gilded doors of St. George’s Hall")
               for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. officials met on Feb. 24 at the U.N. Charter talks. Mr. Putin came.",
         ["U.S. officials met on Feb. 24 at the U.N. Charter talks.", "Mr. Putin came."]),
        # after an ordinary abbreviation a frequent sentence starter opens a new sentence
        ("Aid was flown to the U.S. The move angered Moscow.",
         ["Aid was flown to the U.S.", "The move angered Moscow."]),
        # after a title never, even before "He" (a Chinese surname)
        ("Vice Premier Mr. He Lifeng arrived. He smiled.",
         ["Vice Premier Mr. He Lifeng arrived.", "He smiled."]),
        ("Talks began Jan. 5 and ended Dec. 9, Dr. Li said. Sen. Smith agreed.",
         ["Talks began Jan. 5 and ended Dec. 9, Dr. Li said.", "Sen. Smith agreed."]),
    ],
)
def test_abbreviations_in_constructed_sentences(text, expected):
    assert sentences(one_doc(text))["text"].tolist() == expected


def test_training_keeps_only_abbreviations_with_inner_periods():
    text = " ".join(["It ends here. Then N.Y. Governor Li spoke."] * 20)
    tok = sentence_tokenizer([text])
    assert tok.tokenize("We stopped here. Then went home.") == ["We stopped here.",
                                                                 "Then went home."]
    assert "n.y" in tok._params.abbrev_types


def test_untrained_tokenizer_is_the_reason_for_the_list():
    # NLTK's bare Punkt splits "Mr." and "U.S." (see DESIGN.md); ours must not.
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    text = "Mr. Putin met U.S. officials."
    assert len(PunktSentenceTokenizer().tokenize(text)) > 1
    assert sentence_tokenizer().tokenize(text) == [text]


# ----------------------------------------------------------------- repairs
def test_quote_then_lowercase_attribution_is_one_sentence(sents, seed_corpus):
    texts = doc_sentences(sents, seed_corpus, "000")
    assert (
        "“China has made a colossal leap forward in its development in recent years.” said Putin, "
        "adding that “It’s causing real interest around the world, and we’re even a little "
        "envious.” as Xi smiled." in texts
    )
    assert (
        "“We will discuss all those issues, including your initiative which we greatly respect.” "
        "Putin said." in texts
    )
    assert "he wrote." not in texts
    assert any(t.endswith("tough and aggressive. he wrote.") for t in texts)
    assert "Putin said." not in texts


# ----------------------------------------------------------------- paragraphs
@pytest.mark.parametrize("prefix", ["000", "003"])
def test_paragraphs_of_raw_files_are_their_nonblank_lines(prefix):
    # 000 separates paragraphs with blank lines, 003 with single newlines
    raw = raw_seed(prefix)
    expected = [line.strip() for line in raw.splitlines() if line.strip()]
    got = paragraphs(one_doc(raw))
    assert got["text"].tolist() == expected
    assert got["paragraph"].tolist() == list(range(len(expected)))
    assert all(raw[s:e] == t for s, e, t in zip(got["start"], got["end"], got["text"],
                                                 strict=True))


def test_seed_003_single_newlines_give_20_paragraphs():
    raw = raw_seed("003")
    assert "\n\n" not in raw
    assert len(paragraph_spans(raw)) == 20  # 19 newlines, no blank line


def test_blank_line_style_keeps_hard_wraps_inside_a_paragraph():
    text = "First line\nwrapped here.\n\n  Second para.  \n\n\n\nThird."
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "First line\nwrapped here.", "Second para.", "Third."]


def test_sentence_paragraph_index_matches_paragraphs(seed_corpus, sents):
    paras = paragraphs(seed_corpus)
    merged = sents.merge(paras, on=["doc_id", "paragraph"], suffixes=("", "_p"))
    assert len(merged) == len(sents)
    assert (merged["start"] >= merged["start_p"]).all()
    assert (merged["end"] <= merged["end_p"]).all()


def test_sentences_same_for_both_paragraph_styles():
    raw = raw_seed("003")
    single = sentences(one_doc(raw), train=False)
    double = sentences(one_doc(raw.replace("\n", "\n\n")), train=False)
    assert single["text"].tolist() == double["text"].tolist()
    assert single["paragraph"].tolist() == double["paragraph"].tolist()


# ----------------------------------------------------------------- frame contract
def test_sentence_frame_columns_and_offsets(seed_corpus, sents):
    assert list(sents.columns) == ["doc_id", "event", "paragraph", "sentence", "text", "start",
                                   "end", "quoted_share", "actors"]
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    for row in sents.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    for _, g in sents.groupby("doc_id"):
        assert g["sentence"].tolist() == list(range(len(g)))
        assert (g["start"].to_numpy()[1:] >= g["end"].to_numpy()[:-1]).all()
    assert sents["quoted_share"].between(0, 1).all()
    assert all(isinstance(a, tuple) for a in sents["actors"])


def test_every_nonspace_character_is_in_a_sentence(seed_corpus, sents):
    for doc_id, text in zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True):
        g = sents[sents["doc_id"] == doc_id]
        covered = "".join(text[s:e] for s, e in zip(g["start"], g["end"], strict=True))
        assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


def test_other_group_column_and_missing_groups():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["AP", pd.NA, "BBC"],
                           "text": ["One. Two.", "Three.", "Four. Five. Six."]})
    got = sentences(corpus, group="outlet")
    assert got["outlet"].isna().tolist() == [False, False, True, False, False, False]
    assert got.groupby("doc_id").size().to_dict() == {"a": 2, "b": 1, "c": 3}


def test_row_order_does_not_change_sentences(seed_corpus, sents):
    shuffled = sentences(seed_corpus.iloc[::-1].reset_index(drop=True))
    key = ["doc_id", "sentence"]
    pd.testing.assert_frame_equal(
        shuffled.sort_values(key).reset_index(drop=True),
        sents.sort_values(key).reset_index(drop=True))


@pytest.mark.parametrize(("frame", "column"), [
    (pd.DataFrame({"doc_id": ["a"], "text": ["x"]}), "event"),
    (pd.DataFrame({"doc_id": ["a"], "event": ["x"]}), "text"),
])
def test_missing_columns_are_a_clear_error(frame, column):
    with pytest.raises(CorpusError, match=f"no column '{column}'"):
        sentences(frame)


def test_empty_and_missing_text_give_no_rows():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": ["", None]})
    assert sentences(corpus).empty
    assert paragraphs(corpus).empty


# ----------------------------------------------------------------- properties
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_spans_slice_text_exactly_and_cover_it(text):
    spans = sentence_spans(text)
    prev_end = 0
    for _, start, end in spans:
        assert prev_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        prev_end = end
    covered = "".join(text[s:e] for _, s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Mr.", "U.S.", "Putin", "said", "the", "“", "”", ".", "The",
                                 "\n", "\n\n", "he", "Feb.", "24", "!", "?", " "]), max_size=60))
def test_spans_on_news_like_token_soup(words):
    text = " ".join(words)
    spans = sentence_spans(text)
    covered = "".join(text[s:e] for _, s, e in spans)
    assert "".join(covered.split()) == "".join(text.split())


# ----------------------------------------------------------------- units
def test_units_cut_long_paragraphs_into_balanced_windows(seed_corpus):
    u = units(seed_corpus, max_sentences=8, sentences_per_unit=3)
    s = sentences(seed_corpus)
    per_para = s.groupby(["doc_id", "paragraph"]).size()
    for (doc_id, para), n in per_para.items():
        got = u[(u["doc_id"] == doc_id) & (u["paragraph"] == para)]
        assert got["n_sentences"].sum() == n
        if n <= 8:
            assert got["kind"].tolist() == ["paragraph"]
        else:
            k = -(-n // 3)
            assert len(got) == k
            assert got["n_sentences"].max() - got["n_sentences"].min() <= 1
            assert set(got["kind"]) == {"window"}
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    assert all(texts[d][a:b] == t for d, a, b, t in
               zip(u["doc_id"], u["start"], u["end"], u["text"], strict=True))
    for _, g in u.groupby("doc_id"):
        assert g["unit"].tolist() == list(range(len(g)))


def test_units_window_mode_and_document_without_breaks():
    text = " ".join(f"Sentence number {i} ends here." for i in range(7))
    assert units(one_doc(text), sentences_per_unit=3)["kind"].tolist() == ["paragraph"]  # 7 <= 8
    got = units(one_doc(text), sentences_per_unit=3, max_sentences=6)
    assert got["n_sentences"].tolist() == [3, 2, 2]
    assert got["first_sentence"].tolist() == [0, 3, 5]
    got = units(one_doc("Ann sat. Bob ran.\n\nCal hid."), unit="window", sentences_per_unit=1)
    assert got["text"].tolist() == ["Ann sat.", "Bob ran.", "Cal hid."]


def test_units_bad_unit_is_a_clear_error():
    with pytest.raises(CorpusError, match="unit="):
        units(one_doc("A."), unit="sentence")


# ----------------------------------------------------------------- scale
@pytest.mark.slow
def test_scale_sentences_and_tokenize_on_1000x_seeds(seed_corpus):
    import time

    from analysis.text.vocab import tokenize

    big = pd.concat([seed_corpus.assign(doc_id=seed_corpus["doc_id"].astype(str) + f"-{k:04d}")
                     for k in range(1000)], ignore_index=True)
    t0 = time.process_time()
    s = sentences(big)
    n_tokens = sum(len(tokenize(t)) for t in big["text"])
    elapsed = time.process_time() - t0
    print(f"\nsentences + tokenize, {len(big)} documents, {big['text'].str.len().sum():,} "
          f"characters, {len(s):,} sentences: {elapsed:.1f} s CPU")
    assert len(s) == 1000 * len(sentences(seed_corpus))
    assert n_tokens == 1000 * sum(len(tokenize(t)) for t in seed_corpus["text"])


# ----------------------------------------------------------------- summary
def test_structure_summary_by_hand():
    from analysis.text.segment import structure_summary

    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "grp": ["g1", "g1", "g2"],
                           "text": ["One two. Three four five.\n\nSix.", "Seven eight.",
                                    "Nine ten eleven twelve."]})
    out = structure_summary(corpus, group="grp")
    doc = out[out["level"] == "document"].set_index("doc_id")
    assert doc.loc["a", ["paragraphs", "sentences", "words"]].tolist() == [2, 3, 6]
    grp = out[out["level"] == "group"].set_index("grp")
    assert grp.loc["g1", ["n_docs", "paragraphs", "sentences", "words"]].tolist() == [2, 3, 4, 8]
    assert grp.loc["g1", "words_per_sentence"] == pytest.approx(2.0)
    assert grp.loc["g2", "words_per_sentence"] == pytest.approx(4.0)


def test_structure_summary_words_match_loader_counts(seed_corpus):
    from analysis.text.segment import structure_summary

    if "n_words" not in seed_corpus.columns:
        pytest.skip("stand-in corpus has no n_words")
    out = structure_summary(seed_corpus)
    doc = out[out["level"] == "document"]
    assert doc["words"].tolist() == seed_corpus["n_words"].tolist()
