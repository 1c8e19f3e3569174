"""Vocabulary rules: tokens, variants, phrases, stop words, n-gram analyzer."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from analysis.errors import CorpusError
from analysis.text.vocab import load_rules, make_analyzer, tokenize


def test_phrases_are_single_tokens():
    assert tokenize("Xi Jinping and Vladimir Putin discussed the peace plan with the "
                    "United States and the International Criminal Court") == [
        "xi jinping", "vladimir putin", "discussed", "peace plan", "united states",
        "international criminal court"]


def test_phrase_across_line_break_and_possessive():
    assert tokenize("Xi\nJinping’s joint   statement") == ["xi jinping", "joint statement"]


@pytest.mark.parametrize(("text", "token"), [
    ("cease-fire", "ceasefire"), ("ceasefire", "ceasefire"), ("cease fire", "ceasefire"),
    ("Cease-Fire", "ceasefire"), ("Kiev", "kyiv"), ("Kyiv", "kyiv"),
    ("Zelenskyy", "zelensky"), ("Zelensky", "zelensky"),
    ("U.S.", "united states"), ("US", "united states"), ("U.N.", "united nations"),
])
def test_variants_merge(text, token):
    assert tokenize(text) == [token]


def test_pronoun_us_is_not_the_united_states():
    assert tokenize("Let us talk about the US") == ["let", "talk", "united states"]


def test_apostrophes_and_possessives():
    assert tokenize("Xi’s Beijing's countries’ don’t") == ["xi", "beijing", "countries"]
    assert tokenize("Kiev’s") == ["kyiv"]


def test_numbers_dropped_but_hybrids_kept():
    assert tokenize("141 countries in 2022 backed a 12-point plan on 1,000 G-20 issues") == [
        "countries", "backed", "12-point", "plan", "g-20", "issues"]


def test_stop_words_removed_on_seeds(seed_corpus):
    news = {"said", "mr", "would", "also", "told"}
    for text in seed_corpus["text"]:
        toks = tokenize(text)
        assert toks
        assert not (set(toks) & (set(ENGLISH_STOP_WORDS) | news))
        assert all(t == t.lower() and t.strip() == t and t for t in toks)


def test_analyzer_ngrams_stop_at_sentence_ends_and_stop_words():
    analyze = make_analyzer(ngram_range=(1, 3))
    grams = analyze("Russia attacked. Ukraine resisted and China watched Western sanctions")
    assert "attacked ukraine" not in grams
    assert "resisted china" not in grams  # "and" removed: no bridging
    assert "russia attacked" in grams and "ukraine resisted" in grams
    assert "china watched western" in grams and "watched western sanctions" in grams
    assert make_analyzer(ngram_range=(2, 2))("Putin, Xi") == []


def test_analyzer_unigrams_equal_tokenize(seed_corpus):
    analyze = make_analyzer()
    for text in seed_corpus["text"]:
        assert analyze(text) == tokenize(text)


def test_analyzer_in_countvectorizer_and_pickle(seed_corpus):
    analyze = make_analyzer(ngram_range=(1, 2))
    restored = pickle.loads(pickle.dumps(analyze))
    text = seed_corpus["text"].iloc[0]
    assert restored(text) == analyze(text)
    cv = CountVectorizer(analyzer=analyze).fit(seed_corpus["text"])
    assert "xi jinping" in cv.vocabulary_
    assert "peace plan" in cv.vocabulary_
    assert pickle.loads(pickle.dumps(cv)).transform(["Xi Jinping"]).sum() == 1


def test_bad_ngram_range():
    with pytest.raises(CorpusError, match="ngram_range"):
        make_analyzer(ngram_range=(2, 1))


def test_rules_are_editable_files(tmp_path):
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("# mine\nGreat Hall of the People\n", encoding="utf-8")
    stop = tmp_path / "stop.txt"
    stop.write_text("kremlin\n", encoding="utf-8")
    variants = tmp_path / "variants.csv"
    variants.write_text("variant,canonical\nPeking,beijing\n", encoding="utf-8")
    rules = load_rules(phrases=phrases, stopwords=stop, variants=variants)
    assert tokenize("The Kremlin and the Great Hall of the People in Peking",
                    rules=rules) == ["great hall of the people", "beijing"]


def test_bad_variant_table_names_file_and_columns(tmp_path):
    bad = tmp_path / "v.csv"
    bad.write_text("from,to\na,b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"v\.csv.*variant"):
        load_rules(variants=bad)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_tokens_lower_nonempty_no_stop_words(text):
    for tok in tokenize(text):
        assert tok and tok == tok.lower() and tok == tok.strip()
        assert tok not in ENGLISH_STOP_WORDS
        assert "\x1f" not in tok
    for gram in make_analyzer(ngram_range=(1, 2))(text):
        assert gram and gram == gram.strip()
