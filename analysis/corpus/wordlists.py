"""Reading the editable word lists and tables in ``analysis/resources/``.

Researchers change the vocabulary rules (abbreviations, stop words, spelling variants,
phrases, actor aliases) by editing plain files; this module is the one place that reads
them. Lines starting with ``#`` and blank lines are ignored everywhere.

Examples
--------
>>> from analysis.corpus.wordlists import read_list
>>> "mr" in read_list("stopwords_news.txt")
True
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from analysis import config
from analysis.errors import CorpusError

#: What counts as a word everywhere in the suite (``n_words``, rates per 1,000 words): a run
#: of letters or digits, with inner apostrophes and hyphens ("Xi's", "long-term" are one word).
WORD_RE: re.Pattern[str] = re.compile(r"\w+(?:['’-]\w+)*")


def resource_path(name: str | Path) -> Path:
    """Resolve a resource file name against ``config.RESOURCES_DIR``.

    Parameters
    ----------
    name : str or Path
        A bare file name (looked up in ``analysis/resources/``) or a path to a file of the
        same format anywhere.

    Returns
    -------
    Path

    Examples
    --------
    >>> resource_path("abbreviations.txt").name
    'abbreviations.txt'
    """
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = config.RESOURCES_DIR / path
    if not path.is_file():
        raise CorpusError(
            f"{path}: resource file not found. Pass an existing file or restore it from "
            f"{config.RESOURCES_DIR}."
        )
    return path


def read_lines(name: str | Path) -> list[str]:
    """Non-empty, non-comment lines of a resource text file, stripped, in file order.

    Examples
    --------
    >>> read_lines("abbreviations.txt")[0]
    'mr title'
    """
    path = resource_path(name)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason}). Save it as UTF-8.") from None
    lines = (line.strip() for line in raw.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def read_list(name: str | Path) -> list[str]:
    """A one-entry-per-line list, lower-cased, duplicates removed (first kept).

    Examples
    --------
    >>> read_list("sentence_starters.txt")[:3]
    ['a', 'an', 'the']
    """
    return list(dict.fromkeys(line.lower() for line in read_lines(name)))


def read_table(name: str | Path, *, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a CSV resource (comment lines allowed) as dicts of stripped strings.

    Parameters
    ----------
    name : str or Path
        File name in ``analysis/resources/`` or a path.
    required : tuple of str
        Columns the file must have; a :class:`~analysis.errors.CorpusError` names the missing
        ones otherwise.

    Examples
    --------
    >>> rows = read_table("variants.csv", required=("variant", "canonical"))
    >>> [r["canonical"] for r in rows if r["variant"] == "kiev"]
    ['kyiv']
    """
    path = resource_path(name)
    lines = read_lines(path)
    if not lines:
        raise CorpusError(f"{path}: table is empty. It needs a header row {', '.join(required)}.")
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise CorpusError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must contain "
            f"{', '.join(required)} (found {', '.join(header) or 'nothing'})."
        )
    rows = []
    for row in reader:
        clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if all(clean.get(c) for c in required):
            rows.append(clean)
    return rows


def trie_regex(words: list[str], *, space: str = r"\s+",
               ignore_case: frozenset[str] | set[str] = frozenset()) -> str:
    """A regex alternation matching any of ``words``, factored as a prefix trie.

    Python's ``re`` tries alternatives one by one; a trie makes matching a long list of
    names or phrases linear in the text. The longest word wins (optional continuations are
    greedy). A space inside a word matches any run of whitespace (``space``). Words listed
    in ``ignore_case`` match in any case, the others exactly as written.

    Examples
    --------
    >>> import re
    >>> pat = re.compile(trie_regex(["belt and road", "belt and road initiative", "xi"]))
    >>> pat.findall("xi backs the belt  and road initiative")
    ['xi', 'belt  and road initiative']
    >>> re.findall(trie_regex(["US", "china"], ignore_case={"china"}), "us US China")
    ['US', 'China']
    """
    seqs = []
    for word in words:
        folded = word in ignore_case
        atoms = []
        for ch in word:
            if ch == " ":
                atoms.append(space)
            elif folded and ch.lower() != ch.upper():
                variants = sorted({ch.lower(), ch.upper(), ch})
                atoms.append("[" + "".join(re.escape(v) for v in variants) + "]")
            else:
                atoms.append(re.escape(ch))
        if atoms:
            seqs.append(tuple(atoms))
    return atoms_trie_regex(seqs)


def atoms_trie_regex(seqs: list[tuple[str, ...]]) -> str:
    """Trie-factored alternation of sequences of regex atoms (see :func:`trie_regex`).

    Examples
    --------
    >>> atoms_trie_regex([("a", "b"), ("a", "b", "c"), ("d",)])
    '(?:ab(?:c)?|d)'
    """
    trie: dict = {}
    for seq in seqs:
        node = trie
        for atom in seq:
            node = node.setdefault(atom, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = [atom + emit(child)
                    for atom, child in sorted((k, v) for k, v in node.items() if k != "")]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)
