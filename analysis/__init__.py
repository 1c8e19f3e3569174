"""Comparative coverage analysis suite (public API is re-exported here)."""

from analysis.actors import find_actors, mention_rates, mentions
from analysis.cleaning import clean_text
from analysis.comparison import (
    Comparison,
    compare_groups,
    distinctive_terms,
    plot_differences,
    quoted_speakers,
)
from analysis.concordance import collocations, kwic
from analysis.corpus import cleaning_audit, load_corpus
from analysis.events import assign_event, read_events
from analysis.keyness import keyness, keyness_from_counts, top_distinctive
from analysis.lexicons import (
    MethodComparison,
    approximation_fidelity,
    compare_methods,
    difference_drivers,
    lexicon_contributions,
    pattern_scores,
    rescore_without,
    top_contributions,
    topic_word_share,
    without_topic_words,
)
from analysis.passages import deduplicated, shared_passages
from analysis.quotes import quoted_speech, quotes, speaker_counts
from analysis.report import render_report
from analysis.segment import paragraphs, sentences, structure_summary, units
from analysis.sentiment import (
    GroupSentiment,
    VoiceSentiment,
    actor_sentiment,
    document_sentiment,
    group_sentiment,
    position_sentiment,
    score_sentences,
    sentence_sentiment,
    voice_sentiment,
)
from analysis.sentiment_plots import (
    plot_actor_sentiment,
    plot_contributions,
    plot_position,
    plot_sentence_distribution,
    plot_voice_sentiment,
)
from analysis.structure_plots import plot_speakers
from analysis.term_plots import (
    document_term_table,
    plot_keyness,
    plot_keyness_scatter,
    plot_term_heatmap,
    plot_top_terms,
)
from analysis.terms import DocumentTermMatrix, document_term_matrix, term_frequencies
from analysis.topic_metrics import (
    match_topics,
    npmi_coherence,
    relevance_scores,
    topic_diversity,
    topic_stability,
)
from analysis.topic_plots import (
    plot_doc_topics,
    plot_k_selection,
    plot_topic_prevalence,
    plot_topic_terms,
    topic_prevalence_table,
)
from analysis.topics import TopicModel, fit_topics
from analysis.vocab import make_analyzer, tokenize

__all__: list[str] = [
    "Comparison",
    "compare_groups",
    "distinctive_terms",
    "mention_rates",
    "plot_differences",
    "plot_speakers",
    "quoted_speakers",
    "assign_event",
    "clean_text",
    "cleaning_audit",
    "collocations",
    "deduplicated",
    "document_term_matrix",
    "document_term_table",
    "DocumentTermMatrix",
    "find_actors",
    "keyness",
    "keyness_from_counts",
    "kwic",
    "load_corpus",
    "mentions",
    "make_analyzer",
    "paragraphs",
    "plot_keyness",
    "plot_keyness_scatter",
    "plot_term_heatmap",
    "plot_top_terms",
    "quoted_speech",
    "quotes",
    "read_events",
    "render_report",
    "sentences",
    "shared_passages",
    "speaker_counts",
    "structure_summary",
    "term_frequencies",
    "tokenize",
    "top_distinctive",
    "units",
    # topics (issue 6)
    "fit_topics",
    "match_topics",
    "npmi_coherence",
    "plot_doc_topics",
    "plot_k_selection",
    "plot_topic_prevalence",
    "plot_topic_terms",
    "relevance_scores",
    "topic_diversity",
    "topic_prevalence_table",
    "topic_stability",
    "TopicModel",
    # sentiment (issue 5)
    "GroupSentiment",
    "MethodComparison",
    "VoiceSentiment",
    "actor_sentiment",
    "approximation_fidelity",
    "compare_methods",
    "difference_drivers",
    "document_sentiment",
    "group_sentiment",
    "lexicon_contributions",
    "pattern_scores",
    "plot_actor_sentiment",
    "plot_contributions",
    "plot_position",
    "plot_sentence_distribution",
    "plot_voice_sentiment",
    "position_sentiment",
    "rescore_without",
    "score_sentences",
    "sentence_sentiment",
    "top_contributions",
    "topic_word_share",
    "voice_sentiment",
    "without_topic_words",
]
