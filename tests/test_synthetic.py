"""synthetic_corpus(vary=...): the benchmark generator whose vocabulary grows with its size."""

import pytest

from analysis.corpus.synthetic import paragraph_pool, synthetic_corpus


def test_vary_replaces_words_one_for_one_in_the_same_paragraphs():
    plain = synthetic_corpus(30, words_per_doc=300, syndicated=0.5, random_state=5)
    varied = synthetic_corpus(30, words_per_doc=300, syndicated=0.5, vary=0.3, random_state=5)
    pool = set(paragraph_pool())
    replaced = total = 0
    for a, b in zip(plain["text"], varied["text"], strict=True):
        pa, pb = a.split("\n\n"), b.split("\n\n")
        assert len(pa) == len(pb)
        for x, y in zip(pa, pb, strict=True):
            wx, wy = x.split(" "), y.split(" ")
            assert len(wx) == len(wy)
            assert x in pool  # the unvaried corpus is the old one: whole pool paragraphs
            replaced += sum(u != v for u, v in zip(wx, wy, strict=True))
            total += len(wx)
    # 30% of the non-wire words drawn for replacement (a draw can hit the same word)
    assert 0.15 < replaced / total < 0.3


def test_vary_makes_the_vocabulary_grow_with_the_corpus():
    def vocab(n, vary):
        texts = synthetic_corpus(n, words_per_doc=400, vary=vary)["text"]
        return len({w for t in texts for w in t.split()})

    assert vocab(200, 0.0) < 1.1 * vocab(100, 0.0)  # resampled paragraphs: it stops
    assert vocab(200, 0.2) > 1.3 * vocab(100, 0.2)


def test_vary_out_of_range_is_refused():
    with pytest.raises(ValueError, match="vary"):
        synthetic_corpus(2, vary=1.5)
