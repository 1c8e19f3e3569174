"""Figures only: every function takes a computed table and returns a matplotlib Figure in the suite's style (``common``)."""
