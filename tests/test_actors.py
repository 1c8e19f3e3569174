"""Actor alias table: matching rules, mention counts and rates, editability."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.errors import CorpusError
from analysis.text.actors import actor_table, find_actors, find_mentions, mentions
from analysis.text.segment import sentences


def seed_text(corpus: pd.DataFrame, prefix: str) -> str:
    (text,) = corpus.loc[corpus["doc_id"].astype(str).str.startswith(prefix), "text"]
    return text


@pytest.mark.parametrize(("text", "expected"), [
    ("Chinese President Xi Jinping arrived.", ("Xi Jinping",)),
    ("Russian President Vladimir Putin and the Kremlin leader", ("Vladimir Putin",)),
    ("Moscow, the Kremlin and Russian troops", ("Russia",)),
    ("Beijing and Chinese firms", ("China",)),
    ("Sino-Russian ties", ("China", "Russia")),
    ("U.S. officials, the US and Washington", ("United States",)),
    ("Kyiv, Kiev and Ukrainian forces", ("Ukraine",)),
    ("Zelenskyy and Zelensky", ("Volodymyr Zelensky",)),
    ("the U.N. Charter and the UN Security Council", ("United Nations",)),
    ("the ICC and the International Criminal Court", ("International Criminal Court",)),
    ("the EU and NATO", ("European Union", "NATO")),
    ("Western sanctions and the West", ("the West",)),
])
def test_aliases_map_to_canonical_actors(text, expected):
    assert find_actors(text) == expected


def test_case_rules():
    assert find_actors("Let us go, join us.") == ()           # pronoun is not the US
    assert find_actors("the un-American") == ("United States",)
    assert find_actors("in western Ukraine") == ("Ukraine",)  # geography, not the West
    assert find_actors("the non-Western world") == ()          # swallowed by an ignore row
    assert find_actors("XI JINPING") == ("Xi Jinping",)        # names ignore case


def test_whole_words_only():
    assert find_actors("Xinhua reported; Chinaware; Russiagate") == ()


def test_adjacent_same_actor_is_one_mention_and_offsets_slice_text():
    text = "Russian President Vladimir Putin met Chinese leader Xi Jinping in Moscow."
    got = find_mentions(text)
    assert [(text[s:e], a) for s, e, a in got] == [
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        ("Chinese leader Xi Jinping", "Xi Jinping"),
        ("Moscow", "Russia"),
    ]


def test_putin_mentions_in_seed_004_match_independent_count(seed_corpus):
    text = seed_text(seed_corpus, "004")
    assert "Kremlin leader" not in text and "Russian President" not in text
    # every Putin mention in 004 contains the word "Putin" exactly once
    expected = len(re.findall(r"\bPutin\b", text))
    got = mentions(seed_corpus)
    row = got[(got["level"] == "document") & got["doc_id"].astype(str).str.startswith("004")
              & (got["actor"] == "Vladimir Putin")]
    assert row["mentions"].item() == expected


def test_mentions_counts_and_rates_by_hand():
    corpus = pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        "grp": ["g1", "g1", "g2"],
        "text": ["Putin met Xi in Moscow today",          # 6 words
                 "Xi spoke",                              # 2 words
                 "Washington and the US and us"],         # 6 words
    })
    out = mentions(corpus, group="grp", per=1000)
    doc = out[out["level"] == "document"].set_index(["doc_id", "actor"])
    assert doc.loc[("a", "Vladimir Putin"), "mentions"] == 1
    assert doc.loc[("a", "Russia"), "rate"] == pytest.approx(1 / 6 * 1000)
    assert doc.loc[("c", "United States"), "mentions"] == 2
    assert doc.loc[("c", "Xi Jinping"), "mentions"] == 0  # zeros are kept
    grp = out[out["level"] == "group"].set_index(["grp", "actor"])
    # pooled: (1 + 1) Xi mentions over (6 + 2) words
    assert grp.loc[("g1", "Xi Jinping"), "rate"] == pytest.approx(2 / 8 * 1000)
    assert grp.loc[("g1", "Xi Jinping"), "n_docs"] == 2
    assert grp.loc[("g2", "United States"), "words"] == 6
    n_actors = len(actor_table().actors)
    assert len(out) == (3 + 2) * n_actors


def test_mentions_uses_n_words_when_present():
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"], "text": ["Putin"], "n_words": [500]})
    out = mentions(corpus)
    row = out[(out["level"] == "document") & (out["actor"] == "Vladimir Putin")]
    assert row["rate"].item() == pytest.approx(2.0)


def test_missing_group_documents_only_at_document_level():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", pd.NA],
                           "text": ["Xi", "Xi"]})
    out = mentions(corpus)
    grp = out[(out["level"] == "group") & (out["actor"] == "Xi Jinping")]
    assert grp["event"].tolist() == ["x"] and grp["mentions"].tolist() == [1]


def test_researcher_adds_an_actor_by_editing_a_file(tmp_path):
    path = tmp_path / "my_actors.csv"
    path.write_text("actor,alias,kind\n"
                    "Hoo Tiang Boon,Hoo Tiang Boon,person\n"
                    "Hoo Tiang Boon,Professor Hoo,person\n"
                    "Xinhua,Xinhua,organization\n", encoding="utf-8")
    assert find_actors("Professor Hoo told Xinhua", aliases=path) == ("Hoo Tiang Boon", "Xinhua")
    corpus = pd.DataFrame({"doc_id": ["a"], "event": ["x"],
                           "text": ["Xinhua quoted Hoo Tiang Boon. Xinhua again."]})
    out = mentions(corpus, aliases=path)
    doc = out[out["level"] == "document"].set_index("actor")["mentions"]
    assert doc.to_dict() == {"Hoo Tiang Boon": 1, "Xinhua": 2}
    got = sentences(corpus, aliases=path)["actors"].tolist()
    assert got == [("Xinhua", "Hoo Tiang Boon"), ("Xinhua",)]


def test_edits_to_the_file_are_picked_up(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("actor,alias\nA,Alpha\n", encoding="utf-8")
    assert find_actors("Alpha Beta", aliases=path) == ("A",)
    path.write_text("actor,alias\nA,Alpha\nB,Beta\n", encoding="utf-8")
    import os
    os.utime(path, ns=(1, 10**18))  # make sure the modification time differs
    assert find_actors("Alpha Beta", aliases=path) == ("A", "B")


def test_bad_alias_file_names_file_and_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,form\nX,Y\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad\.csv.*actor"):
        find_actors("x", aliases=path)


def test_sentence_actors_column(seed_corpus):
    s = sentences(seed_corpus)
    row = s[s["text"].str.startswith("Putin and Xi, in comments to reporters in Moscow")]
    assert row["actors"].item() == ("Vladimir Putin", "Xi Jinping", "Russia", "China")
    assert s["actors"].map(len).sum() > len(s)  # most sentences name someone


def test_mention_rates_pool_words_and_match_mentions(seed_corpus):
    from analysis.measures.structure import mention_rates

    summary, docs = mention_rates(seed_corpus, top=5, n_boot=200)
    full = mentions(seed_corpus)
    grp = full[full["level"] == "group"].set_index(["event", "actor"])
    assert summary["actor"].nunique() == 5
    for row in summary.itertuples():
        # same pooled rate as mentions() (total mentions / total words), up to word counting
        assert row.estimate == pytest.approx(grp.loc[(row.event, row.actor), "rate"], rel=0.02)
        assert row.ci_low <= row.estimate <= row.ci_high
    assert set(docs["level"]) == {"document"}
    top = full[full["level"] == "document"].groupby("actor")["mentions"].sum().nlargest(5)
    assert list(dict.fromkeys(summary["actor"])) == list(top.index)
