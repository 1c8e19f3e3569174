"""Shared passages: the wire copy 003/004 share, no false pairs, deduplication, scale."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.errors import CorpusError
from analysis.passages import DEFAULT_THRESHOLD, _prepare, deduplicated, shared_passages
from analysis.segment import sentences

# (earlier seed, its sentence's opening, later seed, its sentence's opening): read off the
# articles by hand. 003 and 004 carry the same AP copy, paraphrased; 000 and 002 both quote
# Blinken's statement on a ceasefire in different translations.
EXPECTED = {
    ("003", "Since then, Moscow has become", "004", "Since then, Russia has become"),
    ("003", "In their subsequent meeting, Xi congratulated Putin",
     "004", "During their meeting, Xi congratulated Putin"),
    ("003", "In recent years, the two countries have conducted joint exercises",
     "004", "They have held a series of joint war exercises"),
    ("003", "“We are open to dialogue on Ukraine", "004", "We are open to dialogue on Ukraine"),
    ("003", "Moscow has forged an increasingly close relationship",
     "004", "Moscow has diverted most of its energy exports"),
    ("003", "Putin blamed the West for the failure", "004", "Mr. Putin blamed the West"),
    ("003", "On the eve of his trip, Putin stated", "004", "On the eve of his visit, Mr Putin said"),
    ("003", "Putin’s visit coincides with a new offensive",
     "004", "Mr. Putin's two-day state visit"),
    ("003", "Putin did not do so and did not face credible opposition",
     "004", "Mr. Putin has faced no credible opposition"),
    ("000", "“Calling for a cease-fire that does not include",
     "002", "But he said any calls for a ceasefire"),
}


def short(doc_id) -> str:
    return str(doc_id)[:3]


@pytest.fixture(scope="module")
def pairs(seed_corpus):
    return shared_passages(seed_corpus)


def test_shared_passages_are_exactly_the_real_ones(pairs):
    got = set()
    for row in pairs.itertuples():
        match = [e for e in EXPECTED if short(row.doc_id_a) == e[0] and short(row.doc_id_b) == e[2]
                 and row.text_a.startswith(e[1]) and row.text_b.startswith(e[3])]
        assert match, f"unexpected pair: {row.text_a[:60]!r} ~ {row.text_b[:60]!r}"
        got.add(match[0])
    assert got == EXPECTED
    assert len(pairs) == len(EXPECTED)


def test_no_pairs_between_unrelated_articles(pairs):
    doc_pairs = {(short(a), short(b)) for a, b in zip(pairs["doc_id_a"], pairs["doc_id_b"],
                                                      strict=True)}
    assert doc_pairs == {("003", "004"), ("000", "002")}
    assert (pairs["doc_id_a"] != pairs["doc_id_b"]).all()


def test_pairs_columns_and_offsets(seed_corpus, pairs):
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
    for side in "ab":
        for row in pairs[[f"doc_id_{side}", f"start_{side}", f"end_{side}",
                          f"text_{side}"]].itertuples(index=False):
            doc_id, start, end, text = row
            assert texts[doc_id][start:end] == text
    assert (pairs["doc_id_a"].astype(str) < pairs["doc_id_b"].astype(str)).all()
    assert pairs["similarity"].between(DEFAULT_THRESHOLD, 1).all()
    assert {"event_a", "event_b"} <= set(pairs.columns)


def test_candidate_pruning_misses_nothing_on_the_seeds(seed_corpus, pairs):
    # brute force: every cross-document sentence pair, dense similarity matrix
    s = sentences(seed_corpus)
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True,
                        preprocessor=_prepare).fit_transform(s["text"].tolist())
    sim = (x @ x.T).toarray()
    docs = s["doc_id"].astype(str).to_numpy()
    i, j = np.nonzero((docs[:, None] < docs[None, :]) & (sim >= DEFAULT_THRESHOLD))
    brute = sorted(zip(docs[i], s["sentence"].to_numpy()[i], docs[j],
                       s["sentence"].to_numpy()[j], strict=True))
    got = sorted(zip(pairs["doc_id_a"].astype(str), pairs["sentence_a"],
                     pairs["doc_id_b"].astype(str), pairs["sentence_b"], strict=True))
    assert got == brute
    assert np.allclose(np.sort(sim[i, j]), np.sort(pairs["similarity"].to_numpy()), atol=1e-6)


def test_lower_threshold_admits_false_pairs_which_is_why_the_default_is_higher(seed_corpus):
    loose = shared_passages(seed_corpus, threshold=0.3)
    assert len(loose) > len(EXPECTED)
    assert any(short(a) in {"000", "001"} and short(b) in {"001", "003"}
               for a, b in zip(loose["doc_id_a"], loose["doc_id_b"], strict=True))


def test_row_order_does_not_matter(seed_corpus, pairs):
    again = shared_passages(seed_corpus.iloc[::-1].reset_index(drop=True))
    pd.testing.assert_frame_equal(again, pairs)


def test_identical_sentences_score_one():
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "y", "y"],
                           "text": ["Xi met Putin in the Kremlin on Monday.",
                                    "Xi met Putin in the Kremlin on Monday.",
                                    "Nothing in common with the others here."]})
    got = shared_passages(corpus, threshold=0.99)
    assert got[["doc_id_a", "doc_id_b"]].values.tolist() == [["a", "b"]]
    assert got["similarity"].item() == pytest.approx(1.0)


def test_same_document_repeats_are_not_pairs():
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
                           "text": ["Xi met Putin in Moscow. Xi met Putin in Moscow."]})
    assert shared_passages(corpus).empty


def test_bad_threshold():
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": ["x"]})
    with pytest.raises(CorpusError, match="threshold"):
        shared_passages(corpus, threshold=1.5)


def test_deduplicated_drops_the_later_copy(seed_corpus):
    out = deduplicated(seed_corpus)
    by = {short(d): row for d, row in zip(out["doc_id"], out.itertuples(), strict=True)}
    assert by["004"].n_shared_dropped == 9
    assert by["002"].n_shared_dropped == 1
    assert by["000"].n_shared_dropped == by["001"].n_shared_dropped == by[
        "003"].n_shared_dropped == 0
    assert "Since then, Russia has become" not in by["004"].text
    assert "Since then, Moscow has become" in by["003"].text
    assert "But he said any calls for a ceasefire" not in by["002"].text
    # untouched documents are byte-identical; paragraphs still separated by a blank line
    orig = dict(zip(seed_corpus["doc_id"].map(short), seed_corpus["text"], strict=True))
    for d in ("000", "001", "003"):
        assert by[d].text == orig[d]
    assert "\n\n\n" not in by["004"].text
    dropped = [e[3] for e in EXPECTED if e[2] == "004"]
    kept = [p for p in orig["004"].split("\n\n") if not any(d in p for d in dropped)]
    assert len(kept) > 20
    assert by["004"].text.split("\n\n")[:3] == kept[:3]
    assert all(p in by["004"].text for p in kept)
    # the dropped sentences are gone, nothing else: sentence count falls by exactly 9
    n_before = (sentences(seed_corpus)["doc_id"].map(short) == "004").sum()
    n_after = (sentences(out)["doc_id"].map(short) == "004").sum()
    assert n_before - n_after == 9
    assert by["004"].n_words < seed_corpus.loc[seed_corpus["doc_id"].map(short) == "004",
                                               "n_words"].item()
    assert list(out.columns[:len(seed_corpus.columns)]) == list(seed_corpus.columns)


def test_deduplicate_keeps_middle_text_tidy():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [
        "Xi met Putin in the Kremlin on Monday.",
        "First words here. Xi met Putin in the Kremlin on Monday. Last words here.\n\nNext."]})
    out = deduplicated(corpus)
    assert out["text"].tolist()[1] == "First words here. Last words here.\n\nNext."


@pytest.mark.slow
def test_scale_planted_duplicate_in_1000_documents():
    rng = np.random.default_rng(0)
    vocab = np.array([f"w{i}x" for i in range(5000)])
    docs = []
    for _ in range(1000):
        sents = [" ".join(rng.choice(vocab, 15)).capitalize() + "." for _ in range(20)]
        docs.append(" ".join(sents))
    planted = "The planted wire sentence travels between two unrelated documents today."
    docs[17] += " " + planted
    docs[912] = planted + " " + docs[912]
    corpus = pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(1000)], "event": "x",
                           "text": docs})
    t0 = time.perf_counter()
    got = shared_passages(corpus)
    elapsed = time.perf_counter() - t0
    assert got[["doc_id_a", "doc_id_b"]].values.tolist() == [["d0017", "d0912"]]
    assert elapsed < 60, f"shared_passages on 20,000 sentences took {elapsed:.1f}s"
