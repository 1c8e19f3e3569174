"""Measures: term counts, keyness, concordance, structure, sentiment, topics and the group comparisons, with the statistics (intervals, tests) they report."""
