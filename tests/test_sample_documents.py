"""The reproducible document sample (analysis.stages.sample_documents)."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from analysis.stages import sample_documents


def _key(seed, doc_id):
    return int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big")


def test_keeps_each_groups_smallest_keys_in_proportion():
    ids = [f"d{i}" for i in range(30)]
    docs = pd.DataFrame({"doc_id": ids, "g": ["x"] * 20 + ["y"] * 10})
    keep = sample_documents(docs, group="g", max_documents=6, random_state=7)
    # 6 of 30: x keeps 6*20/30 = 4, y keeps 2; each the smallest keys, computed here
    want_x = sorted(ids[:20], key=lambda d: _key(7, d))[:4]
    want_y = sorted(ids[20:], key=lambda d: _key(7, d))[:2]
    assert sorted(docs.loc[keep, "doc_id"]) == sorted(want_x + want_y)


def test_largest_remainder_and_missing_group_stratum():
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(10)],
                         "g": ["x"] * 5 + ["y"] * 3 + [None] * 2})
    keep = sample_documents(docs, group="g", max_documents=5)
    # exact shares 2.5, 1.5, 1.0: floors 2, 1, 1 and the one left goes to x (ties: larger)
    assert keep.sum() == 5
    assert (keep[:5].sum(), keep[5:8].sum(), keep[8:].sum()) == (3, 1, 1)


def test_independent_of_row_order_and_all_kept_under_the_cap():
    rng = np.random.default_rng(0)
    docs = pd.DataFrame({"doc_id": [f"a{i}" for i in range(200)],
                         "g": rng.choice(["p", "q", "r"], 200)})
    keep = sample_documents(docs, group="g", max_documents=37, random_state=3)
    perm = rng.permutation(200)
    again = sample_documents(docs.iloc[perm], group="g", max_documents=37, random_state=3)
    assert set(docs["doc_id"][keep]) == set(docs["doc_id"].iloc[perm][again])
    other = sample_documents(docs, group="g", max_documents=37, random_state=4)
    assert set(docs["doc_id"][keep]) != set(docs["doc_id"][other])
    assert sample_documents(docs, group="g", max_documents=200).all()


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_bad_cap_is_refused(bad):
    docs = pd.DataFrame({"doc_id": ["a"], "g": ["x"]})
    with pytest.raises(ValueError, match="max_documents"):
        sample_documents(docs, group="g", max_documents=bad)
