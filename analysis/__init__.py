"""Comparative coverage analysis suite (public API is re-exported here)."""

from analysis.cleaning import clean_text
from analysis.corpus import cleaning_audit, load_corpus
from analysis.events import assign_event, read_events
from analysis.segment import paragraphs, sentences, units
from analysis.vocab import make_analyzer, tokenize
from analysis.concordance import collocations, kwic
from analysis.keyness import keyness, keyness_from_counts
from analysis.term_plots import (
    document_term_table,
    plot_keyness,
    plot_keyness_scatter,
    plot_term_heatmap,
    plot_top_terms,
)
from analysis.terms import DocumentTermMatrix, document_term_matrix, term_frequencies

__all__: list[
    "DocumentTermMatrix",
    "collocations",
    "document_term_matrix",
    "document_term_table",
    "keyness",
    "keyness_from_counts",
    "kwic",
    "plot_keyness",
    "plot_keyness_scatter",
    "plot_term_heatmap",
    "plot_top_terms",
    "term_frequencies",
str] = [
    "assign_event",
    "clean_text",
    "cleaning_audit",
    "load_corpus",
    "make_analyzer",
    "paragraphs",
    "read_events",
    "sentences",
    "tokenize",
    "units",
]
