"""Corpus-level measures of how the texts are built: who is mentioned, and how often.

These take the corpus and use the segmented and annotated text (sentences with their actors),
so they sit above :mod:`analysis.text.segment` and :mod:`analysis.text.actors` in the layers.

Examples
--------
>>> import pandas as pd
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
...                        "text": ["Putin spoke. Putin left.", "Xi spoke."]})
>>> summary, _ = mention_rates(corpus, top=1, n_boot=20)
>>> summary["actor"].unique().tolist()
['Vladimir Putin']
"""

from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.corpus.wordlists import WORD_RE
from analysis.measures.stats import cluster_bootstrap
from analysis.stages import StageSource, stage_table
from analysis.text.actors import actor_table, find_mentions, mentions, mentions_from_store
from analysis.text.segment import sentences

__all__ = ["mention_rates", "mention_rates_from_store"]


def mention_rates(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP,
                  per: float = 1000, top: int | None = 10, aliases: str | Path | None = None,
                  n_boot: int = config.N_BOOT, level: float = config.CI_LEVEL,
                  random_state: int = config.RANDOM_STATE,
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mentions per ``per`` words by group with intervals, and per document.

    The pooled rate of a group (total mentions / total words) is a words-weighted mean of
    sentence rates, so :func:`analysis.measures.stats.cluster_bootstrap` gives its interval by
    resampling documents, then sentences within them.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
    per : float, default 1000
    top : int or None, default 10
        Keep the ``top`` actors with most mentions in the whole corpus (None: all).
    aliases : str or Path, optional
        Alias table (default ``resources/actors.csv``).
    n_boot, level, random_state
        Passed to :func:`analysis.measures.stats.cluster_bootstrap`.

    Returns
    -------
    summary : DataFrame
        Per actor and group: ``actor``, group, ``estimate``, ``ci_low``, ``ci_high``,
        ``n_docs``, ``n_units``; actors in order of total mentions.
    per_document : DataFrame
        Document rows of :func:`mentions` for the same actors (``rate`` per ``per`` words).

    Examples
    --------
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
    ...     "text": ["Putin spoke. Xi nodded.", "Putin again.", "Xi only here."]})
    >>> summary, docs = mention_rates(corpus, top=2, n_boot=50)
    >>> summary[["actor", "event", "estimate"]].round(1).values.tolist()  # x: 6 words
    [['Xi Jinping', 'x', 166.7], ['Xi Jinping', 'y', 333.3], ['Vladimir Putin', 'x', 333.3], ['Vladimir Putin', 'y', 0.0]]
    """
    table = actor_table(aliases)
    per_doc = mentions(corpus, group=group, per=per, aliases=aliases)
    chosen = _top_actors(per_doc, top)
    sents = sentences(corpus, group=group, aliases=aliases)
    counts = {a: np.zeros(len(sents)) for a in chosen}
    texts = dict(zip(corpus["doc_id"].tolist(), corpus["text"].tolist(), strict=True))
    for doc_id, idx in sents.groupby("doc_id", sort=False).indices.items():
        starts = sents["start"].to_numpy()[idx]
        text = texts[doc_id]
        for start, _, actor in find_mentions("" if pd.isna(text) else str(text), aliases=table):
            if actor in counts:
                k = bisect.bisect_right(starts.tolist(), start) - 1
                if k >= 0:
                    counts[actor][idx[k]] += 1
    return _rates(per_doc, sents, counts, group=group, per=per, n_boot=n_boot, level=level,
                  random_state=random_state)


def mention_rates_from_store(
    store: StageSource, *, group: str | None = None, per: float = 1000, top: int | None = 10,
    n_boot: int = config.N_BOOT, level: float = config.CI_LEVEL,
    random_state: int = config.RANDOM_STATE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`mention_rates` from a prepared store: its sentences and mentions, no text search.

    The same two tables :func:`mention_rates` gives on the corpus the store was prepared
    from, with the store's actor table (``store.aliases``): mentions come from
    ``store.mentions`` (each already placed in its sentence), document word counts from
    ``store.documents`` (:func:`analysis.text.actors.mentions_from_store`), sentence word counts
    from the stored sentences' text.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of ``store.documents`` (default: the store's group)
    per, top, n_boot, level, random_state : as in :func:`mention_rates`

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
    ...     "text": ["Putin spoke. Xi nodded.", "Putin again.", "Xi only here."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> summary, docs = mention_rates_from_store(store, top=2, n_boot=50)
    >>> summary[["actor", "event", "estimate"]].round(1).values.tolist()
    [['Xi Jinping', 'x', 166.7], ['Xi Jinping', 'y', 333.3], ['Vladimir Putin', 'x', 333.3], ['Vladimir Putin', 'y', 0.0]]
    """
    group = store.group if group is None else group
    per_doc = mentions_from_store(store, group=group, per=per)
    chosen = _top_actors(per_doc, top)
    sents = stage_table(store, "sentences", group=group)
    found = stage_table(store, "mentions", group=group)
    found = found[found["sentence"].notna() & found["actor"].isin(chosen)]
    keys = pd.MultiIndex.from_arrays([sents["doc_id"], sents["sentence"].astype("int64")])
    rows = keys.get_indexer(pd.MultiIndex.from_arrays(
        [found["doc_id"], found["sentence"].astype("int64")]))
    counts = {}
    for actor in chosen:
        hit = rows[(found["actor"] == actor).to_numpy()]
        counts[actor] = np.bincount(hit, minlength=len(sents)).astype(float)
    return _rates(per_doc, sents, counts, group=group, per=per, n_boot=n_boot, level=level,
                  random_state=random_state)


def _top_actors(per_doc: pd.DataFrame, top: int | None) -> list[str]:
    """The ``top`` actors with most mentions in the corpus (of the document rows)."""
    per_doc = per_doc[per_doc["level"] == "document"]
    totals = per_doc.groupby("actor", sort=False)["mentions"].sum()
    totals = totals[totals > 0].sort_values(ascending=False, kind="stable")
    return list(totals.index[:top] if top is not None else totals.index)


def _rates(per_doc: pd.DataFrame, sents: pd.DataFrame, counts: dict[str, np.ndarray], *,
           group: str, per: float, n_boot: int, level: float, random_state: int,
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables of :func:`mention_rates` from per-sentence mention counts."""
    chosen = list(counts)
    per_doc = per_doc[per_doc["level"] == "document"]
    words = np.array([len(WORD_RE.findall(t)) for t in sents["text"].astype(str)], dtype=float)
    rows = []
    for actor in chosen:
        frame = pd.DataFrame({"doc_id": sents["doc_id"], group: sents[group], "words": words,
                              "rate": np.where(words > 0, counts[actor] / np.maximum(words, 1)
                                               * per, 0.0)})
        est = cluster_bootstrap(frame, value="rate", group=group, weights="words",
                                weight="unit", n_boot=n_boot, level=level,
                                random_state=random_state)
        rows.append(est.assign(actor=actor))
    cols = ["actor", group, "estimate", "ci_low", "ci_high", "n_docs", "n_units"]
    summary = (pd.concat(rows, ignore_index=True)[cols] if rows
               else pd.DataFrame(columns=cols))
    per_doc = per_doc[per_doc["actor"].isin(chosen)].reset_index(drop=True)
    return summary, per_doc
