"""Text cleaning with an audit trail: normalise Unicode, drop page chrome and promos, keep reporting.

:func:`clean_text` turns the raw text of one article into clean text (paragraphs separated by
exactly one blank line) and returns, next to it, one :class:`Removal` per dropped line or cut
fragment naming the rule that dropped it. The rules are patterns for the kinds of boilerplate
that scraped news pages carry (see :data:`RULES`), not string matches of particular articles.
A line's shape alone never removes it: a line goes when it matches a known boilerplate pattern
(a photo credit, "... contributed to this report", a newsletter promo), or when its position
says it is chrome (above the first paragraph, in the run of chrome that ends the text, next to
other chrome), or, for a headline standing alone between two finished paragraphs, when the text
carries other page furniture. So speeches, transcripts and plain prose keep their short lines.
Curly quotes and apostrophes are kept.

A profile chooses the rules (:data:`PROFILES`): ``"news"`` (every rule) or ``"none"`` (no
rule: the text is only normalised and its paragraphs rebuilt).

Cleaning is idempotent: ``clean_text(clean_text(x)[0])[0] == clean_text(x)[0]`` (the rules are
re-applied until nothing changes, at most a few passes).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

from analysis.errors import CorpusError

__all__ = ["PROFILES", "RULES", "Removal", "check_profile", "clean_text", "normalize_text"]

#: Rule name -> what it removes. The audit table and the notebook use these names.
RULES: dict[str, str] = {
    "date_header": "a 'date YYYY-MM-DD' (or 'Published: ...') header at the top; text after it on the "
    "same line is kept",
    "share_widget": "a line made only of share/social-media widget words ('Share:', 'Facebook Twitter')",
    "page_date": "a line that is only a date ('Monday, October 2, 2023'): the page's date, not "
    "reporting; only above the first paragraph, in the trailing chrome or next to other chrome",
    "page_chrome": "page furniture: a weather widget (temperature and the city under it) above the "
    "article, lines such as 'Advertisement', 'Read more' or 'Related stories', or a relative "
    "time stamp ('8 min ago')",
    "breadcrumb": "a navigation trail above the article ('Home Feeds <title>', 'Home > World')",
    "duplicate_title": "the headline repeated above the article, or repeated on its own line "
    "inside it (its text becomes the title)",
    "promo_headline": "a 'Read more: ...' link or a headline marked '»'; a headline-like line "
    "standing alone inside the body (a related-story promo) next to other chrome, in a list of "
    "three or more, or between two finished paragraphs of a page that carries other page "
    "furniture; or a promo headline in garbled case glued into a paragraph (only that fragment "
    "is cut)",
    "photo_caption": "a standalone caption ending in a photo credit ('(Name/AP)', '(..., Pool Photo "
    "via AP)'); a looser credit ('via ...') only where its position shows chrome",
    "byline_credit": "credit formulas ('X contributed to this report.', 'Reporting by ...; Editing "
    "by ...', 'Source: X') anywhere; lines shaped like bylines ('By ...', 'X reported from Taipei, Taiwan.') "
    "only above the first paragraph, in the trailing chrome or next to other chrome",
    "author_bio": "generated author-bio filler among the last lines, in the trailing chrome "
    "('Unapologetic tv specialist. ...')",
    "syndication_disclaimer": "a note that the story was auto-generated from a syndicated feed "
    "(two such phrases, or one where its position shows chrome)",
    "newsletter_promo": "a newsletter sign-up promo, also when glued to the end of a paragraph",
    "explainer_promo": "a trailing block of links to explainers: a heading followed only by "
    "'Label: blurb' paragraphs with distinct labels",
    "separator": "a line of only rule characters ('___', '***', '---')",
}

#: Cleaning profile -> what it does. ``load_corpus(clean=...)`` takes one of these names.
PROFILES: dict[str, str] = {
    "news": "every rule of RULES: page chrome of scraped news pages is removed",
    "none": "no rule: the text is only normalised (Unicode, spaces, line endings) and its "
    "paragraphs rebuilt",
}


@dataclass(frozen=True)
class Removal:
    """One piece of text that cleaning dropped.

    Attributes
    ----------
    line_no : int
        1-based line number in the raw text (after line endings are normalised) where the
        removed text starts.
    rule : str
        Name of the rule that dropped it (a key of :data:`RULES`).
    line : str
        The removed text: the whole line, or the fragment cut out of a kept line.
    inline : bool
        True when only a fragment was cut and the rest of the line was kept.
    """

    line_no: int
    rule: str
    line: str
    inline: bool = False


# --------------------------------------------------------------------------------------------
# Unicode normalisation
# --------------------------------------------------------------------------------------------
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_TRANSLATE: dict[int, str | None] = dict.fromkeys(map(ord, _INVISIBLE))
for _cp in range(sys.maxunicode + 1):
    _ch = chr(_cp)
    _cat = unicodedata.category(_ch)
    if _ch in "\n ":
        continue
    if _cat == "Zs" or (_cat == "Cc" and _ch not in "\n\r\x85"):
        _TRANSLATE[_cp] = " "
_TRANSLATE[0x2028] = "\n"
_TRANSLATE[0x2029] = "\n"
_TRANSLATE[0x85] = "\n"
del _cp, _ch, _cat



def _char_class(codepoints: list[int]) -> str:
    """A regex character class covering ``codepoints`` as ranges."""
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    ) + "]"


_ODD_CHARS = re.compile(_char_class(list(_TRANSLATE)))
_MULTISPACE = re.compile(r" {2,}")


def normalize_text(raw: str) -> str:
    """Normalise Unicode and whitespace without touching quote marks.

    Line endings (CRLF, CR, NEL, U+2028/9) become ``\\n``; zero-width characters and soft
    hyphens are removed; non-breaking and other space characters, tabs and control characters
    become a plain space; runs of spaces collapse and each line is stripped; the result is NFC.
    Curly quotes, apostrophes and dashes are kept as they are.

    Parameters
    ----------
    raw : str
        Text as decoded from the file.

    Returns
    -------
    str
        The normalised text (same number of lines as the input after line-ending
        normalisation).

    Examples
    --------
    >>> normalize_text("Xi\\u00a0Jinping\\u200b said \\u201cyes\\u201d\\r\\nNext  line\\r")
    'Xi Jinping said “yes”\\nNext line\\n'
    >>> normalize_text("cafe\\u0301")  # NFC composes e + combining accent
    'café'
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _ODD_CHARS.sub(lambda m: _TRANSLATE[ord(m.group())] or "", text)
    text = unicodedata.normalize("NFC", text)
    return "\n".join(_MULTISPACE.sub(" ", line).strip(" ") for line in text.split("\n"))


# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tue(?:s)?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE_HEADER = re.compile(
    r"^(?:date|published|updated|posted)\s*:?\s*\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?(?=\s|$)",
    re.IGNORECASE,
)
_PAGE_DATE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated)\s*:?\s*)?(?:{_WEEKDAY},?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?"
    rf"\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^[_\-=*~#•·—–.\s]{3,}$")
_SOCIAL_CORE = frozenset({
    "share", "tweet", "facebook", "twitter", "whatsapp", "linkedin", "reddit", "telegram",
    "pinterest", "email", "e-mail",
})
_SOCIAL_WORDS = _SOCIAL_CORE | {
    "shares", "sharing", "this", "article", "story", "page", "on", "via", "mail", "print", "x",
    "copy", "link", "url", "comments", "comment", "save", "messenger", "threads", "bluesky",
}
_TEMPERATURE = re.compile(r"^-?\d{1,3}(?:[.,]\d+)?\s*°?\s*[CF]$")
_PLACE = re.compile(r"^[A-Z][\w’'.-]*(?:,?\s+[A-Z][\w’'.-]*){0,3}$")
_CHROME_LINE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|skip to (?:main )?content|"
    r"continue reading|read more|show more|load more|see more|view more|learn more|"
    r"find out more|click here|back to top|"
    r"story continues below(?: advertisement)?|scroll to continue(?: with content)?|"
    # headings of related-link lists
    r"related(?: stories| articles| content| coverage| news| links| reading)?|more stories|"
    r"most (?:read|popular|viewed|shared)|recommended(?: for you| stories| articles)?|"
    r"you (?:may|might) also like|read next|trending(?: now| stories)?|top stories)[.:]?$",
    re.IGNORECASE,
)
# A relative time stamp of a live page ('8 min ago', 'Updated 2 hours ago').
_TIMESTAMP = re.compile(
    r"^(?:(?:updated|posted|published)\s+)?\d{1,3}\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|"
    r"hours?|d|days?|weeks?)\s+ago$",
    re.IGNORECASE,
)
# A link to another story marked as such ('5 reasons ... summit »').
_LINK_MARKER = re.compile(r"\s[»›]$")
_BREADCRUMB = re.compile(r"^Home\b")
_BREADCRUMB_SEP = re.compile(r"\s[>›»/|]\s|\s[>›»/|]$")
_LINK_PROMO = re.compile(
    r"^(?:read more|related|see also|also read|read also|more on this|must read)\s*:\s*\S",
    re.IGNORECASE,
)
# 'Watch: ...' / 'Listen: ...' are promos only when what follows is a headline, not a sentence
# ("Listen: we will not go back." is speech).
_MEDIA_PROMO = re.compile(r"^(?:watch|listen)\s*:\s*(?P<rest>\S.*)$", re.IGNORECASE)
_CREDIT_PAREN = re.compile(r"\((?P<credit>[^()]{2,160})\)$")
# A photo credit proper: 'Name/AP', 'AP Photo/Jane Doe', 'Getty Images', 'Pool Photo via AP'.
_CREDIT_STRICT = re.compile(
    r"\w\s?/\s?[A-Z]|\bphotos?\b|\bphotograph|\bpool\b|\bgetty\b|\bimages?\b|\bcredit\b",
    re.IGNORECASE,
)
# Looser credit words ('via', 'file', a slash): a caption only where position supports it.
_CREDIT_WORDS = re.compile(r"/|\bvia\b|\bfile\b", re.IGNORECASE)
# Words that say what a link shows, not who took it ('(VIDEO, PHOTOS)' credits nobody).
_MEDIA_WORDS = re.compile(
    r"\b(?:photos?|photographs?|videos?|images?|pictures?|graphics?|gallery|audio|live|watch|"
    r"file|credit)\b",
    re.IGNORECASE,
)
_CAPTION_PREFIX = re.compile(
    r"^(?:photo|image|picture|file photo|photo credit|credit)\s*:\s*\S", re.IGNORECASE
)
_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}"
# Credit formulas that say what they are ('... contributed to this report', 'Reporting by
# Jane Doe; Editing by John Roe'): boilerplate wherever they stand.
_CREDIT_FORMULAS = (
    re.compile(
        r"^(?:[\w’'.,&-]+\s+){1,24}contributed(?:\s+reporting)?"
        r"\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article|reporting)\s*\.?$"
        r"|^(?:[\w’'.,&-]+\s+){1,24}contributed\s+reporting\s*\.?$",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:(?i:additional\s+)?(?i:reporting|writing|editing)\s+by\s+{_NAME}"
        rf"(?:\s+in\s+{_NAME})?(?:\s*(?:,|;|and|&)\s*)?)+\.?$"
    ),
    re.compile(rf"^(?i:sources?)\s*:\s*{_NAME}(?:\s*(?:,|;|/|and|&)\s*{_NAME})*$"),
)
# Credit lines known only by their shape ('By Jane Doe', 'Doe reported from Taipei.', '...
# contributed.'): removed only at the head or tail of the text or next to other chrome.
_BYLINES = (
    re.compile(r"^(?:[\w’'.,&-]+\s+){1,24}contributed\s*\.?$", re.IGNORECASE),
    re.compile(
        r"^[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3}\s+reported\s+from\s+"
        r"[A-Z][\w’'.-]*(?:,?\s+[A-Z][\w’'.-]*){0,4}\.?$"
    ),
    re.compile(
        r"^(?:By|BY)\s+[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3}"
        r"(?:\s*(?:,|and|&)\s*[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3})*$"
    ),
    re.compile(r"^(?:reporting|writing|editing|additional reporting)\s+by\s+\S", re.IGNORECASE),
)
_SYNDICATION = re.compile(
    r"auto-?generated from|syndicated (?:news )?feed|has not been edited by|"
    r"automated (?:news )?(?:agency )?feed|published from a (?:wire|syndicated)|"
    r"without modifications? to (?:the )?text",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"(?:(?:today|this week)[’']s\s+)?(?:latest|top|breaking|biggest)\s+(?:news|stories|headlines)"
    r"(?:\s+and\s+more)?\s+(?:delivered\s+)?(?:straight\s+|right\s+|directly\s+)?(?:to|in|into)\s+"
    r"your\s+inbox|(?:sign\s+up|subscribe)\s+(?:now\s+|here\s+)?(?:for|to)\s+(?:our|the)\s+"
    r"(?:[\w’'-]+\s+){0,3}newsletters?|get\s+(?:our|the)\s+(?:[\w’'-]+\s+){0,3}newsletter"
    r"(?:\s+in\s+your\s+inbox)?",
    re.IGNORECASE,
)
_BIO_ROLE = re.compile(
    r"(?:specialist|trailblazer|solver|fan|fanatic|enthusiast|expert|advocate|ninja|guru|junkie|"
    r"lover|geek|nerd|buff|maven|evangelist|scholar|practitioner|aficionado|writer|reader|"
    r"thinker|creator|explorer|communicator|introvert|extrovert|organizer|student|pioneer|"
    r"devotee|champion|fiend|addict|maker|gamer|wizard|troublemaker|analyst|\w*a?holic)$",
    re.IGNORECASE,
)
_LABEL_PARA = re.compile(r"^[A-Z][^:.!?]{1,60}:\s+\S")
_TERMINAL = re.compile(r"[.!?…][\"”’')\]]*$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+")
_WORD = re.compile(r"\S+")
_MANGLED_TOKEN = re.compile(r"[a-z][A-Z]")

_MAX_PASSES = 4
_MAX_HEAD = 30  # page chrome is looked for only among the first lines
# The top of a page: title, standfirst, date, byline, caption. A date or byline among the first
# lines is page furniture even below a standfirst that reads like prose.
_TOP_LINES = 5
#: Shape-only rules that the top of a page (its first lines) is evidence enough for.
_TOP_RULES = frozenset({"page_date", "byline_credit"})
#: Rules that must stand on their own line (between blank lines) in the body.
_STANDALONE_RULES = frozenset({"photo_caption", "promo_headline"})
#: Rules whose removals show that a text is a scraped web page: furniture that speeches,
#: transcripts and press releases do not carry (dates, bylines and separators do not count).
_PAGE_RULES = frozenset({
    "page_chrome", "breadcrumb", "duplicate_title", "share_widget", "newsletter_promo",
    "explainer_promo", "syndication_disclaimer", "photo_caption", "promo_headline", "author_bio",
})
_SYNDICATION_HINTS = ("feed", "edited", "generated", "wire", "modification")
_NEWSLETTER_HINTS = ("inbox", "newsletter")


def _mentions(s: str, words: tuple[str, ...]) -> bool:
    """Cheap test before an expensive pattern: does the line contain one of these words?"""
    low = s.lower()
    return any(w in low for w in words)


def _n_words(s: str) -> int:
    """Words in a normalised line (single spaces, stripped)."""
    return s.count(" ") + 1 if s else 0


def _ends_sentence(s: str) -> bool:
    """Whether a line ends with sentence punctuation (closing quotes or brackets allowed)."""
    return s.rstrip("\"”’')]")[-1:] in (".", "!", "?", "…")


def _starts_sentence(s: str) -> bool:
    """Whether a line starts like a new sentence (capital, digit or opening quote)."""
    return s[0].isupper() or s[0].isdigit() or s[0] in "“\"‘'(["


def _is_prose(s: str) -> bool:
    """A line of reporting prose: a sentence-like line (ends in punctuation) or a long line."""
    n = _n_words(s)
    return (n >= 6 and _ends_sentence(s)) or n >= 30


def _headline_like(s: str) -> bool:
    """A short standalone line shaped like a headline: capitalised, no closing punctuation."""
    n = _n_words(s)
    if not 3 <= n <= 20 or not (s[0].isupper() or s[0].isdigit()):
        return False
    if s[-1] in ".!?…:;,\"”’')]-—–" or _SENTENCE_END.search(s):
        return False
    return not s.startswith(("“", '"', "‘", "'"))


def _promo_like(s: str) -> bool:
    """A headline-like line, or a 'Watch: ...' / 'Listen: ...' line of up to 25 words."""
    return _headline_like(s) or (_n_words(s) <= 25 and bool(_MEDIA_PROMO.match(s)))


def _is_share_widget(s: str) -> bool:
    if len(s) > 120:
        return False
    words = re.findall(r"[\w-]+", s.lower())
    return bool(words) and all(w in _SOCIAL_WORDS for w in words) and bool(
        _SOCIAL_CORE.intersection(words)
    )


def _caption_strength(s: str) -> str | None:
    """'pattern' for a caption with a photo credit proper, 'position' for a looser one."""
    if _CAPTION_PREFIX.match(s):
        return "pattern"
    m = _CREDIT_PAREN.search(s)
    if not m or _n_words(s) > 60:
        return None
    credit = m.group("credit")
    if not re.search(r"[A-Z]", _MEDIA_WORDS.sub("", credit)):
        return None  # '(VIDEO, PHOTOS)': no one is credited
    if _CREDIT_STRICT.search(credit):
        return "pattern"
    return "position" if _CREDIT_WORDS.search(credit) else None


def _byline_strength(s: str) -> str | None:
    """'pattern' for a credit formula, 'position' for a line shaped like a byline."""
    if _n_words(s) > 25:
        return None
    if any(p.match(s) for p in _CREDIT_FORMULAS):
        return "pattern"
    return "position" if any(p.match(s) for p in _BYLINES) else None


def _is_bio(s: str) -> bool:
    if len(s) > 300 or s.count(".") < 2:
        return False
    body = s.strip("“”\"'‘’ ")
    if not body or any(ch.isdigit() for ch in body):
        return False
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+", body) if p.strip()]
    if len(parts) < 2:
        return False
    roles = 0
    for part in parts:
        words = part.rstrip(".!?").split()
        if not 1 <= len(words) <= 6 or not part[0].isupper():
            return False
        if not all(re.fullmatch(r"[A-Za-z][A-Za-z’'-]*", w) for w in words):
            return False
        roles += bool(_BIO_ROLE.search(words[-1]))
    return roles >= 2


def _line_rule(s: str) -> tuple[str, str] | None:
    """The rule a line matches on its own, with the evidence it still needs.

    Returns ``(rule, "pattern")`` for a known boilerplate pattern (removed wherever it stands),
    ``(rule, "position")`` for a line whose shape alone is not enough (removed only at the head
    or tail of the text or next to other chrome), or None.
    """
    if _n_words(s) > 60:
        return None  # a long line is a paragraph of prose: no whole-line rule applies
    if _SEPARATOR.match(s):
        return "separator", "pattern"
    m = _DATE_HEADER.match(s)
    if m and m.end() == len(s):
        return "date_header", "pattern"
    if _is_share_widget(s):
        return "share_widget", "pattern"
    if len(s) <= 80 and _PAGE_DATE.match(s):
        return "page_date", "position"
    if len(s) <= 60 and (_CHROME_LINE.match(s) or _TIMESTAMP.match(s)):
        return "page_chrome", "pattern"
    if _n_words(s) <= 25:
        if _LINK_PROMO.match(s):
            return "promo_headline", "pattern"
        m = _MEDIA_PROMO.match(s)
        if m and _headline_like(m.group("rest")):
            return "promo_headline", "pattern"
        if _LINK_MARKER.search(s) and _headline_like(s[:-1].rstrip()):
            return "promo_headline", "pattern"
    strength = _caption_strength(s)
    if strength:
        return "photo_caption", strength
    strength = _byline_strength(s)
    if strength:
        return "byline_credit", strength
    if _n_words(s) <= 50 and _mentions(s, _SYNDICATION_HINTS):
        cues = {m.group().lower() for m in _SYNDICATION.finditer(s)}
        if cues:  # one cue may be a sentence about editing; two are the disclaimer
            return "syndication_disclaimer", "pattern" if len(cues) >= 2 else "position"
    if len(s) <= 160 and _mentions(s, _NEWSLETTER_HINTS) and _NEWSLETTER.fullmatch(s.rstrip(".!: ")):
        return "newsletter_promo", "pattern"
    return None


def _cut_newsletter(s: str) -> tuple[str, str] | None:
    """Cut a newsletter promo glued to the end of a paragraph after a finished sentence."""
    if not _mentions(s, _NEWSLETTER_HINTS):
        return None
    for m in _NEWSLETTER.finditer(s):
        rest = s[m.end():]
        if rest.strip(" .!:"):
            continue
        before = s[: m.start()].rstrip()
        if before and not _TERMINAL.search(before):
            continue
        return before, s[len(before):].strip()
    return None


def _is_mangled(tok: str) -> bool:
    return bool(_MANGLED_TOKEN.search(tok.strip("“”\"'‘’(),.;:!?")))


def _is_garbled(tok: str) -> bool:
    """Case that no name or brand has: 'viSit', 'MoScoW', 'SayS' (not 'McCain', 'iPhone')."""
    word = tok.strip("“”\"'‘’(),.;:!?")
    if not word.isalpha() or len(word) < 3:
        return False
    if word[0].islower() and any(ch.isupper() for ch in word[2:]):
        return True  # lower-case start with a capital past the second letter
    flips = len(_MANGLED_TOKEN.findall(word))
    return flips >= 2 or (word[-1].isupper() and word[-2].islower() and len(word) >= 4)


def _cut_mangled(s: str) -> tuple[str, str] | None:
    """Cut a promo headline in mangled case ('Xi viSit to MoScoW ...') glued into a paragraph."""
    if len(_MANGLED_TOKEN.findall(s)) < 3:
        return None
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(s)]
    for start in starts:
        toks = list(_WORD.finditer(s, start))
        mangled: list[int] = []
        gap = 0
        for k, tok in enumerate(toks):
            if _is_mangled(tok.group()):
                mangled.append(k)
                gap = 0
                continue
            gap += 1
            if gap > 2 or (not mangled and k >= 2):
                break
        if len(mangled) < 3 or len(mangled) / (mangled[-1] + 1) < 0.5:
            continue
        if sum(_is_garbled(toks[k].group()) for k in mangled) < 3:
            continue  # names such as 'McCain' or 'DeSantis' are not a garbled promo
        end = toks[mangled[-1]].end()
        after = s[end:].lstrip()
        if after and not (after[0].isupper() or after[0] in "“\"‘'"):
            continue
        fragment = s[start:end]
        kept = (s[:start].rstrip() + " " + after).strip()
        return kept, fragment
    return None


# --------------------------------------------------------------------------------------------
# One pass over the lines
# --------------------------------------------------------------------------------------------
def _clean_pass(
    lines: list[tuple[int, str]], *, rules: bool = True,
) -> tuple[list[tuple[int, str]], list[Removal]]:
    """Apply every rule once; return (paragraphs as (line_no, text), removals).

    With ``rules=False`` nothing is removed: only the paragraphs are rebuilt.
    """
    removed: list[Removal] = []
    texts = [t for _, t in lines]
    nums = [n for n, _ in lines]
    rule_of: list[str | None] = [None] * len(lines)
    nonempty = [i for i, t in enumerate(texts) if t]
    if not nonempty:
        return [], []
    has_blank = any(not texts[i] for i in range(nonempty[0], nonempty[-1] + 1))
    if rules:
        _apply_rules(texts, nums, rule_of, nonempty, has_blank, removed)

    # Paragraphs: blocks between blank lines, or every line when there are no blank lines.
    paragraphs: list[tuple[int, str]] = []
    block: list[int] = []
    for i in range(len(texts)) if has_blank else nonempty:
        if not texts[i] or not has_blank:
            if block:
                paragraphs.append((nums[block[0]], " ".join(texts[j] for j in block)))
                block = []
            if not has_blank and rule_of[i] is None and texts[i]:
                paragraphs.append((nums[i], texts[i]))
            continue
        if rule_of[i] is None:
            block.append(i)
    if block:
        paragraphs.append((nums[block[0]], " ".join(texts[j] for j in block)))
    removed.sort(key=lambda r: r.line_no)
    return paragraphs, removed


def _apply_rules(
    texts: list[str], nums: list[int], rule_of: list[str | None], nonempty: list[int],
    has_blank: bool, removed: list[Removal],
) -> None:
    """Decide which lines are chrome (``rule_of``), cut fragments from kept lines (``texts``)."""
    # 1. A date header at the top, possibly glued to the first paragraph.
    for i in nonempty[:3]:
        m = _DATE_HEADER.match(texts[i])
        if m and m.end() < len(texts[i]):
            removed.append(Removal(nums[i], "date_header", m.group(), inline=True))
            texts[i] = texts[i][m.end():].strip()
    nonempty[:] = [i for i in nonempty if texts[i]]
    if not nonempty:
        return
    last = nonempty[-1]
    pos = {i: k for k, i in enumerate(nonempty)}

    def standalone(i: int) -> bool:
        if not has_blank:
            return True
        prev_blank = i == 0 or not texts[i - 1]
        next_blank = i == len(texts) - 1 or not texts[i + 1]
        return prev_blank and next_blank

    def neighbours(i: int) -> tuple[int | None, int | None]:
        k = pos[i]
        return (nonempty[k - 1] if k else None,
                nonempty[k + 1] if k + 1 < len(nonempty) else None)

    # 2. The head: lines above the first line of prose (at most _MAX_HEAD lines).
    first_prose = next((i for i in nonempty if _is_prose(texts[i])), None)
    cap = nonempty[min(_MAX_HEAD, len(nonempty) - 1)]
    head_end = min(first_prose if first_prose is not None else last + 1, cap)
    head = [i for i in nonempty if i < head_end]

    # 3. Rules on single lines. A known boilerplate pattern is removed wherever it stands; a
    #    line that only has the shape of chrome waits (``pending``) for positional evidence.
    pending: dict[int, str] = {}
    prev_rule: str | None = None
    breadcrumbs: list[str] = []
    for i in nonempty:
        s = texts[i]
        found = _line_rule(s)
        rule = found[0] if found else None
        if found and found[1] == "position" and i >= head_end and (
            found[0] not in _TOP_RULES or pos[i] >= _TOP_LINES
        ):
            pending[i], rule = found[0], None
        if rule is None and i not in pending and i < head_end:
            if _TEMPERATURE.match(s):
                rule = "page_chrome"
            elif prev_rule == "page_chrome" and _PLACE.match(s) and _n_words(s) <= 4:
                rule = "page_chrome"  # the city of a weather widget
            elif _BREADCRUMB.match(s) and not _TERMINAL.search(s) and (
                _BREADCRUMB_SEP.search(s)
                or any(texts[j] != s and s.endswith(texts[j]) for j in head if j > i)
            ):
                rule = "breadcrumb"
                breadcrumbs.append(s)
            elif any(b.endswith(s) for b in breadcrumbs) or any(
                texts[j] == s for j in head if j < i
            ):
                rule = "duplicate_title"
        if i >= head_end and not standalone(i) and (
            rule in _STANDALONE_RULES or pending.get(i) in _STANDALONE_RULES
        ):
            rule = None  # only a line standing on its own is a caption or a promo
            pending.pop(i, None)
        if rule == "promo_headline" and i == nonempty[0]:
            rule = None  # the first line is the page's own title ('Watch: ...' on a video page)
        rule_of[i] = rule
        prev_rule = rule

    # 4. The tail: the run of lines at the end that are all chrome or look like it (credits,
    #    a date, generated author-bio filler among the last three lines), then a trailing
    #    explainer-promo block (a heading followed only by 'Label: blurb' paragraphs), then the
    #    tail again (credits just above that block).
    body = [i for i in nonempty if i >= head_end] if first_prose is not None else []
    _mark_tail(texts, rule_of, nonempty, pending)
    labels: list[int] = []
    for h in reversed(body):
        if rule_of[h] is not None:
            continue
        if _LABEL_PARA.match(texts[h]):
            labels.append(h)
            continue
        names = [texts[j].split(":", 1)[0].strip().lower() for j in labels]
        if len(labels) >= 2 and len(set(names)) == len(names) and standalone(h) \
                and _headline_like(texts[h]):
            for j in (h, *labels):  # distinct labels: a list of links, not a dialogue
                rule_of[j] = "explainer_promo"
        break
    _mark_tail(texts, rule_of, nonempty, pending)

    # 5. Lines that look like chrome next to lines that are chrome (repeated: a run of them).
    changed = True
    while changed:
        changed = False
        for i, rule in list(pending.items()):
            if rule_of[i] is None and any(
                j is not None and rule_of[j] is not None for j in neighbours(i)
            ):
                rule_of[i] = rule
                del pending[i]
                changed = True

    # 6. Headline-like lines standing alone in the body. Evidence that one is not the
    #    text's own: it repeats the title (the first line, or the start of a first line the
    #    title is glued to); it sits next to chrome; it is one of three or more in a row (a
    #    list of links); or the text is a scraped page (it carries page furniture) and the line
    #    stands between two paragraphs without breaking a sentence (the one above is finished,
    #    the one below starts anew). A text of short lines only, or without page furniture,
    #    keeps them all.
    title = texts[nonempty[0]]
    candidates = [i for i in body if rule_of[i] is None and i != nonempty[0] and standalone(i)
                  and _promo_like(texts[i])]
    for i in candidates:
        s = texts[i]
        if _headline_like(s) and (s == title or title.startswith(s + " ")):
            rule_of[i] = "duplicate_title"
    runs: list[list[int]] = []
    for i in candidates:
        if runs and pos[i] == pos[runs[-1][-1]] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) >= 3:
            for i in run:
                rule_of[i] = rule_of[i] or "promo_headline"
    page = any(r in _PAGE_RULES for r in rule_of if r)
    for i in candidates:
        if rule_of[i] is not None:
            continue
        before, after = neighbours(i)
        near = any(j is not None and rule_of[j] is not None for j in (before, after))
        between = (
            before is not None and after is not None
            and (rule_of[before] is not None or _ends_sentence(texts[before]))
            and (rule_of[after] is not None or _starts_sentence(texts[after]))
        )
        if near or (page and between):
            rule_of[i] = "promo_headline"

    # 7. Fragments cut from kept lines.
    for i in nonempty:
        if rule_of[i] is not None:
            removed.append(Removal(nums[i], rule_of[i], texts[i]))
            continue
        cut = _cut_newsletter(texts[i])
        if cut:
            removed.append(Removal(nums[i], "newsletter_promo", cut[1], inline=True))
            texts[i] = cut[0]
        cut = _cut_mangled(texts[i])
        if cut:
            removed.append(Removal(nums[i], "promo_headline", cut[1], inline=True))
            texts[i] = cut[0]
        if not texts[i]:
            rule_of[i] = "dropped"


def _mark_tail(
    texts: list[str], rule_of: list[str | None], nonempty: list[int], pending: dict[int, str],
) -> None:
    """Remove the pending lines (and author-bio filler) of the run of chrome ending the text."""
    for k in range(len(nonempty) - 1, -1, -1):
        i = nonempty[k]
        if rule_of[i] is not None:
            continue
        if i in pending:
            rule_of[i] = pending.pop(i)
        elif k >= len(nonempty) - 3 and _is_bio(texts[i]):
            rule_of[i] = "author_bio"
        else:
            break


def check_profile(profile: object, *, option: str = "profile") -> str:
    """Return ``profile`` if it names a cleaning profile, else raise an error that says so.

    Parameters
    ----------
    profile : object
        The value given.
    option : str
        The name of the option it was given as (used in the message).

    Returns
    -------
    str
        ``profile``, a key of :data:`PROFILES`.

    Raises
    ------
    CorpusError
        ``profile`` is not a key of :data:`PROFILES`; the message names the option and the
        valid values.

    Examples
    --------
    >>> check_profile("none")
    'none'
    >>> check_profile("web", option="clean")
    Traceback (most recent call last):
    ...
    analysis.errors.CorpusError: clean='web' is not a cleaning profile. Valid values: 'news' (...), 'none' (...).
    """
    if isinstance(profile, str) and profile in PROFILES:
        return profile
    valid = ", ".join(f"{k!r} ({v.split(':')[0]})" for k, v in PROFILES.items())
    raise CorpusError(f"{option}={profile!r} is not a cleaning profile. Valid values: {valid}.")


def clean_text(raw: str, *, profile: str = "news") -> tuple[str, list[Removal]]:
    """Clean one article's raw text and report every line or fragment removed.

    Steps: :func:`normalize_text`; then the rules of :data:`RULES` on each line (chrome above
    the first paragraph, promos, captions, credits, disclaimers and filler below it); then
    paragraphs are rebuilt. Paragraphs are blocks separated by blank lines; a text without any
    blank line between its lines (one paragraph per line) gets each non-empty line as a
    paragraph. The output separates paragraphs by exactly one blank line and has no leading or
    trailing whitespace. Rules are re-applied until the text no longer changes, so cleaning is
    idempotent.

    Parameters
    ----------
    raw : str
        The article as decoded from its file.
    profile : {"news", "none"}
        Which rules run (see :data:`PROFILES`): ``"news"`` every rule of :data:`RULES`;
        ``"none"`` no rule (the text is only normalised and its paragraphs rebuilt).

    Returns
    -------
    text : str
        Clean text.
    removed : list of Removal
        Every dropped line or cut fragment with the rule that dropped it, in line order.

    Examples
    --------
    >>> raw = (" date 2023-03-21 Share:\\n\\nMOSCOW - Xi met Putin on Monday.\\n\\n"
    ...        "Xi and Putin hold talks in Russia, trading compliments\\n\\n"
    ...        "“We agree,” Xi said.\\n___\\nJane Doe contributed to this report.")
    >>> text, removed = clean_text(raw)
    >>> print(text)
    MOSCOW - Xi met Putin on Monday.
    <BLANKLINE>
    “We agree,” Xi said.
    >>> [(r.line_no, r.rule) for r in removed]  # doctest: +NORMALIZE_WHITESPACE
    [(1, 'date_header'), (1, 'share_widget'), (5, 'promo_headline'), (8, 'separator'),
     (9, 'byline_credit')]
    >>> clean_text(raw, profile="none")[1]
    []
    """
    rules = check_profile(profile) != "none"
    text = normalize_text(raw)
    lines = list(enumerate(text.split("\n"), start=1))
    removals: list[Removal] = []
    out = None
    for _ in range(_MAX_PASSES):
        paragraphs, removed = _clean_pass(lines, rules=rules)
        removals.extend(removed)
        new = "\n\n".join(p for _, p in paragraphs)
        new = unicodedata.normalize("NFC", new)
        if new == out or (not removed and _relaid(lines) == new):
            out = new
            break
        out = new
        lines = []
        for k, (no, p) in enumerate(paragraphs):
            if k:
                lines.append((no, ""))
            lines.append((no, p))
    assert out is not None
    removals.sort(key=lambda r: r.line_no)
    return out, removals


def _relaid(lines: list[tuple[int, str]]) -> str:
    """The text as the previous pass produced it (used to detect a fixed point)."""
    return "\n".join(t for _, t in lines)
