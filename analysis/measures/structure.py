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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config
from analysis.corpus.wordlists import WORD_RE
from analysis.errors import CorpusError
from analysis.measures.stats import bootstrap_arrays, cluster_bootstrap
from analysis.stages import StageSource, stage_parts
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
    from, with the store's actor table (``store.aliases``): mentions come from the store's
    mention table (each already placed in its sentence), document word counts from
    :func:`analysis.text.actors.mentions_from_store`, sentence word counts from the stored
    sentences' text. Every table is read one part file at a time and reduced before the next
    (the documents table: ``doc_id``, the group and ``n_words`` only). The two-stage
    bootstrap resamples sentences within documents, so per sentence of a document with a
    group it keeps the word count (int32), the document (int32) and the group (int16): 10
    bytes; per mention of a chosen actor its sentence (int64) and actor (int16).

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of the store's documents (default: the store's group)
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
    per_doc = mentions_from_store(store, group=group, per=per, top=top)
    chosen = _top_actors(per_doc, top)
    per_doc = per_doc[per_doc["level"] == "document"]
    units = _sentence_units(store, group)
    rows, codes = _mention_units(store, units, chosen)
    rows_of = [rows[codes == a] for a in range(len(chosen))]
    del rows, codes
    out = []
    for a, actor in enumerate(chosen):
        counts = np.bincount(rows_of[a], minlength=len(units.words))

        def rates(idx: np.ndarray, counts: np.ndarray = counts) -> np.ndarray:
            words = units.words[idx].astype(float)
            return np.where(words > 0, counts[idx].astype(float) / np.maximum(words, 1) * per,
                            0.0)

        est = bootstrap_arrays(rates, clusters=units.clusters, labels=units.labels,
                               names=units.names, value_names=["rate"], group=group,
                               differences=False, weights=units.words, weight="unit",
                               key=("rate",), n_boot=n_boot, level=level,
                               random_state=random_state).estimates
        out.append(est.drop(columns="value").reset_index(drop=True).assign(actor=actor))
        del counts
    return _summary(out, group=group), per_doc[per_doc["actor"].isin(chosen)].reset_index(
        drop=True)


@dataclass(frozen=True)
class _Units:
    """The sentences of the documents with a group, as compact arrays in the store's order.

    ``words`` (int32), ``clusters`` (int32: the document's rank by id) and ``labels`` (int16
    or int32: the group's index into ``names``) per sentence; ``doc_ids`` and ``first`` (the
    row of the document's sentence 0; -1 for a document without a group) per document.
    """

    words: np.ndarray
    clusters: np.ndarray
    labels: np.ndarray
    names: list[str]
    doc_ids: pd.Index
    first: np.ndarray
    sizes: np.ndarray


def _sentence_units(store: StageSource, group: str) -> _Units:
    """One pass over the sentence parts: doc_id, group, sentence number and word count."""
    where = getattr(store, "path", "the store")
    words, docs, doc_ids, doc_groups, first, sizes = [], [], [], [], [], []
    n_docs = n_units = 0
    for part in stage_parts(store, "sentences", columns=["sentence", "text"], group=group):
        local, ids = pd.factorize(part["doc_id"])
        starts, size = np.unique(local, return_index=True)[1], np.bincount(local)
        if (np.diff(local) < 0).any() or not np.array_equal(
                part["sentence"].to_numpy(dtype=np.int64), np.arange(len(part)) - starts[local]):
            raise CorpusError(f"{where}: the sentences of a document are not together and "
                              "numbered 0, 1, ... in one part file. Prepare the store again.")
        grouped = part[group].iloc[starts].notna().to_numpy()
        doc_ids.append(pd.Series(ids))
        doc_groups.append(part[group].iloc[starts].reset_index(drop=True))
        keep = grouped[local]
        n_kept = np.cumsum(np.concatenate([[0], size * grouped]))[:-1]
        first.append(np.where(grouped, n_kept + n_units, -1))
        sizes.append(size)
        words.append(np.fromiter((len(WORD_RE.findall(t)) for t in
                                  part["text"][keep].astype(str)), dtype=np.int32,
                                 count=int(keep.sum())))
        docs.append((local[keep] + n_docs).astype(np.int32))
        n_docs += len(ids)
        n_units += int(keep.sum())
    ids = pd.Index(_joined(doc_ids))
    if ids.has_duplicates:
        raise CorpusError(f"{where}: document(s) {ids[ids.duplicated()].astype(str)[:5].tolist()} "
                          "have sentences in more than one part file. Prepare the store again.")
    groups = _joined(doc_groups)
    rank = pd.factorize(ids, sort=True)[0].astype(np.int32)
    code, names = pd.factorize(groups, sort=True)
    code = code.astype(np.int16 if len(names) < 2 ** 15 else np.int32)
    doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
    return _Units(words=np.concatenate(words) if words else np.zeros(0, dtype=np.int32),
                  clusters=rank[doc], labels=code[doc], names=[str(n) for n in names],
                  doc_ids=ids, first=np.concatenate(first) if first else np.zeros(0, dtype=np.int64),
                  sizes=np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64))


def _joined(frames: list[pd.Series]) -> pd.Series:
    full = [f for f in frames if len(f)]
    return pd.concat(full or frames[:1] or [pd.Series([], dtype=object)], ignore_index=True)


def _mention_units(store: StageSource, units: _Units,
                   chosen: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The sentence row (of ``units``) and actor (index into ``chosen``) of every mention of
    a chosen actor in a sentence of a document with a group, one mention part at a time."""
    where = getattr(store, "path", "the store")
    actors = pd.Index(chosen)
    rows, codes = [], []
    for part in store.iter_parts("mentions", columns=["doc_id", "sentence", "actor"]):
        code = actors.get_indexer(part["actor"].astype(str))
        mine = (code >= 0) & part["sentence"].notna().to_numpy()
        part, code = part.loc[mine], code[mine]
        doc = units.doc_ids.get_indexer(part["doc_id"])
        sentence = part["sentence"].to_numpy(dtype=np.int64)
        if (doc < 0).any() or (sentence >= units.sizes[doc]).any():
            raise CorpusError(f"{where}: its mention table names sentences its sentence table "
                              "does not hold. Prepare the store again.")
        grouped = units.first[doc] >= 0
        rows.append(units.first[doc][grouped] + sentence[grouped])
        codes.append(code[grouped].astype(np.int16))
    return (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
            np.concatenate(codes) if codes else np.zeros(0, dtype=np.int16))


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
    per_doc = per_doc[per_doc["actor"].isin(chosen)].reset_index(drop=True)
    return _summary(rows, group=group), per_doc


def _summary(rows: list[pd.DataFrame], *, group: str) -> pd.DataFrame:
    """The summary table of :func:`mention_rates` from each actor's estimates."""
    cols = ["actor", group, "estimate", "ci_low", "ci_high", "n_docs", "n_units"]
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)
