"""Comparative coverage analysis suite: the public API, re-exported here.

Every public name is imported on first use (PEP 562), so ``import analysis`` is cheap and
loads neither matplotlib, scikit-learn, NLTK nor the report machinery until a function that
needs them is called. ``_EXPORTS`` below is the one table of which module holds which name.

Examples
--------
>>> import analysis
>>> analysis.load_corpus.__module__
'analysis.corpus.loader'
>>> "keyness" in analysis.__all__
True
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: module (under ``analysis``) -> the public names it provides.
_MODULES: dict[str, tuple[str, ...]] = {
    "text.actors": ('find_actors', 'mentions', 'mentions_from_store',),
    "corpus.cleaning": ('clean_text',),
    "measures.comparison": ('compare_groups', 'compare_groups_from_store', 'Comparison', 'distinctive_terms', 'plot_differences', 'quoted_speakers',),
    "measures.concordance": ('collocations', 'kwic', 'kwic_from_store', 'kwic_view', 'kwic_view_from_store', 'KwicView', 'sample_lines',),
    "corpus.loader": ('cleaning_audit', 'load_corpus',),
    "corpus.events": ('assign_event', 'read_events',),
    "report.findings": ('comparison_findings', 'corpus_findings', 'Finding', 'Findings', 'keyness_findings', 'read_findings', 'record_findings', 'sentiment_findings', 'topic_findings',),
    "measures.keyness": ('keyness', 'keyness_from_counts', 'keyness_from_store', 'top_distinctive',),
    "measures.lexicons": ('approximation_fidelity', 'compare_methods', 'difference_drivers', 'lexicon_contributions', 'MethodComparison', 'pattern_scores', 'rescore_without', 'top_contributions', 'topic_word_share', 'without_topic_words',),
    "text.passages": ('deduplicated', 'shared_passages',),
    "text.quotes": ('quoted_speech', 'quotes', 'speaker_counts', 'speaker_counts_from_store',),
    "report.render": ('render_report',),
    "text.segment": ('paragraphs', 'sentences', 'structure_summary', 'units',),
    "measures.sentiment": ('actor_sentiment', 'annotate_sentences', 'ascii_quote_changes', 'document_sentiment', 'group_sentiment', 'GroupSentiment', 'position_sentiment', 'score_sentences', 'sentence_sentiment', 'sentiment_and_quotes', 'sentiment_from_store', 'SentimentTables', 'voice_sentiment', 'VoiceSentiment',),
    "plots.sentiment": ('plot_actor_sentiment', 'plot_contributions', 'plot_position', 'plot_sentence_distribution', 'plot_voice_sentiment',),
    "measures.structure": ('mention_rates', 'mention_rates_from_store',),
    "sampling": ('document_table', 'DocumentSample', 'sample_stages',),
    "stages": ('sample_documents',),
    "store": ('ensure_store', 'is_current', 'open_store', 'prepare', 'Store', 'StoreSettings',),
    "plots.structure": ('plot_speakers',),
    "settings": ('AnalysisConfig', 'load_configured', 'read_config', 'resolve_config',),
    "tables": ('format_count', 'ShownTable', 'summarise_list', 'top_rows',),
    "plots.terms": ('plot_keyness', 'plot_keyness_scatter', 'plot_term_heatmap', 'plot_top_terms',),
    "measures.terms": ('document_term_matrix', 'document_term_table', 'document_term_table_from_store', 'DocumentTermMatrix', 'term_frequencies', 'term_frequencies_from_store',),
    "measures.topic_metrics": ('match_topics', 'npmi_coherence', 'relevance_scores', 'topic_diversity', 'topic_stability',),
    "plots.topics": ('plot_doc_topics', 'plot_k_selection', 'plot_topic_prevalence', 'plot_topic_terms', 'topic_prevalence_table',),
    "measures.topics": ('fit_topics', 'fit_topics_from_store', 'TopicModel',),
    "text.vocab": ('make_analyzer', 'tokenize',),
}
_EXPORTS: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}

__all__: list[str] = sorted(_EXPORTS, key=str.lower)


class _Package(types.ModuleType):
    """The package object: a public function keeps its name when a module shares it.

    ``analysis.keyness`` and ``analysis.quotes`` are both a module and the function it
    provides. Importing the module makes Python set the package attribute to the module;
    the public name must stay the function (``from analysis import quotes`` is the function,
    as it always was), so that assignment is dropped; the module stays in ``sys.modules``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"analysis.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

