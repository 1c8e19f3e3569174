"""The text layer: tokens, sentences and paragraphs, actor mentions, quotations and shared passages (one row per unit, no group statistics)."""
