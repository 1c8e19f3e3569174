"""Topic models over paragraph units: fit, choose k, check stability, label, prevalence by group.

:func:`fit_topics` builds a :class:`TopicModel` from a corpus DataFrame. The pipeline:

1. **Units.** Paragraphs from :func:`analysis.segment.units` (``unit="paragraph"``); a
   paragraph longer than ``max_sentences`` sentences (or a document without paragraph breaks)
   is cut into windows of about three sentences, ``unit="window"`` cuts every paragraph.
   Five whole articles are far too few documents for a topic model; a paragraph is the
   smallest unit that usually keeps to one subject. Units without any vocabulary term are left
   out (they carry no topic information; ``units_`` keeps them with ``used=False``).
2. **Vocabulary.** Tokens from :func:`analysis.vocab.make_analyzer` (lower case, stop words
   removed, phrases such as "peace plan" as one token). A term must occur in at least
   ``min_df`` units and in at most ``max_df`` of them.
3. **Model.** ``method="nmf"`` (default): scikit-learn NMF (Frobenius loss, coordinate
   descent) on the L2-normalised TF-IDF matrix; ``method="lda"``: LatentDirichletAllocation on
   raw counts, batch variational Bayes for small corpora and online (mini-batch) for
   ``ONLINE_MIN_UNITS`` units or more. Topic-term weights are normalised to ``p(w|k)``;
   unit-topic weights to shares that sum to 1 per unit.
4. **Seeds and stability.** The reported ("reference") NMF run starts from NNDSVDa (Boutsidis
   & Gallopoulos 2008), computed from a truncated SVD (scikit-learn's randomized SVD, seeded
   with ``random_state``). That start is practically deterministic: on the seeds, refitting
   with ten other seeds gave identical top words for k up to 6, so varying the seed of an
   NNDSVD start says nothing about stability (NNDSVDar only adds small noise to the same start
   and behaves the same). Stability is therefore measured with ``n_seeds`` further runs from
   *random* starting matrices (``init="random"``, seeds drawn from
   ``numpy.random.SeedSequence(random_state)``): a topic that only one starting point finds is
   an artefact of that start, not of the text. For LDA the reference run uses
   ``random_state`` and the replicates the drawn seeds. Replicate topics are matched to the
   reference ones by the Hungarian method on top-word Jaccard
   (:func:`analysis.topic_metrics.match_topics`); a topic's ``stability`` is its mean matched
   Jaccard, and it is ``stable`` when that is at least ``STABLE_THRESHOLD`` (0.5: in a typical
   replicate the matched topic shares about 7 of its 10 top words; 6 shared words give 0.43).
   Unstable topics stay in every table and figure, flagged, and should not be read as findings.
5. **Coherence.** NPMI over sliding windows of ``NPMI_WINDOW`` (10) tokens of the fitted units
   (formula in :mod:`analysis.topic_metrics`): mean over pairs of a topic's top ``top_n`` terms.
   It is intrinsic (computed on the same corpus); no external reference corpus is used offline.
6. **Choosing k** (``k=None``): every k in ``k_range`` (capped by the number of units and
   terms) is fitted with its replicates. Candidates whose topic diversity (unique top words /
   all top words) is below ``MIN_DIVERSITY`` are set aside (topics that repeat one another);
   among the rest the chosen k maximises the mean of the standardised (z-scored across
   candidates) mean coherence and mean stability; ties go to the smaller k. If no candidate
   reaches the diversity threshold, all are considered and ``selection_`` says so. Pass
   ``k=`` to fix it.
7. **Topic order and labels.** Topics are numbered by their share of all tokens, largest
   first. The automatic label joins the three most *relevant* terms (pyLDAvis relevance at
   lambda = 0.6, Sievert & Shirley 2014), e.g. "peace plan / ceasefire / territory";
   :meth:`TopicModel.set_labels` or ``labels=`` overrides any of them.
8. **Prevalence.** A topic's share of a group's text is the token-weighted mean of its unit
   shares over the group's units; its interval comes from
   :func:`analysis.stats.cluster_bootstrap`, which resamples whole articles and then units
   within them. Per-article shares come from :meth:`TopicModel.doc_topics`.

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
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from analysis import config, stats
from analysis.errors import CorpusError
from analysis.segment import check_corpus
from analysis.segment import units as segment_units
from analysis.tables import format_count
from analysis.topic_metrics import (
    NPMI_WINDOW,
    npmi_coherence,
    relevance_scores,
    top_terms,
    topic_diversity,
    topic_stability,
)

__all__ = [
    "MIN_DIVERSITY",
    "ONLINE_MIN_UNITS",
    "STABLE_THRESHOLD",
    "TopicModel",
    "fit_topics",
    "prevalence_caveat",
]

#: A topic is ``stable`` when its mean matched top-word Jaccard across seeds reaches this.
STABLE_THRESHOLD: float = 0.5
#: Candidates for k need at least this topic diversity (unique / all top words).
MIN_DIVERSITY: float = 0.5
#: LDA switches from batch to online variational Bayes at this many units.
ONLINE_MIN_UNITS: int = 2000
#: Terms used for the automatic label.
LABEL_TERMS: int = 3
#: Relevance weight used for labels and as the default of :meth:`TopicModel.relevance`.
LABEL_LAMBDA: float = 0.6
#: Iteration caps (NMF coordinate descent; LDA passes over the data).
NMF_MAX_ITER: int = 1000
LDA_MAX_ITER: int = 20

_METHODS = ("nmf", "lda")


def _identity(tokens: list[str]) -> list[str]:
    """Analyzer for already tokenized units (module level so vectorizers pickle)."""
    return tokens


@dataclass
class _Solution:
    """One k: the reference fit, its replicates and their measures (topics sorted by share)."""

    k: int
    components: np.ndarray
    unit_weights: np.ndarray
    top: list[list[str]]
    coherence: np.ndarray
    stability: np.ndarray
    replicate_top: list[list[list[str]]]
    runs: pd.DataFrame
    diversity: float = field(default=float("nan"))
    estimator: object = None


class TopicModel:
    """A topic model of a corpus's text units, with stability, coherence and prevalence.

    Build it with :func:`fit_topics` (or ``TopicModel(...).fit(corpus)``). Parameters are
    those of :func:`fit_topics`. Fitted attributes end in ``_``:

    ``k_``
        Number of topics (chosen or given).
    ``units_``
        One row per text unit: ``doc_id``, group, ``unit``, ``kind``, ``text``, ``n_tokens``
        (content tokens after stop-word removal), ``used`` (False: no vocabulary term, left out).
    ``vocabulary_``
        Array of the model's terms.
    ``vectorizer_``, ``estimator_``
        The fitted scikit-learn CountVectorizer (on token lists) and NMF or
        LatentDirichletAllocation of the reference run (its topics in their original order).
    ``components_``
        ``(k_, n_terms)`` topic-term distributions ``p(w|k)`` (rows sum to 1).
    ``term_share_``
        ``(n_terms,)`` corpus share of each term among the model's tokens, ``p(w)``.
    ``terms_``
        Top terms: ``topic``, ``label``, ``stable``, ``rank`` (1-based), ``term``, ``weight``
        (``p(w|k)``).
    ``unit_topics_``
        Used units x topics: ``doc_id``, group, ``unit``, ``n_tokens`` and one column per topic
        (int name) holding the unit's topic shares (sum 1).
    ``coherence_``
        Series of per-topic NPMI coherence (index ``topic``).
    ``stability_``
        ``topic``, ``stability`` (mean matched Jaccard), ``min_jaccard``, ``stable``.
    ``topics_``
        One row per topic: ``topic``, ``label``, ``stable``, ``share`` (of all tokens),
        ``coherence``, ``stability``, ``top_terms``.
    ``labels_``
        Series of topic labels (index ``topic``); see :meth:`set_labels`.
    ``diversity_``
        Topic diversity of the fitted model.
    ``selection_``
        With ``k=None``: one row per candidate k with ``coherence``, ``diversity``,
        ``stability``, ``n_stable``, ``eligible``, ``score``, ``chosen``; ``None`` when k was
        given.
    ``runs_``
        One row per fitted run of the chosen k: ``run`` ("reference" or "seed"), ``seed``,
        ``init``, ``n_iter``, ``converged``.
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
        top_n: int = 10,
        dedupe: bool = False,
        min_df: int | float = 2,
        max_df: int | float = 0.95,
        max_sentences: int = 8,
        window: int = NPMI_WINDOW,
        labels: Mapping[int, str] | None = None,
        random_state: int = config.RANDOM_STATE,
    ) -> None:
        self.group = group
        self.k = k
        self.method = method
        self.unit = unit
        self.k_range = k_range
        self.n_seeds = n_seeds
        self.top_n = top_n
        self.dedupe = dedupe
        self.min_df = min_df
        self.max_df = max_df
        self.max_sentences = max_sentences
        self.window = window
        self.labels = labels
        self.random_state = random_state

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
        if int(self.top_n) < 2:
            raise CorpusError(f"top_n={self.top_n!r}: coherence needs at least 2 top terms.")

    def fit(self, corpus: pd.DataFrame) -> TopicModel:
        """Fit the model to ``corpus`` (see :func:`fit_topics`); returns ``self``.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> TopicModel(k=2, n_seeds=2, min_df=2).fit(corpus).k_
        2
        """
        self._check_params()
        check_corpus(corpus, group=self.group)
        if self.dedupe:
            from analysis.passages import deduplicated

            corpus = deduplicated(corpus, group=self.group)
        meta_cols = [c for c in corpus.columns if c not in ("text", "raw_text")]
        self.documents_ = corpus[meta_cols].reset_index(drop=True)
        units = segment_units(
            corpus, group=self.group, unit=self.unit, max_sentences=self.max_sentences
        )
        from analysis.vocab import make_analyzer

        analyzer = make_analyzer()
        tokens = [analyzer(t) for t in units["text"].astype(str).tolist()]
        units = units.assign(n_tokens=np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)))

        counts, vocab = self._count_matrix(tokens, units)
        used = np.asarray(counts.sum(axis=1)).ravel() > 0
        units = units.assign(used=used)
        self.units_ = units.reset_index(drop=True)
        counts = counts[used]
        tokens_used = [t for t, u in zip(tokens, used, strict=True) if u]
        n_units, n_terms = counts.shape
        if n_units < 2:
            raise CorpusError(
                f"only {n_units} text unit(s) contain vocabulary terms: a topic model needs "
                "more text. Add documents, or lower min_df."
            )
        self.vocabulary_ = vocab
        self.term_share_ = np.asarray(counts.sum(axis=0)).ravel() / counts.sum()
        matrix = counts if self.method == "lda" else TfidfTransformer().fit_transform(counts)
        weights_n = self.units_.loc[used, "n_tokens"].to_numpy(dtype=float)
        seeds = [int(s) for s in np.random.SeedSequence(self.random_state).generate_state(
            int(self.n_seeds))]
        fit_args = (matrix, vocab, tokens_used, weights_n, seeds)

        max_k = min(n_units, n_terms)
        if self.k is not None:
            if self.k > max_k:
                raise CorpusError(
                    f"k={self.k} topics need at least {self.k} text units and terms; the corpus "
                    f"has {n_units} units and {n_terms} terms. Choose a smaller k."
                )
            solution = self._fit_k(int(self.k), *fit_args)
            self.selection_ = None
        else:
            candidates = sorted({int(k) for k in self.k_range if 2 <= int(k) <= max_k})
            if not candidates:
                raise CorpusError(
                    f"no k in k_range={list(self.k_range)} fits a corpus of {n_units} units and "
                    f"{n_terms} terms (k must be between 2 and {max_k}). Pass a smaller "
                    "k_range or more text."
                )
            solutions = {k: self._fit_k(k, *fit_args) for k in candidates}
            self.selection_ = _select_k(solutions)
            solution = solutions[int(self.selection_.loc[self.selection_["chosen"], "k"].iloc[0])]
        self._store(solution, used)
        if self.labels:
            self.set_labels(self.labels)
        return self

    def _count_matrix(
        self, tokens: list[list[str]], units: pd.DataFrame
    ) -> tuple[sparse.csr_matrix, np.ndarray]:
        vec = CountVectorizer(analyzer=_identity, min_df=self.min_df, max_df=self.max_df)
        try:
            counts = vec.fit_transform(tokens)
        except ValueError as err:  # empty vocabulary, or min_df > max_df after pruning
            raise CorpusError(
                f"no term is left for the topic model ({err}). The corpus has {len(units)} text "
                f"units; lower min_df (now {self.min_df!r}) or raise max_df "
                f"(now {self.max_df!r}), or add documents."
            ) from None
        self.vectorizer_ = vec
        return counts.tocsr().astype(np.float64), vec.get_feature_names_out().astype(object)

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
        }
        return np.asarray(w, dtype=float), h, info, model

    def _fit_k(
        self,
        k: int,
        matrix: sparse.spmatrix,
        vocab: np.ndarray,
        tokens: list[list[str]],
        n_tokens: np.ndarray,
        seeds: list[int],
    ) -> _Solution:
        w, h, info, estimator = self._one_run(matrix, k, int(self.random_state), reference=True)
        infos = [info]
        # number topics by their share of all tokens, largest first (ties: original order)
        shares = _row_shares(w)
        total = np.nansum(shares * n_tokens[:, None], axis=0)
        order = np.lexsort((np.arange(k), -total))
        w, h = w[:, order], h[order]
        h_norm = _row_shares(h)
        top = top_terms(h_norm, vocab, top_n=int(self.top_n))
        replicate_top = []
        for seed in seeds:
            _, h_r, info_r, _ = self._one_run(matrix, k, seed, reference=False)
            replicate_top.append(top_terms(_row_shares(h_r), vocab, top_n=int(self.top_n)))
            infos.append(info_r)
        coherence = npmi_coherence(top, tokens, window=int(self.window))
        stability = topic_stability(top, replicate_top)
        return _Solution(
            k=k,
            components=h_norm,
            unit_weights=w,
            top=top,
            coherence=coherence,
            stability=stability,
            replicate_top=replicate_top,
            runs=pd.DataFrame(infos).astype({"seed": "int64"}),
            diversity=topic_diversity(top, top_n=int(self.top_n)),
            estimator=estimator,
        )

    def _store(self, sol: _Solution, used: np.ndarray) -> None:
        k = sol.k
        self.k_ = k
        self.estimator_ = sol.estimator
        self.components_ = sol.components
        self.diversity_ = float(sol.diversity)
        self.runs_ = sol.runs
        self.replicate_terms_ = sol.replicate_top
        topics = np.arange(k)
        self.coherence_ = pd.Series(sol.coherence, index=pd.Index(topics, name="topic"),
                                    name="coherence")
        min_j = np.zeros(k)
        if sol.replicate_top:
            from analysis.topic_metrics import match_topics

            per_run = np.zeros((len(sol.replicate_top), k))
            for r, run in enumerate(sol.replicate_top):
                m = match_topics(sol.top, run)
                per_run[r, m["topic_a"].to_numpy()] = m["jaccard"].to_numpy()
            min_j = per_run.min(axis=0)
        self.stability_ = pd.DataFrame({
            "topic": topics,
            "stability": sol.stability,
            "min_jaccard": min_j,
            "stable": sol.stability >= STABLE_THRESHOLD,
        })
        base = self.units_.loc[used].reset_index(drop=True)
        keep = ["doc_id", self.group, "unit", "n_tokens"]
        shares = pd.DataFrame(_row_shares(sol.unit_weights), columns=list(topics))
        self.unit_topics_ = pd.concat([base[keep], shares], axis=1)
        n_tok = base["n_tokens"].to_numpy(dtype=float)
        valid = ~np.isnan(shares.to_numpy()).any(axis=1)
        overall = (shares.to_numpy()[valid] * n_tok[valid, None]).sum(axis=0) / n_tok[valid].sum()
        self._top = sol.top
        self.labels_ = pd.Series(
            _auto_labels(self._relevance_top(LABEL_LAMBDA, LABEL_TERMS)),
            index=pd.Index(topics, name="topic"),
            name="label",
            dtype="string",
        )
        self._overall_share = overall
        self._refresh_tables()

    def _relevance_top(self, lambda_: float, n: int) -> list[list[str]]:
        rel = relevance_scores(self.components_, self.term_share_, lambda_=lambda_)
        out = []
        for row in rel:
            order = np.argsort(-row, kind="stable")[:n]
            out.append([str(self.vocabulary_[i]) for i in order if np.isfinite(row[i])])
        return out

    def _refresh_tables(self) -> None:
        """Rebuild the tables that carry labels (after fitting or relabelling)."""
        topics = np.arange(self.k_)
        stable = self.stability_["stable"].to_numpy()
        rows = []
        for t in topics:
            for rank, term in enumerate(self._top[t], start=1):
                j = int(np.flatnonzero(self.vocabulary_ == term)[0])
                rows.append((t, rank, term, float(self.components_[t, j])))
        terms = pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])
        terms["term"] = terms["term"].astype("string")
        self.terms_ = self._with_flags(terms)
        self.topics_ = pd.DataFrame({
            "topic": topics,
            "label": self.labels_.to_numpy(),
            "stable": stable,
            "share": self._overall_share,
            "coherence": self.coherence_.to_numpy(),
            "stability": self.stability_["stability"].to_numpy(),
            "top_terms": [", ".join(t) for t in self._top],
        })
        self.topics_["label"] = self.topics_["label"].astype("string")
        self.topics_["top_terms"] = self.topics_["top_terms"].astype("string")

    def _with_flags(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Insert ``label`` and ``stable`` after the ``topic`` column."""
        labels = self.labels_.reindex(frame["topic"].to_numpy()).to_numpy()
        stable = self.stability_.set_index("topic")["stable"].reindex(frame["topic"].to_numpy())
        pos = list(frame.columns).index("topic") + 1
        frame = frame.copy()
        frame.insert(pos, "label", pd.array(labels, dtype="string"))
        frame.insert(pos + 1, "stable", stable.to_numpy(dtype=bool))
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
            ``topic``, ``label``, ``stable``, ``rank``, ``term``, ``relevance``,
            ``p_term_topic``, ``p_term``, ``lift``; ``top_n`` (default the model's) rows per
            topic; terms with zero weight in a topic are never listed.

        Examples
        --------
        >>> import pandas as pd
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "event": ["x", "y"],
        ...     "text": ["Oil gas deal.\\n\\nPeace plan talks.", "Gas oil exports.\\n\\nPeace talks plan."]})
        >>> r = fit_topics(corpus, k=2, n_seeds=2, min_df=2).relevance(1.0, top_n=2)
        >>> list(r.columns[:5])
        ['topic', 'label', 'stable', 'rank', 'term']
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
            ``topic``, ``label``, ``stable``, ``rank``, ``doc_id``, group, ``unit``, ``share``,
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
        """Long frame: one row per used unit and topic with ``share`` and ``n_tokens``."""
        ut = self.unit_topics_
        base = ut[["doc_id", "unit", "n_tokens"]]
        if group != self.group:
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
            ``doc_id``, group, ``topic``, ``label``, ``stable``, ``share``, ``n_tokens`` (the
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
        long = self._unit_long(group)
        long = long[~long["share"].isna()]
        long = long.assign(weighted=long["share"] * long["n_tokens"])
        agg = long.groupby(["doc_id", "topic"], sort=True, dropna=False).agg(
            weighted=("weighted", "sum"), n_tokens=("n_tokens", "sum"), n_units=("unit", "size")
        ).reset_index()
        agg = agg.assign(share=agg["weighted"] / agg["n_tokens"])
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
        (:func:`analysis.stats.cluster_bootstrap`: articles with replacement, then units within
        each drawn article), the same draws for every topic. ``.attrs["caveat"]`` holds
        :func:`prevalence_caveat` for these group sizes; the per-article values are
        :meth:`doc_topics`.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, group, ``estimate``, ``ci_low``, ``ci_high``,
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
        out = out[["topic", group, "estimate", "ci_low", "ci_high", "n_docs", "n_units", "n_boot"]]
        out = self._with_flags(out)
        sizes = stats.group_sizes(self.documents_, group=group)
        out.attrs["caveat"] = prevalence_caveat(sizes)
        out.attrs["group"] = group
        return out

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

        Wraps :func:`analysis.stats.bootstrap_difference` per topic (token-weighted shares,
        articles then units resampled within each group): with two groups ``a - b`` in sorted
        order (or ``groups=(a, b)``), with more each group minus the rest. Read it with the
        per-article values (:meth:`doc_topics`) and ``.attrs["caveat"]``.

        Returns
        -------
        DataFrame
            ``topic``, ``label``, ``stable``, ``contrast``, ``group_a``, ``group_b``,
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
        out = self._with_flags(out)
        out.attrs["caveat"] = prevalence_caveat(stats.group_sizes(self.documents_, group=group))
        out.attrs["group"] = group
        return out

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


def _auto_labels(tops: list[list[str]]) -> list[str]:
    """Join the first terms; lengthen a label until it differs from the others."""
    labels: list[str] = []
    for terms in tops:
        n = LABEL_TERMS
        label = " / ".join(terms[:n]) if terms else "(no terms)"
        while label in labels and n < len(terms):
            n += 1
            label = " / ".join(terms[:n])
        if label in labels:
            label = f"{label} ({len(labels)})"
        labels.append(label)
    return labels


def _zscore(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    sd = values.std()
    if not np.isfinite(sd) or sd == 0:
        return np.zeros_like(values)
    return (values - values.mean()) / sd


def _select_k(solutions: dict[int, _Solution]) -> pd.DataFrame:
    """Per-k table and the chosen k (rule in the module docstring)."""
    ks = sorted(solutions)
    table = pd.DataFrame({
        "k": ks,
        "coherence": [float(np.nanmean(solutions[k].coherence)) for k in ks],
        "diversity": [solutions[k].diversity for k in ks],
        "stability": [float(np.mean(solutions[k].stability)) for k in ks],
        "n_stable": [int((solutions[k].stability >= STABLE_THRESHOLD).sum()) for k in ks],
    })
    eligible = table["diversity"].to_numpy() >= MIN_DIVERSITY
    rule = f"diversity >= {MIN_DIVERSITY}"
    if not eligible.any():
        eligible = np.ones(len(ks), dtype=bool)
        rule = f"no k reached diversity {MIN_DIVERSITY}; all candidates considered"
    score = np.full(len(ks), np.nan)
    coh = table["coherence"].to_numpy()[eligible]
    stab = table["stability"].to_numpy()[eligible]
    score[eligible] = (_zscore(np.nan_to_num(coh, nan=-1.0)) + _zscore(stab)) / 2
    best = np.flatnonzero(eligible)[np.argmax(score[eligible])]  # argmax: first = smallest k
    table["eligible"] = eligible
    table["score"] = score
    table["chosen"] = np.arange(len(ks)) == best
    table.attrs["rule"] = (
        f"chosen k maximises the mean of z-scored coherence and stability among candidates "
        f"with {rule}"
    )
    return table


def _n_resamples(n_docs: int) -> int:
    """Distinct multisets of ``n_docs`` articles drawn with replacement: C(2n - 1, n)."""
    return math.comb(2 * n_docs - 1, n_docs) if n_docs > 0 else 0


def prevalence_caveat(sizes: Mapping[str, int] | pd.Series) -> str:
    """What a topic-prevalence interval can and cannot show, computed from the group sizes.

    Adds to :func:`analysis.stats.caveat` the number of distinct article resamples per group:
    with ``n`` articles the bootstrap can only draw ``C(2n - 1, n)`` different article sets
    (3 for 2 articles, 10 for 3), so the interval is coarse.

    Examples
    --------
    >>> text = prevalence_caveat({"x": 3, "y": 2})
    >>> "x: 10" in text and "y: 3" in text
    True
    >>> "x: about 2.9 × 10^72" in prevalence_caveat({"x": 123, "y": 66})  # C(245, 123)
    True
    """
    sizes = {str(k): int(v) for k, v in dict(sizes).items()}
    n_sets = ", ".join(f"{k}: {format_count(_n_resamples(v))}" for k, v in sizes.items())
    return (
        "Topic shares describe how these articles divide their text between topics. The "
        "interval resamples whole articles (then paragraphs within them), so it shows how much "
        "a group's share depends on which of its articles are included; it cannot show how "
        "coverage of the event in general divides, and a topic found in one article can look "
        "like a group difference. Distinct sets of articles the bootstrap can draw per group: "
        f"{n_sets}. " + stats.caveat(sizes)
    )


def fit_topics(
    corpus: pd.DataFrame,
    *,
    group: str = config.DEFAULT_GROUP,
    k: int | None = None,
    method: str = "nmf",
    unit: str = "paragraph",
    k_range: Sequence[int] = range(2, 9),
    n_seeds: int = 10,
    top_n: int = 10,
    dedupe: bool = False,
    min_df: int | float = 2,
    max_df: int | float = 0.95,
    max_sentences: int = 8,
    window: int = NPMI_WINDOW,
    labels: Mapping[int, str] | None = None,
    random_state: int = config.RANDOM_STATE,
) -> TopicModel:
    """Fit a topic model (NMF on TF-IDF or LDA on counts) to the corpus's paragraph units.

    Method, stability, coherence, the rule for choosing k and the labels are described in the
    module docstring of :mod:`analysis.topics`.

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
        Text units (see :func:`analysis.segment.units`).
    k_range : sequence of int, default 2..8
        Candidates when ``k`` is None.
    n_seeds : int, default 10
        Replicate runs from random starts for the stability measure.
    top_n : int, default 10
        Top terms per topic for coherence, diversity, stability and ``terms_``.
    dedupe : bool, default False
        Count passages shared between articles once (:func:`analysis.passages.deduplicated`).
    min_df, max_df : int or float
        A term must occur in at least ``min_df`` and at most ``max_df`` units (int: count,
        float: share of units).
    max_sentences : int, default 8
        Longer paragraphs are cut into windows of about three sentences.
    window : int, default 10
        Sliding-window length (tokens) for NPMI coherence.
    labels : mapping of int -> str, optional
        Topic labels overriding the automatic ones.
    random_state : int
        Seed; the same inputs and seed give identical topics.

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
    ['label', 'rank', 'stable', 'term', 'topic', 'weight']
    """
    return TopicModel(
        group=group, k=k, method=method, unit=unit, k_range=k_range, n_seeds=n_seeds,
        top_n=top_n, dedupe=dedupe, min_df=min_df, max_df=max_df, max_sentences=max_sentences,
        window=window, labels=labels, random_state=random_state,
    ).fit(corpus)
