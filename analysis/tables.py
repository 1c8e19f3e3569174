"""Tables readable at any size: top rows with the full table beside them, lists, big numbers.

A report on 200 or 100,000 documents cannot print every row, id or digit. These helpers
decide what a page shows and say what it leaves out:

- :func:`top_rows` shows the first (or largest) rows of a table, writes the whole table as
  CSV next to the figures (through :func:`save_table`, the one CSV writer of the suite) and
  adds a line "10 of 699 rows shown; the full table is in NAME.csv in the figures folder".
  Text cells are shown in full and wrap; a table wider than the page scrolls sideways
  instead of running off it (:data:`TABLE_CSS`).
- :func:`summarise_list` turns a long list of ids into "167 documents; first 10: ...".
- :func:`format_count` and :func:`format_log_count` print a count of any size as a reader
  can take it in: "12,870", "about 4.0 × 10^359", "more than 10^15".

Examples
--------
>>> import pandas as pd
>>> t = top_rows(pd.DataFrame({"term": list("abcde"), "count": [3, 9, 1, 7, 5]}),
...              n=2, sort_by="count")
>>> t.rows["term"].tolist(), t.caption
(['b', 'd'], '2 of 5 rows shown, largest count first.')
>>> format_count(2 ** 300)
'about 2.0 × 10^90'
"""

from __future__ import annotations

import contextlib
import html
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from analysis import config
from analysis.errors import NothingToShow

__all__ = [
    "TABLE_CSS",
    "TABLE_ROWS",
    "Note",
    "ShownTable",
    "count_noun",
    "explain_if_empty",
    "format_count",
    "format_log_count",
    "html_table",
    "save_table",
    "summarise_list",
    "top_rows",
]

#: Rows a page shows of a long table unless told otherwise; the rest are in the CSV.
TABLE_ROWS: int = 20
#: Counts below this are printed in full ("999,999"); from it on as "about m × 10^e".
EXACT_BELOW: int = 1_000_000

#: Style of the tables these helpers render (a ``<style>`` block, kept by the report's
#: sanitiser because it loads nothing). Text cells wrap, numbers align right, and the
#: ``analysis-scroll`` box scrolls sideways when the columns do not fit the page.
TABLE_CSS: str = """
div.analysis-scroll { max-width: 100%; overflow-x: auto; }
div.analysis-scroll table.analysis-table { table-layout: auto; border-collapse: collapse;
  margin: 0 0 0.6em 0; width: auto; }
div.analysis-scroll table.analysis-table th, div.analysis-scroll table.analysis-table td {
  vertical-align: top; text-align: left; white-space: normal; padding: 0.25em 0.6em; }
div.analysis-scroll table.analysis-table td.text { min-width: 8em; overflow-wrap: break-word; }
div.analysis-scroll table.analysis-table td.num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
div.analysis-scroll table.analysis-table td.kwic-left { text-align: right; white-space: nowrap; }
div.analysis-scroll table.analysis-table td.kwic-match { text-align: left; white-space: nowrap;
  font-weight: bold; padding-left: 0.2em; padding-right: 0.2em; }
div.analysis-scroll table.analysis-table td.kwic-right { text-align: left; white-space: nowrap; }
p.analysis-caption { color: #555; font-size: 0.9em; margin: 0.2em 0 0.4em 0; }
"""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# --------------------------------------------------------------------------- numbers


def _as_count(value: object) -> int:
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"a count must be an integer, not {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(
            f"a count must be an integer, not {value!r}; for a count known by its logarithm "
            "use format_log_count(log10)") from None
    if n < 0:
        raise ValueError(f"a count cannot be negative: {n}")
    return n


def _exponent(n: int) -> int:
    """floor(log10(n)) of a positive integer of any size (no float overflow, no str())."""
    e = int(n.bit_length() * math.log10(2))
    while e > 0 and 10**e > n:
        e -= 1
    while 10 ** (e + 1) <= n:
        e += 1
    return e


def _scientific(n: int) -> tuple[str, bool]:
    """``n`` (>= 10) as "m.d × 10^e" with two significant digits, and whether that is exact."""
    e = _exponent(n)
    unit = 10 ** (e - 1)
    lead, rest = divmod(n, unit)  # lead has two digits, 10..99
    if 2 * rest >= unit:  # round half up
        lead += 1
    if lead == 100:
        lead, e = 10, e + 1
    exact = rest == 0
    return f"{lead // 10}.{lead % 10} × 10^{e}", exact


def format_count(value: int, *, exact_below: int = EXACT_BELOW, cap: int | None = None) -> str:
    """A count of any size as prose: exact below ``exact_below``, else "about m.d × 10^e".

    Works on Python integers of any size (say the number of ways to relabel 1,200
    documents, C(1200, 600)) without converting them to float, so nothing overflows.

    Parameters
    ----------
    value : a non-negative integer (Python or numpy)
    exact_below : counts below this are printed in full with thousands separators
    cap : counts above ``cap`` are printed as "more than <cap>" (for example when only a
        bound matters: "more than 10^15")

    Examples
    --------
    >>> format_count(12_870)
    '12,870'
    >>> import math
    >>> format_count(math.comb(1200, 600))
    'about 4.0 × 10^359'
    >>> format_count(10**15), format_count(10**40, cap=10**15)
    ('1.0 × 10^15', 'more than 10^15')
    """
    n = _as_count(value)
    if cap is not None:
        limit = _as_count(cap)
        if n > limit:
            if limit < exact_below:
                return f"more than {limit:,}"
            text, exact = _scientific(limit)
            if exact and text.startswith("1.0 × "):
                text = text.removeprefix("1.0 × ")
            return f"more than {text}" if exact else f"more than about {text}"
    if n < exact_below:
        return f"{n:,}"
    text, exact = _scientific(n)
    return text if exact else f"about {text}"


def format_log_count(log10: float, *, exact_below: int = EXACT_BELOW) -> str:
    """A count known only by its base-10 logarithm (e.g. from ``math.lgamma``), as prose.

    Examples
    --------
    >>> format_log_count(math.log10(12_870))
    '12,870'
    >>> format_log_count(359.5977)
    'about 4.0 × 10^359'
    >>> format_log_count(5.9999999999)  # just below a million, rounded: still exact form
    '1,000,000'
    """
    x = float(log10)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"log10 of a count must be a finite number >= 0, not {log10!r}")
    if x < math.log10(exact_below):
        return f"{round(10**x):,}"
    e = math.floor(x)
    mantissa = round(10 ** (x - e), 1)
    if mantissa >= 10.0:
        mantissa, e = 1.0, e + 1
    return f"about {mantissa:.1f} × 10^{e}"


# --------------------------------------------------------------------------- lists


def _singular(noun: str) -> str:
    for plural, single in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"),
                           ("xes", "x")):
        if noun.endswith(plural):
            return noun[: -len(plural)] + single
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def count_noun(n: int, noun: str) -> str:
    """``n`` with its noun, singular for one: "1 document", "2,400 documents", "1 speech".

    Examples
    --------
    >>> count_noun(1, "documents"), count_noun(2400, "documents"), count_noun(1, "speeches")
    ('1 document', '2,400 documents', '1 speech')
    """
    return f"{int(n):,} {_singular(noun) if int(n) == 1 else noun}"


def summarise_list(items: Iterable[object], *, n: int = 10, noun: str = "documents") -> str:
    """A long list as "167 documents; first 10: a, b, ..."; a short one in full.

    Items are shown in the order given (sort them first if the order should mean something).

    Parameters
    ----------
    items : ids, names or labels
    n : most items written out
    noun : plural noun for the items ("documents", "speeches", "terms")

    Examples
    --------
    >>> summarise_list([f"d{i:03d}" for i in range(167)], n=3)
    '167 documents; first 3: d000, d001, d002'
    >>> summarise_list(["a", "b"], noun="speeches")
    '2 speeches: a, b'
    >>> summarise_list(["a"], noun="speeches"), summarise_list([])
    ('1 speech: a', 'no documents')
    """
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, not {n!r}")
    names = [str(x) for x in items]
    total = len(names)
    if total == 0:
        return f"no {noun}"
    if total <= n:
        return f"{count_noun(total, noun)}: {', '.join(names)}"
    return f"{count_noun(total, noun)}; first {int(n)}: {', '.join(names[: int(n)])}"


# --------------------------------------------------------------------------- CSV


def save_table(table: pd.DataFrame | pd.Series, name: str, *,
               figures_dir: str | Path | None = None) -> Path:
    """Write ``table`` as ``<figures_dir>/<name>.csv``, byte for byte reproducibly.

    The one CSV writer of the suite (:func:`analysis.plots.common.save_figure` uses it too): no
    index column (a Series or an index that carries data is written as columns), floats as
    ``%.6g``, ``\\n`` line endings.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = save_table(pd.DataFrame({"x": ["a"], "y": [1 / 3]}), "demo", figures_dir=d)
    ...     path.name, path.read_text()
    ('demo.csv', 'x,y\\na,0.333333\\n')
    """
    if not _NAME.match(name):
        raise ValueError(f"table name {name!r}: use letters, digits, '_', '-' and '.' only")
    folder = Path(figures_dir) if figures_dir is not None else config.FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    frame = table.reset_index() if isinstance(table, pd.Series) else table
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False, float_format="%.6g", lineterminator="\n")
    return path


# --------------------------------------------------------------------------- HTML


def _flat(frame: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """One header row, and an index that carries data turned into columns."""
    if isinstance(frame, pd.Series):
        frame = frame.to_frame(frame.name if frame.name is not None else "value")
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" / ".join(str(p) for p in c if str(p) != "") for c in out.columns]
    # an unnamed integer index (0..n-1, or what is left of it after filtering) is position,
    # not data; a named or non-integer index (group names, doc ids) is shown as columns
    named = any(n is not None for n in out.index.names)
    if named or not pd.api.types.is_integer_dtype(out.index.dtype):
        names = [n if n is not None else ("index" if out.index.nlevels == 1 else f"level_{i}")
                 for i, n in enumerate(out.index.names)]
        out.index = out.index.set_names(names)
        out = out.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out.reset_index(drop=True)


def _cell(value: object, *, digits: int | None) -> str:
    if value is None or (not isinstance(value, list | tuple | np.ndarray) and pd.isna(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if not math.isfinite(v):
            return str(v)
        if digits is None:
            return f"{v:.6g}"
        if v != 0 and abs(v) < 0.5 * 10.0**-digits:
            return f"{v:.1e}"
        return f"{v:.{digits}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    return str(value)


def html_table(frame: pd.DataFrame, *, caption: str = "", digits: int | None = 3,
               classes: dict[str, str] | None = None) -> str:
    """A table as HTML with every text cell in full (never cut with "..."), wrapped.

    Numbers align right and are rounded to ``digits`` decimals (a value too small for them
    is written as ``1.2e-05`` rather than ``0.000``); text is escaped, so corpus text never
    becomes markup. ``classes`` gives a column a cell class of :data:`TABLE_CSS` (for
    example ``"kwic-left"``); other columns are ``num`` or ``text`` by dtype.

    Examples
    --------
    >>> out = html_table(pd.DataFrame({"t": ["<b>" + "x" * 80], "v": [0.12345]}))
    >>> "x" * 80 in out and "&lt;b&gt;" in out and ">0.123<" in out
    True
    """
    frame = _flat(frame)
    classes = dict(classes or {})
    kinds = []
    for col in frame.columns:
        series = frame[col]
        numeric = is_numeric_dtype(series.dtype) and not is_bool_dtype(series.dtype)
        kinds.append(classes.get(col, "num" if numeric else "text"))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False, name=None):
        cells = "".join(f'<td class="{k}">{html.escape(_cell(v, digits=digits))}</td>'
                        for k, v in zip(kinds, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    note = (f'<p class="analysis-caption">{html.escape(caption)}</p>\n' if caption else "")
    return (f"<style>{TABLE_CSS}</style>\n{note}"
            f'<div class="analysis-scroll"><table class="analysis-table">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body)
            + "\n</tbody></table></div>")


def _text_table(frame: pd.DataFrame, *, caption: str, digits: int | None) -> str:
    shown = _flat(frame)
    for col in shown.columns:
        shown[col] = [_cell(v, digits=digits) for v in shown[col].tolist()]
    with pd.option_context("display.max_colwidth", None, "display.max_columns", None,
                           "display.width", 10_000):
        body = shown.to_string(index=False)
    return f"{caption}\n{body}" if caption else body


# --------------------------------------------------------------------------- top rows


@dataclass(frozen=True, repr=False)
class ShownTable:
    """The rows of a table a page shows, with the line saying what is left out.

    Displayed in a notebook as an HTML table (full text, wrapped; wide tables scroll) under
    its caption; ``str()`` gives the same as plain text.

    Attributes
    ----------
    rows : the rows shown (unrounded; ``digits`` applies only to the display)
    n_total : rows in the whole table
    caption : "10 of 699 rows shown, ...; the full table is in NAME.csv in the figures folder."
        (empty when every row is shown and no CSV was written)
    path : the CSV of the whole table, or ``None``
    digits : decimals shown for floats (``None``: six significant digits)
    """

    rows: pd.DataFrame
    n_total: int
    caption: str
    path: Path | None = None
    digits: int | None = 3

    def _repr_html_(self) -> str:
        return html_table(self.rows, caption=self.caption, digits=self.digits)

    def __repr__(self) -> str:
        return _text_table(self.rows, caption=self.caption, digits=self.digits)


def _csv_note(name: str | None, *, whole: bool) -> str:
    if name is None:
        return ""
    if whole:
        return f"The table is also in {name}.csv in the figures folder."
    return f"; the full table is in {name}.csv in the figures folder"


def top_rows(
    frame: pd.DataFrame | pd.Series,
    *,
    n: int | None = TABLE_ROWS,
    sort_by: str | list[str] | None = None,
    ascending: bool = False,
    name: str | None = None,
    figures_dir: str | Path | None = None,
    digits: int | None = 3,
    noun: str = "rows",
) -> ShownTable:
    """The top ``n`` rows of a table for a page, the whole table as CSV, and a line saying so.

    Parameters
    ----------
    frame : the whole table (an index that carries data becomes columns)
    n : rows shown (default :data:`TABLE_ROWS`); ``None`` shows every row (text still in
        full and wrapped)
    sort_by : column(s) to rank by (stable sort, missing values last); ``None`` keeps the
        order given and shows the first rows
    ascending : rank smallest first (default: largest first)
    name : file stem of the CSV of the whole table, written with :func:`save_table`;
        ``None`` writes nothing
    figures_dir : folder of the CSV, default :data:`analysis.config.FIGURES_DIR`
    digits : decimals shown for floats (the CSV keeps six significant digits)
    noun : what a row is, for the caption ("rows", "documents", "pairs")

    Returns
    -------
    ShownTable

    Examples
    --------
    >>> import tempfile
    >>> frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(699)], "n": range(699)})
    >>> with tempfile.TemporaryDirectory() as d:
    ...     shown = top_rows(frame, n=10, name="01_demo", figures_dir=d)
    ...     len(pd.read_csv(shown.path))
    699
    >>> shown.caption
    '10 of 699 rows shown; the full table is in 01_demo.csv in the figures folder.'
    >>> top_rows(frame.head(3), n=10).caption
    ''
    """
    if n is not None and int(n) < 1:
        raise ValueError(f"n must be at least 1 (or None for every row), not {n!r}")
    whole = _flat(frame)
    keys = [sort_by] if isinstance(sort_by, str) else list(sort_by or [])
    missing = [k for k in keys if k not in whole.columns]
    if missing:
        raise KeyError(f"sort_by {missing} not among the table's columns {list(whole.columns)}; "
                       "pass one of them, or sort_by=None to keep the given order.")
    path = None
    if name is not None:
        path = save_table(whole, name, figures_dir=figures_dir)
    ordered = (whole.sort_values(keys, ascending=ascending, kind="stable", na_position="last")
               if keys else whole)
    shown = ordered if n is None else ordered.head(int(n))
    total = len(whole)
    if len(shown) < total:
        order = ""
        if keys:
            order = f", {'smallest' if ascending else 'largest'} {', '.join(keys)} first"
        caption = (f"{len(shown):,} of {total:,} {noun} shown{order}"
                   f"{_csv_note(name, whole=False)}.")
    else:
        caption = _csv_note(name, whole=True)
    return ShownTable(rows=shown.reset_index(drop=True), n_total=total, caption=caption,
                      path=path, digits=digits)


# --------------------------------------------------------------------------- empty sections


@dataclass(frozen=True)
class Note:
    """A line of prose for a page (shown as Markdown in a notebook, escaped)."""

    text: str

    def _repr_markdown_(self) -> str:
        return f"*{html.escape(self.text, quote=False)}*"

    def __repr__(self) -> str:
        return self.text


def _display(obj: object) -> None:
    from IPython.display import display

    display(obj)


@contextlib.contextmanager
def explain_if_empty(*, show: Callable[[object], object] | None = None) -> Iterator[None]:
    """Run one section of a page; if the data hold nothing for it to show, say so and go on.

    A :class:`analysis.errors.NothingToShow` raised inside the block (no term leans to
    either side, a group left without text ...) is shown as a :class:`Note` with its message,
    so the page reads "Nothing to show here: ..." and the notebook continues with the next
    section. Every other error propagates.

    Parameters
    ----------
    show : how the note is shown (default: IPython's ``display``)

    Examples
    --------
    >>> with explain_if_empty(show=print):
    ...     raise NothingToShow("no term leans to either side of x vs y.")
    Nothing to show here: no term leans to either side of x vs y.
    >>> with explain_if_empty(show=print):
    ...     raise KeyError("a real bug")
    Traceback (most recent call last):
    ...
    KeyError: 'a real bug'
    """
    try:
        yield
    except NothingToShow as exc:
        (show or _display)(Note(f"Nothing to show here: {exc}"))
