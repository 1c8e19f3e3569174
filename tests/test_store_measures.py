"""Measures computed from a prepared store equal the same measures computed from the corpus.

Every expected value comes from the corpus-path function (``mention_rates(corpus, ...)``,
``fit_topics(corpus, ...)``, ``compare_groups(corpus, ...)`` ...), each tested against hand
counts and reference libraries in its own test file; the store path reads the stored stages
instead of the text, so equality is the whole claim. Checked on the five seeds and on a
synthetic corpus (seed paragraphs resampled, with syndicated copy and a document without a
group), each also prepared with ``dedupe=True``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.corpus.synthetic import synthetic_corpus
from analysis.measures.sentiment import sentence_sentiment
from analysis.measures.structure import mention_rates, mention_rates_from_store
from analysis.stages import stage_table
from analysis.store import StoreSettings, prepare
from analysis.text.actors import mentions, mentions_from_store
from analysis.text.passages import deduplicated
from analysis.text.quotes import quoted_speech, quotes, speaker_counts
from analysis.text.segment import sentences, structure_summary


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory):
    return prepare(None, store=tmp_path_factory.mktemp("seeds") / "store")


@pytest.fixture(scope="module")
def seed_dedupe_store(tmp_path_factory):
    return prepare(None, store=tmp_path_factory.mktemp("seeds_d") / "store",
                   settings=StoreSettings(dedupe=True))


@pytest.fixture(scope="module")
def synth():
    corpus = synthetic_corpus(24, n_groups=3, words_per_doc=250, syndicated=0.3,
                              wire_stories=3, random_state=3)
    corpus["outlet"] = pd.array(np.where(np.arange(len(corpus)) % 2 == 0, "P", "Q"), dtype="string")
    corpus.loc[5, "outlet"] = pd.NA  # a document without an outlet
    return corpus


@pytest.fixture(scope="module")
def synth_store(synth, tmp_path_factory):
    return prepare(synth, store=tmp_path_factory.mktemp("synth") / "store",
                   settings=StoreSettings(group="group"))


# --------------------------------------------------------------------------- structure


def test_mentions_from_store_equal_mentions(seed_store, seed_corpus, synth_store, synth):
    pd.testing.assert_frame_equal(mentions_from_store(seed_store), mentions(seed_corpus))
    pd.testing.assert_frame_equal(mentions_from_store(synth_store, per=100),
                                  mentions(synth, group="group", per=100))
    pd.testing.assert_frame_equal(mentions_from_store(synth_store, group="outlet"),
                                  mentions(synth, group="outlet"))


@pytest.mark.parametrize(("which", "options"), [
    ("seeds", {"top": 10, "random_state": 4}), ("seeds", {"top": 2}), ("seeds", {"top": None}),
    ("synth", {"top": 5}), ("synth", {"top": 5, "group": "outlet", "per": 100}),
])
def test_mention_rates_from_store_equal_mention_rates(request, which, options):
    store = request.getfixturevalue("seed_store" if which == "seeds" else "synth_store")
    corpus = request.getfixturevalue("seed_corpus" if which == "seeds" else "synth")
    got = mention_rates_from_store(store, n_boot=100, **options)
    want = mention_rates(corpus, n_boot=100, **{"group": store.group, **options})
    assert len(want[0]) > 0
    for a, b in zip(got, want, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_structure_quotes_and_speakers_from_the_stored_stages(seed_store, seed_corpus):
    sents = sentences(seed_corpus)
    docs = seed_store.documents
    pd.testing.assert_frame_equal(
        structure_summary(docs, sents=seed_store.sentences),
        structure_summary(seed_corpus, sents=sents))
    for a, b in zip(quoted_speech(seed_store.sentences, n_boot=200),
                    quoted_speech(sents, n_boot=200), strict=True):
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(speaker_counts(seed_store.quotes),
                                  speaker_counts(quotes(seed_corpus)))


def test_stage_table_regroups_by_another_document_column(synth_store, synth):
    got = stage_table(synth_store, "sentences", group="outlet")
    want = sentence_sentiment(synth.drop(columns=["group"]), group="outlet")
    pd.testing.assert_frame_equal(got, want)
    assert stage_table(synth_store, "quotes") is synth_store.quotes
    with pytest.raises(ValueError, match="'sentences', 'quotes' or 'mentions'"):
        stage_table(synth_store, "documents")


# --------------------------------------------------------------------------- topics


def assert_same_model(got, want):
    """Every fitted attribute (``*_``) and every table the model derives are equal."""
    fitted = sorted(k for k in vars(want) if k.endswith("_") and not k.startswith("_"))
    assert fitted == sorted(k for k in vars(got) if k.endswith("_") and not k.startswith("_"))
    assert {"units_", "vocabulary_", "topics_", "terms_", "documents_"} <= set(fitted)
    for name in fitted:
        a, b = getattr(got, name), getattr(want, name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, obj=name)
        elif isinstance(b, pd.Series):
            pd.testing.assert_series_equal(a, b, obj=name)
        elif isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=name)
        elif hasattr(b, "components_"):  # the fitted scikit-learn estimator
            assert repr(a) == repr(b), name
            np.testing.assert_array_equal(a.components_, b.components_, err_msg=name)
        elif hasattr(b, "vocabulary"):  # the vectorizer of the vocabulary
            assert list(a.vocabulary) == list(b.vocabulary), name
        else:
            assert a == b, name
    group = want.group
    pd.testing.assert_frame_equal(got.doc_topics(group), want.doc_topics(group))
    pd.testing.assert_frame_equal(got.prevalence(group, n_boot=100),
                                  want.prevalence(group, n_boot=100))
    assert got.fitting_note() == want.fitting_note()
    assert got.dedupe == want.dedupe


def test_fit_topics_from_store_equals_fit_topics_on_the_seeds(seed_store, seed_corpus):
    from analysis.measures.topics import fit_topics, fit_topics_from_store

    want = fit_topics(seed_corpus, random_state=2)
    assert want.selection_ is not None  # k chosen: every candidate compared too
    assert_same_model(fit_topics_from_store(seed_store, random_state=2), want)
    # the sentences given: same model, text not split again
    assert_same_model(fit_topics(seed_corpus, sents=sentences(seed_corpus), random_state=2),
                      want)


def test_fit_topics_from_a_deduplicated_store(seed_dedupe_store, seed_corpus):
    from analysis.measures.topics import fit_topics, fit_topics_from_store

    want = fit_topics(seed_corpus, dedupe=True, k=3, n_seeds=3)
    got = fit_topics_from_store(seed_dedupe_store, k=3, n_seeds=3)
    assert got.dedupe is True
    assert_same_model(got, want)
    with pytest.raises(TypeError, match="dedupe= is the store's"):
        fit_topics_from_store(seed_dedupe_store, dedupe=False)
    with pytest.raises(Exception, match="cannot be deduplicated here"):
        fit_topics(seed_corpus, dedupe=True, sents=sentences(seed_corpus))


@pytest.mark.filterwarnings(r"ignore:1 document\(s\) have no value:UserWarning")
@pytest.mark.parametrize("unit", ["paragraph", "window"])
def test_fit_topics_from_store_on_a_synthetic_corpus(synth_store, synth, unit):
    from analysis.measures.topics import fit_topics, fit_topics_from_store

    for group in ("group", "outlet"):
        want = fit_topics(synth, group=group, k=4, n_seeds=3, unit=unit, sample_size=40)
        assert want.units_["in_sample"].sum() < want.units_["used"].sum()  # sampled
        got = fit_topics_from_store(synth_store, group=group, k=4, n_seeds=3, unit=unit,
                                    sample_size=40)
        assert_same_model(got, want)


# --------------------------------------------------------------------------- comparison


def reference_comparison(corpus, *, group, k, n_seeds, n_boot, dedupe=False):
    """What compare_groups assembled before it shared its stages, from the public functions.

    (sentence_sentiment, fit_topics and one keyness per group, each on the corpus; the
    speakers from quotes(); with dedupe every step deduplicates the corpus itself.)
    """
    from analysis.measures.keyness import keyness
    from analysis.measures.sentiment import actor_sentiment, group_sentiment, voice_sentiment
    from analysis.measures.stats import caveat, group_sizes, resolve_resampling
    from analysis.measures.topics import fit_topics

    opts = resolve_resampling(None, n_boot=n_boot, random_state=None)
    data = corpus.dropna(subset=[group])
    sizes = group_sizes(data, group=group)
    scored = sentence_sentiment(data, group=group, dedupe=dedupe)
    model = fit_topics(data, group=group, k=k, n_seeds=n_seeds, dedupe=dedupe,
                       random_state=opts.random_state)
    frames = []
    for name in sorted(data[group].astype(str).unique()):
        table = keyness(data, group=group, target=name, dedupe=dedupe)
        mine = table[table["direction"] == name].sort_values("score", ascending=False,
                                                             kind="stable")
        frames.append(mine.head(10).assign(group=name))
    distinctive = pd.concat(frames, ignore_index=True)[
        ["group", "term", "count_target", "count_reference", "rate_target", "rate_reference",
         "n_docs_target", "n_docs_group_target", "single_doc", "score", "q_value"]]
    quoted = quotes(deduplicated(data, group=group) if dedupe else data, group=group)
    speakers = speaker_counts(quoted, group=group).groupby(group).head(8).reset_index(drop=True)
    boot = dict(n_boot=opts.n_boot, level=opts.level, random_state=opts.random_state)
    return dict(
        sizes=sizes, caveat=caveat(sizes, resampling=opts), distinctive=distinctive,
        sentiment=group_sentiment(scored, group=group, resampling=opts),
        actors=actor_sentiment(scored, group=group, resampling=opts),
        voices=voice_sentiment(scored, group=group, resampling=opts),
        speakers=speakers, topics=model, prevalence=model.prevalence(group, **boot),
        topic_differences=model.prevalence_difference(group, **boot),
    )


def assert_same_comparison(got, want):
    pd.testing.assert_series_equal(got.sizes, want["sizes"])
    assert got.caveat == want["caveat"]
    for name in ("distinctive", "actors", "speakers", "prevalence"):
        pd.testing.assert_frame_equal(getattr(got, name), want[name], obj=name)
    for name in ("summary", "documents", "differences"):
        pd.testing.assert_frame_equal(getattr(got.sentiment, name),
                                      getattr(want["sentiment"], name), obj=name)
    assert got.sentiment.caveat == want["sentiment"].caveat
    for name in ("voices", "speakers", "reporter_minus_quoted", "documents"):
        pd.testing.assert_frame_equal(getattr(got.voices, name), getattr(want["voices"], name),
                                      obj=f"voices.{name}")
    assert_same_model(got.topics, want["topics"])
    topic_rows = got.differences[got.differences["kind"] == "topic"]
    np.testing.assert_array_equal(topic_rows["estimate"].to_numpy(),
                                  want["topic_differences"]["estimate"].to_numpy())
    sent_rows = got.differences[got.differences["kind"] == "sentiment"]
    np.testing.assert_array_equal(sent_rows["p_value"].to_numpy(),
                                  want["sentiment"].differences["p_value"].to_numpy())


def test_compare_groups_from_a_store_equals_compare_groups_on_the_seeds(seed_store,
                                                                        seed_corpus):
    from analysis.measures.comparison import compare_groups, compare_groups_from_store

    want = reference_comparison(seed_corpus, group="event", k=3, n_seeds=3, n_boot=200)
    from_corpus = compare_groups(seed_corpus, k=3, n_seeds=3, n_boot=200)
    assert_same_comparison(from_corpus, want)
    from_store = compare_groups(seed_store, k=3, n_seeds=3, n_boot=200)
    assert_same_comparison(from_store, want)
    pd.testing.assert_frame_equal(from_store.differences, from_corpus.differences)
    assert_same_comparison(compare_groups_from_store(seed_store, k=3, n_seeds=3, n_boot=200),
                           want)


def test_compare_groups_deduplicated(seed_dedupe_store, seed_store, seed_corpus):
    from analysis.measures.comparison import compare_groups

    want = reference_comparison(seed_corpus, group="event", k=3, n_seeds=3, n_boot=100,
                                dedupe=True)
    assert_same_comparison(compare_groups(seed_corpus, k=3, n_seeds=3, n_boot=100,
                                          dedupe=True), want)
    assert_same_comparison(compare_groups(seed_dedupe_store, k=3, n_seeds=3, n_boot=100),
                           want)
    with pytest.raises(Exception, match="prepared as published"):
        compare_groups(seed_store, dedupe=True)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_compare_groups_from_a_store_on_a_synthetic_corpus(synth_store, synth):
    from analysis.measures.comparison import compare_groups

    for group in ("group", "outlet"):
        want = reference_comparison(synth, group=group, k=3, n_seeds=2, n_boot=100)
        assert_same_comparison(compare_groups(synth, group=group, k=3, n_seeds=2, n_boot=100),
                               want)
        assert_same_comparison(compare_groups(synth_store, group=group, k=3, n_seeds=2,
                                              n_boot=100), want)


# --------------------------------------------------------------------------- sentiment


def test_ascii_quote_changes_equals_rescoring_every_sentence(seed_store, synth_store):
    from analysis.measures.sentiment import ascii_quote_changes, score_sentences

    for scored in (seed_store.sentences, synth_store.sentences):
        full = score_sentences(scored["text"], ascii_quotes=False)["compound"]
        want = int((full != scored["compound"]).sum())
        assert want > 0  # the seeds are typeset with curly quotes
        assert ascii_quote_changes(scored) == want


def test_ascii_quote_changes_by_hand():
    from analysis.measures.sentiment import ascii_quote_changes

    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": [
        # curly quotes around a neutral word: the score cannot change
        "The ship was called \u201cAurora\u201d. "
        # "good" touches the curly quote: VADER misses it as printed
        "He said it was \u201cgood\u201d. "
        # no typographic character at all
        "Plain text here."]})
    scored = sentence_sentiment(corpus)
    assert ascii_quote_changes(scored) == 1
    assert ascii_quote_changes(scored.iloc[[0, 2]]) == 0


# --------------------------------------------------------------------------- terms


def test_document_term_table_from_store_equals_document_term_table(
        seed_store, seed_dedupe_store, seed_corpus, synth_store, synth):
    from analysis.measures.keyness import keyness, top_distinctive
    from analysis.measures.terms import document_term_table, document_term_table_from_store

    for ngram_range in ((1, 1), (1, 2)):
        picked = list(dict.fromkeys(top_distinctive(
            keyness(seed_corpus, ngram_range=ngram_range), n=8)["term"]))
        assert any(" " in t for t in picked) or ngram_range == (1, 1)
        terms = [*picked, "no-such-term", "xi jinping"]
        pd.testing.assert_frame_equal(
            document_term_table_from_store(seed_store, terms, ngram_range=ngram_range),
            document_term_table(seed_corpus, terms, ngram_range=ngram_range))
        pd.testing.assert_frame_equal(
            document_term_table_from_store(seed_dedupe_store, terms, ngram_range=ngram_range),
            document_term_table(seed_corpus, terms, ngram_range=ngram_range, dedupe=True))
    terms = ["putin", "xi", "trade", "sanctions"]
    pd.testing.assert_frame_equal(document_term_table_from_store(synth_store, terms,
                                                                 group="outlet"),
                                  document_term_table(synth, terms, group="outlet"))
