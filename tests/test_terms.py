"""Term counts: document-term matrix and term frequencies against naive counting."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis import document_term_matrix, keyness, term_frequencies
from analysis.errors import CorpusError, CorpusWarning
from analysis.measures.terms import indicator_matrix
from analysis.text.vocab import make_analyzer, tokenize


@pytest.fixture()
def toy():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "grp": ["x", "x", "y", "y"],
        "text": [
            "Western sanctions hurt. Western sanctions bite hard.",
            "Sanctions failed. Energy exports rose.",
            "Energy exports fell; pipelines idle.",
            "Pipelines idle. Western allies wait.",
        ],
    })


def naive(corpus, group, analyzer):
    counts, docs, tokens = {}, {}, Counter()
    for g, text in zip(corpus[group], corpus["text"], strict=True):
        terms = analyzer(text)
        counts.setdefault(g, Counter()).update(terms)
        docs.setdefault(g, Counter()).update(set(terms))
        tokens[g] += len(tokenize(text))
    return counts, docs, tokens


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
def test_term_frequencies_equal_a_naive_counter(toy, ngram_range):
    out = term_frequencies(toy, group="grp", ngram_range=ngram_range, min_count=1)
    counts, docs, tokens = naive(toy, "grp", make_analyzer(ngram_range=ngram_range))
    vocab = set().union(*counts.values())
    assert set(out["term"]) == vocab
    for row in out.itertuples(index=False):
        g = row.grp
        assert row.count == counts[g][row.term]
        assert row.n_docs == docs[g][row.term]
        assert row.n_docs_group == 2
        assert row.n_tokens == tokens[g]
        assert row.rate == pytest.approx(counts[g][row.term] / tokens[g] * 10_000)
    # every (group, term) pair present, zeros included, so groups line up
    assert len(out) == 2 * len(vocab)


def test_literal_counts(toy):
    out = term_frequencies(toy, group="grp", ngram_range=(1, 2), min_count=1)
    got = out.set_index(["grp", "term"])
    # written out from the texts above
    assert got.loc[("x", "sanctions"), "count"] == 3
    assert got.loc[("x", "sanctions"), "n_docs"] == 2
    assert got.loc[("x", "western sanctions"), "count"] == 2
    assert got.loc[("y", "western sanctions"), "count"] == 0
    assert got.loc[("y", "pipelines idle"), "count"] == 2
    # "fell; pipelines" is broken by the semicolon: no bigram across punctuation
    assert ("y", "fell pipelines") not in got.index


def test_sorting_and_min_count(toy):
    out = term_frequencies(toy, group="grp", ngram_range=(1, 1), min_count=3)
    # pooled counts: western 3, sanctions 3; nothing else reaches 3
    assert set(out["term"]) == {"western", "sanctions"}
    x = out[out["grp"] == "x"]
    assert list(x["count"]) == sorted(x["count"], reverse=True)
    assert list(out["grp"]) == sorted(out["grp"])


def test_per_document_rows(toy):
    per_doc = term_frequencies(toy, group="grp", ngram_range=(1, 1), min_count=1,
                               per_document=True)
    assert (per_doc["count"] > 0).all()  # zeros omitted
    for doc_id, text in zip(toy["doc_id"], toy["text"], strict=True):
        expected = Counter(tokenize(text))
        rows = per_doc[per_doc["doc_id"] == doc_id]
        assert dict(zip(rows["term"], rows["count"], strict=True)) == dict(expected)
        n = sum(expected.values())
        assert (rows["n_tokens"] == n).all()
        np.testing.assert_allclose(rows["rate"], rows["count"] / n * 10_000)
    # per-document counts add up to the group counts
    grouped = term_frequencies(toy, group="grp", ngram_range=(1, 1), min_count=1)
    summed = per_doc.groupby(["grp", "term"])["count"].sum()
    g = grouped[grouped["count"] > 0].set_index(["grp", "term"])["count"]
    pd.testing.assert_series_equal(summed.sort_index(), g.sort_index(), check_names=False,
                                   check_index_type=False)


def test_document_term_matrix(toy):
    matrix, terms, doc_ids = document_term_matrix(toy)
    assert list(doc_ids) == ["a", "b", "c", "d"]
    assert list(terms) == sorted(terms)
    assert matrix.format == "csr" and matrix.dtype == np.int64
    for i, text in enumerate(toy["text"]):
        expected = Counter(tokenize(text))
        row = matrix.getrow(i).toarray().ravel()
        assert {terms[j]: int(row[j]) for j in np.flatnonzero(row)} == dict(expected)
    m2, t2, _ = document_term_matrix(toy, min_count=3)
    assert set(t2) == {"western", "sanctions"}
    assert m2.sum() == 6


def test_indicator_matrix_sums_groups():
    ind = indicator_matrix(np.array([1, 0, 1, 2]), 3)
    dtm = np.array([[1, 0], [2, 5], [0, 1], [4, 4]])
    np.testing.assert_array_equal(ind @ dtm, [[2, 5], [1, 1], [4, 4]])


def test_missing_group_values_are_left_out_with_a_warning(toy):
    corpus = toy.assign(grp=pd.array(["x", None, "y", "y"], dtype="string"))
    with pytest.warns(CorpusWarning, match="b"):
        out = term_frequencies(corpus, group="grp", ngram_range=(1, 1), min_count=1)
    x = out[out["grp"] == "x"].set_index("term")
    assert x.at["sanctions", "count"] == 2  # only document a
    assert x["n_docs_group"].iloc[0] == 1


def test_bad_input(toy):
    with pytest.raises(CorpusError, match="'text'"):
        term_frequencies(toy.drop(columns="text"), group="grp")
    with pytest.raises(CorpusError, match="'event'"):
        term_frequencies(toy)  # default group column absent
    with pytest.raises(CorpusError, match="duplicates"):
        term_frequencies(toy.assign(doc_id=["a", "a", "c", "d"]), group="grp")
    with pytest.raises(CorpusError, match="no terms"):
        document_term_matrix(toy.assign(text=["the", "and", "", None]))
    with pytest.raises(ValueError, match="ngram_range"):
        document_term_matrix(toy, ngram_range=(2, 1))


def test_seed_variants_are_merged(seed_corpus):
    # "cease-fire", "cease fire" and "ceasefire" are one term; count them with a regex
    out = term_frequencies(seed_corpus, ngram_range=(1, 1), min_count=1).set_index(
        ["event", "term"])
    for event, texts in seed_corpus.groupby("event")["text"]:
        expected = sum(len(re.findall(r"\bcease[- ]?fire\b", t, flags=re.I)) for t in texts)
        assert out.loc[(event, "ceasefire"), "count"] == expected
    assert out.loc[("2023-moscow", "ceasefire"), "count"] > 0


# --------------------------------------------------------------------------- dedupe


SHARED = (
    "Zeppelin analysts said the zeppelin contract covered northern routes. "
    "Officials described lengthy negotiations over tariffs, pipelines and grain. "
    "Diplomats expected further meetings later this autumn in the capital. "
    "Observers noted that markets reacted calmly to the announcement overall."
)


def test_dedupe_counts_a_shared_passage_once():
    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "event": ["x", "x", "y", "y"],
        "text": [
            "Leaders met in the morning. Crowds gathered outside.\n\n" + SHARED,
            "A separate report opened differently. Reporters waited.\n\n" + SHARED
            + "\n\nThe closing paragraph was original writing.",
            "Ministers toured a factory. Workers listened politely.",
            "Farmers harvested wheat early. Prices dipped slightly.",
        ],
    })
    # "zeppelin" occurs only in the shared passage, twice per copy
    as_published = term_frequencies(corpus, ngram_range=(1, 1), min_count=1)
    once = term_frequencies(corpus, ngram_range=(1, 1), min_count=1, dedupe=True)
    pub = as_published.set_index(["event", "term"])
    ded = once.set_index(["event", "term"])
    assert pub.loc[("x", "zeppelin"), "count"] == 4
    assert ded.loc[("x", "zeppelin"), "count"] == 2  # drops by exactly the duplicated count
    assert ded.loc[("x", "zeppelin"), "n_docs"] == 1
    # words outside the shared passage are untouched
    for term in ("leaders", "reporters", "closing"):
        assert ded.loc[("x", term), "count"] == pub.loc[("x", term), "count"] == 1
    k_pub = keyness(corpus, min_count=1).set_index("term")
    k_ded = keyness(corpus, min_count=1, dedupe=True).set_index("term")
    assert k_pub.at["zeppelin", "count_target"] - k_ded.at["zeppelin", "count_target"] == 2


def test_dedupe_on_seeds_drops_exactly_the_later_copies(seed_corpus):
    from analysis.text.passages import shared_passages

    published = term_frequencies(seed_corpus, ngram_range=(1, 1), min_count=1)
    once = term_frequencies(seed_corpus, ngram_range=(1, 1), min_count=1, dedupe=True)
    drop = (published.set_index(["event", "term"])["count"]
            - once.set_index(["event", "term"])["count"].reindex(
                published.set_index(["event", "term"]).index, fill_value=0))
    # expected: the tokens of every later copy (occurrences not kept), counted once
    clusters = shared_passages(seed_corpus, group="event").clusters
    later = clusters[~clusters["kept"]]
    assert len(later) > 0  # 003/004 share AP copy
    expected = Counter()
    for event, text in zip(later["event"], later["text"], strict=True):
        for term in tokenize(text):
            expected[(event, term)] += 1
    assert {k: int(v) for k, v in drop.items() if v} == dict(expected)


def test_dedupe_with_another_group_column(toy):
    closing = " Shared closing sentence about grain tariffs, railway bridges and winter harbours."
    out = term_frequencies(toy.assign(text=toy["text"] + closing),
                           group="grp", ngram_range=(1, 1), min_count=1, dedupe=True)
    # the identical closing sentence (9 content words: copy) is kept in document a only
    x = out[out["grp"] == "x"].set_index("term")
    y = out[out["grp"] == "y"].set_index("term")
    assert x.at["shared", "count"] == 1 and y.at["shared", "count"] == 0
