"""Shared test setup: a non-interactive matplotlib backend and the bundled corpus."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")


# --- issue 3 (text structure): the seed corpus as the loader returns it -------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def seed_corpus():
    """The five seeds via ``analysis.load_corpus`` (clean text, paragraphs split by blank lines).

    Until the loader lands, a stand-in: each non-empty line of a seed is a paragraph, the
    ``date ...``/``Share:`` header is cut. Downstream code needs only doc_id, event, text.
    """
    try:
        from analysis.corpus import load_corpus
    except ImportError:
        load_corpus = None
    if load_corpus is not None:
        return load_corpus()
    import re
    from pathlib import Path

    import pandas as pd

    from analysis import config

    rows = []
    for path in sorted(Path(config.SEEDS_DIR).glob("*.txt")):
        lines = [re.sub(r"^date \d{4}-\d\d-\d\d\s*(Share:)?\s*", "", line.strip())
                 for line in path.read_text(encoding="utf-8").splitlines()]
        doc_id = path.name[:3]
        rows.append({"doc_id": doc_id,
                     "event": "2023-moscow" if doc_id < "003" else "2024-beijing",
                     "text": "\n\n".join(line for line in lines if line)})
    return pd.DataFrame(rows)
