"""Text cleaning with an audit trail: normalise Unicode, drop page chrome and promos, keep reporting.

:func:`clean_text` turns the raw text of one article into clean text (paragraphs separated by
exactly one blank line) and returns, next to it, one :class:`Removal` per dropped line or cut
fragment naming the rule that dropped it. The rules are patterns for the kinds of boilerplate
that scraped news pages carry (see :data:`RULES`), not string matches of particular articles,
and they are deliberately conservative: a line is dropped only when its shape says it is not
reporting (a standalone line with a photo credit, a weather widget above the first paragraph,
a trailing "contributed to this report" line, ...). Curly quotes and apostrophes are kept.

Cleaning is idempotent: ``clean_text(clean_text(x)[0])[0] == clean_text(x)[0]`` (the rules are
re-applied until nothing changes, at most a few passes).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

__all__ = ["RULES", "Removal", "clean_text", "normalize_text"]

#: Rule name -> what it removes. The audit table and the notebook use these names.
RULES: dict[str, str] = {
    "date_header": "a 'date YYYY-MM-DD' (or 'Published: ...') header at the top; text after it on the "
    "same line is kept",
    "share_widget": "a line made only of share/social-media widget words ('Share:', 'Facebook Twitter')",
    "page_date": "a line that is only a date ('Monday, October 2, 2023'): the page's date, not reporting",
    "page_chrome": "page furniture: a weather widget (temperature and the city under it) above the "
    "article, or lines such as 'Advertisement' and 'Read more'",
    "breadcrumb": "a navigation trail above the article ('Home Feeds <title>', 'Home > World')",
    "duplicate_title": "the headline repeated above the article (its text becomes the title)",
    "promo_headline": "a headline-like line standing alone inside the body (a related-story promo or "
    "section heading), a 'Read more: ...' link, or a promo headline in mangled case glued into a "
    "paragraph (only that fragment is cut)",
    "photo_caption": "a standalone caption ending in a photo credit ('(Name/AP)', '(..., Pool Photo "
    "via AP)')",
    "byline_credit": "bylines and reporting credits ('By ...', 'X contributed to this report.', "
    "'X reported from Taipei, Taiwan.')",
    "author_bio": "generated author-bio filler at the end ('Unapologetic tv specialist. ...')",
    "syndication_disclaimer": "a note that the story was auto-generated from a syndicated feed",
    "newsletter_promo": "a newsletter sign-up promo, also when glued to the end of a paragraph",
    "explainer_promo": "a trailing block of links to explainers: a heading followed only by "
    "'Label: blurb' paragraphs",
    "separator": "a line of only rule characters ('___', '***', '---')",
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
    r"continue reading|read more|show more|load more|click here|back to top|"
    r"story continues below(?: advertisement)?|scroll to continue(?: with content)?)[.:]?$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^Home\b")
_BREADCRUMB_SEP = re.compile(r"\s[>›»/|]\s|\s[>›»/|]$")
_LINK_PROMO = re.compile(
    r"^(?:read more|related|see also|also read|read also|more on this|watch|listen|must read)"
    r"\s*:\s*\S",
    re.IGNORECASE,
)
_CREDIT_PAREN = re.compile(r"\((?P<credit>[^()]{2,160})\)$")
_CREDIT_WORDS = re.compile(
    r"/|\bphotos?\b|\bphotograph|\bpool\b|\bvia\b|\bgetty\b|\bimages?\b|\bcredit\b|\bfile\b",
    re.IGNORECASE,
)
_CAPTION_PREFIX = re.compile(
    r"^(?:photo|image|picture|file photo|photo credit|credit)\s*:\s*\S", re.IGNORECASE
)
_BYLINES = (
    re.compile(
        r"^(?:[\w’'.,&-]+\s+){1,24}contributed(?:\s+reporting)?"
        r"(?:\s+(?:to\s+)?(?:this|the)\s+(?:report|story|article|reporting))?\s*\.?$",
        re.IGNORECASE,
    ),
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


def _is_prose(s: str) -> bool:
    """A line of reporting prose: a sentence-like line (ends in punctuation) or a long line."""
    n = _n_words(s)
    return (n >= 6 and _ends_sentence(s)) or n >= 30


def _headline_like(s: str) -> bool:
    """A short standalone line shaped like a headline: capitalised, no closing punctuation."""
    n = _n_words(s)
    if not 3 <= n <= 20 or not (s[0].isupper() or s[0].isdigit()):
        return False
    if s[-1] in ".!?…:;,\"”’')]" or _SENTENCE_END.search(s):
        return False
    return not s.startswith(("“", '"', "‘", "'"))


def _is_share_widget(s: str) -> bool:
    if len(s) > 120:
        return False
    words = re.findall(r"[\w-]+", s.lower())
    return bool(words) and all(w in _SOCIAL_WORDS for w in words) and bool(
        _SOCIAL_CORE.intersection(words)
    )


def _is_caption(s: str) -> bool:
    if _CAPTION_PREFIX.match(s):
        return True
    m = _CREDIT_PAREN.search(s)
    return bool(m and _n_words(s) <= 60 and _CREDIT_WORDS.search(m.group("credit")))


def _is_byline(s: str) -> bool:
    return _n_words(s) <= 25 and any(p.match(s) for p in _BYLINES)


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


def _whole_line_rule(s: str) -> str | None:
    """Rules that look at one line on its own, wherever it is."""
    if _n_words(s) > 60:
        return None  # a long line is a paragraph of prose: no whole-line rule applies
    if _SEPARATOR.match(s):
        return "separator"
    if _DATE_HEADER.match(s) and _DATE_HEADER.match(s).end() == len(s):
        return "date_header"
    if _is_share_widget(s):
        return "share_widget"
    if len(s) <= 80 and _PAGE_DATE.match(s):
        return "page_date"
    if len(s) <= 60 and _CHROME_LINE.match(s):
        return "page_chrome"
    if _n_words(s) <= 25 and _LINK_PROMO.match(s):
        return "promo_headline"
    if _is_caption(s):
        return "photo_caption"
    if _is_byline(s):
        return "byline_credit"
    if _n_words(s) <= 50 and _mentions(s, _SYNDICATION_HINTS) and _SYNDICATION.search(s):
        return "syndication_disclaimer"
    if len(s) <= 160 and _mentions(s, _NEWSLETTER_HINTS) and _NEWSLETTER.fullmatch(s.rstrip(".!: ")):
        return "newsletter_promo"
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
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[Removal]]:
    """Apply every rule once; return (paragraphs as (line_no, text), removals)."""
    removed: list[Removal] = []
    texts = [t for _, t in lines]
    nums = [n for n, _ in lines]
    rule_of: list[str | None] = [None] * len(lines)
    nonempty = [i for i, t in enumerate(texts) if t]
    if not nonempty:
        return [], []

    # 1. A date header at the top, possibly glued to the first paragraph.
    for i in nonempty[:3]:
        m = _DATE_HEADER.match(texts[i])
        if m and m.end() < len(texts[i]):
            removed.append(Removal(nums[i], "date_header", m.group(), inline=True))
            texts[i] = texts[i][m.end():].strip()

    first, last = nonempty[0], nonempty[-1]
    has_blank = any(not texts[i] for i in range(first, last + 1))

    def standalone(i: int) -> bool:
        if not has_blank:
            return True
        prev_blank = i == 0 or not texts[i - 1]
        next_blank = i == len(texts) - 1 or not texts[i + 1]
        return prev_blank and next_blank

    # 2. The head: lines above the first line of prose (at most _MAX_HEAD lines).
    first_prose = next((i for i in nonempty if _is_prose(texts[i])), None)
    cap = nonempty[min(_MAX_HEAD, len(nonempty) - 1)]
    head_end = min(first_prose if first_prose is not None else last + 1, cap)
    head = [i for i in nonempty if i < head_end]

    # 3. Rules on single lines.
    prev_rule: str | None = None
    breadcrumbs: list[str] = []
    for i in nonempty:
        s = texts[i]
        rule = _whole_line_rule(s)
        if rule is None and i < head_end:
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
        if rule in {"photo_caption", "promo_headline"} and not standalone(i) and i >= head_end:
            rule = None  # only a line standing on its own is a caption or a promo
        rule_of[i] = rule
        prev_rule = rule

    # 4. Author-bio filler among the last lines.
    for i in nonempty[-3:]:
        if rule_of[i] is None and _is_bio(texts[i]):
            rule_of[i] = "author_bio"

    # 5. A trailing explainer-promo block: heading + 'Label: blurb' paragraphs to the end.
    #    Walk back from the end while lines are 'Label: blurb' paragraphs or already removed.
    body = [i for i in nonempty if i >= head_end] if first_prose is not None else []
    labels: list[int] = []
    for h in reversed(body):
        if rule_of[h] is not None:
            continue
        if _LABEL_PARA.match(texts[h]):
            labels.append(h)
            continue
        if len(labels) >= 2 and standalone(h) and _headline_like(texts[h]):
            for j in (h, *labels):
                rule_of[j] = "explainer_promo"
        break

    # 6. Headline-like lines standing alone in the body: related-story promos, headings.
    #    (Only in a text that has prose; a text of short lines only is left alone.)
    for i in body:
        if rule_of[i] is None and standalone(i) and _headline_like(texts[i]):
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

    # 8. Paragraphs: blocks between blank lines, or every line when there are no blank lines.
    paragraphs: list[tuple[int, str]] = []
    block: list[int] = []
    for i in range(len(texts)) if has_blank else nonempty:
        if not texts[i] or not has_blank:
            if block:
                paragraphs.append((nums[block[0]], " ".join(texts[j] for j in block)))
                block = []
            if not has_blank and rule_of[i] is None:
                paragraphs.append((nums[i], texts[i]))
            continue
        if rule_of[i] is None:
            block.append(i)
    if block:
        paragraphs.append((nums[block[0]], " ".join(texts[j] for j in block)))
    removed.sort(key=lambda r: r.line_no)
    return paragraphs, removed


def clean_text(raw: str) -> tuple[str, list[Removal]]:
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
    """
    text = normalize_text(raw)
    lines = list(enumerate(text.split("\n"), start=1))
    removals: list[Removal] = []
    out = None
    for _ in range(_MAX_PASSES):
        paragraphs, removed = _clean_pass(lines)
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
