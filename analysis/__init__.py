"""Comparative coverage analysis suite (public API is re-exported here)."""

from analysis.segment import paragraphs, sentences, units
from analysis.vocab import make_analyzer, tokenize

__all__: list[str] = [
    "make_analyzer",
    "paragraphs",
    "sentences",
    "tokenize",
    "units",
]
