"""Shared passages: clusters of copy, formulas apart, deduplication, a brute-force reference."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import CorpusError
from analysis.measures.sentiment import sentence_sentiment
from analysis.text.passages import (
    DEFAULT_THRESHOLD,
    MIN_CONTENT_WORDS,
    SharedPassages,
    _candidate_pairs,
    _shingle_matrix,
    deduplicated,
    passage_similarity,
    shared_passages,
)
from analysis.text.segment import sentences
from analysis.text.vocab import load_rules

# --------------------------------------------------------------------------- reference
# The definitions of the module docstring written out plainly (all pairs, Python sets,
# union-find), to check the vectorised implementation against.
STOP = load_rules().stop_words
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


def ref_words(text: str) -> list[str]:
    text = re.sub(r"[’‘ʼ′`´]", "'", text.lower())
    return _WORD.findall(re.sub(r"'s(?![^\W_])", "", text))


def ref_bigrams(words: list[str]) -> set:
    return set(zip(words, words[1:], strict=False)) if len(words) > 1 else {tuple(words)}


def ref_content(words: list[str]) -> set:
    return {w for w in words if w not in STOP and re.search(r"[^\W\d_]", w)}


def ref_jaccard(a: str, b: str) -> float:
    x, y = ref_bigrams(ref_words(a)), ref_bigrams(ref_words(b))
    return len(x & y) / len(x | y)


def brute_force(corpus: pd.DataFrame, *, threshold: float = DEFAULT_THRESHOLD,
                min_content: int = MIN_CONTENT_WORDS) -> tuple[set, set, set]:
    """(copy, formulas, quotations) as sets of frozensets of (doc_id, sentence)."""
    s = sentences(corpus, group=None)
    s = s.assign(_d=s["doc_id"].astype(str)).sort_values(["_d", "sentence"], kind="stable")
    units = list(zip(s["_d"], s["sentence"], s["text"].astype(str), strict=True))
    words = [ref_words(t) for _, _, t in units]
    parent = list(range(len(units)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            if not words[i] or not words[j]:
                continue
            same = words[i] == words[j]
            near = (len(ref_content(words[i])) >= min_content
                    and len(ref_content(words[j])) >= min_content
                    and len(ref_bigrams(words[i]) & ref_bigrams(words[j]))
                    / len(ref_bigrams(words[i]) | ref_bigrams(words[j])) >= threshold)
            if same or near:
                parent[find(i)] = find(j)
    label = [find(i) for i in range(len(units))]
    quoted = (s["quoted_share"] >= 0.5).tolist()

    def runs_of(flags):
        i = 0
        while i < len(units):
            if not flags[i]:
                i += 1
                continue
            j = i
            while j + 1 < len(units) and flags[j + 1] and units[j + 1][0] == units[i][0]:
                j += 1
            yield range(i, j + 1)
            i = j + 1

    def docs_of(flags):
        docs: dict[int, set] = {}
        for i, (d, _, _) in enumerate(units):
            if flags[i]:
                docs.setdefault(label[i], set()).add(d)
        return docs

    def fixed_point(active):
        while True:
            docs = docs_of(active)
            shared = [active[i] and len(docs[label[i]]) >= 2 for i in range(len(units))]
            copy = [False] * len(units)
            for run in runs_of(shared):
                content = set().union(*(ref_content(words[k]) for k in run))
                for k in run:
                    copy[k] = len(content) >= min_content
            if copy == active:
                return copy
            active = copy

    copy = fixed_point([bool(w) for w in words])
    in_quote_run = [False] * len(units)
    for run in runs_of(copy):
        if all(quoted[k] for k in run):
            for k in run:
                in_quote_run[k] = True
    outside = {label[i] for i in range(len(units)) if copy[i] and not in_quote_run[i]}
    quote = [in_quote_run[i] and label[i] not in outside for i in range(len(units))]
    copy = fixed_point([c and not q for c, q in zip(copy, quote, strict=True)])
    qdocs = docs_of(quote)
    quote = [q and len(qdocs[label[i]]) >= 2 for i, q in enumerate(quote)]
    rest_flags = [bool(words[i]) and not copy[i] and not quote[i]
                  and len(ref_content(words[i])) < min_content for i in range(len(units))]
    rest = docs_of(rest_flags)
    clusters: dict[int, set] = {}
    quotations: dict[int, set] = {}
    formulas: dict[int, set] = {}
    for i, (d, k, _) in enumerate(units):
        if copy[i]:
            clusters.setdefault(label[i], set()).add((d, k))
        elif quote[i]:
            quotations.setdefault(label[i], set()).add((d, k))
        elif rest_flags[i] and len(rest[label[i]]) >= 2:
            formulas.setdefault(label[i], set()).add((d, k))
    return tuple({frozenset(v) for v in part.values()}
                 for part in (clusters, formulas, quotations))


def as_sets(result: SharedPassages, corpus: pd.DataFrame) -> tuple[set, set, set]:
    def occurrences(table):
        return {frozenset(zip(g["doc_id"].astype(str), g["sentence"], strict=True))
                for _, g in table.groupby("cluster_id")}

    c = pd.concat([result.clusters, result.quotations])
    copy, quotations = occurrences(result.clusters), occurrences(result.quotations)
    s = sentences(corpus, group=None)
    s = s.assign(_w=[tuple(ref_words(t)) for t in s["text"].astype(str)])
    in_copy = set(zip(c["doc_id"].astype(str), c["sentence"], strict=True))
    s = s[[(str(d), k) not in in_copy for d, k in zip(s["doc_id"], s["sentence"], strict=True)]]
    formulas = set()
    for text in result.formulas["text"].astype(str):
        g = s[s["_w"] == tuple(ref_words(text))]
        formulas.add(frozenset(zip(g["doc_id"].astype(str), g["sentence"], strict=True)))
    return copy, formulas, quotations


def corpus_of(texts, ids=None, **columns) -> pd.DataFrame:
    ids = ids or [chr(ord("a") + i) for i in range(len(texts))]
    return pd.DataFrame({"doc_id": ids, **columns, "text": texts})


# --------------------------------------------------------------------------- hand-built
WIRE = ("Russian and Chinese negotiators agreed on Tuesday to expand grain shipments through "
        "the northern ports.")  # 10 distinct content words
BASE = ("The two leaders signed a broad pact on energy, grain and weapons research in Moscow "
        "on Monday.")  # 17 words, 16 distinct bigrams, 11 content words


def test_a_wire_paragraph_in_five_documents_is_one_cluster_of_five():
    own = ["Crowds gathered early.", "Reporters waited outside.", "The hall was cold.",
           "Few questions were asked.", "Traffic stopped nearby."]
    ids = ["d", "b", "e", "a", "c"]  # not in doc_id order
    corpus = corpus_of([f"{o}\n\n{WIRE}" for o in own], ids)
    found = shared_passages(corpus)
    c = found.clusters
    assert c["cluster_id"].unique().tolist() == [0]
    assert c["doc_id"].tolist() == ["a", "b", "c", "d", "e"]
    assert (c["n_docs"] == 5).all() and (c["text"] == WIRE).all()
    assert c["kept"].tolist() == [True, False, False, False, False]
    assert (c["similarity"] == 1.0).all()
    for row in c.itertuples():  # offsets point into each document's text
        text = corpus.set_index("doc_id").at[row.doc_id, "text"]
        assert text[row.start:row.end] == WIRE
    assert found.formulas.empty
    assert found.summary()[["n_docs", "n_occurrences", "docs"]].values.tolist() == [
        [5, 5, "a, b, c, d, e"]]


def test_formulas_are_reported_as_formulas_not_copy():
    corpus = corpus_of([
        "Good evening. Our farms need rain this spring. God bless America.",
        "Good evening. Teachers deserve better pay. Thank you very much. God bless America.",
        "Good evening. The factory reopened after the strike. Thank you very much.",
    ])
    found = shared_passages(corpus)
    assert found.clusters.empty
    got = found.formulas[["text", "n_docs", "n_occurrences"]].values.tolist()
    assert got == [["Good evening.", 3, 3], ["God bless America.", 2, 2],
                   ["Thank you very much.", 2, 2]]
    assert found.formulas["n_content_words"].tolist() == [2, 3, 1]  # you, very, much: stop words
    out = deduplicated(corpus)
    assert out["text"].tolist() == corpus["text"].tolist()
    assert out["n_shared_dropped"].tolist() == [0, 0, 0]


def test_near_identical_copies_with_small_edits_are_clustered_unrelated_text_is_not():
    variants = [
        BASE,
        BASE.replace("broad", "wide"),            # J = 14/18 (two bigrams swapped)
        BASE.replace("grain and", "and"),         # J = 14/17 (two bigrams become one)
        "MOSCOW (AP) — " + BASE.replace("Moscow", "“Moscow”"),  # J = 16/18 (dateline)
    ]
    unrelated = ("The two leaders discussed a broad range of issues in Beijing on Friday, "
                 "officials said.")  # shares 3 of 27 bigrams with BASE
    corpus = corpus_of([*variants, unrelated])
    assert [round(passage_similarity(BASE, v), 4) for v in variants[1:]] == [
        round(14 / 18, 4), round(14 / 17, 4), round(16 / 18, 4)]
    assert passage_similarity(BASE, unrelated) == pytest.approx(3 / 27)
    c = shared_passages(corpus).clusters
    assert c["doc_id"].tolist() == ["a", "b", "c", "d"]
    assert c["cluster_id"].nunique() == 1
    assert c["similarity"].tolist() == pytest.approx([1, 14 / 18, 14 / 17, 16 / 18])


def test_clusters_are_connected_components_not_only_direct_links():
    a = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima."
    b = a.replace("charlie", "xray")              # J(a, b) = 9/13
    c = b.replace("india", "yankee")              # J(b, c) = 9/13, J(a, c) = 7/15 < 0.5
    assert passage_similarity(a, c) == pytest.approx(7 / 15)
    found = shared_passages(corpus_of([a.capitalize(), b.capitalize(), c.capitalize()]))
    assert found.clusters["doc_id"].tolist() == ["a", "b", "c"]
    assert found.clusters["cluster_id"].nunique() == 1


def test_short_sentences_of_a_shared_passage_are_copy_a_lone_short_repeat_is_a_formula():
    para = ("Zeppelin analysts said the contract covered northern routes. Officials described "
            "lengthy negotiations over tariffs. Markets reacted calmly.")  # 6 + 5 + 3 content
    lone = "Officials described lengthy negotiations over tariffs."
    corpus = corpus_of([
        "Leaders met in the morning.\n\n" + para,
        "A separate report opened differently.\n\n" + para + "\n\nThe closing was original.",
        "Farmers harvested wheat early. " + lone,
        "Prices dipped slightly. " + lone + " Nobody noticed.",
    ])
    found = shared_passages(corpus)
    c = found.clusters
    assert c["doc_id"].tolist() == ["a", "b"] * 3
    assert c["sentence"].tolist() == [1, 1, 2, 2, 3, 3]
    assert c["cluster_id"].tolist() == [0, 0, 1, 1, 2, 2]
    # the same sentence alone in c and d carries 5 content words: a formula there
    assert found.formulas[["text", "n_docs"]].values.tolist() == [[lone, 2]]
    out = deduplicated(corpus).set_index("doc_id")
    assert out.at["b", "text"] == "A separate report opened differently.\n\nThe closing was original."
    assert out.at["b", "n_shared_dropped"] == 3
    assert out.at["c", "text"] == corpus.at[2, "text"]


QUOTE = ("“We will keep building railway bridges and grain terminals along the northern "
         "border this winter,” the minister said.")  # 11 content words, mostly quoted


def test_the_same_quotation_in_two_documents_is_a_quotation_not_copy():
    inner = ("“Freight trains will cross the new bridge twice a week from March onwards,” the "
             "agency reported.")  # a quotation inside copied text: copy
    marked = ("“Our ports will double their grain exports to Asian buyers by next summer,” the "
              "governor said.")
    plain = marked.replace("“", "").replace("”", "")  # the same text without the marks
    corpus = corpus_of([
        "Farmers harvested wheat early. " + QUOTE + " Prices dipped slightly.",
        "Reporters waited in the cold hall.\n\n" + QUOTE,
        "Crowds gathered early.\n\n" + inner + " " + WIRE,
        "Traffic stopped nearby.\n\n" + inner + " " + WIRE,
        "The hall was cold. " + marked + " Nobody asked more.",
        "Few questions were asked. " + plain,
    ])
    found = shared_passages(corpus)
    q = found.quotations
    assert q["doc_id"].tolist() == ["a", "b"] and q["cluster_id"].nunique() == 1
    assert (q["text"] == QUOTE).all() and q["kept"].tolist() == [True, False]
    c = found.clusters
    assert c[["doc_id", "text"]].values.tolist() == [
        ["c", inner], ["d", inner], ["c", WIRE], ["d", WIRE],
        ["e", marked], ["f", plain]]
    out = deduplicated(corpus, passages=found)
    assert out["n_shared_dropped"].tolist() == [0, 0, 0, 2, 0, 1]
    assert out["text"].tolist()[:3] == corpus["text"].tolist()[:3]


def test_dedupe_needs_no_event_column_and_accepts_another_group():
    corpus = corpus_of(["Opening words here.\n\n" + WIRE, WIRE + " Closing words there."],
                       outlet=["x", "y"])
    for out in (deduplicated(corpus), deduplicated(corpus, group="outlet")):
        assert out["text"].tolist() == ["Opening words here.\n\n" + WIRE, "Closing words there."]
        assert out["n_shared_dropped"].tolist() == [0, 1]
        assert list(out.columns) == ["doc_id", "outlet", "text", "n_shared_dropped"]
    with pytest.raises(CorpusError, match="'event'"):
        deduplicated(corpus, group="event")
    c = shared_passages(corpus, group="outlet").clusters
    assert c["outlet"].tolist() == ["x", "y"]


def test_sentence_sentiment_dedupe_with_another_group_column():
    # issue 11: sentence_sentiment(c, group="outlet", dedupe=True) raised "no column 'event'"
    corpus = corpus_of(["Opening words here.\n\n" + WIRE, WIRE + " Closing words there."],
                       outlet=["x", "y"])
    published = sentence_sentiment(corpus, group="outlet")
    once = sentence_sentiment(corpus, group="outlet", dedupe=True)
    assert published["doc_id"].tolist() == ["a", "a", "b", "b"]
    assert once["doc_id"].tolist() == ["a", "a", "b"]
    assert once["text"].tolist()[-1] == "Closing words there."


def test_deduplicate_keeps_middle_text_tidy_and_recounts_words():
    corpus = corpus_of([WIRE, "First words here. " + WIRE + " Last words here.\n\nNext."],
                       n_words=[15, 23])
    out = deduplicated(corpus)
    assert out["text"].tolist()[1] == "First words here. Last words here.\n\nNext."
    assert out["n_words"].tolist() == [15, 7]


def test_deduplicated_reuses_a_result_and_rejects_one_from_another_corpus():
    corpus = corpus_of(["Opening.\n\n" + WIRE, WIRE])
    found = shared_passages(corpus)
    assert deduplicated(corpus, passages=found).equals(deduplicated(corpus))
    other = corpus_of([WIRE, WIRE], ["p", "q"])
    with pytest.raises(CorpusError, match="'q'"):
        deduplicated(corpus, passages=shared_passages(other))
    with pytest.raises(CorpusError, match="shared_passages"):
        deduplicated(corpus, passages=found.clusters)


def test_pairs_are_built_from_clusters_and_capped():
    corpus = corpus_of([WIRE, "Before. " + WIRE, WIRE + " After.", "Unrelated text here."],
                       event=["x", "x", "y", "y"])
    found = shared_passages(corpus, group="event")
    pairs = found.pairs()
    assert pairs[["doc_id_a", "doc_id_b"]].values.tolist() == [["a", "b"], ["a", "c"],
                                                                ["b", "c"]]
    assert pairs["sentence_b"].tolist() == [1, 0, 0]
    assert (pairs["similarity"] == 1.0).all() and (pairs["text_a"] == WIRE).all()
    assert {"event_a", "event_b", "start_a", "end_b", "cluster_id"} <= set(pairs.columns)
    with pytest.raises(ValueError, match="3 pairs.*\\.clusters"):
        found.pairs(max_pairs=2)


def test_many_distinct_variants_stay_one_cluster_with_linear_candidates():
    # 60 outlets each change one of words 1-22 of a 23-word sentence: 60 distinct texts
    # sharing every rare bigram, more than max_group, so star + chain candidates are used
    words = ["the", "ministers", "of", "both", "countries", "agreed", "after", "long", "talks",
             "in", "the", "capital", "to", "build", "a", "new", "railway", "bridge", "across",
             "the", "river", "before", "winter"]
    texts = []
    for i in range(60):
        w = list(words)
        w[1 + i % 22] = f"changed{i}"
        texts.append(" ".join(w).capitalize() + ".")
    corpus = corpus_of(texts, [f"d{i:02d}" for i in range(60)])
    c = shared_passages(corpus, max_group=8).clusters
    assert c["cluster_id"].nunique() == 1 and len(c) == 60
    # candidates grow linearly: far fewer than the 1,770 pairs of 60 texts
    x = _shingle_matrix(*_word_arrays(texts), 60, np.arange(60))
    lo, _ = _candidate_pairs(x, DEFAULT_THRESHOLD, 8)
    assert len(lo) <= 4 * 60


def _word_arrays(texts):
    words = [ref_words(t) for t in texts]
    vocab = {w: i for i, w in enumerate(sorted({w for ws in words for w in ws}))}
    owner = np.repeat(np.arange(len(texts), dtype="int32"), [len(w) for w in words])
    wid = np.asarray([vocab[w] for ws in words for w in ws], dtype="int32")
    return owner, wid


# --------------------------------------------------------------------------- seeds
# Read off the articles: 003 and 004 carry the same AP story, mostly rewritten. Only two of
# its sentences are nearly identical (one or two words changed per six); the other shared
# sentences were paraphrased (new order, synonyms) and are not copy under this definition.
NEAR_IDENTICAL = {
    ("003", "In their subsequent meeting, Xi congratulated Putin",
     "004", "During their meeting, Xi congratulated Putin"),
    ("003", "“We are open to dialogue on Ukraine", "004", "We are open to dialogue on Ukraine"),
}
REWRITTEN = [  # (003 opening, 004 opening) of sentences the old pairwise method matched
    ("Since then, Moscow has become", "Since then, Russia has become"),
    ("In recent years, the two countries have conducted joint exercises",
     "They have held a series of joint war exercises"),
    ("Moscow has forged an increasingly close relationship",
     "Moscow has diverted most of its energy exports"),
    ("Putin blamed the West for the failure", "Mr. Putin blamed the West"),
    ("On the eve of his trip, Putin stated", "On the eve of his visit, Mr Putin said"),
]


def short(doc_id) -> str:
    return str(doc_id)[:3]


@pytest.fixture(scope="module")
def seed_found(seed_corpus):
    return shared_passages(seed_corpus, group="event")


def test_seed_copy_is_exactly_the_near_identical_sentences(seed_corpus, seed_found):
    got = set()
    for _, g in seed_found.clusters.groupby("cluster_id"):
        assert g["doc_id"].map(short).tolist() == ["003", "004"]
        a, b = g["text"].astype(str).tolist()
        match = [e for e in NEAR_IDENTICAL if a.startswith(e[1]) and b.startswith(e[3])]
        assert match, f"unexpected cluster: {a[:60]!r} ~ {b[:60]!r}"
        got.add(match[0])
        assert g["kept"].tolist() == [True, False]
        assert ref_jaccard(a, b) >= DEFAULT_THRESHOLD
    assert got == NEAR_IDENTICAL
    assert seed_found.formulas.empty
    # the rewritten sentences are below the threshold by the reference computation
    s = sentences(seed_corpus)
    for a0, b0 in REWRITTEN:
        a = s.loc[(s["doc_id"].map(short) == "003") & s["text"].str.startswith(a0), "text"]
        b = s.loc[(s["doc_id"].map(short) == "004") & s["text"].str.startswith(b0), "text"]
        assert ref_jaccard(a.item(), b.item()) < DEFAULT_THRESHOLD


def test_seed_clusters_equal_the_brute_force_reference(seed_corpus, seed_found):
    assert as_sets(seed_found, seed_corpus) == brute_force(seed_corpus)


def test_row_order_and_given_sentences_do_not_change_the_result(seed_corpus, seed_found):
    again = shared_passages(seed_corpus.iloc[::-1].reset_index(drop=True), group="event")
    pd.testing.assert_frame_equal(again.clusters, seed_found.clusters)
    given_ = shared_passages(seed_corpus, group="event", sents=sentences(seed_corpus))
    pd.testing.assert_frame_equal(given_.clusters, seed_found.clusters)
    assert seed_found.n_sentences == len(sentences(seed_corpus))
    assert seed_found.n_documents == len(seed_corpus)


def test_seed_dedupe_drops_exactly_the_later_copies(seed_corpus):
    out = deduplicated(seed_corpus, group="event")
    by = {short(d): row for d, row in zip(out["doc_id"], out.itertuples(), strict=True)}
    assert by["004"].n_shared_dropped == 2
    assert all(by[d].n_shared_dropped == 0 for d in ("000", "001", "002", "003"))
    orig = dict(zip(seed_corpus["doc_id"].map(short), seed_corpus["text"], strict=True))
    for d in ("000", "001", "002", "003"):
        assert by[d].text == orig[d]
    assert "During their meeting, Xi congratulated Putin" not in by["004"].text
    assert "In their subsequent meeting, Xi congratulated Putin" in by["003"].text
    assert "\n\n\n" not in by["004"].text
    n_before = (sentences(seed_corpus)["doc_id"].map(short) == "004").sum()
    n_after = (sentences(out)["doc_id"].map(short) == "004").sum()
    assert n_before - n_after == 2
    assert list(out.columns[:len(seed_corpus.columns)]) == list(seed_corpus.columns)


# --------------------------------------------------------------------------- property
CONTENT = ["moscow", "beijing", "energy", "grain", "pipeline", "summit", "treaty", "tariff",
           "weapons", "exports", "kremlin", "railway", "leaders", "talks", "trade", "border",
           "troops", "harbour", "winter", "bridge"]
FUNCTION = ["the", "of", "and", "a", "to", "in", "on", "with", "for", "was"]
FORMULAS = ["Good evening.", "Thank you very much.", "God bless you all."]


@st.composite
def random_corpus(draw):
    vocab = st.sampled_from(CONTENT + FUNCTION)
    bases = draw(st.lists(st.lists(vocab, min_size=3, max_size=16), min_size=1, max_size=5))
    n_docs = draw(st.integers(2, 6))
    docs = []
    for _ in range(n_docs):
        paras = []
        for _ in range(draw(st.integers(1, 3))):
            sents = []
            for _ in range(draw(st.integers(1, 3))):
                kind = draw(st.sampled_from(["base", "edit", "formula", "own", "quote", "quote"]))
                if kind == "formula":
                    sents.append(draw(st.sampled_from(FORMULAS)))
                    continue
                words = list(draw(st.sampled_from(bases)) if kind != "own"
                             else draw(st.lists(vocab, min_size=3, max_size=14)))
                if kind == "quote":
                    sents.append("“" + " ".join(words).capitalize() + ".”")
                    continue
                if kind == "edit":
                    for _ in range(draw(st.integers(1, 3))):
                        i = draw(st.integers(0, len(words) - 1))
                        op = draw(st.sampled_from(["swap", "drop", "add"]))
                        if op == "swap":
                            words[i] = draw(vocab)
                        elif op == "drop" and len(words) > 2:
                            del words[i]
                        else:
                            words.insert(i, draw(vocab))
                sents.append(" ".join(words).capitalize() + ".")
            paras.append(" ".join(sents))
        docs.append("\n\n".join(paras))
    threshold = draw(st.sampled_from([0.3, 0.5, 0.7]))
    min_content = draw(st.sampled_from([3, 5, 8]))
    return corpus_of(docs, [f"d{i}" for i in range(n_docs)]), threshold, min_content


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(random_corpus())
def test_clusters_equal_a_brute_force_reference(case):
    corpus, threshold, min_content = case
    found = shared_passages(corpus, threshold=threshold, min_content_words=min_content,
                            max_group=10_000)
    assert as_sets(found, corpus) == brute_force(corpus, threshold=threshold,
                                                 min_content=min_content)
    c = found.clusters
    if len(c):  # ids by first occurrence; kept = the cluster's first document
        first = c.groupby("cluster_id")["doc_id"].transform("first")
        assert (c["kept"] == (c["doc_id"] == first)).all()
        starts = c.drop_duplicates("cluster_id")
        order = list(zip(starts["doc_id"].astype(str), starts["sentence"], strict=True))
        assert order == sorted(order)


# --------------------------------------------------------------------------- input errors
@pytest.mark.parametrize(("option", "value", "match"), [
    ("threshold", 0, "threshold"), ("threshold", 1.5, "threshold"),
    ("min_content_words", 0, "min_content_words"), ("max_group", 1, "max_group"),
])
def test_bad_options(option, value, match):
    with pytest.raises(CorpusError, match=match):
        shared_passages(corpus_of([WIRE]), **{option: value})


def test_bad_sentences_table():
    corpus = corpus_of([WIRE, WIRE])
    with pytest.raises(CorpusError, match="'start'"):
        shared_passages(corpus, sents=sentences(corpus, group=None).drop(columns="start"))
    other = sentences(corpus_of([WIRE], ["zz"]), group=None)
    with pytest.raises(CorpusError, match="'zz'"):
        shared_passages(corpus, sents=other)
    with pytest.raises(CorpusError, match="'outlet'"):
        shared_passages(corpus, group="outlet")


@pytest.mark.slow
def test_planted_copy_among_twenty_thousand_random_sentences():
    rng = np.random.default_rng(0)
    vocab = np.array([f"w{i}x" for i in range(5000)])
    docs = []
    for _ in range(1000):
        sents = [" ".join(rng.choice(vocab, 15)).capitalize() + "." for _ in range(20)]
        docs.append(" ".join(sents))
    planted = ("The planted wire sentence travels between two unrelated documents, carrying "
               "grain prices and railway schedules today.")
    docs[17] += " " + planted
    docs[912] = planted + " " + docs[912]
    corpus = corpus_of(docs, [f"d{i:04d}" for i in range(1000)])
    found = shared_passages(corpus)
    assert found.clusters[["doc_id", "text"]].values.tolist() == [["d0017", planted],
                                                                  ["d0912", planted]]
    assert found.formulas.empty
