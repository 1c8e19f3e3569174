"""Tokens and phrases: the vocabulary rules every term, sentiment and topic count uses.

The rules live in editable files in ``analysis/resources/`` and are applied in this order,
each step one precompiled regex over the whole text (linear in its length):

1. apostrophes unified (’ ‘ ʼ ′ ` -> ');
2. case-sensitive spelling variants from ``variants.csv`` (rows with ``case_sensitive=yes``:
   "US" -> "united states" but the pronoun "us" is untouched);
3. lower-case; a possessive ``'s`` is dropped ("Xi's" -> "xi");
4. other spelling variants (cease-fire/cease fire -> ceasefire, kiev -> kyiv,
   zelenskyy -> zelensky, u.s. -> united states ...);
5. multi-word phrases from ``phrases.txt`` (xi jinping, united states, peace plan, joint
   statement, international criminal court ...) become ONE token with a space inside;
   the longest listed phrase wins;
6. tokens are runs of letters/digits, keeping inner hyphens and apostrophes ("three-day",
   "g-20", "don't"); a token must contain a letter, so pure numbers ("2022", "141",
   "1,000") are dropped: years and counts say little about framing and would crowd word
   lists; hybrid tokens such as "12-point" or "75th" are kept;
7. stop words: scikit-learn's ``ENGLISH_STOP_WORDS`` plus ``stopwords_news.txt`` (said, mr,
   would, also, told ...) are removed.

:func:`make_analyzer` returns a picklable callable for scikit-learn vectorizers whose
n-grams are built only from runs of kept tokens: an n-gram never spans a sentence boundary,
any other punctuation (comma, quote mark, bracket, dash) or a removed token (stop word,
number). Its words are joined by a single space, so a bigram made of the phrase "xi
jinping" and "visit" is "xi jinping visit".

Examples
--------
>>> tokenize("Xi Jinping’s peace plan: a cease-fire in Kiev, the U.S. said.")
['xi jinping', 'peace plan', 'ceasefire', 'kyiv', 'united states']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.corpus.wordlists import (
    atoms_trie_regex,
    read_lines,
    read_list,
    read_table,
    resource_path,
    trie_regex,
)
from analysis.errors import CorpusError

__all__ = ["Analyzer", "VocabularyRules", "load_rules", "make_analyzer", "normalize", "token_runs",
           "tokenize"]

_JOIN = "\x1f"  # joins the words of a phrase inside the normalised text
_APOSTROPHES = re.compile(r"[’‘ʼ′`´]")
_POSSESSIVE = re.compile(r"'s(?![^\W_])")
_TOKEN = r"\w+(?:['\-\x1f]\w+)*"
_TOKEN_RE = re.compile(_TOKEN)
_TOKEN_OR_BREAK = re.compile(rf"({_TOKEN})|\S")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")
_LEFT = r"\b"  # every listed form starts with a letter or digit
_RIGHT = r"(?![^\W_])"


@dataclass(frozen=True)
class VocabularyRules:
    """Compiled vocabulary rules (see module docstring); build with :func:`load_rules`.

    Attributes
    ----------
    stop_words : frozenset of str
        Removed tokens.
    variants : dict
        Lower-case surface form -> canonical form.
    variants_cs : dict
        Case-sensitive surface form -> canonical form.
    phrases : tuple of str
        Normalised multi-word phrases (words separated by one space).
    """

    stop_words: frozenset[str]
    variants: dict[str, str]
    variants_cs: dict[str, str]
    phrases: tuple[str, ...]
    _variant_re: re.Pattern | None = field(default=None, repr=False)
    _variant_cs_re: re.Pattern | None = field(default=None, repr=False)
    _phrase_re: re.Pattern | None = field(default=None, repr=False)


#: Up to this many distinct first characters a list is compiled in the skip-ahead form of
#: :func:`_compile` (measured on 1,000 news-length texts: 3 and 9 first characters about 4x
#: and 1.5x faster than ``\\b(?:...)``, 17 slower: the skip pays when few characters start
#: a form). The choice changes the speed only, never the matches.
_FIRST_CHAR_SCAN_MAX: int = 10


def _compile(words: list[str], *, flags: int = 0) -> re.Pattern | None:
    """``\\b(?:trie of words)(?![^\\W_])``, in a form ``re`` can skip ahead in when few
    characters start the words.

    A pattern that opens with ``\\b`` is tried at every position of the text. In the
    skip-ahead form each first character of the trie is matched first and the word boundary
    is checked right after it by a one-character look-behind (``k(?<=\\bk)iev``): the same
    matches, but ``re`` jumps straight to the positions holding one of those characters.
    """
    if not words:
        return None
    firsts = {w[0] for w in words}
    if len(firsts) > _FIRST_CHAR_SCAN_MAX or not all(re.match(r"\w", f) for f in firsts):
        return re.compile(_LEFT + "(?:" + trie_regex(sorted(words)) + ")" + _RIGHT, flags)
    rests: dict[str, list[tuple[str, ...]]] = {}
    for word in sorted(words):
        atoms = tuple(r"\s+" if ch == " " else re.escape(ch) for ch in word)
        rests.setdefault(atoms[0], []).append(atoms[1:])
    branches = [f"{first}(?<={_LEFT}{first}){atoms_trie_regex(rest)}"
                for first, rest in sorted(rests.items())]
    return re.compile("(?:" + "|".join(branches) + ")" + _RIGHT, flags)


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip())


def load_rules(*, stopwords: str | Path = "stopwords_news.txt",
               variants: str | Path = "variants.csv",
               phrases: str | Path = "phrases.txt") -> VocabularyRules:
    """Read and compile the vocabulary rules from resource files.

    Parameters
    ----------
    stopwords, variants, phrases : str or Path
        File names in ``analysis/resources/`` or paths to files of the same format.

    Returns
    -------
    VocabularyRules

    Examples
    --------
    >>> rules = load_rules()
    >>> "said" in rules.stop_words, "the" in rules.stop_words, rules.variants["kiev"]
    (True, True, 'kyiv')
    """
    stop = frozenset(ENGLISH_STOP_WORDS) | frozenset(
        _APOSTROPHES.sub("'", w) for w in read_list(stopwords))
    plain: dict[str, str] = {}
    cs: dict[str, str] = {}
    for row in read_table(variants, required=("variant", "canonical")):
        canonical = _key(row["canonical"].lower())
        surface = _key(_APOSTROPHES.sub("'", row["variant"]))
        if row.get("case_sensitive", "").lower() in ("yes", "true", "1", "y"):
            cs[surface] = canonical
        else:
            plain[surface.lower()] = canonical
    partial = VocabularyRules(stop, plain, cs, (), _compile(list(plain)), _compile(list(cs)))
    normalised = []
    for line in read_lines(phrases):
        text = _key(_normalise_steps(line, partial))
        if " " in text:
            normalised.append(text)
    phrase_list = tuple(dict.fromkeys(normalised))
    return VocabularyRules(stop, plain, cs, phrase_list, partial._variant_re,
                           partial._variant_cs_re, _compile(list(phrase_list)))


_DEFAULT_FILES = ("stopwords_news.txt", "variants.csv", "phrases.txt")


def _default_rules() -> VocabularyRules:
    """Rules from the bundled files; re-read when a file changes (cached by modification time)."""
    return _rules_for(tuple(resource_path(n).stat().st_mtime_ns for n in _DEFAULT_FILES))


@lru_cache(maxsize=2)
def _rules_for(_mtimes: tuple[int, ...]) -> VocabularyRules:
    return load_rules()


def _normalise_steps(text: str, rules: VocabularyRules) -> str:
    """Steps 1-4 of the module docstring (no phrases)."""
    text = _APOSTROPHES.sub("'", text.replace(_JOIN, " "))
    if rules._variant_cs_re is not None:
        text = rules._variant_cs_re.sub(lambda m: rules.variants_cs[_key(m.group())], text)
    text = _POSSESSIVE.sub("", text.lower())
    if rules._variant_re is not None:
        text = rules._variant_re.sub(lambda m: rules.variants[_key(m.group())], text)
    return text


def _join_phrase(match: re.Match) -> str:
    return _SPACES.sub(_JOIN, match.group())


def normalize(text: str, *, rules: VocabularyRules | None = None) -> str:
    """The text after steps 1-5: lower case, variants merged, phrases joined.

    Words of a joined phrase are separated by the control character ``\\x1f`` so that the
    token pattern keeps them together; :func:`tokenize` turns it back into a space.

    Examples
    --------
    >>> normalize("Kiev’s cease fire").replace("\\x1f", "_")
    'kyiv ceasefire'
    """
    rules = rules or _default_rules()
    text = _normalise_steps(str(text), rules)
    if rules._phrase_re is not None:
        text = rules._phrase_re.sub(_join_phrase, text)
    return text


def tokenize(text: str, *, rules: VocabularyRules | None = None) -> list[str]:
    """Content tokens of ``text``: lower-case, variants merged, phrases as one token.

    Parameters
    ----------
    text : str
        Any text.
    rules : VocabularyRules, optional
        Default: the files in ``analysis/resources/``.

    Returns
    -------
    list of str
        Non-empty, lower-case tokens with stop words and pure numbers removed.

    Examples
    --------
    >>> tokenize("Mr. Putin told reporters the US wants a ceasefire in 2024.")
    ['putin', 'reporters', 'united states', 'wants', 'ceasefire']
    >>> tokenize("Let us talk")
    ['let', 'talk']
    """
    rules = rules or _default_rules()
    stop = rules.stop_words
    return [t.replace(_JOIN, " ") for t in _TOKEN_RE.findall(normalize(text, rules=rules))
            if t not in stop and _HAS_LETTER.search(t)]


def token_runs(text: str, *, rules: VocabularyRules | None = None) -> list[list[str]]:
    """The runs of kept tokens that n-grams and collocations are built from.

    The tokens of :func:`tokenize`, cut wherever an n-gram must not cross: punctuation, a
    removed stop word or number. ``make_analyzer(ngram_range=(lo, hi))`` returns, for every
    run, its n-grams for n from lo to hi (words joined by one space); a pipeline that needs
    several n at once (and to know each term's n) can build them from the runs in one pass.

    Examples
    --------
    >>> token_runs("Trade grew, and talks began.")
    [['trade', 'grew'], ['talks', 'began']]
    >>> token_runs("Chinese peace plan. Western sanctions of the West")
    [['chinese', 'peace plan'], ['western', 'sanctions'], ['west']]
    """
    rules = rules or _default_rules()
    stop = rules.stop_words
    runs: list[list[str]] = []
    current: list[str] = []
    for tok in _TOKEN_OR_BREAK.findall(normalize(text, rules=rules)):
        if tok and tok not in stop and _HAS_LETTER.search(tok):
            current.append(tok.replace(_JOIN, " "))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass(frozen=True)
class Analyzer:
    """Picklable scikit-learn analyzer: text -> n-grams of :func:`tokenize` tokens.

    Build it with :func:`make_analyzer`.
    """

    ngram_range: tuple[int, int] = (1, 1)
    rules: VocabularyRules | None = None

    def __call__(self, text: str) -> list[str]:
        rules = self.rules or _default_rules()
        lo, hi = self.ngram_range
        if (lo, hi) == (1, 1):
            return tokenize(text, rules=rules)
        out: list[str] = []
        for run in token_runs(text, rules=rules):
            m = len(run)
            for n in range(lo, min(hi, m) + 1):
                if n == 1:
                    out.extend(run)
                else:
                    out.extend(" ".join(run[i:i + n]) for i in range(m - n + 1))
        return out


def make_analyzer(*, ngram_range: tuple[int, int] = (1, 1),
                  rules: VocabularyRules | None = None) -> Callable[[str], list[str]]:
    """An analyzer for ``CountVectorizer(analyzer=...)`` / ``TfidfVectorizer``.

    Parameters
    ----------
    ngram_range : (int, int), default (1, 1)
        Smallest and largest n. N-grams never span a sentence boundary, other punctuation
        or a removed stop word / number.
    rules : VocabularyRules, optional
        Default: the files in ``analysis/resources/``.

    Returns
    -------
    Analyzer
        Picklable callable ``text -> list[str]``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> analyzer = make_analyzer(ngram_range=(1, 2))
    >>> analyzer("Chinese peace plan. Western sanctions of the West")
    ['chinese', 'peace plan', 'chinese peace plan', 'western', 'sanctions', 'western sanctions', 'west']
    >>> cv = CountVectorizer(analyzer=analyzer).fit(["Xi Jinping met Putin."])
    >>> sorted(cv.vocabulary_)
    ['met', 'met putin', 'putin', 'xi jinping', 'xi jinping met']
    """
    try:
        lo, hi = (int(x) for x in ngram_range)
    except (TypeError, ValueError):
        raise CorpusError(f"ngram_range must be a pair of integers, got {ngram_range!r}.") from None
    if not 1 <= lo <= hi:
        raise CorpusError(f"ngram_range must satisfy 1 <= min <= max, got {ngram_range!r}.")
    return Analyzer((lo, hi), rules)
