"""Sentiment: VADER scoring, aggregation, actors, voices, word contributions, second opinion.

Expected values come from the reference implementations (vaderSentiment's own
SentimentIntensityAnalyzer, TextBlob's PatternAnalyzer, scipy) or from arithmetic written out
in the test, never from the code under test.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import config
from analysis.errors import CorpusError, DesignWarning
from analysis.measures import lexicons, sentiment

matplotlib.use("Agg")

SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in sorted(config.SEEDS_DIR.glob("*.txt")))

# Real seed sentences, grouped by the VADER rule each one exercises.
NEGATION = [
    "Kiev officials say they will not bend on their terms for a peace deal.",
    "Many African countries have also not openly criticized Russia.",
    "Putin and Xi, in comments to reporters in Moscow, suggested no forward motion on China’s "
    "peace plan.",
    "The Kremlin does not recognize the court’s authority and has rejected its move against "
    "Putin as “legally invalid.”",
    "Evidence abounds that the effort to isolate Putin has failed and that sanctions haven’t "
    "stopped Russia, thanks to its oil and gas exports.",
    "“The world should not be fooled by any tactical move by Russia, backed by China or any "
    "other country, to freeze the war on its own terms.”",
]
BUT = [
    "Ukrainian President Volodymyr Zelenskyy cautiously welcomed Beijing’s involvement, but the "
    "overture failed.",
    "US officials have uncovered indications that China is considering supplying Russia with "
    "weapons for its war in Ukraine, but have seen no evidence that they have done so.",
    "China claims to take a neutral stance in the conflict, but it supports Moscow's claims that "
    "Russia was incited to attack Ukraine by the West, and continues to supply Russia with key "
    "components Moscow needs to its weapons production.",
]
# Seeds have capitalised datelines ("MOSCOW (AP)") and acronyms (NATO, ICC) but no lexicon
# word in capitals, so the ALL-CAPS emphasis rule needs modified sentences (marked MODIFIED).
CAPS_REAL = [
    "MOSCOW (AP) — Russian President Vladimir Putin warmly welcomed Chinese leader Xi Jinping to "
    "the Kremlin on Monday, sending a strong message to Western leaders that their efforts to "
    "isolate Moscow over the fighting in Ukraine have failed.",
]
CAPS_MODIFIED = [  # MODIFIED: seed 001, "warm" and "successful" put in capitals
    "He said the talks proceeded in a “WARM, comradely and constructive atmosphere” and had been "
    "SUCCESSFUL.",
    # MODIFIED: seed 000, "failed" put in capitals
    "Ukrainian President Volodymyr Zelenskyy cautiously welcomed Beijing’s involvement, but the "
    "overture FAILED.",
]
# Seeds contain no exclamation or question marks: these are seed sentences with "." -> "!".
EXCLAIM_MODIFIED = [
    "The day was full of ceremony!",  # MODIFIED: seed 001, "." -> "!"
    "Putin called Xi his “dear friend” and said relations between Russia and China had reached "
    "“the highest point in the entire history of our two countries.”!!",  # MODIFIED: "!!" added
    # MODIFIED: seed 004, "." -> "!!!"
    "Military ties between Russia and China have also strengthened during the war in Ukraine!!!",
]
PLAIN = [
    "The leaders signed agreements on strategic cooperation and economic ties until 2030.",
    "Xi’s willingness to visit during wartime and his effusive praise for the countries’ "
    "relationship have raised fears that Beijing could provide military aid to Russia to prevent "
    "its defeat.",
    "Mr. Putin blamed the West for the failure of negotiations in the first weeks of the war and "
    "praised China's peace plan.",
]
REAL = NEGATION + BUT + CAPS_REAL + PLAIN
ALL_CASES = REAL + CAPS_MODIFIED + EXCLAIM_MODIFIED


def reference(texts):
    analyzer = SentimentIntensityAnalyzer()  # a fresh analyzer: independent of the module's cache
    return [analyzer.polarity_scores(t) for t in texts]


def test_case_sentences_are_real_seed_text():
    for s in REAL:
        assert s in SEED_TEXT, s
    # the modified sentences differ from seed sentences only by the marked change
    for s in EXCLAIM_MODIFIED:
        assert s.rstrip("!") + "." in SEED_TEXT or s.rstrip("!") in SEED_TEXT, s
    for s in CAPS_MODIFIED:
        original = s.replace("WARM", "warm").replace("SUCCESSFUL", "successful").replace(
            "FAILED", "failed")
        assert original in SEED_TEXT, s


@pytest.mark.parametrize("text", ALL_CASES)
def test_score_sentences_equals_reference_exactly(text):
    ref = reference([text])[0]
    got = sentiment.score_sentences([text]).iloc[0]
    for key in ("compound", "pos", "neu", "neg"):
        assert got[key] == ref[key], (key, text)


def test_score_sentences_batch_equals_reference_and_keeps_order_and_index():
    texts = pd.Series(ALL_CASES, index=[f"s{i}" for i in range(len(ALL_CASES))])
    got = sentiment.score_sentences(texts)
    assert list(got.index) == list(texts.index)
    assert list(got.columns) == ["compound", "pos", "neu", "neg"]
    ref = pd.DataFrame(reference(ALL_CASES), index=texts.index)[list(got.columns)]
    pd.testing.assert_frame_equal(got, ref, check_exact=True)


def test_the_case_sentences_really_trigger_each_rule():
    """Guard the test set itself: each rule changes the score of its sentences."""
    a = SentimentIntensityAnalyzer()

    def c(t):
        return a.polarity_scores(t)["compound"]

    # "not"/"no" removed -> another score: the negation is within 3 words of a lexicon word
    assert c(NEGATION[1]) != c(NEGATION[1].replace("not ", ""))  # not openly criticized
    assert c(NEGATION[2]) != c(NEGATION[2].replace("no ", ""))  # no forward motion
    assert c(NEGATION[5]) != c(NEGATION[5].replace("not ", ""))  # not be fooled
    # ... but not when the nearest lexicon word is further away (VADER's 3-word window):
    assert c(NEGATION[0]) == c(NEGATION[0].replace("not ", ""))  # not bend ... peace
    # "haven’t" negates only with an ASCII apostrophe
    assert c(NEGATION[4]) == c(NEGATION[4].replace("haven’t", "have"))
    assert c(NEGATION[4].replace("’", "'")) != c(NEGATION[4].replace("haven’t", "have"))
    for s in BUT:
        assert c(s) != c(s.replace(" but ", " and "))
    for s in CAPS_MODIFIED:
        lower = s.replace("WARM", "warm").replace("SUCCESSFUL", "successful").replace(
            "FAILED", "failed")
        assert c(s) != c(lower)
    for s in EXCLAIM_MODIFIED[1:]:
        assert c(s) != c(s.rstrip("!") + ".")
    # "!" only amplifies a non-zero sum: a sentence without lexicon words stays at 0
    assert c(EXCLAIM_MODIFIED[0]) == c("The day was full of ceremony.") == 0.0


def test_score_sentences_parallel_equals_serial():
    texts = ALL_CASES * 40
    serial = sentiment.score_sentences(texts, n_jobs=1)
    parallel = sentiment.score_sentences(texts, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel, check_exact=True)


def test_ascii_quotes_scores_the_translated_text_exactly():
    text = "Putin called Xi his “dear friend” and said relations haven’t been better."
    translated = text.replace("“", '"').replace("”", '"').replace("’", "'")
    got = sentiment.score_sentences([text], ascii_quotes=True).iloc[0]
    ref = reference([translated])[0]
    assert got["compound"] == ref["compound"]
    # and it matters: with curly quotes VADER misses "dear friend" and the negation
    assert ref["compound"] != reference([text])[0]["compound"]
    assert len(sentiment.ascii_quotes([text])[0]) == len(text)  # offsets unchanged


def test_score_sentences_bad_input_is_a_clear_error():
    with pytest.raises(CorpusError, match="single string"):
        sentiment.score_sentences("Putin met Xi.")
    with pytest.raises(CorpusError, match="position 1"):
        sentiment.score_sentences(["ok", None, float("nan")])
    assert sentiment.score_sentences([]).shape == (0, 4)


# --------------------------------------------------------------------------- sentence frame


def fake_sentences(corpus, *, group="event", aliases=None):
    """A fixed sentence frame standing in for analysis.text.segment.sentences."""
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b"],
        group: ["x", "x", "x", "y"],
        "paragraph": [0, 0, 1, 0],
        "sentence": [0, 1, 2, 0],
        "text": ["The war is a crisis.", "“We are dear friends,” he said.", "It is good.", "Ok."],
        "start": [0, 21, 53, 0],
        "end": [20, 52, 64, 3],
        "quoted_share": [0.0, 0.49, 0.5, 1.0],
        "actors": [("Putin",), (), ("Putin", "Xi"), ()],
    })


def test_sentence_sentiment_position_voice_and_scores(monkeypatch):
    monkeypatch.setattr(sentiment, "sentences", fake_sentences)
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": ["...", "..."]})
    s = sentiment.sentence_sentiment(corpus)
    # position = sentence index / last index in the doc: doc a has sentences 0, 1, 2
    assert s["position"].tolist() == [0.0, 0.5, 1.0, 0.0]
    # quoted_share >= 0.5 is "quoted": 0.49 is not, 0.5 is
    assert s["voice"].tolist() == ["reporter", "reporter", "quoted", "quoted"]
    # the reporter's sentences never carry a speaker
    assert s.loc[s["voice"] == "reporter", "speaker"].isna().all()
    # "The war is a crisis.": raw valences -2.9 + -3.1 = -6, compound = -6 / sqrt(36 + 15)
    assert s.loc[0, "compound"] == round(-6 / math.sqrt(51), 4)
    translated = [t.replace("“", '"').replace("”", '"') for t in fake_sentences(None)["text"]]
    assert s["compound"].tolist() == [r["compound"] for r in reference(translated)]


def test_sentence_sentiment_missing_column_is_a_clear_error():
    with pytest.raises(CorpusError, match="'event'"):
        sentiment.sentence_sentiment(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}))


def test_sentence_sentiment_on_seeds_scores_every_sentence(seed_corpus):
    from analysis.text import segment

    s = sentiment.sentence_sentiment(seed_corpus)
    sents = segment.sentences(seed_corpus)
    assert len(s) == len(sents)
    ref = reference(sentiment.ascii_quotes(sents["text"].tolist()))
    assert s["compound"].tolist() == [r["compound"] for r in ref]
    first = s.groupby("doc_id")["position"].agg(["min", "max"])
    assert (first["min"] == 0).all() and (first["max"] == 1).all()


# --------------------------------------------------------------------------- aggregation


def toy():
    # doc a (x): 0.5 pos, -0.1 neg, 0.05 neutral (not > 0.05)
    # doc b (x): 0.3 pos
    # doc c (y): -0.4 neg, -0.6 neg
    # doc d (y): 0.06 pos, -0.05 neutral (not < -0.05)
    return pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "c", "c", "d", "d"],
        "event": ["x", "x", "x", "x", "y", "y", "y", "y"],
        "compound": [0.5, -0.1, 0.05, 0.3, -0.4, -0.6, 0.06, -0.05],
    })


def test_document_sentiment_by_hand():
    d = sentiment.document_sentiment(toy()).set_index("doc_id")
    assert d.loc["a", "n_sentences"] == 3
    assert d.loc["a", "mean_compound"] == pytest.approx((0.5 - 0.1 + 0.05) / 3)  # 0.15
    assert d.loc["a", "share_positive"] == pytest.approx(1 / 3)
    assert d.loc["a", "share_negative"] == pytest.approx(1 / 3)
    assert d.loc["b"].tolist()[1:] == [1, pytest.approx(0.3), 1.0, 0.0]
    assert d.loc["c", "mean_compound"] == pytest.approx(-0.5)
    assert d.loc["c", "share_negative"] == 1.0
    assert d.loc["d", "mean_compound"] == pytest.approx(0.005)
    assert d.loc["d", "share_positive"] == 0.5 and d.loc["d", "share_negative"] == 0.0


def test_group_sentiment_by_hand():
    r = sentiment.group_sentiment(toy(), n_boot=300, random_state=3)
    s = r.summary.set_index(["event", "measure"])
    # pooled over sentences: x = (0.5 - 0.1 + 0.05 + 0.3) / 4 = 0.1875
    assert s.loc[("x", "mean_compound"), "estimate"] == pytest.approx(0.1875)
    # y = (-0.4 - 0.6 + 0.06 - 0.05) / 4 = -0.2475
    assert s.loc[("y", "mean_compound"), "estimate"] == pytest.approx(-0.2475)
    assert s.loc[("x", "share_positive"), "estimate"] == pytest.approx(2 / 4)
    assert s.loc[("x", "share_negative"), "estimate"] == pytest.approx(1 / 4)
    assert s.loc[("y", "share_positive"), "estimate"] == pytest.approx(1 / 4)
    assert s.loc[("y", "share_negative"), "estimate"] == pytest.approx(2 / 4)
    assert s.loc[("x", "mean_compound"), "n_docs"] == 2
    assert s.loc[("x", "mean_compound"), "n_sentences"] == 4
    # per-document range next to the pooled value: x docs 0.15 and 0.3
    assert s.loc[("x", "mean_compound"), "doc_min"] == pytest.approx(0.15)
    assert s.loc[("x", "mean_compound"), "doc_max"] == pytest.approx(0.3)
    assert (s["ci_low"] <= s["estimate"] + 1e-12).all()
    assert (s["estimate"] <= s["ci_high"] + 1e-12).all()
    diff = r.differences.set_index("measure").loc["mean_compound"]
    assert diff["contrast"] == "x - y"
    assert diff["estimate"] == pytest.approx(0.1875 + 0.2475)
    # Exact permutation over per-document means a .15, b .3 | c -.5, d .005 (2 vs 2: 6 splits).
    # |mean(x) - mean(y)|: {ab|cd} |.225 - (-.2475)| = .4725; {ac|bd} |-.175 - .1525| = .3275;
    # {ad|bc} |.0775 - (-.1)| = .1775; the 3 mirrored splits give the same values.
    # Observed .4725 is reached by 2 of 6 -> p = 1/3, and 1/3 is also the design's floor.
    assert diff["p_value"] == pytest.approx(1 / 3)
    assert diff["min_p"] == pytest.approx(1 / 3)
    assert "2 groups" in r.caveat and "significant" not in r.caveat.lower()


def test_group_sentiment_document_weight_by_hand():
    r = sentiment.group_sentiment(toy(), weight="document", n_boot=100)
    s = r.summary.set_index(["event", "measure"])
    # mean of document means: x = (0.15 + 0.3) / 2, y = (-0.5 + 0.005) / 2
    assert s.loc[("x", "mean_compound"), "estimate"] == pytest.approx(0.225)
    assert s.loc[("y", "mean_compound"), "estimate"] == pytest.approx(-0.2475)


def test_bootstrap_reproducible_with_seed_and_different_with_another():
    a = sentiment.group_sentiment(toy(), n_boot=300, random_state=7)
    b = sentiment.group_sentiment(toy(), n_boot=300, random_state=7)
    c = sentiment.group_sentiment(toy(), n_boot=300, random_state=8)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    pd.testing.assert_frame_equal(a.differences, b.differences)
    cols = ["ci_low", "ci_high"]
    assert not np.allclose(a.summary[cols].to_numpy(), c.summary[cols].to_numpy())
    pd.testing.assert_series_equal(a.summary["estimate"], c.summary["estimate"])


def five_docs_three_groups():
    # one sentence per document: a = {0.9, 0.7}, b = {0.1, -0.1}, c = {-0.5}
    return pd.DataFrame({"doc_id": ["a1", "a2", "b1", "b2", "c1"],
                         "event": ["a", "a", "b", "b", "c"],
                         "compound": [0.9, 0.7, 0.1, -0.1, -0.5]})


def test_three_groups_each_against_the_rest_by_hand():
    with pytest.warns(DesignWarning, match="group 'c'"):
        r = sentiment.group_sentiment(five_docs_three_groups(), n_boot=200)
    d = r.differences[r.differences["measure"] == "mean_compound"].set_index("group_a")
    assert set(d["group_b"]) == {"rest"}
    # a vs rest: 0.8 - (0.1 - 0.1 - 0.5) / 3
    assert d.loc["a", "estimate"] == pytest.approx(0.8 + 0.5 / 3)
    # Exact test, a (2) vs rest (3): C(5, 2) = 10 splits, total 1.1; a pair summing to S
    # gives |S/2 - (1.1 - S)/3| = |5S - 2.2| / 6, largest for S = 1.6 (0.967, the observed
    # split) and next S = -0.6 (0.867): only the observed split reaches it -> p = 1/10.
    assert d.loc["a", "p_value"] == pytest.approx(0.1) and d.loc["a", "min_p"] == pytest.approx(0.1)
    # b vs rest: S = 0 gives 0.367; splits reaching it: S = 1.6, 1.0, 0, -0.4, -0.6 -> 5/10
    assert d.loc["b", "p_value"] == pytest.approx(0.5)
    # c (1) vs rest (4): 5 splits, |x - (1.1 - x)/4| = |5x - 1.1| / 4; x = -0.5 gives 0.9,
    # x = 0.9 gives 0.85, the rest less -> p = 1/5, floor 1/5
    assert d.loc["c", "p_value"] == pytest.approx(0.2) and d.loc["c", "min_p"] == pytest.approx(0.2)
    assert not d["sampled"].any()
    assert d.loc["c", "test"].startswith("exact permutation test (all 5 relabellings")


def test_chosen_pair_of_three_groups_by_hand():
    with pytest.warns(DesignWarning, match="group 'c'"):
        r = sentiment.group_sentiment(five_docs_three_groups(), groups=("a", "c"), n_boot=200)
    d = r.differences.set_index("measure").loc["mean_compound"]
    assert d["contrast"] == "a - c" and d["estimate"] == pytest.approx(0.8 + 0.5)
    # only a and c are permuted: 3 splits of {0.9, 0.7 | -0.5}; the single value alone:
    # -0.5 -> |(-0.5) - 0.8| = 1.3 (observed), 0.7 -> |0.7 - 0.2| = 0.5, 0.9 -> 0.8 -> p = 1/3
    assert d["p_value"] == pytest.approx(1 / 3) and d["min_p"] == pytest.approx(1 / 3)
    assert (d["n_docs_a"], d["n_docs_b"]) == (2, 1)


def test_group_sentiment_at_600_vs_600_is_a_sampled_test_and_says_so():
    rng = np.random.default_rng(0)
    n = 1200
    s = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "event": ["x", "y"] * (n // 2),
                      "compound": rng.uniform(-1, 1, n)})
    r = sentiment.group_sentiment(s, n_boot=100)
    d = r.differences
    assert d["sampled"].all() and (d["n_permutations"] == 9_999).all()
    assert np.allclose(d["min_p"], 1 / 10_000)  # 1 / (B + 1)
    assert d["test"].str.startswith("sampled permutation test (9,999 random relabellings").all()
    assert not d["test"].str.contains("exact|every", regex=True).any()
    assert "sampled" in r.caveat and "exact" not in r.caveat and "rough" not in r.caveat


def test_group_sentiment_with_183_groups_runs_every_group_against_the_rest():
    rng = np.random.default_rng(1)
    sizes = [2 + i % 5 for i in range(183)]
    groups = np.repeat([f"s{i:03d}" for i in range(183)], sizes)
    s = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(groups))], "event": groups,
                      "compound": rng.uniform(-1, 1, len(groups))})
    r = sentiment.group_sentiment(s, n_boot=50)
    d = r.differences[r.differences["measure"] == "mean_compound"]
    assert len(d) == 183 and d["sampled"].all() and d["p_value"].between(1 / 10_000, 1).all()
    assert "sampled" in r.caveat and "1/(B+1) = 0.0001" in r.caveat


def test_actor_interval_does_not_depend_on_which_other_actors_are_computed():
    # the same actor x group cell, computed among all actors or alone, in either order
    s = toy().assign(actors=[("Putin",), ("Putin", "Xi"), (), ("Xi",), ("Putin",), ("Xi",),
                             ("Xi",), ("Putin",)])
    every = sentiment.actor_sentiment(s, n_boot=300, random_state=4).set_index(["actor", "event"])
    alone = sentiment.actor_sentiment(s, actors=["Xi"], n_boot=300, random_state=4)
    top_one = sentiment.actor_sentiment(s, top=1, n_boot=300, random_state=4)
    xi = alone.set_index(["actor", "event"])
    for ev in ("x", "y"):
        assert xi.loc[("Xi", ev), "ci_low"] == every.loc[("Xi", ev), "ci_low"]
        assert xi.loc[("Xi", ev), "ci_high"] == every.loc[("Xi", ev), "ci_high"]
    top = top_one.set_index(["actor", "event"])
    actor = top.index[0][0]
    pd.testing.assert_series_equal(top.loc[actor, "ci_low"], every.loc[actor, "ci_low"])


def test_group_sentiment_needs_two_groups():
    with pytest.raises(CorpusError, match="only one group"):
        sentiment.group_sentiment(toy().assign(event="x"), n_boot=10)


def test_actor_sentiment_by_hand():
    s = toy().assign(actors=[("Putin",), ("Putin", "Xi"), (), ("Xi",), ("Putin",), (), (), ()])
    t = sentiment.actor_sentiment(s, n_boot=100).set_index(["actor", "event"])
    # Putin in x: sentences 0.5 and -0.1 (doc a) -> 0.2, one document -> flagged
    assert t.loc[("Putin", "x"), "estimate"] == pytest.approx(0.2)
    assert t.loc[("Putin", "x"), "n_sentences"] == 2
    assert t.loc[("Putin", "x"), "n_docs"] == 1 and t.loc[("Putin", "x"), "few_docs"]
    # Xi in x: -0.1 (doc a) and 0.3 (doc b) -> 0.1, two documents -> not flagged
    assert t.loc[("Xi", "x"), "estimate"] == pytest.approx(0.1)
    assert t.loc[("Xi", "x"), "n_docs"] == 2 and not t.loc[("Xi", "x"), "few_docs"]
    assert t.loc[("Putin", "y"), "estimate"] == pytest.approx(-0.4)
    assert ("Xi", "y") not in t.index


def test_voice_sentiment_by_hand():
    s = toy().assign(
        voice=["quoted", "reporter", "reporter", "quoted", "reporter", "reporter", "quoted",
               "reporter"],
        speaker=["Putin", None, None, "Xi", None, None, "Putin", None],
    )
    v = sentiment.voice_sentiment(s, n_boot=100)
    t = v.voices.set_index(["voice", "event"])
    assert t.loc[("quoted", "x"), "estimate"] == pytest.approx((0.5 + 0.3) / 2)
    assert t.loc[("reporter", "x"), "estimate"] == pytest.approx((-0.1 + 0.05) / 2)
    assert t.loc[("reporter", "y"), "estimate"] == pytest.approx((-0.4 - 0.6 - 0.05) / 3)
    gap = v.reporter_minus_quoted.set_index("event")["difference"]
    assert gap["x"] == pytest.approx(-0.025 - 0.4)
    sp_ = v.speakers.set_index(["speaker", "event"])
    assert sp_.loc[("Putin", "x"), "estimate"] == pytest.approx(0.5)
    assert sp_.loc[("Putin", "y"), "estimate"] == pytest.approx(0.06)
    # top_speakers=1 keeps the most quoted speaker only (Putin: 2 quoted sentences, Xi: 1)
    one = sentiment.voice_sentiment(s, top_speakers=1, n_boot=50)
    assert set(one.speakers["speaker"]) == {"Putin"}


def test_position_sentiment_by_hand():
    s = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 2, "event": ["x"] * 7,
                      "position": [0, 0.25, 0.5, 0.75, 1, 0, 1],
                      "compound": [0.4, 0.2, 0.0, -0.2, -0.4, 0.6, 0.0]})
    t = sentiment.position_sentiment(s, bins=2, n_boot=50).set_index("bin")
    # bin 0 = [0, 0.5): 0.4, 0.2, 0.6; bin 1 = [0.5, 1]: 0.0, -0.2, -0.4, 0.0
    assert t.loc[0, "estimate"] == pytest.approx(0.4)
    assert t.loc[1, "estimate"] == pytest.approx(-0.15)
    assert t["n_sentences"].tolist() == [3, 4]


# --------------------------------------------------------------------------- lexicon


def lexicon_file():
    import vaderSentiment

    path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            word, value = line.split("\t")[:2]
            out[word] = float(value)
    return out


def test_valences_are_the_lexicon_files_values():
    raw = lexicon_file()
    v = lexicons.vader_valences()
    assert v["war"] == raw["war"] == -2.9
    assert v["crisis"] == raw["crisis"]
    assert len(v) == sum(1 for w in raw if w == w.lower() and " " not in w)


def test_vader_tokens_match_vaders_own():
    from vaderSentiment.vaderSentiment import SentiText

    for s in ALL_CASES:
        assert lexicons.vader_tokens(s) == [w.lower() for w in SentiText(s).words_and_emoticons]


def test_lexicon_contributions_by_hand():
    s = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
                      "text": ["War, war and peace.", "Not good!", "A crisis of peace."]})
    c = lexicons.lexicon_contributions(s, topic_words=["war", "crisis"])
    x = c[c["event"] == "x"].set_index("word")
    # x tokens: War, war, and, peace., Not, good! = 6; war 2 x -2.9 = -5.8; "not" has no valence
    assert x.loc["war", "count"] == 2 and x.loc["war", "contribution"] == pytest.approx(-5.8)
    assert x.loc["war", "n_tokens"] == 6
    assert x.loc["war", "rate_per_10k"] == pytest.approx(2 / 6 * 10_000)
    assert x.loc["war", "n_docs"] == 1
    # good is counted at its raw valence (+1.9) although VADER negates it ("Not good!")
    assert x.loc["good", "contribution"] == pytest.approx(1.9)
    # positive shares: peace 2.5 / (2.5 + 1.9), good 1.9 / 4.4
    assert x.loc["peace", "share"] == pytest.approx(2.5 / 4.4, abs=5e-4)
    assert x.loc["war", "topic_word"] and not x.loc["peace", "topic_word"]
    assert set(c.loc[c["event"] == "y", "word"]) == {"crisis", "peace"}


def test_topic_word_share_by_hand():
    s = pd.DataFrame({"event": ["x", "y"],
                      "text": ["war and an ugly crisis but peace", "ugly, ugly"]})
    t = lexicons.topic_word_share(lexicons.lexicon_contributions(s)).set_index("event")
    # x negative: war -2.9, crisis -3.1 (topic), ugly -2.3 (not) -> 6.0 / 8.3 from topic words
    assert t.loc["x", "negative_valence"] == pytest.approx(-8.3)
    assert t.loc["x", "share_negative_topic"] == pytest.approx(6.0 / 8.3)
    assert t.loc["x", "share_positive_topic"] == pytest.approx(1.0)  # peace is a topic word
    assert t.loc["y", "share_negative_topic"] == 0.0
    assert math.copysign(1.0, t.loc["y", "share_negative_topic"]) == 1.0  # not -0.0 ("-0%")
    assert math.isnan(t.loc["y", "share_positive_topic"])  # y has no positive word at all


def test_difference_drivers_by_hand():
    s = pd.DataFrame({"event": ["x", "y"], "text": ["peace peace war a", "war war b c d"]})
    d = lexicons.difference_drivers(lexicons.lexicon_contributions(s), n=5).set_index("word")
    # x: 4 tokens, y: 5 tokens. war: (1/4 - 2/5) * 1e4 * -2.9 = (-1500) * -2.9 = +4350
    assert d.loc["war", "driver"] == pytest.approx((1 / 4 - 2 / 5) * 1e4 * -2.9)
    assert d.loc["war", "direction"] == "raises x"
    # peace: (2/4 - 0) * 1e4 * 2.5 = 12500
    assert d.loc["peace", "driver"] == pytest.approx(12500)


def test_difference_drivers_three_groups_each_vs_rest():
    s = pd.DataFrame({"event": ["x", "y", "z"], "text": ["war a", "peace b", "good c"]})
    d = lexicons.difference_drivers(lexicons.lexicon_contributions(s), n=3)
    assert set(d["contrast"]) == {"x - rest", "y - rest", "z - rest"}
    w = d[(d["contrast"] == "x - rest") & (d["word"] == "war")].iloc[0]
    # war: x 1/2 tokens, rest 0/4 tokens -> (0.5 - 0) * 1e4 * -2.9
    assert w["driver"] == pytest.approx(-14500)


def test_approximation_is_exact_without_rules_and_not_with_them():
    # no rules at play: raw sum -2.9 - 3.1 = -6 -> -6 / sqrt(51)
    approx = lexicons.approximate_compound(["The war is a crisis.", "It is not good."])
    assert approx[0] == pytest.approx(-6 / math.sqrt(51))
    assert round(approx[0], 4) == reference(["The war is a crisis."])[0]["compound"]
    # negation: the approximation keeps +1.9, VADER flips it (1.9 * -0.74)
    assert approx[1] == pytest.approx(1.9 / math.sqrt(1.9**2 + 15))
    assert reference(["It is not good."])[0]["compound"] == round(
        -1.406 / math.sqrt(1.406**2 + 15), 4)


def test_rescore_without_by_hand():
    # without "war" only crisis (-3.1) remains: -3.1 / sqrt(9.61 + 15)
    r = lexicons.rescore_without(["The war is a crisis."], ["war"])
    assert r.loc[0, "compound"] == round(-3.1 / math.sqrt(3.1**2 + 15), 4)
    # the module's shared analyzer is untouched
    assert sentiment.vader_analyzer().lexicon["war"] == -2.9


def test_topic_word_file_is_editable_plain_text(tmp_path):
    f = tmp_path / "words.txt"
    f.write_text("# comment\nWar\n\ncrisis  # inline\n", encoding="utf-8")
    assert lexicons.load_topic_words(f) == frozenset({"war", "crisis"})
    with pytest.raises(CorpusError, match="not found"):
        lexicons.load_topic_words(tmp_path / "missing.txt")


# --------------------------------------------------------------------------- second opinion


def test_pattern_scores_equal_textblob_reference():
    from textblob.en.sentiments import PatternAnalyzer

    pa = PatternAnalyzer()
    got = lexicons.pattern_scores(ALL_CASES)
    for i, s in enumerate(ALL_CASES):
        ref = pa.analyze(s)
        assert got.loc[i, "polarity"] == ref.polarity
        assert got.loc[i, "subjectivity"] == ref.subjectivity


def test_pattern_and_vader_need_no_nltk_data(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise LookupError("NLTK data is not available in this test")

    monkeypatch.setattr(nltk.data, "find", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)
    assert lexicons.pattern_scores(["A good and warm meeting."]).loc[0, "polarity"] > 0
    assert sentiment.score_sentences(["A good and warm meeting."]).loc[0, "compound"] > 0


def test_compare_methods_by_hand_and_against_scipy():
    s = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"], "event": ["x", "x", "x", "y", "y"],
                      "text": ["-"] * 5,
                      "compound": [0.1, 0.5, -0.2, 0.3, 0.0],
                      "pattern_polarity": [0.0, 0.4, -0.1, 0.5, 0.2]})
    m = lexicons.compare_methods(s)
    # ranks vader [3, 5, 1, 4, 2], pattern [2, 4, 1, 5, 3]; d = [1, 1, 0, -1, -1], sum d^2 = 4
    # rho = 1 - 6 * 4 / (5 * (25 - 1)) = 0.8
    assert m.spearman_sentences == pytest.approx(0.8)
    assert m.spearman_sentences == pytest.approx(
        sps.spearmanr(s["compound"], s["pattern_polarity"]).statistic)
    assert m.n_sentences == 5
    # categories: vader pos pos neg pos neu; pattern neu pos neg pos pos -> 3 of 5 agree
    assert m.category_agreement == pytest.approx(0.6)
    g = m.by_group.set_index("event")
    assert g.loc["x", "vader_mean"] == pytest.approx(0.4 / 3)
    assert g.loc["y", "pattern_mean"] == pytest.approx(0.35)
    d = m.direction.iloc[0]
    # vader x - y = 0.1333 - 0.15 < 0; pattern 0.1 - 0.35 < 0: same direction
    assert d["vader"] == pytest.approx(0.4 / 3 - 0.15)
    assert d["pattern"] == pytest.approx(0.1 - 0.35)
    assert bool(d["same_direction"])
    flipped = lexicons.compare_methods(s.assign(pattern_polarity=[0.5, 0.4, 0.3, -0.5, 0.0]))
    assert not bool(flipped.direction.iloc[0]["same_direction"])


# --------------------------------------------------------------------------- figures


def test_distribution_figure_draws_every_sentence_and_document(tmp_path):
    from analysis.plots import common as plots
    from analysis.plots import sentiment as sentiment_plots

    s = toy()
    r = sentiment.group_sentiment(s, n_boot=50)
    fig = sentiment_plots.plot_sentence_distribution(s, summary=r.summary)
    ax = fig.axes[0]
    points = sum(len(c.get_offsets()) for c in ax.collections
                 if hasattr(c, "get_offsets") and c.get_offsets().ndim == 2
                 and c.get_offsets().shape[1] == 2 and type(c).__name__ == "PathCollection")
    assert points == len(s) + s["doc_id"].nunique()  # 8 sentence dots + 4 document diamonds
    assert "n = 2" in ax.get_title()
    paths = plots.save_figure(fig, "sentiment_test", table=r.documents, figures_dir=tmp_path)
    assert pd.read_csv(paths["csv"])["doc_id"].tolist() == ["a", "b", "c", "d"]


# --------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_scale_sentences_of_many_news_length_documents(seed_corpus):
    """Score every sentence of N news-length documents (the seeds repeated; default N = 1,000).

    README figure: ``SENTIMENT_SCALE_DOCS=10000 .venv/bin/python -m pytest
    tests/test_sentiment.py -k scale -s``. The bound is the issue's: ten minutes for 10,000
    documents on two cores, extrapolated linearly from N.
    """
    import os
    import resource
    import time

    from analysis.text import segment

    def cpu():
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    n_docs = int(os.environ.get("SENTIMENT_SCALE_DOCS", "1000"))
    reps = -(-n_docs // len(seed_corpus))
    big = pd.concat([seed_corpus.assign(doc_id=seed_corpus["doc_id"].astype(str) + f"_{i:05d}")
                     for i in range(reps)], ignore_index=True).iloc[:n_docs]
    words = big["text"].str.split().str.len().mean()
    texts = segment.sentences(big)["text"]
    wall, c0 = time.perf_counter(), cpu()
    scores = sentiment.score_sentences(texts, ascii_quotes=True)  # n_jobs=None: all cores
    t_score, cpu_score = time.perf_counter() - wall, cpu() - c0
    wall, c0 = time.perf_counter(), cpu()
    full = sentiment.sentence_sentiment(big)
    t_full, cpu_full = time.perf_counter() - wall, cpu() - c0
    print(f"\n{n_docs} documents ({words:.0f} words on average), {len(texts)} sentences, "
          f"load {os.getloadavg()[0]:.1f}: score_sentences {t_score:.1f} s wall / "
          f"{cpu_score:.1f} s CPU; sentence_sentiment end to end {t_full:.1f} s wall / "
          f"{cpu_full:.1f} s CPU")
    assert len(scores) == len(texts) == len(full)
    # parallel chunks come back in order: every copy of a seed sentence has the same score,
    # and the parallel scores equal those of sentence_sentiment row for row
    copies = full.groupby([full["doc_id"].str.split("_").str[0], "sentence"])["compound"]
    assert (copies.nunique() == 1).all()
    assert scores["compound"].tolist() == full["compound"].tolist()
    assert t_full * 10_000 / n_docs < 600


def test_a_group_column_named_like_a_sentence_column_gets_a_clear_error():
    # A speeches table grouped by "speaker" would collide with the quote speaker column.
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "speaker": ["Ann", "Bo"],
                           "text": ["We met. It went well.", "They left."]})
    with pytest.raises(CorpusError, match=r"group column 'speaker' has the name of a column"):
        sentiment.sentence_sentiment(corpus, group="speaker")
    renamed = corpus.rename(columns={"speaker": "speaker_name"})
    out = sentiment.sentence_sentiment(renamed, group="speaker_name")
    assert out["speaker_name"].tolist() == ["Ann", "Ann", "Bo"]


RULE_CASES = [
    "It was kind of good.", "It was never so good.", "It was never this bad.",
    "Without doubt a good deal.", "At least it was good.", "The least good plan.",
    "No good came of it.", "No, or nor good.", "It was not bad but the end was great.",
    "A GREAT deal for all of them.", "It was very GOOD news.", "That is 😀 good 🙂 news.",
    "It was sort of bad.", "The plan did not cut the mustard.", "He didn’t like it, didn't he?",
    "The talks were the shit!!", "It is hardly a good sign, is it???", "",
]


@pytest.mark.parametrize("text", RULE_CASES)
def test_the_process_analyzer_scores_every_rule_as_the_reference(text):
    # vader_analyzer() restates the reference without its repeated work: same numbers,
    # checked on sentences that trigger each of its rules (idioms, negation, "but", "least",
    # capitals, emojis, punctuation) against a fresh reference analyzer
    assert sentiment.vader_analyzer().polarity_scores(text) == reference([text])[0]
    assert isinstance(sentiment.vader_analyzer(), SentimentIntensityAnalyzer)
