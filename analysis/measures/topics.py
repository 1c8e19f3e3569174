"""Topic models over paragraph units: fit, choose k, check stability, label, prevalence by group.

:func:`fit_topics` builds a :class:`TopicModel` from a corpus DataFrame. The pipeline:

1. **Units.** Paragraphs from :func:`analysis.text.segment.units` (``unit="paragraph"``); a
   paragraph longer than ``max_sentences`` sentences (or a document without paragraph breaks)
   is cut into windows of about three sentences, ``unit="window"`` cuts every paragraph.
   Five whole articles are far too few documents for a topic model; a paragraph is the
   smallest unit that usually keeps to one subject. Units without any vocabulary term are left
   out (they carry no topic information; ``units_`` keeps them with ``used=False``).
2. **Vocabulary.** Tokens from :func:`analysis.text.vocab.make_analyzer` (lower case, stop words
   removed, phrases such as "peace plan" as one token). A term must occur in at least
   ``min_df`` units and in at most ``max_df`` of them.
3. **Model.** ``method="nmf"`` (default): scikit-learn NMF (Frobenius loss, coordinate
   descent) on the L2-normalised TF-IDF matrix; ``method="lda"``: LatentDirichletAllocation on
   raw counts, batch variational Bayes for small corpora and online (mini-batch) for
   ``ONLINE_MIN_UNITS`` units or more. Topic-term weights are normalised to ``p(w|k)``;
   unit-topic weights to shares that sum to 1 per unit.
4. **Sample.** Choosing k and measuring stability need many fits, so they run on a sample of
   at most ``sample_size`` used units (default ``SAMPLE_SIZE``), drawn once without replacement
   with ``numpy.random.default_rng(random_state)`` and kept in corpus order (``units_`` column
   ``in_sample``). A corpus with no more used units than that is its own sample, so on small
   corpora nothing is sampled. The reported model is always fitted once on *all* used units.
5. **Seeds and stability.** The reported ("reference") NMF run starts from NNDSVDa (Boutsidis
   & Gallopoulos 2008), computed from a truncated SVD (scikit-learn's randomized SVD, seeded
   with ``random_state``). That start is practically deterministic: on the seeds, refitting
   with ten other seeds gave identical top words for k up to 6, so varying the seed of an
   NNDSVD start says nothing about stability (NNDSVDar only adds small noise to the same start
   and behaves the same). Stability is therefore measured with ``n_seeds`` further runs from
   *random* starting matrices (``init="random"``, seeds drawn from
   ``numpy.random.SeedSequence(random_state)``), fitted on the sample: a topic that only one
   starting point (or only the full text, not a sample of it; Greene, O'Callaghan & Cunningham
   2014 fit their replicates on samples of the documents) finds is an artefact, not a feature
   of the text. For LDA the reference run uses ``random_state`` and the replicates the drawn
   seeds. Replicate topics are matched to the reference ones by the Hungarian method on
   top-word Jaccard (:func:`analysis.measures.topic_metrics.match_topics`). ``stability`` is the mean
   matched Jaccard (Greene et al.); a run *recovers* a topic when its matched topic shares
   more than half of the top words (Jaccard above 1/3), and ``recovery`` is the share of runs
   that do. Why this cut: "the same topic" needs most of its words back, and a topic most
   random starts do not find depends on the start. ``margin`` is the number of recovering
   runs above the fewest that make a majority (0: exactly enough; negative: short).
6. **Coherence.** NPMI over sliding windows of ``NPMI_WINDOW`` (10) tokens of the units in the
   sample (every used unit when the corpus is no larger than the sample; formula in
   :mod:`analysis.measures.topic_metrics`): mean over pairs of a topic's top ``top_n`` terms.
   It is intrinsic (computed on the same corpus); no external reference corpus is used offline.
   NPMI 0 is what independent words give; a topic below ``MIN_COHERENCE`` (0) has top words
   that meet *less* often than chance, so it is a list, not a subject.
7. **Status of a topic.** Every topic gets one ``status`` (the first that applies):
   ``"dominant"`` (it holds more than :func:`largest_share_cut` of the text: more than half,
   or for k = 2 more than 1.5 times an even share, i.e. 0.75: the corpus's common
   vocabulary, not a subject); ``"formula"`` or ``"group names"`` (more than half of the
   weight of its top terms lies on the greeting / thanks / sign-off words of
   ``resources/formula_words.txt``, or on the tokens of the grouping's own values and of a
   ``<group>_label`` column: a topic made of the names of the groups compared restates the
   grouping); ``"low coherence"`` (NPMI below 0); ``"unstable"`` (recovered by at most half of
   the random starts); otherwise ``"usable"``. ``stable`` is True when most random starts
   recover the topic *and* its NPMI is at least 0, so a low-coherence topic is never stable.
   Topics that are not usable stay in every table and figure, flagged, and should not be read
   as findings.
8. **Choosing k** (``k=None``): every k in ``k_range`` (capped by the number of units and
   terms) is fitted on the sample with ``selection_seeds`` random starts (fewer than
   ``n_seeds``: the selection only ranks candidates). A candidate is *degenerate* and set
   aside when its topic diversity (unique top words / all top words) is below
   ``MIN_DIVERSITY`` (topics that repeat one another), when one topic is ``"dominant"``, or
   when formula and group-name topics hold more than half of the text. Among the rest the
   chosen k has the most usable topics; ties go to the k whose usable topics hold more of the
   text, then to the smaller k. If every candidate is degenerate, all are considered and
   ``selection_rule_`` says so. The chosen k is then fitted once on all used units, and its
   stability measured with ``n_seeds`` random starts on the sample (the selection's starts are
   reused). Pass ``k=`` to fix it; ``fitting_note()`` says in words what was done.
9. **Topic order and labels.** Topics are numbered by their share of all tokens, largest
   first. The automatic label has ``LABEL_TERMS`` parts drawn from the topic's ``top_n`` most
   *relevant* terms (pyLDAvis relevance at lambda = 0.6, Sievert & Shirley 2014) among its
   ``LABEL_POOL`` (30) highest-weighted terms (so a word seen in a handful of units, whose
   lift is huge, does not lead the label). Phrases come
   first: a vocabulary phrase (e.g. "peace plan") among the first ``LABEL_TERMS`` terms, or two
   of the ``top_n`` terms, one of them among the first ``LABEL_TERMS``, that stand next to each
   other in the text at least ``MIN_PHRASE_COUNT`` times (counted in the sample, each
   occurrence weighted by its unit's share of the topic), at most ``LABEL_PHRASES`` of them,
   most frequent first; single terms follow in relevance order, skipping words already in a
   phrase. :meth:`TopicModel.set_labels` or ``labels=`` overrides any of them.
10. **Prevalence.** A topic's share of a group's text is the token-weighted mean of its unit
   shares over the group's units; its interval comes from
   :func:`analysis.measures.stats.cluster_bootstrap`, which resamples whole articles and then units
   within them. Per-article shares come from :meth:`TopicModel.doc_topics`; what the interval
   can show is :meth:`TopicModel.caveat`.
11. **Many documents.** Above ``max_documents`` documents (default
   :data:`analysis.config.MAX_DOCUMENTS`, 10,000, the ``max_documents`` setting shared with
   the text-level sections: a full fit of 10,000 news articles already takes about 1.2 GB and
   two minutes of CPU) the model is fitted on a sample of that many documents
   (:func:`analysis.stages.sample_documents`): each group keeps its share of the documents, so the
   vocabulary and topics weigh the groups as a fit on every document would (an equal number
   per group would let a small group's subjects stand for more of the text than they are),
   and the documents are those with the smallest hash of their id keyed by ``random_state``,
   so the sample is the same whatever the order, the parts of a store or the workers. Every
   document's units are then counted with the model's vocabulary and transformed by the
   fitted model (NMF: with the fitted IDF; a document's share is the token-weighted mean over
   its units), one chunk at a time, so group prevalence covers every document. Only the
   sample's units are kept (``units_``, ``unit_topics_``, representative passages); intervals
   then resample documents only (their units' shares are not kept), which
   :meth:`TopicModel.sample_note` says, as do ``fitting_note()`` and ``caveat()``.

Examples
--------
>>> import pandas as pd
>>> text_a = ("Peace plan talks on a ceasefire.\\n\\nThe peace plan calls for a ceasefire."
...           "\\n\\nOil and gas exports grow.")
>>> text_b = ("Gas exports and oil trade.\\n\\nOil pipeline gas deal signed.\\n\\n"
...           "Ceasefire talks and the peace plan.")
>>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"], "text": [text_a, text_b]})
>>> model = fit_topics(corpus, k=2, n_seeds=3, min_df=2)
>>> model.topics_[["topic", "label"]].to_dict("list")["topic"]
[0, 1]
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from analysis import config
from analysis.errors import CorpusError
from analysis.measures import stats
from analysis.measures.topic_metrics import (
    NPMI_WINDOW,
    listed_share,
    matched_jaccard,
    npmi_coherence,
    relevance_scores,
    top_terms,
    topic_diversity,
    topic_recovery,
    topic_stability,
)
from analysis.stages import SUMMARY_COLUMNS, StageSource, sample_documents
from analysis.tables import format_count
from analysis.text.segment import check_corpus
from analysis.text.segment import sentences as segment_sentences
from analysis.text.segment import units as segment_units

__all__ = [
    "MIN_COHERENCE",
    "MIN_DIVERSITY",
    "ONLINE_MIN_UNITS",
    "SAMPLE_SIZE",
    "SELECTION_SEEDS",
    "STABLE_THRESHOLD",
    "STATUSES",
    "TopicModel",
    "fit_topics",
    "fit_topics_from_stages",
    "fit_topics_from_store",
    "largest_share_cut",
    "prevalence_caveat",
]

#: A topic is stable when more than this share of the random starts recovers it (more than
#: half of its top words back) and its NPMI is at least ``MIN_COHERENCE``.
STABLE_THRESHOLD: float = 0.5
#: NPMI below this (0 = the top words meet as often as independent words would) is "low coherence".
MIN_COHERENCE: float = 0.0
#: Candidates for k need at least this topic diversity (unique / all top words).
MIN_DIVERSITY: float = 0.5
#: A topic holding more than this share of the text is "dominant" (see :func:`largest_share_cut`).
MAX_TOPIC_SHARE: float = 0.5
#: ... or, for small k, more than this multiple of an even share (k = 2: 0.75).
EVEN_SHARE_FACTOR: float = 1.5
#: A topic is "formula" / "group names" when more than this share of its top-term weight lies
#: on formula words / the groups' own names; a candidate k whose formula and group-name topics
#: hold more than this share of the text is degenerate.
MAX_LISTED_SHARE: float = 0.5
#: Default number of used units in the sample for choosing k and measuring stability.
SAMPLE_SIZE: int = 5000
#: Documents transformed at a time (a part of a store or a corpus in memory is cut into runs
#: of this many), which bounds the units and their counts held at once.
TRANSFORM_CHUNK: int = 2_000
#: Default random starts per candidate k while choosing k.
SELECTION_SEEDS: int = 3
#: LDA switches from batch to online variational Bayes at this many units.
ONLINE_MIN_UNITS: int = 2000
#: Parts of the automatic label, of which at most ``LABEL_PHRASES`` are phrases.
LABEL_TERMS: int = 3
LABEL_PHRASES: int = 2
#: A two-term phrase needs at least this many topic-weighted occurrences to enter a label.
MIN_PHRASE_COUNT: float = 2.0
#: Label terms come from a topic's this many highest-weighted terms, re-ranked by relevance:
#: without that floor the lift part of relevance puts words seen in a handful of units first.
LABEL_POOL: int = 30
#: Relevance weight used for labels and as the default of :meth:`TopicModel.relevance`.
LABEL_LAMBDA: float = 0.6
#: Iteration caps (NMF coordinate descent; LDA passes over the data).
NMF_MAX_ITER: int = 1000
LDA_MAX_ITER: int = 20
#: Resource file of formula words (greetings, thanks, sign-offs).
FORMULA_WORDS: str = "formula_words.txt"
#: The status of a topic, in the order they are checked (the first that applies is kept).
STATUSES: tuple[str, ...] = (
    "dominant", "formula", "group names", "low coherence", "unstable", "usable",
)

_METHODS = ("nmf", "lda")


def largest_share_cut(k: int) -> float:
    """The largest share of the text one of ``k`` topics may hold before it is "dominant".

    ``max(MAX_TOPIC_SHARE, EVEN_SHARE_FACTOR / k)``: more than half of the text is "most of
    it"; with two topics one of them always holds half, so there the cut is 1.5 times an even
    share (0.75). From k = 3 on the cut is one half.

    Examples
    --------
    >>> [largest_share_cut(k) for k in (2, 3, 8)]
    [0.75, 0.5, 0.5]
    """
    return max(MAX_TOPIC_SHARE, EVEN_SHARE_FACTOR / int(k))


def _needed_runs(n_runs: int) -> int:
    """Fewest recovering runs that are more than ``STABLE_THRESHOLD`` of ``n_runs``."""
    return int(math.floor(STABLE_THRESHOLD * n_runs)) + 1


@dataclass
class _Solution:
    """One k fitted on some units: the reference fit, replicate top words and measures.

    Topics are sorted by ``share`` (token-weighted share of the fitted units' text).
    """

    k: int
    components: np.ndarray
    unit_weights: np.ndarray
    top: list[list[str]]
    coherence: np.ndarray
    stability: np.ndarray
    recovered: np.ndarray
    share: np.ndarray
    formula: np.ndarray
    names: np.ndarray
    replicate_top: list[list[list[str]]]
    runs: pd.DataFrame
    diversity: float = field(default=float("nan"))
    estimator: object = None
    #: the estimator's topic of each reported topic (reported = estimator's ``[:, order]``)
    order: np.ndarray | None = None

    def stable(self) -> np.ndarray:
        """Recovered by most runs and NPMI at least ``MIN_COHERENCE``."""
        n_runs = len(self.replicate_top)
        coherent = np.nan_to_num(self.coherence, nan=-np.inf) >= MIN_COHERENCE
        return (np.asarray(self.recovered) >= _needed_runs(n_runs)) & coherent

    def status(self) -> np.ndarray:
        """One of ``STATUSES`` per topic (module docstring, step 7)."""
        n_runs = len(self.replicate_top)
        formula, names = np.asarray(self.formula), np.asarray(self.names)
        listed = formula + names > MAX_LISTED_SHARE
        checks = [
            np.asarray(self.share) > largest_share_cut(self.k),
            listed & (formula >= names),
            listed,
            ~(np.nan_to_num(self.coherence, nan=-np.inf) >= MIN_COHERENCE),
            np.asarray(self.recovered) < _needed_runs(n_runs),
        ]
        out = np.full(self.k, STATUSES[-1], dtype=object)
        for name, hit in zip(reversed(STATUSES[:-1]), reversed(checks), strict=True):
            out[hit] = name
        return out


class TopicModel:
    """A topic model of a corpus's text units, with stability, coherence and prevalence.

    Build it with :func:`fit_topics` (or ``TopicModel(...).fit(corpus)``). Parameters are
    those of :func:`fit_topics`. Fitted attributes end in ``_``:

    ``k_``
        Number of topics (chosen or given).
    ``units_``
        One row per text unit: ``doc_id``, group, ``unit``, ``kind``, ``text``, ``n_tokens``
        (content tokens after stop-word removal), ``used`` (False: no vocabulary term, left out),
        ``in_sample`` (in the sample used to choose k and to measure stability).
    ``vocabulary_``
        Array of the model's terms.
    ``vectorizer_``, ``estimator_``
        A scikit-learn CountVectorizer with the model's vocabulary (``transform`` of unit texts
        gives the counts the model was fitted on) and the NMF or LatentDirichletAllocation of
        the reference run (its topics in their original order), fitted on all used units.
    ``components_``
        ``(k_, n_terms)`` topic-term distributions ``p(w|k)`` (rows sum to 1).
    ``term_share_``
        ``(n_terms,)`` corpus share of each term among the model's tokens, ``p(w)``.
    ``terms_``
        Top terms: ``topic``, ``label``, ``stable``, ``status``, ``rank`` (1-based), ``term``,
        ``weight`` (``p(w|k)``).
    ``unit_topics_``
        Used units x topics: ``doc_id``, group, ``unit``, ``n_tokens`` and one column per topic
        (int name) holding the unit's topic shares (sum 1).
    ``coherence_``
        Series of per-topic NPMI coherence (index ``topic``).
    ``stability_``
        ``topic``, ``stability`` (mean matched Jaccard), ``min_jaccard``, ``recovered`` (runs
        whose matched topic shares more than half of the top words), ``n_runs``, ``recovery``
        (``recovered / n_runs``), ``margin`` (recovering runs above the fewest that make a
        majority), ``stable``.
    ``topics_``
        One row per topic: ``topic``, ``label``, ``stable``, ``status``, ``share`` (of all
        tokens), ``coherence``, ``stability``, ``recovery``, ``margin``, ``formula_share`` and
        ``names_share`` (share of the top-term weight on formula words / group names),
        ``top_terms``.
    ``labels_``
        Series of topic labels (index ``topic``); see :meth:`set_labels`.
    ``diversity_``
        Topic diversity of the fitted model.
    ``group_terms_``
        Sorted tokens of the grouping's own values (and of a ``<group>_label`` column).
    ``selection_``
        With ``k=None``: one row per candidate k, measured on the sample with
        ``selection_seeds`` random starts: ``coherence`` (mean NPMI), ``diversity``,
        ``stability`` (mean), ``largest_share`` and ``largest_cut``, ``formula_text`` (text in
        formula or group-name topics), ``n_usable``, ``usable_share``, ``eligible``, ``reason``
        (why a candidate was set aside), ``chosen``; ``None`` when k was given.
    ``selection_rule_``
        The rule that chose k, in words (``None`` when k was given).
    ``selection_seeds_``
        Random starts per candidate while choosing k (``None`` when k was given).
    ``runs_``
        One row per fitted run of the chosen k: ``run`` ("reference" or "seed"), ``seed``,
        ``init``, ``n_iter``, ``converged``, ``n_units`` (units it was fitted on).
    """

    def __init__(
        self,
        *,
        group: str = config.DEFAULT_GROUP,
        k: int | None = None,
        method: str = "nmf",
        unit: str = "paragraph",
        k_range: Sequence[int] = range(2, 9),
        n_seeds: int = 10,
        selection_seeds: int = SELECTION_SEEDS,
        sample_size: int | None = SAMPLE_SIZE,
        top_n: int = 10,
        dedupe: bool = False,
        min_df: int | float = 2,
        max_df: int | float = 0.95,
        max_sentences: int = 8,
        npmi_window: int = NPMI_WINDOW,
        labels: Mapping[int, str] | None = None,
        random_state: int = config.RANDOM_STATE,
        max_documents: int | None = config.MAX_DOCUMENTS,
    ) -> None:
        self.group = group
        self.k = k
        self.method = method
        self.unit = unit
        self.k_range = k_range
        self.n_seeds = n_seeds
        self.selection_seeds = selection_seeds
        self.sample_size = sample_size
        self.top_n = top_n
        self.dedupe = dedupe
        self.min_df = min_df
        self.max_df = max_df
        self.max_sentences = max_sentences
        self.npmi_window = npmi_window
        self.labels = labels
        self.random_state = random_state
        self.max_documents = max_documents

    # ------------------------------------------------------------------ fitting
    def _check_params(self) -> None:
        if self.method not in _METHODS:
            raise CorpusError(f"method={self.method!r} is not supported; use 'nmf' or 'lda'.")
        if self.k is not None and (not isinstance(self.k, int | np.integer) or self.k < 1):
            raise CorpusError(f"k={self.k!r}: pass a positive whole number of topics, or None.")
        if self.k is None and not list(self.k_range):
            raise CorpusError("k_range is empty: give candidate numbers of topics, or fix k.")
        if int(self.n_seeds) < 1:
            raise CorpusError(f"n_seeds={self.n_seeds!r}: stability needs at least 1 seed.")
        if int(self.selection_seeds) < 1:
            raise CorpusError(
                f"selection_seeds={self.selection_seeds!r}: choosing k needs at least 1 seed."
            )
        if self.sample_size is not None and (
            not isinstance(self.sample_size, int | np.integer) or self.sample_size < 2
        ):
            raise CorpusError(
                f"sample_size={self.sample_size!r}: pass a whole number of units (at least 2), "
                "or None to use every unit."
            )
        if int(self.top_n) < 2:
            raise CorpusError(f"top_n={self.top_n!r}: coherence needs at least 2 top terms.")
        if self.max_documents is not None and (
            isinstance(self.max_documents, bool)
            or not isinstance(self.max_documents, int | np.integer) or self.max_documents < 2
        ):
            raise CorpusError(
                f"max_documents={self.max_documents!r}: pass a whole number of documents (at "
                "least 2) above which the model is fitted on a sample, or None for never."
            )

    def fit(self, corpus: pd.DataFrame, *, sents: pd.DataFrame | None = None) -> TopicModel:
        """Fit the model to ``corpus`` (see :func:`fit_topics`); returns ``self``.

        ``sents``: the sentences of ``corpus`` already split (see :func:`fit_topics`).

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> TopicModel(k=2, n_seeds=2, min_df=2).fit(corpus).k_
        2
        """
        if sents is not None and self.dedupe:
            raise CorpusError(
                "sents= are the sentences of the corpus as given, so they cannot be "
                "deduplicated here: pass the deduplicated corpus and its sentences (e.g. "
                "fit_topics_from_store on a store prepared with dedupe) with dedupe=False, "
                "or leave sents out."
            )
        return self._fit(corpus, sents=sents, deduplicate=self.dedupe)

    def _fit(self, corpus: pd.DataFrame, *, sents: pd.DataFrame | None,
             deduplicate: bool) -> TopicModel:
        self._check_params()
        check_corpus(corpus, group=self.group)
        if deduplicate:
            from analysis.text.passages import deduplicated

            corpus = deduplicated(corpus, group=self.group)
        documents = corpus[[c for c in corpus.columns if c not in ("text", "raw_text")]]
        if self.max_documents is None or len(corpus) <= int(self.max_documents):
            return self._fit_units(corpus, sents=sents, documents=documents)
        if sents is None:  # split once, so every chunk's units come from the same tokenizer
            sents = segment_sentences(corpus, group=self.group)
        return self._fit_sampled(documents, _FrameSource(corpus, sents, self.group))

    def _fit_sampled(self, documents: pd.DataFrame, source: _Source) -> TopicModel:
        """Fit on a sample of the documents, then give every document its topic shares.

        Module docstring, step 11. ``documents``: every document's ``doc_id`` and group
        columns (no text); ``source`` reads the sample's texts and sentences and streams every
        document's in chunks.
        """
        keep = [c for c in dict.fromkeys(["doc_id", self.group, f"{self.group}_label"])
                if c in documents.columns]
        documents = documents[keep].reset_index(drop=True)
        chosen = sample_documents(documents, group=self.group,
                                  max_documents=int(self.max_documents),
                                  random_state=self.random_state)
        docs, sents = source.sample(documents.loc[chosen, "doc_id"].astype(str).tolist())
        check_corpus(docs, group=self.group)
        self._fit_units(docs, sents=sents, documents=documents)
        self.sampled_ = True
        self.n_sample_documents_ = int(chosen.sum())
        self._doc_shares = self._transform(source.chunks())
        return self

    def _transform(self, chunks: Iterator[tuple[pd.DataFrame, pd.DataFrame]]) -> pd.DataFrame:
        """Every document's topic shares from the fitted model, one chunk of documents at a time.

        The chunk's units are built as in fitting, counted with the model's vocabulary
        (TF-IDF with the fitted IDF for NMF) and transformed by ``estimator_``; a document's
        share of a topic is the token-weighted mean over its units (as :meth:`doc_topics`).
        Returns ``doc_id``, ``n_tokens``, ``n_units`` and one column per topic, in corpus order.
        """
        analyzer = self.vectorizer_.analyzer
        frames = []
        for docs, sents in _runs(chunks, TRANSFORM_CHUNK):
            units = segment_units(docs, group=self.group, unit=self.unit,
                                  max_sentences=self.max_sentences, sents=sents)
            lengths: list[int] = []

            def counted(text: str, _lengths: list[int] = lengths) -> list[str]:
                tokens = analyzer(text)
                _lengths.append(len(tokens))
                return tokens

            vec = CountVectorizer(analyzer=counted, vocabulary=self.vectorizer_.vocabulary_,
                                  dtype=np.float64)
            counts = vec.transform(units["text"].astype(str).tolist()).tocsr()
            used = np.asarray(counts.sum(axis=1)).ravel() > 0
            if not used.any():
                continue
            matrix = counts[used] if self.method == "lda" else self._tfidf.transform(counts[used])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                weights = np.asarray(self.estimator_.transform(matrix), dtype=float)
            shares = _row_shares(weights[:, self._order])
            valid = ~np.isnan(shares).any(axis=1)
            n_tokens = np.asarray(lengths, dtype=float)[used][valid]
            codes, ids = pd.factorize(units.loc[used, "doc_id"].astype(str).to_numpy()[valid])
            by_doc = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                       shape=(len(ids), len(codes)))
            tokens = by_doc @ n_tokens
            frame = pd.DataFrame({"doc_id": pd.array(ids, dtype="string"),
                                  "n_tokens": tokens.astype(np.int64),
                                  "n_units": np.bincount(codes, minlength=len(ids))})
            weighted = np.asarray(by_doc @ (shares[valid] * n_tokens[:, None]))
            for t in range(self.k_):
                frame[t] = weighted[:, t] / tokens
            frames.append(frame)
        columns = ["doc_id", "n_tokens", "n_units", *range(self.k_)]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
        return pd.concat(frames, ignore_index=True)[columns]

    def _fit_units(self, corpus: pd.DataFrame, *, sents: pd.DataFrame | None,
                   documents: pd.DataFrame) -> TopicModel:
        """Fit on every unit of ``corpus``; ``documents``: the documents the model describes."""
        from analysis.corpus.wordlists import read_list
        from analysis.text.vocab import make_analyzer

        analyzer = make_analyzer()
        self.group_terms_ = _group_terms(documents, self.group, analyzer)
        formula_words = frozenset(read_list(FORMULA_WORDS))
        self.documents_ = documents.reset_index(drop=True)
        self.sampled_ = False
        self.n_documents_ = self.n_sample_documents_ = len(self.documents_)
        self._doc_shares = None
        units = segment_units(
            corpus, group=self.group, unit=self.unit, max_sentences=self.max_sentences,
            sents=sents,
        )
        texts = units["text"].astype(str).tolist()
        counts, vocab, n_tokens = self._count_matrix(texts, analyzer)
        units = units.assign(n_tokens=n_tokens)
        used = np.asarray(counts.sum(axis=1)).ravel() > 0
        counts = counts[used]
        n_units, n_terms = counts.shape
        if n_units < 2:
            raise CorpusError(
                f"only {n_units} text unit(s) contain vocabulary terms: a topic model needs "
                "more text. Add documents, or lower min_df."
            )
        sample = self._draw_sample(n_units)
        in_sample = np.zeros(len(units), dtype=bool)
        in_sample[np.flatnonzero(used)[sample]] = True
        self.units_ = units.assign(used=used, in_sample=in_sample).reset_index(drop=True)
        self.vocabulary_ = vocab
        self.term_share_ = np.asarray(counts.sum(axis=0)).ravel() / counts.sum()
        self._tfidf = TfidfTransformer()
        matrix = counts if self.method == "lda" else self._tfidf.fit_transform(counts)
        weights_n = self.units_.loc[used, "n_tokens"].to_numpy(dtype=float)
        seeds = [int(s) for s in np.random.SeedSequence(self.random_state).generate_state(
            int(self.n_seeds))]
        whole = sample.size == n_units
        sample_matrix = matrix if whole else matrix[sample]
        # token sequences (for NPMI windows) of the sample only: memory stays bounded
        used_texts = [t for t, u in zip(texts, used, strict=True) if u]
        sample_tokens = [analyzer(used_texts[i]) for i in sample]
        del texts, used_texts
        listed = (formula_words, frozenset(self.group_terms_))

        max_k = min(n_units, n_terms)
        chosen: _Solution | None = None
        if self.k is not None:
            if self.k > max_k:
                raise CorpusError(
                    f"k={self.k} topics need at least {self.k} text units and terms; the corpus "
                    f"has {n_units} units and {n_terms} terms. Choose a smaller k."
                )
            k = int(self.k)
            self.selection_ = self.selection_rule_ = self.selection_seeds_ = None
        else:
            max_k = min(max_k, sample.size)  # candidates are fitted on the sample
            candidates = sorted({int(k) for k in self.k_range if 2 <= int(k) <= max_k})
            if not candidates:
                raise CorpusError(
                    f"no k in k_range={list(self.k_range)} fits a corpus of {n_units} units "
                    f"({sample.size} in the sample) and {n_terms} terms (k must be between 2 "
                    f"and {max_k}). Pass a smaller k_range, a larger sample_size or more text."
                )
            n_sel = min(int(self.selection_seeds), len(seeds))
            solutions = {
                k: self._solve(k, sample_matrix, vocab, sample_tokens, weights_n[sample],
                               seeds[:n_sel], listed)
                for k in candidates
            }
            self.selection_, self.selection_rule_ = _select_k(solutions)
            self.selection_seeds_ = n_sel
            k = int(self.selection_.loc[self.selection_["chosen"], "k"].iloc[0])
            chosen = solutions[k]
        reuse = chosen if (chosen is not None and whole) else None
        solution = self._solve(k, matrix, vocab, sample_tokens, weights_n, seeds, listed,
                               replicate_matrix=sample_matrix, previous=chosen, reference=reuse)
        self._store(solution, used, sample)
        self._set_auto_labels(self.units_.loc[self.units_["in_sample"], "text"],
                              counts[sample], analyzer_rules=analyzer.rules)
        if self.labels:
            self.set_labels(self.labels)
        return self

    def _draw_sample(self, n_units: int) -> np.ndarray:
        """Sorted indices of the used units in the sample (all of them when few enough)."""
        if self.sample_size is None or n_units <= int(self.sample_size):
            return np.arange(n_units)
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(n_units, size=int(self.sample_size), replace=False))

    def _count_matrix(
        self, texts: list[str], analyzer: Callable[[str], list[str]]
    ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """Counts of the kept terms, the terms, and every unit's number of content tokens.

        One pass of the analyzer over the texts (no token lists are kept); terms are then kept
        by document frequency as scikit-learn's ``min_df`` / ``max_df`` do (an int counts
        units, a float is a share of them).
        """
        def fail(why: str) -> CorpusError:
            return CorpusError(
                f"no term is left for the topic model ({why}). The corpus has {len(texts)} text "
                f"units; lower min_df (now {self.min_df!r}) or raise max_df "
                f"(now {self.max_df!r}), or add documents."
            )

        vec = CountVectorizer(analyzer=analyzer)
        try:
            full = vec.fit_transform(texts).tocsr()
        except ValueError:  # not one content token in any unit
            raise fail("the units have no content word") from None
        n_tokens = np.asarray(full.sum(axis=1)).ravel().astype(np.int64)
        df = np.bincount(full.indices, minlength=full.shape[1])
        n = len(texts)
        high = self.max_df if isinstance(self.max_df, numbers.Integral) else self.max_df * n
        low = self.min_df if isinstance(self.min_df, numbers.Integral) else self.min_df * n
        if high < low:
            raise fail("max_df corresponds to fewer units than min_df")
        keep = np.flatnonzero((df >= low) & (df <= high))
        if keep.size == 0:
            raise fail("after pruning by min_df and max_df no term remains")
        terms = vec.get_feature_names_out()[keep].astype(object)
        # the kept vocabulary as a reusable vectorizer: transform(texts) gives these counts
        self.vectorizer_ = CountVectorizer(analyzer=analyzer, vocabulary=list(terms)).fit([])
        return full[:, keep].astype(np.float64), terms, n_tokens

    def _one_run(
        self, matrix: sparse.spmatrix, k: int, seed: int | None, reference: bool
    ) -> tuple[np.ndarray, np.ndarray, dict, object]:
        if self.method == "nmf":
            init = "nndsvda" if reference else "random"
            model = NMF(
                n_components=k, init=init, random_state=seed, max_iter=NMF_MAX_ITER, tol=1e-4
            )
            max_iter = NMF_MAX_ITER
        else:
            init = "random"
            online = matrix.shape[0] >= ONLINE_MIN_UNITS
            model = LatentDirichletAllocation(
                n_components=k,
                learning_method="online" if online else "batch",
                max_iter=LDA_MAX_ITER,
                random_state=seed,
            )
            max_iter = LDA_MAX_ITER
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            w = model.fit_transform(matrix)
        h = np.asarray(model.components_, dtype=float)
        info = {
            "run": "reference" if reference else "seed",
            "seed": seed,
            "init": init,
            "n_iter": int(model.n_iter_),
            "converged": bool(model.n_iter_ < max_iter) if self.method == "nmf" else True,
            "n_units": int(matrix.shape[0]),
        }
        return np.asarray(w, dtype=float), h, info, model

    def _solve(
        self,
        k: int,
        matrix: sparse.spmatrix,
        vocab: np.ndarray,
        tokens: list[list[str]],
        n_tokens: np.ndarray,
        seeds: list[int],
        listed: tuple[frozenset[str], frozenset[str]],
        *,
        replicate_matrix: sparse.spmatrix | None = None,
        previous: _Solution | None = None,
        reference: _Solution | None = None,
    ) -> _Solution:
        """Fit k on ``matrix`` (or reuse ``reference``'s fit of the same units) and measure it.

        Replicates run on ``replicate_matrix`` (default ``matrix``); those of ``previous`` (fitted
        on the same replicate units with the first seeds) are reused.
        """
        if reference is not None:
            w, h_norm, top = reference.unit_weights, reference.components, reference.top
            infos = [reference.runs.iloc[0].to_dict()]
            estimator, order = reference.estimator, reference.order
        else:
            w, h, info, estimator = self._one_run(matrix, k, int(self.random_state),
                                                  reference=True)
            infos = [info]
            # number topics by their share of all tokens, largest first (ties: original order)
            shares = _row_shares(w)
            total = np.nansum(shares * n_tokens[:, None], axis=0)
            order = np.lexsort((np.arange(k), -total))
            w, h = w[:, order], h[order]
            h_norm = _row_shares(h)
            top = top_terms(h_norm, vocab, top_n=int(self.top_n))
        replicate_top: list[list[list[str]]] = []
        if previous is not None:
            replicate_top = list(previous.replicate_top[: len(seeds)])
            infos.extend(previous.runs.iloc[1: 1 + len(replicate_top)].to_dict("records"))
        rep_matrix = matrix if replicate_matrix is None else replicate_matrix
        for seed in seeds[len(replicate_top):]:
            _, h_r, info_r, _ = self._one_run(rep_matrix, k, seed, reference=False)
            replicate_top.append(top_terms(_row_shares(h_r), vocab, top_n=int(self.top_n)))
            infos.append(info_r)
        shares = _row_shares(w)
        valid = ~np.isnan(shares).any(axis=1)
        share = (shares[valid] * n_tokens[valid, None]).sum(axis=0) / n_tokens[valid].sum()
        formula, names = listed
        return _Solution(
            k=k,
            components=h_norm,
            unit_weights=w,
            top=top,
            coherence=npmi_coherence(top, tokens, npmi_window=int(self.npmi_window)),
            stability=topic_stability(top, replicate_top),
            recovered=topic_recovery(top, replicate_top),
            share=share,
            formula=listed_share(h_norm, vocab, formula, top_n=int(self.top_n)),
            names=listed_share(h_norm, vocab, names, top_n=int(self.top_n)),
            replicate_top=replicate_top,
            runs=pd.DataFrame(infos).astype({"seed": "int64"}),
            diversity=topic_diversity(top, top_n=int(self.top_n)),
            estimator=estimator,
            order=order,
        )

    def _store(self, sol: _Solution, used: np.ndarray, sample: np.ndarray) -> None:
        k = sol.k
        self.k_ = k
        self.estimator_ = sol.estimator
        self._order = sol.order
        self.components_ = sol.components
        self.diversity_ = float(sol.diversity)
        self.runs_ = sol.runs
        self.replicate_terms_ = sol.replicate_top
        topics = np.arange(k)
        self.coherence_ = pd.Series(sol.coherence, index=pd.Index(topics, name="topic"),
                                    name="coherence")
        per_run = matched_jaccard(sol.top, sol.replicate_top)
        n_runs = len(sol.replicate_top)
        self._status = sol.status()
        self.stability_ = pd.DataFrame({
            "topic": topics,
            "stability": sol.stability,
            "min_jaccard": per_run.min(axis=0) if n_runs else np.zeros(k),
            "recovered": sol.recovered,
            "n_runs": n_runs,
            "recovery": sol.recovered / n_runs,
            "margin": sol.recovered - _needed_runs(n_runs),
            "stable": sol.stable(),
        })
        base = self.units_.loc[used].reset_index(drop=True)
        keep = ["doc_id", self.group, "unit", "n_tokens"]
        shares = pd.DataFrame(_row_shares(sol.unit_weights), columns=list(topics))
        self.unit_topics_ = pd.concat([base[keep], shares], axis=1)
        self._sample = sample
        self._overall_share = sol.share
        self._listed = (sol.formula, sol.names)
        self._top = sol.top

    def _set_auto_labels(self, texts: pd.Series, counts: sparse.csr_matrix, *,
                         analyzer_rules: object = None) -> None:
        """Labels from relevance-ranked terms, phrases first (module docstring, step 9)."""
        pools = self._relevance_top(LABEL_LAMBDA, int(self.top_n), within=LABEL_POOL)
        phrases = self._phrase_candidates(pools, texts, counts, analyzer_rules)
        self.labels_ = pd.Series(
            _auto_labels(pools, phrases),
            index=pd.Index(np.arange(self.k_), name="topic"),
            name="label",
            dtype="string",
        )
        self._refresh_tables()

    def _phrase_candidates(
        self, pools: list[list[str]], texts: pd.Series, counts: sparse.csr_matrix,
        analyzer_rules: object,
    ) -> list[list[tuple[str, tuple[str, ...]]]]:
        """Per topic: phrases made of its relevant terms, most (topic-weighted) frequent first."""
        from analysis.text.vocab import make_analyzer

        shares = np.nan_to_num(_row_shares(self.unit_topics_[list(range(self.k_))].to_numpy())
                               [self._sample])
        word_counts = np.asarray((counts.T @ shares).T)  # topics x vocabulary
        index = {str(t): j for j, t in enumerate(self.vocabulary_)}
        bigram_vec = CountVectorizer(analyzer=make_analyzer(ngram_range=(2, 2),
                                                            rules=analyzer_rules))
        try:
            bigrams = bigram_vec.fit_transform(texts.astype(str).tolist())
            bigram_index = bigram_vec.vocabulary_
            bigram_counts = np.asarray((bigrams.T @ shares).T)
        except ValueError:  # no two content words side by side anywhere
            bigram_index, bigram_counts = {}, np.zeros((self.k_, 0))
        out = []
        for t, pool in enumerate(pools):
            lead = set(pool[:LABEL_TERMS])
            found = [(float(word_counts[t, index[x]]), x, (x,)) for x in pool[:LABEL_TERMS]
                     if " " in x]
            for x in pool:
                for y in pool:
                    j = bigram_index.get(f"{x} {y}") if x != y else None
                    if j is not None and (x in lead or y in lead):
                        found.append((float(bigram_counts[t, j]), f"{x} {y}", (x, y)))
            found = [f for f in found if f[0] >= MIN_PHRASE_COUNT]
            found.sort(key=lambda f: (-f[0], f[1]))
            out.append([(phrase, words) for _, phrase, words in found])
        return out

    def _relevance_top(self, lambda_: float, n: int, *, within: int | None = None
                       ) -> list[list[str]]:
        """The ``n`` most relevant terms per topic, optionally among its ``within`` heaviest."""
        rel = relevance_scores(self.components_, self.term_share_, lambda_=lambda_)
        if within is not None:
            heavy = np.argsort(-self.components_, axis=1, kind="stable")[:, :within]
            keep = np.zeros(rel.shape, dtype=bool)
            np.put_along_axis(keep, heavy, True, axis=1)
            rel = np.where(keep, rel, -np.inf)
        out = []
        for row in rel:
            order = np.argsort(-row, kind="stable")[:n]
            out.append([str(self.vocabulary_[i]) for i in order if np.isfinite(row[i])])
        return out

    def _refresh_tables(self) -> None:
        """Rebuild the tables that carry labels (after fitting or relabelling)."""
        topics = np.arange(self.k_)
        rows = []
        for t in topics:
            for rank, term in enumerate(self._top[t], start=1):
                j = int(np.flatnonzero(self.vocabulary_ == term)[0])
                rows.append((t, rank, term, float(self.components_[t, j])))
        terms = pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])
        terms["term"] = terms["term"].astype("string")
        self.terms_ = self._with_flags(terms)
        stab = self.stability_
        self.topics_ = pd.DataFrame({
            "topic": topics,
            "label": self.labels_.to_numpy(),
            "stable": stab["stable"].to_numpy(),
            "status": self._status,
            "share": self._overall_share,
            "coherence": self.coherence_.to_numpy(),
            "stability": stab["stability"].to_numpy(),
            "recovery": stab["recovery"].to_numpy(),
            "margin": stab["margin"].to_numpy(),
            "formula_share": self._listed[0],
            "names_share": self._listed[1],
            "top_terms": [", ".join(t) for t in self._top],
        })
        for col in ("label", "status", "top_terms"):
            self.topics_[col] = self.topics_[col].astype("string")

    def _with_flags(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Insert ``label``, ``stable`` and ``status`` after the ``topic`` column."""
        topic = frame["topic"].to_numpy()
        labels = self.labels_.reindex(topic).to_numpy()
        stable = self.stability_.set_index("topic")["stable"].reindex(topic)
        status = pd.Series(self._status, index=np.arange(self.k_)).reindex(topic)
        pos = list(frame.columns).index("topic") + 1
        frame = frame.copy()
        frame.insert(pos, "label", pd.array(labels, dtype="string"))
        frame.insert(pos + 1, "stable", stable.to_numpy(dtype=bool))
        frame.insert(pos + 2, "status", pd.array(status.to_numpy(), dtype="string"))
        return frame

    def _check_fitted(self) -> None:
        if not hasattr(self, "k_"):
            raise CorpusError("this TopicModel is not fitted yet: call fit_topics(corpus) first.")

    # ------------------------------------------------------------------ labels
    def set_labels(self, mapping: Mapping[int, str]) -> TopicModel:
        """Replace the labels of some topics; returns ``self``.

        Parameters
        ----------
        mapping : mapping of topic number -> label
            Topics not named keep their automatic label. Keys may be ints or digit strings.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> m = fit_topics(corpus, k=2, n_seeds=2, min_df=2).set_labels({1: "my label"})
        >>> m.labels_[1]
        'my label'
        """
        self._check_fitted()
        labels = self.labels_.copy()
        for key, value in dict(mapping).items():
            try:
                topic = int(key)
            except (TypeError, ValueError):
                topic = -1
            if not 0 <= topic < self.k_:
                raise CorpusError(
                    f"topic label key {key!r}: topics are numbered 0 to {self.k_ - 1}. "
                    "Use those numbers as keys of topic_labels."
                )
            labels[topic] = str(value)
        self.labels_ = labels
        self._refresh_tables()
        return self

    # ------------------------------------------------------------------ views
    def relevance(self, lambda_: float = LABEL_LAMBDA, *, top_n: int | None = None) -> pd.DataFrame:
        """Terms re-ranked by pyLDAvis relevance (Sievert & Shirley 2014).

        ``r(w, k) = lambda * ln p(w|k) + (1 - lambda) * ln(p(w|k) / p(w))``, with ``p(w|k)`` the
        normalised topic-term weights and ``p(w)`` the term's share of the corpus tokens.
        ``lambda_ = 1`` ranks by weight within the topic, ``0`` by lift (distinctiveness).

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, ``status``, ``rank``, ``term``, ``relevance``,
            ``p_term_topic``, ``p_term``, ``lift``; ``top_n`` (default the model's) rows per
            topic; terms with zero weight in a topic are never listed.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> r = fit_topics(corpus, k=2, n_seeds=2, min_df=2).relevance(1.0, top_n=2)
        >>> list(r.columns[:6])
        ['topic', 'label', 'stable', 'status', 'rank', 'term']
        """
        self._check_fitted()
        n = int(top_n if top_n is not None else self.top_n)
        rel = relevance_scores(self.components_, self.term_share_, lambda_=lambda_)
        rows = []
        for t, row in enumerate(rel):
            order = np.argsort(-row, kind="stable")[:n]
            for rank, j in enumerate(order, start=1):
                if not np.isfinite(row[j]):
                    break
                p_wk = float(self.components_[t, j])
                p_w = float(self.term_share_[j])
                rows.append((t, rank, str(self.vocabulary_[j]), float(row[j]), p_wk, p_w,
                             p_wk / p_w))
        out = pd.DataFrame(rows, columns=["topic", "rank", "term", "relevance", "p_term_topic",
                                          "p_term", "lift"])
        out["term"] = out["term"].astype("string")
        return self._with_flags(out)

    def representative_passages(self, n: int = 1, *, min_tokens: int = 8) -> pd.DataFrame:
        """The ``n`` units with the highest share of each topic, with their text.

        Units shorter than ``min_tokens`` content tokens (captions, datelines) are passed over
        unless a topic has no longer unit. Ties go to the unit with more tokens, then to corpus
        order.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, ``status``, ``rank``, ``doc_id``, group, ``unit``, ``share``,
            ``n_tokens``, ``text`` (plain text: escape it before putting it into HTML).

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> p = fit_topics(corpus, k=2, n_seeds=2, min_df=2).representative_passages(min_tokens=1)
        >>> len(p)
        2
        """
        self._check_fitted()
        ut = self.unit_topics_
        texts = self.units_.loc[self.units_["used"], "text"].reset_index(drop=True)
        rows = []
        for t in range(self.k_):
            share = ut[t].to_numpy(dtype=float)
            long_enough = ut["n_tokens"].to_numpy() >= int(min_tokens)
            pool = np.flatnonzero(long_enough & ~np.isnan(share))
            if pool.size == 0:
                pool = np.flatnonzero(~np.isnan(share))
            order = pool[np.lexsort((pool, -ut["n_tokens"].to_numpy()[pool], -share[pool]))]
            for rank, i in enumerate(order[: int(n)], start=1):
                rows.append((t, rank, ut.at[i, "doc_id"], ut.at[i, self.group],
                             int(ut.at[i, "unit"]), float(share[i]), int(ut.at[i, "n_tokens"]),
                             str(texts.iloc[i])))
        out = pd.DataFrame(rows, columns=["topic", "rank", "doc_id", self.group, "unit", "share",
                                          "n_tokens", "text"])
        out["text"] = out["text"].astype("string")
        return self._with_flags(out)

    def _unit_long(self, group: str) -> pd.DataFrame:
        """Long frame: one row per used unit and topic with ``share`` and ``n_tokens``.

        A model fitted on a sample of the documents keeps no unit rows of the other
        documents: one row per document then stands for its units (``unit`` 0, the
        document's share and tokens), which gives the same pooled shares.
        """
        ut = self.unit_topics_ if self._doc_shares is None else \
            self._doc_shares.assign(unit=0)
        base = ut[["doc_id", "unit", "n_tokens"]]
        if group != self.group or self._doc_shares is not None:
            if group not in self.documents_.columns:
                cols = ", ".join(map(str, self.documents_.columns))
                raise CorpusError(
                    f"corpus has no column {group!r} (columns: {cols}). Pass group= one of these."
                )
            lookup = self.documents_.set_index("doc_id")[group]
            grp = lookup.reindex(ut["doc_id"].to_numpy()).to_numpy()
        else:
            grp = ut[group].to_numpy()
        frames = []
        for t in range(self.k_):
            frames.append(base.assign(**{group: grp, "topic": t, "share": ut[t].to_numpy()}))
        return pd.concat(frames, ignore_index=True)

    def doc_topics(self, group: str | None = None) -> pd.DataFrame:
        """Per-article topic shares (token-weighted mean of the article's unit shares).

        Each article's shares sum to 1 over topics.

        Returns
        -------
        DataFrame
            ``doc_id``, group, ``topic``, ``label``, ``stable``, ``status``, ``share``, ``n_tokens`` (the
            article's content tokens in used units), ``n_units``.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> d = fit_topics(corpus, k=2, n_seeds=2, min_df=2).doc_topics()
        >>> d.groupby("doc_id")["share"].sum().round(6).tolist()
        [1.0, 1.0]
        """
        self._check_fitted()
        group = group or self.group
        if self._doc_shares is None:
            long = self._unit_long(group)
            long = long[~long["share"].isna()]
            long = long.assign(weighted=long["share"] * long["n_tokens"])
            agg = long.groupby(["doc_id", "topic"], sort=True, dropna=False).agg(
                weighted=("weighted", "sum"), n_tokens=("n_tokens", "sum"),
                n_units=("unit", "size")
            ).reset_index()
            agg = agg.assign(share=agg["weighted"] / agg["n_tokens"])
        else:  # fitted on a sample: every document's shares from the model's transform
            agg = self._doc_shares.melt(id_vars=["doc_id", "n_tokens", "n_units"],
                                        var_name="topic", value_name="share")
            agg = agg.astype({"topic": "int64"}).sort_values(
                ["doc_id", "topic"], kind="stable").reset_index(drop=True)
        grp = self.documents_.set_index("doc_id")[group]
        agg.insert(1, group, grp.reindex(agg["doc_id"].to_numpy()).to_numpy())
        agg[group] = agg[group].astype(self.documents_[group].dtype)
        out = agg[["doc_id", group, "topic", "share", "n_tokens", "n_units"]]
        return self._with_flags(out)

    def prevalence(
        self,
        group: str | None = None,
        *,
        n_boot: int = config.N_BOOT,
        level: float = config.CI_LEVEL,
        random_state: int | None = None,
    ) -> pd.DataFrame:
        """Each topic's share of each group's text, with an interval resampling whole articles.

        The estimate is the token-weighted mean of the topic's unit shares over all units of
        the group (the group's text pooled). The interval is a two-stage percentile bootstrap
        (:func:`analysis.measures.stats.cluster_bootstrap`: articles with replacement, then units within
        each drawn article), the same draws for every topic. :meth:`caveat` says what the
        interval can show for these group sizes; the per-article values are :meth:`doc_topics`.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, ``status``, group, ``estimate``, ``ci_low``, ``ci_high``,
            ``n_docs``, ``n_units``, ``n_boot``.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "event": ["x", "x", "y", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan.",
        ...              "Oil gas trade.\\n\\nOil exports.", "Peace plan.\\n\\nTalks on peace."]})
        >>> p = fit_topics(corpus, k=2, n_seeds=2, min_df=2).prevalence(n_boot=50)
        >>> p.groupby("event")["estimate"].sum().round(6).tolist()
        [1.0, 1.0]
        """
        self._check_fitted()
        group = group or self.group
        rs = self.random_state if random_state is None else random_state
        long = self._unit_long(group)
        stats.check_groups(self.documents_, group=group)
        frames = []
        for t in range(self.k_):
            part = long[long["topic"] == t]
            res = stats.cluster_bootstrap(
                part, value="share", group=group, weights="n_tokens", weight="unit",
                n_boot=n_boot, level=level, random_state=rs,
            )
            frames.append(res.assign(topic=t))
        out = pd.concat(frames, ignore_index=True)
        if self._doc_shares is not None:  # one row stood for each document's units
            docs = self._doc_shares
            grp = self.documents_.set_index("doc_id")[group].reindex(docs["doc_id"].to_numpy())
            units = docs["n_units"].groupby(grp.to_numpy()).sum()
            out["n_units"] = units.reindex(out[group].to_numpy()).to_numpy(dtype=np.int64)
        out = out[["topic", group, "estimate", "ci_low", "ci_high", "n_docs", "n_units", "n_boot"]]
        return self._with_flags(out)

    def prevalence_difference(
        self,
        group: str | None = None,
        *,
        groups: Sequence[str] | None = None,
        n_boot: int = config.N_BOOT,
        level: float = config.CI_LEVEL,
        random_state: int | None = None,
    ) -> pd.DataFrame:
        """Difference in each topic's share between groups, with an article-level interval.

        Wraps :func:`analysis.measures.stats.bootstrap_difference` per topic (token-weighted shares,
        articles then units resampled within each group): with two groups ``a - b`` in sorted
        order (or ``groups=(a, b)``), with more each group minus the rest. Read it with the
        per-article values (:meth:`doc_topics`) and :meth:`caveat`.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, ``status``, ``contrast``, ``group_a``, ``group_b``,
            ``estimate``, ``ci_low``, ``ci_high``, ``n_docs_a``, ``n_docs_b``,
            ``interval_excludes_zero`` (a description of the interval, not a test).

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "event": ["x", "x", "y", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan.",
        ...              "Oil gas trade.\\n\\nOil exports.", "Peace plan.\\n\\nTalks on peace."]})
        >>> d = fit_topics(corpus, k=2, n_seeds=2, min_df=2).prevalence_difference(n_boot=50)
        >>> d["contrast"].unique().tolist(), round(float(d["estimate"].sum()), 9)
        (['x - y'], 0.0)
        """
        self._check_fitted()
        group = group or self.group
        rs = self.random_state if random_state is None else random_state
        long = self._unit_long(group)
        stats.check_groups(self.documents_, group=group)
        frames = []
        for t in range(self.k_):
            part = long[long["topic"] == t]
            res = stats.bootstrap_difference(
                part, value="share", group=group, groups=groups, weights="n_tokens",
                weight="unit", n_boot=n_boot, level=level, random_state=rs,
            )
            frames.append(res.assign(topic=t))
        out = pd.concat(frames, ignore_index=True)
        out = out[["topic"] + [c for c in out.columns if c != "topic"]]
        return self._with_flags(out)

    def caveat(self, group: str | None = None, *, unit: str = "documents") -> str:
        """What a topic-prevalence interval can and cannot show for this corpus's group sizes.

        :func:`prevalence_caveat` of the documents' group sizes (``group`` defaults to the
        model's grouping column; ``unit`` is the prose's plural noun).

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "event": ["x", "x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks.",
        ...              "Oil gas trade.\\n\\nPeace plan."]})
        >>> "x: 3" in fit_topics(corpus, k=2, n_seeds=2, min_df=2).caveat()
        True
        """
        self._check_fitted()
        group = group or self.group
        if group not in self.documents_.columns:
            cols = ", ".join(map(str, self.documents_.columns))
            raise CorpusError(
                f"corpus has no column {group!r} (columns: {cols}). Pass group= one of these."
            )
        text = prevalence_caveat(stats.group_sizes(self.documents_, group=group), unit=unit,
                                 units_resampled=not self.sampled_)
        return text if not self.sampled_ else f"{self.sample_note(unit=unit)} {text}"

    def sample_note(self, *, unit: str = "documents") -> str:
        """How the documents were sampled for fitting, in one paragraph ("" when they were not).

        Above ``max_documents`` documents the model is fitted on a sample of them (module
        docstring, step 11); the note gives both sizes and says what the shares and intervals
        rest on. ``unit`` is the prose's plural noun.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": list("abcdef"), "event": list("xxxyyy"),
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks.",
        ...              "Oil gas trade.\\n\\nPeace plan.", "Peace plan talks.\\n\\nOil and gas.",
        ...              "Gas deal talks.\\n\\nOil plan.", "Peace oil.\\n\\nGas talks plan."]})
        >>> model = fit_topics(corpus, k=2, n_seeds=2, min_df=2, max_documents=4)
        >>> model.sampled_, model.n_sample_documents_, model.n_documents_
        (True, 4, 6)
        >>> model.sample_note().split(" (")[0]
        'The topics were fitted on a sample of 4 of 6 documents'
        >>> fit_topics(corpus, k=2, n_seeds=2, min_df=2).sample_note()
        ''
        """
        self._check_fitted()
        if not self.sampled_:
            return ""
        n_units = int(self._doc_shares["n_units"].sum())
        return (
            f"The topics were fitted on a sample of {self.n_sample_documents_:,} of "
            f"{self.n_documents_:,} {unit} (more than max_documents = {self.max_documents:,}: "
            f"{unit} drawn by a hash of their id seeded with {self.random_state}, each group "
            f"keeping its share of the {unit}). Each of the {len(self._doc_shares):,} {unit} "
            f"gets its topic shares from that model ({n_units:,} text units in all), so group "
            f"shares cover all {unit}; their "
            f"intervals resample {unit} only, not the units within them."
        )

    def fitting_note(self, *, unit: str = "documents") -> str:
        """How k was chosen and the model fitted, in one paragraph computed from the attributes.

        Says whether k was given or chosen, on how many of the used units (a sample or all of
        them) and with how many random starts, that the reported model was fitted once on all
        used units, and on how many units its stability was measured; a model fitted on a
        document sample starts with :meth:`sample_note` (``unit``: the prose's plural noun).

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> fit_topics(corpus, k=2, n_seeds=2, min_df=2).fitting_note().split(". ")[0]
        'k = 2 was given'
        """
        self._check_fitted()
        n_used = int(self.units_["used"].sum())
        n_sample = int(self.units_["in_sample"].sum())
        sampled = n_sample < n_used
        where = (f"a random sample of {n_sample:,} of the {n_used:,} text units (seed "
                 f"{self.random_state})" if sampled else f"all {n_used:,} text units")
        method = "NMF on TF-IDF" if self.method == "nmf" else "LDA on word counts"
        if self.selection_ is None:
            first = f"k = {self.k_} was given"
        else:
            n = len(self.selection_)
            first = (f"k = {self.k_} was chosen among {n} candidates, each fitted on {where} "
                     f"with {self.selection_seeds_} random start"
                     f"{'s' if self.selection_seeds_ != 1 else ''}")
        n_rep = int((self.runs_["run"] == "seed").sum())
        ref = self.runs_.iloc[0]
        if self.sampled_:
            first = f"{self.sample_note(unit=unit)} {first}"
        return (
            f"{first}. The reported model ({method}, {self.k_} topics) was fitted once on all "
            f"{int(ref['n_units']):,} text units"
            f"{f' of the sampled {unit}' if self.sampled_ else ''} from an {ref['init']} "
            f"start; its stability "
            f"comes from {n_rep} further fits from random starts on {where}."
        )

    def __repr__(self) -> str:
        state = f"k_={self.k_}" if hasattr(self, "k_") else "not fitted"
        return f"TopicModel(method={self.method!r}, unit={self.unit!r}, {state})"


def _row_shares(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1; all-zero rows become NaN."""
    matrix = np.asarray(matrix, dtype=float)
    sums = matrix.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = matrix / sums
    out[(sums <= 0).ravel()] = np.nan
    return out


def _auto_labels(
    pools: list[list[str]], phrases: list[list[tuple[str, tuple[str, ...]]]]
) -> list[str]:
    """Phrases first, then relevant terms not already in a phrase; unique labels."""
    labels: list[str] = []
    for pool, found in zip(pools, phrases, strict=True):
        parts: list[str] = []
        covered: set[str] = set()
        for phrase, words in found:
            if len(parts) >= min(LABEL_PHRASES, LABEL_TERMS):
                break
            if covered.isdisjoint(words):
                parts.append(phrase)
                # a phrase covers its terms and their words ("vladimir putin" covers "putin")
                covered.update(words)
                covered.update(w for term in words for w in term.split(" "))
        rest = [t for t in pool if t not in covered]
        n = LABEL_TERMS - len(parts)
        label = " / ".join(parts + rest[:n]) if parts or rest else "(no terms)"
        while label in labels and n < len(rest):
            n += 1
            label = " / ".join(parts + rest[:n])
        if label in labels:
            label = f"{label} ({len(labels)})"
        labels.append(label)
    return labels


def _group_terms(corpus: pd.DataFrame, group: str, analyzer: object) -> np.ndarray:
    """Tokens of the grouping's own values and of a ``<group>_label`` column, sorted."""
    names: set[str] = set()
    for col in (group, f"{group}_label"):
        if col in corpus.columns:
            for value in corpus[col].dropna().astype(str).unique():
                # "2018-singapore" is one token; its parts ("singapore") name the group too
                names.update(analyzer(value))
                names.update(analyzer(re.sub(r"[-_/.]+", " ", value)))
    return np.array(sorted(names), dtype=object)


def _select_k(solutions: dict[int, _Solution]) -> tuple[pd.DataFrame, str]:
    """Per-k table and the rule in words (rule in the module docstring, step 8)."""
    ks = sorted(solutions)
    rows = []
    for k in ks:
        sol = solutions[k]
        status = sol.status()
        share = np.asarray(sol.share, dtype=float)
        usable = status == "usable"
        listed = np.isin(status, ["formula", "group names"])
        rows.append({
            "k": k,
            "coherence": float(np.nanmean(sol.coherence)),
            "diversity": sol.diversity,
            "stability": float(np.mean(sol.stability)),
            "largest_share": float(share.max()),
            "largest_cut": largest_share_cut(k),
            "formula_text": float(share[listed].sum()),
            "n_usable": int(usable.sum()),
            "usable_share": float(share[usable].sum()),
        })
    table = pd.DataFrame(rows)
    reasons = []
    for row in table.itertuples(index=False):
        why = []
        if not row.diversity >= MIN_DIVERSITY:
            why.append(f"diversity {row.diversity:.2f} < {MIN_DIVERSITY}")
        if row.largest_share > row.largest_cut:
            why.append(f"one topic holds {row.largest_share:.1%} of the text "
                       f"(> {row.largest_cut:.0%})")
        if row.formula_text > MAX_LISTED_SHARE:
            why.append(f"formula / group-name topics hold {row.formula_text:.1%} of the text")
        reasons.append("; ".join(why))
    eligible = np.array([r == "" for r in reasons])
    table["eligible"] = eligible
    table["reason"] = pd.array(reasons, dtype="string")
    considered = eligible if eligible.any() else np.ones(len(ks), dtype=bool)
    # most usable topics, then more text in usable topics, then the smaller k
    order = np.lexsort((table["k"].to_numpy(), -table["usable_share"].to_numpy(),
                        -table["n_usable"].to_numpy()))
    best = next(i for i in order if considered[i])
    table["chosen"] = np.arange(len(ks)) == best
    units = int(solutions[ks[0]].unit_weights.shape[0])
    seeds = len(solutions[ks[0]].replicate_top)
    rule = (
        f"each candidate k was fitted on {units:,} text units with {seeds} random start"
        f"{'s' if seeds != 1 else ''}; k = {ks[best]} has the most usable topics "
        f"({int(table.at[best, 'n_usable'])}: recovered by most random starts, NPMI >= "
        f"{MIN_COHERENCE:g}, not formula or group names), ties going to more text in usable "
        "topics, then to the smaller k, "
    )
    if eligible.all():
        rule += "and no candidate was degenerate"
    elif eligible.any():
        rule += (f"among the {int(eligible.sum())} of {len(ks)} candidates that are not "
                 "degenerate (see the reason column)")
    else:
        rule += ("but every candidate is degenerate (see the reason column), so all were "
                 "considered: read the topics with their status")
    return table, rule


def _n_resamples(n_docs: int) -> int:
    """Distinct multisets of ``n_docs`` articles drawn with replacement: C(2n - 1, n)."""
    return math.comb(2 * n_docs - 1, n_docs) if n_docs > 0 else 0


def prevalence_caveat(sizes: Mapping[str, int] | pd.Series, *, unit: str = "documents",
                      units_resampled: bool = True) -> str:
    """What a topic-prevalence interval can and cannot show, computed from the group sizes.

    Adds to :func:`analysis.measures.stats.caveat` the number of distinct document resamples per
    group: with ``n`` documents the bootstrap can only draw ``C(2n - 1, n)`` different sets
    (3 for 2 documents, 10 for 3), so the interval is coarse. ``unit`` is the prose's plural
    noun ("articles", "speeches"); ``units_resampled`` False: the interval redraws documents
    only (a model fitted on a sample of the documents).

    Examples
    --------
    >>> text = prevalence_caveat({"x": 3, "y": 2}, unit="speeches")
    >>> "x: 10" in text and "y: 3" in text and "these speeches divide" in text
    True
    >>> "x: about 2.9 × 10^72" in prevalence_caveat({"x": 123, "y": 66})  # C(245, 123)
    True
    """
    sizes = {str(k): int(v) for k, v in dict(sizes).items()}
    n_sets = ", ".join(f"{k}: {format_count(_n_resamples(v))}" for k, v in sizes.items())
    return (
        f"Topic shares describe how these {unit} divide their text between topics. The "
        f"interval resamples whole {unit}{' (then their units)' if units_resampled else ''}, "
        f"so it shows how much a group's "
        f"share depends on which of its {unit} are included; it cannot show how the wider "
        f"population of {unit} they were drawn from divides its text, and a topic found in few "
        f"{unit} can look like a group difference. Distinct sets of {unit} the bootstrap can "
        f"draw per group: {n_sets}. " + stats.caveat(sizes, unit=unit)
    )


class _Source(Protocol):
    """Where a sampled fit reads its documents: the sample whole, then every document."""

    def sample(self, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]: ...

    def chunks(self) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]: ...


@dataclass(frozen=True)
class _FrameSource:
    """A corpus and its sentences in memory."""

    corpus: pd.DataFrame
    sents: pd.DataFrame
    group: str

    def sample(self, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        keep = set(ids)
        docs = self.corpus[self.corpus["doc_id"].astype(str).isin(keep)]
        sents = self.sents[self.sents["doc_id"].astype(str).isin(keep)]
        return docs.reset_index(drop=True), sents.reset_index(drop=True)

    def chunks(self) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        yield self.corpus, self.sents


def _slices(docs: pd.DataFrame, sents: pd.DataFrame,
            size: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """``docs`` in runs of ``size`` documents, each with its sentences."""
    if len(docs) <= size:
        yield docs, sents
        return
    position = pd.Index(docs["doc_id"].astype(str)).get_indexer(sents["doc_id"].astype(str))
    ordered = bool(np.all(np.diff(position) >= 0))
    for lo in range(0, len(docs), size):
        hi = lo + size
        if ordered:
            a, b = np.searchsorted(position, [lo, hi])
            part = sents.iloc[a:b]
        else:
            part = sents[(position >= lo) & (position < hi)]
        yield docs.iloc[lo:hi], part


def _runs(chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
          size: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Documents (with their sentences) in runs of ``size`` counted from the first document,
    whatever chunks they arrive in: the solver of ``NMF.transform`` stops on a tolerance over
    the whole matrix it is given, so the rows transformed together must not depend on how a
    store is cut into parts."""
    docs_held: list[pd.DataFrame] = []
    sents_held: list[pd.DataFrame] = []
    n = 0
    for docs, sents in chunks:
        docs_held.append(docs)
        sents_held.append(sents)
        n += len(docs)
        if n < size:
            continue
        d, s = _stacked(docs_held), _stacked(sents_held)
        full = n - n % size
        inside = s["doc_id"].astype(str).isin(set(d["doc_id"].iloc[:full].astype(str)))
        yield from _slices(d.iloc[:full], s[inside.to_numpy()], size)
        docs_held = [d.iloc[full:].reset_index(drop=True)]
        sents_held = [s[~inside.to_numpy()].reset_index(drop=True)]
        n -= full
    if n:
        yield _stacked(docs_held), _stacked(sents_held)


#: Columns of the stored sentences that units are built from.
_SENTENCE_COLUMNS = ["doc_id", "paragraph", "sentence", "start", "end"]


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    full = [f for f in frames if len(f)]
    if len(full) > 1:
        return pd.concat(full, ignore_index=True)
    return (full or frames)[0].reset_index(drop=True)


def _with_group(sents: pd.DataFrame, docs: pd.DataFrame, group: str) -> pd.DataFrame:
    """``sents`` with the documents' ``group`` as second column (looked up by ``doc_id``)."""
    values = pd.Series(docs[group].to_numpy(), index=pd.Index(docs["doc_id"].astype(str)))
    sents = sents.copy()
    sents.insert(1, group, values.reindex(sents["doc_id"].astype(str).to_numpy()).to_numpy())
    return sents


@dataclass(frozen=True)
class _StoreSource:
    """A prepared store, read one part at a time."""

    store: StageSource
    group: str
    columns: list[str]  # the documents' columns a fit needs (text included)

    def whole(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        docs = self.store.document_columns(self.columns)
        sents = _stacked(list(self.store.iter_parts("sentences", columns=_SENTENCE_COLUMNS)))
        return docs, _with_group(sents, docs, self.group)

    def sample(self, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        where = [("doc_id", "in", ids)]
        docs = _stacked(list(self.store.iter_parts("documents", columns=self.columns,
                                                   filters=where)))
        sents = _stacked(list(self.store.iter_parts("sentences", columns=_SENTENCE_COLUMNS,
                                                    filters=where)))
        return docs, _with_group(sents, docs, self.group)

    def chunks(self) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """Each documents part with its sentences (both tables are in corpus order)."""
        parts = self.store.iter_parts("sentences", columns=_SENTENCE_COLUMNS)
        held = pd.DataFrame(columns=_SENTENCE_COLUMNS)
        for docs in self.store.iter_parts("documents", columns=["doc_id", self.group, "text"]):
            ids = set(docs["doc_id"].astype(str))
            taken = []
            while True:
                if not len(held):
                    held = next(parts, None)
                    if held is None:
                        held = pd.DataFrame(columns=_SENTENCE_COLUMNS)
                        break
                inside = held["doc_id"].astype(str).isin(ids).to_numpy()
                n = len(inside) if inside.all() else int(np.argmin(inside))
                if inside[n:].any():
                    raise CorpusError(
                        f"{getattr(self.store, 'path', 'the store')}: the sentences table is "
                        "not in the documents' order. Prepare the store again.")
                taken.append(held.iloc[:n])
                held = held.iloc[n:]
                if len(held):
                    break
            sents = _stacked(taken) if taken else held.iloc[:0]
            yield docs, _with_group(sents, docs, self.group)


def fit_topics(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    k: int | None = None,
    method: str = "nmf",
    unit: str = "paragraph",
    k_range: Sequence[int] = range(2, 9),
    n_seeds: int = 10,
    selection_seeds: int = SELECTION_SEEDS,
    sample_size: int | None = SAMPLE_SIZE,
    top_n: int = 10,
    dedupe: bool = False,
    min_df: int | float = 2,
    max_df: int | float = 0.95,
    max_sentences: int = 8,
    npmi_window: int = NPMI_WINDOW,
    labels: Mapping[int, str] | None = None,
    random_state: int = config.RANDOM_STATE,
    sents: pd.DataFrame | None = None,
    max_documents: int | None = config.MAX_DOCUMENTS,
) -> TopicModel:
    """Fit a topic model (NMF on TF-IDF or LDA on counts) to the corpus's paragraph units.

    Method, stability, coherence, the rule for choosing k and the labels are described in the
    module docstring of :mod:`analysis.measures.topics`.

    Parameters
    ----------
    corpus : DataFrame
        Needs ``doc_id``, ``text`` and the ``group`` column.
    group : str, default "event"
        Grouping column carried into every table (values may be missing).
    k : int, optional
        Number of topics. ``None`` chooses among ``k_range`` (see ``selection_``).
    method : {"nmf", "lda"}
        NMF on TF-IDF (default; more stable on small corpora) or LDA on counts.
    unit : {"paragraph", "window"}
        Text units (see :func:`analysis.text.segment.units`).
    k_range : sequence of int, default 2..8
        Candidates when ``k`` is None.
    n_seeds : int, default 10
        Replicate runs from random starts for the stability measure of the reported model.
    selection_seeds : int, default 3
        Random starts per candidate k while choosing k (at most ``n_seeds``; they are reused
        for the chosen k).
    sample_size : int or None, default 5000
        Used units in the sample on which k is chosen and stability measured; a corpus with
        fewer is used whole. ``None``: always every unit.
    top_n : int, default 10
        Top terms per topic for coherence, diversity, stability and ``terms_``.
    dedupe : bool, default False
        Count passages shared between articles once (:func:`analysis.text.passages.deduplicated`).
    min_df, max_df : int or float
        A term must occur in at least ``min_df`` and at most ``max_df`` units (int: count,
        float: share of units).
    max_sentences : int, default 8
        Longer paragraphs are cut into windows of about three sentences.
    npmi_window : int, default 10
        Sliding-window length (tokens) for NPMI coherence.
    labels : mapping of int -> str, optional
        Topic labels overriding the automatic ones.
    random_state : int
        Seed; the same inputs and seed give identical topics.
    sents : DataFrame, optional
        The sentences of ``corpus`` already split (:func:`analysis.text.segment.sentences` or a
        prepared store's ``sentences``), so the units are built without splitting the text
        again; the same model as without it. Not with ``dedupe=True`` (use
        :func:`fit_topics_from_store` on a store prepared with ``dedupe``).
    max_documents : int or None, default 20,000
        With more documents, the model is fitted on a sample of this many (stratified by
        group, chosen by a seeded hash of ``doc_id``: :func:`analysis.stages.sample_documents`) and every
        document's topic shares come from that model (module docstring, step 11). ``None``:
        never sample.

    Returns
    -------
    TopicModel

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> model = fit_topics(corpus, k=2, n_seeds=2, min_df=2)
    >>> sorted(model.terms_.columns)
    ['label', 'rank', 'stable', 'status', 'term', 'topic', 'weight']
    """
    return TopicModel(
        group=group, k=k, method=method, unit=unit, k_range=k_range, n_seeds=n_seeds,
        selection_seeds=selection_seeds, sample_size=sample_size, top_n=top_n, dedupe=dedupe, min_df=min_df, max_df=max_df, max_sentences=max_sentences,
        npmi_window=npmi_window, labels=labels, random_state=random_state,
        max_documents=max_documents,
    ).fit(corpus, sents=sents)


def fit_topics_from_store(store: StageSource, *, group: str | None = None,
                          **options: object) -> TopicModel:
    """:func:`fit_topics` from a prepared store: units are built from the stored sentences.

    The same model (units, vocabulary, topics, numbers) :func:`fit_topics` fits on the corpus
    the store was prepared from, without splitting the text again; a store prepared with
    ``dedupe`` gives the model of ``fit_topics(corpus, dedupe=True)``
    (``model.dedupe`` says which). Only the columns a fit needs are read: the documents'
    clean text (never the raw text) and five columns of the sentences. Above
    ``max_documents`` documents (default :data:`analysis.config.MAX_DOCUMENTS`) only the sample's text and
    sentences are read whole (:func:`analysis.stages.sample_documents`); every document's topic shares are then
    computed one part of the store at a time (module docstring, step 11).

    Parameters
    ----------
    store : from :func:`analysis.store.open_store` (or ``prepare``)
    group : any column of ``store.documents`` (default: the store's group)
    **options : every other keyword of :func:`fit_topics` (``k``, ``method``, ``unit``,
        ``n_seeds``, ``random_state``, ``max_documents`` ...) except ``dedupe`` and ``sents``,
        which the store decides

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from analysis.store import prepare
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> store = prepare(corpus, store=tempfile.mkdtemp() + "/s")
    >>> model = fit_topics_from_store(store, k=2, n_seeds=2, min_df=2)
    >>> model.k_, len(model.units_), model.sampled_
    (2, 4, False)
    """
    for key in ("dedupe", "sents"):
        if key in options:
            raise TypeError(f"fit_topics_from_store: {key}= is the store's (prepared with "
                            f"dedupe={bool(store.settings.get('dedupe', False))}); drop it.")
    group = store.group if group is None else group
    model = TopicModel(group=group, dedupe=bool(store.settings.get("dedupe")),
                       **options)  # type: ignore[arg-type]
    model._check_params()
    names = store.table_columns("documents")
    keep = [c for c in names if c not in SUMMARY_COLUMNS and c != "raw_text"]
    source = _StoreSource(store, group, keep)
    documents = store.document_columns([c for c in keep if c != "text"])
    if model.max_documents is None or len(documents) <= int(model.max_documents):
        docs, sents = source.whole()
        return model._fit(docs, sents=sents, deduplicate=False)
    check_corpus(documents.assign(text=""), group=group)
    return model._fit_sampled(documents, source)


def fit_topics_from_stages(documents: pd.DataFrame, sents: pd.DataFrame, *,
                           group: str = config.DEFAULT_GROUP, deduplicated: bool = False,
                           **options: object) -> TopicModel:
    """:func:`fit_topics` on documents already split into sentences (and deduplicated).

    For a pipeline that has made the stages itself: ``documents`` are the corpus as
    analysed (already :func:`analysis.text.passages.deduplicated` when ``deduplicated`` is True,
    which ``model.dedupe`` then records) and ``sents`` its sentences.

    Parameters
    ----------
    documents : DataFrame with ``doc_id``, ``text`` and ``group``
    sents : :func:`analysis.text.segment.sentences` of ``documents`` (or a frame with its columns)
    group : grouping column
    deduplicated : whether shared passages were removed from ``documents`` already
    **options : every other keyword of :func:`fit_topics` except ``dedupe`` and ``sents``

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.text.segment import sentences
    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
    ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
    >>> model = fit_topics_from_stages(corpus, sentences(corpus), k=2, n_seeds=2, min_df=2)
    >>> model.k_, model.dedupe
    (2, False)
    """
    for key in ("dedupe", "sents"):
        if key in options:
            raise TypeError(f"fit_topics_from_stages: pass deduplicated= (whether the documents "
                            f"were deduplicated already), not {key}=.")
    model = TopicModel(group=group, dedupe=bool(deduplicated), **options)  # type: ignore[arg-type]
    return model._fit(documents, sents=sents, deduplicate=False)
