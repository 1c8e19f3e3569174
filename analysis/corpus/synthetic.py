"""Synthetic corpora of any size, for benchmarks and scale tests.

Real corpora cannot be shipped, so size is exercised on news-length texts made by resampling
the paragraphs of a small bundled corpus (the seeds by default): every text is real prose, the
vocabulary and sentence structure are those of news, and the size, number of groups and share
of syndicated copy are set by the caller. The result is the same for the same arguments.

This is a *load* generator, not a model of any real corpus: group differences in a synthetic
corpus are noise by construction.

Examples
--------
>>> corpus = synthetic_corpus(6, n_groups=3, words_per_doc=200)
>>> corpus.shape[0], sorted(corpus["group"].unique())
(6, ['g1', 'g2', 'g3'])
>>> bool((corpus["text"].str.split().str.len() >= 200).all())
True
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config

_BLANK = re.compile(r"\n\s*\n")


def paragraph_pool(source: str | Path | None = None) -> list[str]:
    """The distinct paragraphs of a folder of ``.txt`` files (default: the bundled seeds).

    Lines before the first paragraph of 40 or more words are skipped, so page chrome at the
    head of a file does not become body text.

    Examples
    --------
    >>> pool = paragraph_pool()
    >>> len(pool) > 10 and all(len(p.split()) >= 5 for p in pool)
    True
    """
    folder = Path(source) if source is not None else config.SEEDS_DIR
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"paragraph_pool: no .txt files in {folder}; pass a folder of texts")
    pool: list[str] = []
    for path in files:
        paras = [" ".join(p.split()) for p in _BLANK.split(path.read_text(encoding="utf-8"))]
        body = [i for i, p in enumerate(paras) if len(p.split()) >= 40]
        if body:
            pool.extend(p for p in paras[body[0]:] if len(p.split()) >= 5)
    return list(dict.fromkeys(pool))


def synthetic_corpus(n_docs: int, *, n_groups: int = 2, group: str = "group",
                     words_per_doc: int = 835, syndicated: float = 0.0,
                     wire_stories: int = 20, source: str | Path | None = None,
                     vary: float = 0.0,
                     random_state: int = config.RANDOM_STATE) -> pd.DataFrame:
    """A corpus of ``n_docs`` news-length texts in ``n_groups`` groups.

    Parameters
    ----------
    n_docs : int
        Number of texts.
    n_groups : int, default 2
        Groups ``g1`` .. ``gN`` of near-equal size, assigned in turn.
    group : str, default "group"
        Name of the grouping column.
    words_per_doc : int, default 835
        Each text takes paragraphs until it has at least this many words.
    syndicated : float, default 0.0
        Share of texts that open with one of ``wire_stories`` shared wire stories (three
        paragraphs each, the same words in every text that carries them), as in a news
        collection where one agency story runs in many outlets.
    wire_stories : int, default 20
        Number of distinct wire stories.
    source : str or Path, optional
        Folder of ``.txt`` files whose paragraphs are resampled (default: the seeds).
    vary : float, default 0.0
        Share of the words of each resampled paragraph (not of the wire stories) replaced by
        pseudo-words drawn from a Zipf distribution (exponent 1.3) over
        :data:`VARY_LEXICON` made-up word forms, so that the vocabulary keeps growing with the
        corpus as a real one does (a resampled paragraph otherwise repeats whole sentences:
        the vocabulary and the distinct n-grams stop at the pool's). 0 gives exactly the corpus
        of earlier versions.
    random_state : int
        Seed; the same arguments give the same corpus.

    Returns
    -------
    DataFrame
        ``doc_id`` (``doc000001`` ...), ``text`` (paragraphs separated by blank lines) and
        the group column.

    Examples
    --------
    >>> c = synthetic_corpus(4, syndicated=1.0, wire_stories=1, words_per_doc=100)
    >>> int(c["text"].str.split("\\n\\n").str[0].nunique())
    1
    >>> plain = synthetic_corpus(4, words_per_doc=100)
    >>> varied = synthetic_corpus(4, words_per_doc=100, vary=0.2)
    >>> (varied["text"].str.split().str.len() == plain["text"].str.split().str.len()).all()
    np.True_
    >>> bool((varied["text"] != plain["text"]).all())
    True
    """
    if n_docs < 1 or n_groups < 1:
        raise ValueError("synthetic_corpus: n_docs and n_groups must be at least 1")
    if not 0.0 <= syndicated <= 1.0:
        raise ValueError(f"synthetic_corpus: syndicated={syndicated} must lie in [0, 1]")
    if not 0.0 <= vary <= 1.0:
        raise ValueError(f"synthetic_corpus: vary={vary} must lie in [0, 1]")
    rng = np.random.default_rng(random_state)
    # a second stream, so that vary=0 draws exactly the paragraphs of earlier versions
    swap = np.random.default_rng([random_state, 1]) if vary > 0 else None
    lexicon = _pseudo_words() if vary > 0 else []
    pool = paragraph_pool(source)
    lengths = np.array([len(p.split()) for p in pool])
    wires = [[pool[i] for i in rng.choice(len(pool), size=3, replace=False)]
             for _ in range(max(wire_stories, 1))]
    width = len(str(n_docs))
    ids, texts, groups = [], [], []
    # Draw paragraphs in one block per document: expected count from the mean length.
    per_doc = int(np.ceil(words_per_doc / lengths.mean())) + 2
    for i in range(n_docs):
        paras: list[str] = []
        if rng.random() < syndicated:
            paras.extend(wires[int(rng.integers(len(wires)))])
        words = sum(len(p.split()) for p in paras)
        while words < words_per_doc:
            picks = rng.integers(len(pool), size=per_doc)
            for j in picks:
                paras.append(pool[j] if swap is None else _varied(pool[j], vary, swap, lexicon))
                words += int(lengths[j])
                if words >= words_per_doc:
                    break
        ids.append(f"doc{i + 1:0{width}d}")
        texts.append("\n\n".join(paras))
        groups.append(f"g{i % n_groups + 1}")
    return pd.DataFrame({"doc_id": ids, "text": texts, group: groups})


#: Number of made-up word forms ``synthetic_corpus(vary=...)`` draws from.
VARY_LEXICON = 249_600
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr",
           "st", "kl", "gr", "sh")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")


def _pseudo_words() -> list[str]:
    """``VARY_LEXICON`` distinct pronounceable forms of two or three syllables, fixed order."""
    syllables = [o + v for o in _ONSETS for v in _VOWELS]  # 160
    words = [a + b for a in syllables for b in syllables]  # 25,600
    words += [a + b + c for a in syllables[:40] for b in syllables for c in syllables[:35]]
    return words  # 25,600 + 224,000


def _varied(paragraph: str, share: float, rng: np.random.Generator, lexicon: list[str]) -> str:
    """``paragraph`` with a ``share`` of its words replaced by Zipf-drawn pseudo-words."""
    words = paragraph.split(" ")
    k = int(rng.binomial(len(words), share))
    if not k:
        return paragraph
    where = rng.choice(len(words), size=k, replace=False)
    draws = (rng.zipf(1.3, size=k) - 1) % len(lexicon)
    for pos, idx in zip(where.tolist(), draws.tolist(), strict=True):
        words[pos] = lexicon[idx]
    return " ".join(words)


def write_corpus(corpus: pd.DataFrame, folder: str | Path, *, fmt: str = "txt",
                 group: str = "group") -> Path:
    """Write a corpus to ``folder`` as ``.txt`` files plus ``manifest.csv``, or one table.

    Parameters
    ----------
    corpus : DataFrame
        ``doc_id``, ``text`` and the group column.
    folder : str or Path
        Created if missing.
    fmt : {"txt", "csv", "parquet", "jsonl"}
        ``txt``: one file per text and a manifest with the group; otherwise one table
        ``corpus.<fmt>`` holding every column.
    group : str, default "group"
        Grouping column written to the manifest.

    Returns
    -------
    Path
        The folder (``txt``) or the table file.

    Examples
    --------
    >>> import tempfile
    >>> out = write_corpus(synthetic_corpus(2, words_per_doc=50), tempfile.mkdtemp())
    >>> sorted(p.name for p in out.iterdir())
    ['doc1.txt', 'doc2.txt', 'manifest.csv']
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "txt":
        for doc_id, text in zip(corpus["doc_id"], corpus["text"], strict=True):
            (out / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
        manifest = pd.DataFrame({"file": corpus["doc_id"] + ".txt", group: corpus[group]})
        manifest.to_csv(out / config.MANIFEST_NAME, index=False)
        return out
    path = out / f"corpus.{fmt}"
    if fmt == "csv":
        corpus.to_csv(path, index=False)
    elif fmt == "parquet":
        corpus.to_parquet(path, index=False)
    elif fmt == "jsonl":
        corpus.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        raise ValueError(f"write_corpus: fmt={fmt!r}; use 'txt', 'csv', 'parquet' or 'jsonl'")
    return path
