"""The groups side by side: every comparison of the suite gathered with its uncertainty.

:func:`compare_groups` runs the term, sentiment, voice and topic comparisons on one corpus
and grouping and returns them together with the group sizes and the caveat they imply;
:func:`plot_differences` draws every group difference (sentiment measures, topic shares) with
its article-level bootstrap interval in one figure. Notebook ``04_comparison`` is built on
these two functions.

Examples
--------
>>> from analysis import load_corpus
>>> comp = compare_groups(load_corpus(), k=3, n_seeds=3, n_boot=100)
>>> comp.sizes.to_dict()
{'2023-moscow': 3, '2024-beijing': 2}
>>> sorted(comp.differences["kind"].unique())
['sentiment', 'topic']
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import config
from analysis.corpus.validation import check_corpus
from analysis.errors import CorpusError, CorpusWarning, DesignWarning
from analysis.measures.keyness import keyness_from_group_counts
from analysis.measures.sentiment import (
    GroupSentiment,
    SentimentTables,
    VoiceSentiment,
    actor_sentiment,
    group_sentiment,
    sentiment_and_quotes,
    sentiment_from_store,
    voice_sentiment,
)
from analysis.measures.stats import (
    REST,
    Resampling,
    caveat,
    check_groups,
    group_sizes,
    resolve_resampling,
    top_groups,
)
from analysis.measures.terms import GroupCounts, group_counts
from analysis.measures.topics import TopicModel, fit_topics_from_stages, fit_topics_from_store
from analysis.plots.common import group_title, style
from analysis.stages import SUMMARY_COLUMNS, StageSource, stage_table
from analysis.text.passages import deduplicated
from analysis.text.quotes import quotes, speaker_counts, speaker_counts_from_store

__all__ = ["Comparison", "compare_groups", "compare_groups_from_store", "distinctive_terms",
           "plot_differences", "quoted_speakers"]

MEASURE_LABELS = {
    "mean_compound": "mean compound",
    "share_positive": "share of positive sentences",
    "share_negative": "share of negative sentences",
}


@dataclass(frozen=True)
class Comparison:
    """Everything :func:`compare_groups` computed, each table with its sizes.

    Attributes
    ----------
    group : the grouping column
    sizes : documents per group
    caveat : plain-language caveat computed from ``sizes`` (:func:`analysis.measures.stats.caveat`)
    distinctive : top distinctive terms of each group (:func:`distinctive_terms`)
    sentiment : :class:`analysis.measures.sentiment.GroupSentiment` (summary, per-document values,
        differences with intervals and exact permutation p-values)
    actors : sentiment of sentences mentioning each actor, per group
    voices : :class:`analysis.measures.sentiment.VoiceSentiment` (quoted speech vs reporter text)
    speakers : who is quoted how often in each group (:func:`quoted_speakers`)
    topics : the fitted :class:`analysis.measures.topics.TopicModel`
    prevalence : each topic's share of each group's text with intervals
    differences : one row per contrast x measure: sentiment and topic-share differences with
        intervals, sizes and (sentiment only) the permutation p, its floor ``min_p``, whether
        it was ``sampled`` and the sentence describing it (``test``)
    resampling : the options every interval and test used
    """

    group: str
    sizes: pd.Series
    caveat: str
    distinctive: pd.DataFrame
    sentiment: GroupSentiment
    actors: pd.DataFrame
    voices: VoiceSentiment
    speakers: pd.DataFrame
    topics: TopicModel
    prevalence: pd.DataFrame
    differences: pd.DataFrame
    resampling: Resampling


def distinctive_terms(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP, top: int = 10,
                      method: str = "log_odds", dedupe: bool = False) -> pd.DataFrame:
    """The ``top`` terms most typical of each group against the rest, with their evidence.

    Ranked by the keyness score of :func:`analysis.measures.keyness.keyness` (log-odds z by
    default). Each row keeps the counts, the number of documents each count comes from and
    the ``single_doc`` flag: a term used by one article only describes that article. The
    terms are counted once for every group (one document-term matrix).

    Examples
    --------
    >>> from analysis import load_corpus
    >>> d = distinctive_terms(load_corpus(), top=3)
    >>> d.groupby("group").size().to_dict()
    {'2023-moscow': 3, '2024-beijing': 3}
    """
    check_corpus(corpus, group=group)
    with warnings.catch_warnings():
        # documents without a group are reported once, by check_groups
        warnings.simplefilter("ignore", CorpusWarning)
        check_groups(corpus, group=group, min_docs=2)
        gc = group_counts(corpus, group=group, dedupe=dedupe)
    return _distinctive(gc, group=group, top=top, method=method, dedupe=dedupe)


def _distinctive(gc: GroupCounts, *, group: str, top: int, method: str,
                 dedupe: bool) -> pd.DataFrame:
    """The table of :func:`distinctive_terms` from counts grouped once."""
    frames = []
    for name in sorted(str(g) for g in gc.groups):
        table = keyness_from_group_counts(gc, group=group, target=name, method=method,
                                          dedupe=dedupe)
        mine = table[table["direction"] == name].sort_values("score", ascending=False, kind="stable")
        frames.append(mine.head(top).assign(group=name))
    out = pd.concat(frames, ignore_index=True)
    cols = ["group", "term", "count_target", "count_reference", "rate_target", "rate_reference",
            "n_docs_target", "n_docs_group_target", "single_doc", "score", "q_value"]
    return out[cols]


def quoted_speakers(corpus: pd.DataFrame, *, group: str = config.DEFAULT_GROUP, top: int = 8) -> pd.DataFrame:
    """Who is quoted how often in each group: the ``top`` rows per group of
    :func:`analysis.text.quotes.speaker_counts` over :func:`analysis.text.quotes.quotes`.

    Quotations without a supported speaker count as ``(no speaker)``; ``share`` is the
    speaker's share of the group's quotations and ``n_docs`` the documents quoting them.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> s = quoted_speakers(load_corpus())
    >>> bool((s.groupby("event")["share"].sum() <= 1.0 + 1e-9).all())
    True
    """
    return _top_speakers(quotes(corpus, group=group), group=group, top=top)


def _top_speakers(quote_frame: pd.DataFrame, *, group: str, top: int) -> pd.DataFrame:
    counts = speaker_counts(quote_frame, group=group)
    return counts.groupby(group, sort=True).head(top).reset_index(drop=True)


def compare_groups(
    corpus: pd.DataFrame | StageSource,
    *,
    group: str | None = None,
    groups: Sequence[str] | None = None,
    top_terms: int = 10,
    k: int | None = None,
    topic_method: str = "nmf",
    n_seeds: int = 10,
    max_documents: int | None = config.MAX_DOCUMENTS,
    dedupe: bool = False,
    aliases: str | None = None,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    random_state: int | None = None,
    unit: str = "articles",
) -> Comparison:
    """Run every group comparison of the suite on one corpus and grouping.

    The corpus is split into sentences once, searched for quotations once and counted once;
    every comparison reads those stages. Given a prepared store instead of a corpus, the
    stored stages are read (:func:`compare_groups_from_store`) and nothing is split again.

    Parameters
    ----------
    corpus : DataFrame from :func:`analysis.load_corpus` (``doc_id``, ``text``, ``group``),
        or a prepared :class:`analysis.store.Store`
    group : grouping column (two or more groups); default
        :data:`analysis.config.DEFAULT_GROUP`, or the store's group for a store
    groups : a chosen pair ``(a, b)`` for the differences; default: the two groups, or with
        more than two each group against the rest
    top_terms : distinctive terms kept per group
    k, topic_method, n_seeds : topic model settings (:func:`analysis.measures.topics.fit_topics`'s
        ``k``, ``method`` and ``n_seeds``); ``k=None`` chooses k
    max_documents : above this many documents the topic model is fitted on a reproducible
        sample of this many (:func:`analysis.measures.topics.fit_topics`); every document
        still gets its topic shares
    dedupe : count passages shared between documents once (default: as published); applied
        once, before every comparison (quoted speakers included). A store is deduplicated
        when it is prepared (``dedupe=True`` with a store prepared without it is refused).
    aliases : actor table for the actor comparison and the speakers (default: the bundled
        one; a store's is the one it was prepared with)
    resampling : :class:`analysis.measures.stats.Resampling` for every interval and test
    n_boot, random_state : short forms overriding those fields of ``resampling``
    unit : what a document is in the caveat and the tests' sentences ("articles",
        "speeches", "texts": :func:`analysis.settings.nouns`)

    Examples
    --------
    >>> from analysis import load_corpus
    >>> comp = compare_groups(load_corpus(), k=3, n_seeds=3, n_boot=100)
    >>> comp.sentiment.summary["n_docs"].tolist()
    [3, 2, 3, 2, 3, 2]
    """
    options = dict(groups=groups, top_terms=top_terms, k=k, topic_method=topic_method,
                   n_seeds=n_seeds, max_documents=max_documents, resampling=resampling,
                   n_boot=n_boot,
                   random_state=random_state, unit=unit)
    if not isinstance(corpus, pd.DataFrame):
        store = corpus
        prepared = bool(store.settings.get("dedupe", False))
        if dedupe and not prepared:
            raise CorpusError("dedupe=True: this store was prepared as published. Prepare a "
                              "store with dedupe (python -m analysis prepare --dedupe ...) and "
                              "pass that one.")
        if aliases is not None and str(aliases) != str(store.aliases):
            raise CorpusError(f"aliases={aliases!r}: this store was prepared with the actor "
                              f"table {store.aliases or 'bundled'}. Prepare a store with "
                              "--actors and pass that one, or leave aliases out.")
        return compare_groups_from_store(store, group=group, **options)
    group = config.DEFAULT_GROUP if group is None else group
    with warnings.catch_warnings():
        warnings.simplefilter("always", DesignWarning)
        check_groups(corpus, group=group)
    data = corpus.dropna(subset=[group])
    sizes = group_sizes(data, group=group)
    if dedupe:
        data = deduplicated(data, group=group)
    scored, quote_frame = sentiment_and_quotes(data, group=group, aliases=aliases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        check_groups(data, group=group, min_docs=2)
        gc = group_counts(data, group=group)
    return _assemble(data, scored, quote_frame, gc, group=group, sizes=sizes, dedupe=dedupe,
                     **options)


def compare_groups_from_store(
    store: StageSource,
    *,
    group: str | None = None,
    groups: Sequence[str] | None = None,
    top_terms: int = 10,
    k: int | None = None,
    topic_method: str = "nmf",
    n_seeds: int = 10,
    max_documents: int | None = config.MAX_DOCUMENTS,
    resampling: Resampling | None = None,
    n_boot: int | None = None,
    random_state: int | None = None,
    unit: str = "articles",
) -> Comparison:
    """:func:`compare_groups` from a prepared store: every comparison reads the stored stages.

    Sentiment, actors and voices from the stored sentences and speakers from the stored
    quotations, each read one part file at a time and reduced to per-document rows
    (:func:`analysis.measures.sentiment.sentiment_from_store`,
    :func:`analysis.text.quotes.speaker_counts_from_store`),
    distinctive terms from the stored counts (grouped once), topics from units built of the
    stored sentences (:func:`analysis.measures.topics.fit_topics_from_store`). Deduplication and the
    actor table are the store's. Documents without a value of ``group`` are left out, as
    :func:`compare_groups` leaves them out.

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of ``store.documents`` (default: the store's group)
    groups, top_terms, k, topic_method, n_seeds, max_documents, resampling, n_boot,
    random_state, unit :
        as in :func:`compare_groups`

    Examples
    --------
    >>> import tempfile
    >>> from analysis.store import prepare
    >>> store = prepare(None, store=tempfile.mkdtemp() + "/s")
    >>> comp = compare_groups_from_store(store, k=3, n_seeds=3, n_boot=100)
    >>> comp.sizes.to_dict()
    {'2023-moscow': 3, '2024-beijing': 2}
    """
    group = store.group if group is None else group
    documents = store.document_columns(["doc_id", group])
    with warnings.catch_warnings():
        warnings.simplefilter("always", DesignWarning)
        check_groups(documents, group=group)
    data = documents.loc[documents[group].notna()]
    sizes = group_sizes(data, group=group)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        check_groups(data, group=group, min_docs=2)
        gc = store.group_counts(group=group)
    opts = resolve_resampling(resampling, n_boot=n_boot, random_state=random_state)
    tables = sentiment_from_store(store, group=group, groups=groups, resampling=opts, unit=unit)
    speakers = speaker_counts_from_store(store, group=group)
    model = _topics_from_store(store, group=group, k=k, method=topic_method, n_seeds=n_seeds,
                               max_documents=max_documents, random_state=opts.random_state)
    dedupe = bool(store.settings.get("dedupe", False))
    return _combine(tables, speakers, gc, model, group=group, sizes=sizes, dedupe=dedupe,
                    groups=groups, top_terms=top_terms, opts=opts, unit=unit)


def _topics_from_store(store: StageSource, *, group: str, **options: object) -> TopicModel:
    """The topic model of :func:`compare_groups_from_store`: fitted on the documents with a
    group. When every document has one, :func:`analysis.measures.topics.fit_topics_from_store`
    (parts streamed, a sample above ``max_documents``); otherwise the stored documents and
    sentences of the grouped documents are read whole."""
    if store.document_columns([group])[group].notna().all():
        return fit_topics_from_store(store, group=group, **options)
    documents = store.documents
    data = documents.loc[documents[group].notna()]
    data = data.drop(columns=[c for c in SUMMARY_COLUMNS if c in data.columns])
    scored = stage_table(store, "sentences", group=group)
    scored = scored.loc[scored[group].notna()].reset_index(drop=True)
    return fit_topics_from_stages(data, scored, group=group,
                                  deduplicated=bool(store.settings.get("dedupe", False)),
                                  **options)


def _assemble(data: pd.DataFrame, scored: pd.DataFrame, quote_frame: pd.DataFrame,
              gc: GroupCounts, *, group: str, sizes: pd.Series, dedupe: bool,
              groups: Sequence[str] | None, top_terms: int, k: int | None, topic_method: str,
              n_seeds: int, max_documents: int | None, resampling: Resampling | None,
              n_boot: int | None, random_state: int | None, unit: str) -> Comparison:
    """Every comparison from the stages: documents, scored sentences, quotations, counts."""
    opts = resolve_resampling(resampling, n_boot=n_boot, random_state=random_state)
    tables = SentimentTables(
        sentiment=group_sentiment(scored, group=group, groups=groups, resampling=opts,
                                  unit=unit),
        actors=actor_sentiment(scored, group=group, resampling=opts),
        voices=voice_sentiment(scored, group=group, resampling=opts))
    model = fit_topics_from_stages(data, scored, group=group, deduplicated=dedupe, k=k,
                                   method=topic_method, n_seeds=n_seeds,
                                   max_documents=max_documents,
                                   random_state=opts.random_state)
    return _combine(tables, speaker_counts(quote_frame, group=group), gc, model, group=group,
                    sizes=sizes, dedupe=dedupe, groups=groups, top_terms=top_terms, opts=opts,
                    unit=unit)


def _combine(tables: SentimentTables, speakers: pd.DataFrame, gc: GroupCounts,
             model: TopicModel, *, group: str, sizes: pd.Series, dedupe: bool,
             groups: Sequence[str] | None, top_terms: int, opts: Resampling,
             unit: str) -> Comparison:
    """The :class:`Comparison` of the computed tables (``speakers``: every speaker count)."""
    boot = dict(n_boot=opts.n_boot, level=opts.level, random_state=opts.random_state)
    topic_diff = model.prevalence_difference(group, groups=groups, **boot)
    return Comparison(
        group=group,
        sizes=sizes,
        caveat=caveat(sizes, pair=groups, resampling=opts, unit=unit),
        distinctive=_distinctive(gc, group=group, top=top_terms, method="log_odds",
                                 dedupe=dedupe),
        sentiment=tables.sentiment,
        actors=tables.actors,
        voices=tables.voices,
        speakers=speakers.groupby(group, sort=True).head(8).reset_index(drop=True),
        topics=model,
        prevalence=model.prevalence(group, **boot),
        differences=_differences(tables.sentiment.differences, topic_diff),
        resampling=opts,
    )


def _differences(sentiment: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    sent = sentiment.assign(
        kind="sentiment",
        label=sentiment["measure"].map(MEASURE_LABELS).fillna(sentiment["measure"]),
        stable=True,
    )
    # a topic row counts as a finding ("stable" here) only when its status is "usable"
    usable = topics["status"].eq("usable").to_numpy(dtype=bool)
    flag = " (" + topics["status"].astype(str) + ")"
    top = topics.assign(
        kind="topic",
        label=topics["label"].astype(str) + np.where(usable, "", flag),
        stable=usable,
        p_value=np.nan,
        min_p=np.nan,
        sampled=pd.NA,
        n_permutations=pd.NA,
        test=pd.NA,
    )
    cols = ["contrast", "group_a", "group_b", "kind", "label", "stable", "estimate", "ci_low",
            "ci_high", "n_docs_a", "n_docs_b", "p_value", "min_p", "sampled", "n_permutations",
            "test"]
    return pd.concat([sent[cols], top[cols]], ignore_index=True)


#: Rows per panel of :func:`plot_differences` (keeps the figure under about 2,500 px).
MAX_ROWS: int = 32


def plot_differences(differences: pd.DataFrame, *, sizes: pd.Series | dict,
                     max_rows: int = MAX_ROWS) -> Figure:
    """Every group difference with its interval: sentiment (left) and topic shares (right).

    Topics that are not usable are drawn hollow and carry their status, e.g. "(unstable)" or
    "(low coherence)": they are not findings. With more contrasts than fit ``max_rows`` rows per
    panel (dozens of groups each against the rest), only the contrasts of the largest groups are
    drawn and the title says how many groups are left out (:func:`analysis.measures.stats.top_groups`);
    the table saved beside the figure keeps every row.

    Examples
    --------
    >>> from analysis import load_corpus
    >>> comp = compare_groups(load_corpus(), k=3, n_seeds=3, n_boot=100)
    >>> fig = plot_differences(comp.differences, sizes=comp.sizes)
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['difference (VADER compound / share of sentences)', 'difference in share of text']
    """
    kinds = [("sentiment", "difference (VADER compound / share of sentences)"),
             ("topic", "difference in share of text")]
    sizes = {str(g): int(n) for g, n in dict(sizes).items()}
    contrasts = list(dict.fromkeys(differences["contrast"]))
    per_contrast = max(1, int(differences.groupby(["contrast", "kind"]).size().max()))
    note = ""
    if len(contrasts) * per_contrast > max_rows and "group_a" in differences.columns:
        names = [str(g) for g in dict.fromkeys(differences["group_a"])]
        chosen = top_groups({g: sizes.get(g, 0) for g in names},
                            max_groups=max(1, max_rows // per_contrast))
        differences = differences[differences["group_a"].astype(str).isin(chosen.kept)]
        contrasts = list(dict.fromkeys(differences["contrast"]))
        sizes = {g: sizes[g] for g in sorted(chosen.kept) if g in sizes}
        note = "\n" + chosen.note
    elif len(contrasts) == 1 and "group_b" in differences.columns:
        pair = [str(differences["group_a"].iloc[0]), str(differences["group_b"].iloc[0])]
        sizes = {g: n for g, n in sizes.items() if g in pair} if pair[1] != REST else sizes
    n_rows = max(len(differences[differences["kind"] == k]) for k, _ in kinds)
    with style():
        fig, axes = plt.subplots(1, 2, figsize=(10.0, max(2.8, 0.42 * n_rows + 1.8)))
        for ax, (kind, xlabel) in zip(axes, kinds, strict=True):
            part = differences[differences["kind"] == kind].reset_index(drop=True)
            ys = np.arange(len(part))
            for y, row in zip(ys, part.itertuples(index=False), strict=True):
                face = "black" if row.stable else "white"
                ax.errorbar(row.estimate, y, xerr=[[row.estimate - row.ci_low], [row.ci_high - row.estimate]],
                            fmt="o", color="black", mfc=face, capsize=3)
            labels = [(f"{c}: " if len(contrasts) > 1 else "") + lab
                      for c, lab in zip(part["contrast"], part["label"], strict=True)]
            ax.set_yticks(ys, labels)
            ax.invert_yaxis()
            ax.axvline(0, color="0.5", lw=0.8, ls="--")
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
        head = contrasts[0] if len(contrasts) == 1 else "each group minus the rest"
        fig.suptitle(group_title(f"Group differences ({head}) with 95% intervals over documents", sizes)
                     + note, fontsize=11, fontweight="bold")
        fig.tight_layout()
    return fig
