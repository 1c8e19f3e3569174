"""Render the notebook suite to self-contained HTML reports (``python -m analysis report``).

:func:`render_report` executes every ``notebooks/NN_*.ipynb`` in order with papermill
(kernel ``python3``, working directory = the notebooks folder), injecting the run's
configuration (:class:`analysis.settings.AnalysisConfig`: ``source``, ``text_column``,
``group``, ``genre``, ``clean``, ``actors``, ``k`` ... and the project file as ``config``) and
``figures_dir`` into each notebook's ``parameters`` cell (every notebook gets ``source``,
``group``, ``figures_dir`` and ``random_state``; the other keys go to the notebooks whose
parameters cell declares them), and writes

- ``<out>/NN_name.html``: one self-contained page per notebook. Figures are the cells' own
  image outputs, embedded as ``data:`` URIs; the page loads no script, stylesheet, font or
  image from the network (nbconvert's require.js, MathJax and Mermaid CDN tags are removed,
  so LaTeX in markdown shows as source). ``text/html`` and ``text/markdown`` *outputs* are
  sanitised (allow-list of formatting tags, no ``<script>``, no ``on*`` attributes, images
  only as ``data:`` URIs), so corpus text that reaches an output as raw HTML is shown as
  text, never executed. ``no_input=True`` hides code cells (a reader's version).
- ``<out>/NN_name.ipynb``: the executed notebook, with papermill/nbclient timing metadata
  removed so two runs on the same input give the same file.
- ``<out>/index.html``: the contents (title, one-sentence summary and link per notebook,
  and under each line the headline findings the notebook recorded with
  :func:`analysis.report.findings.record_findings`, each with its uncertainty) and the run's
  facts: corpus, group column, groups and their document counts, random state, the whole configuration (every key, its value and where it was set, and the same
  as an ``analysis.toml`` to reuse), package versions and the run date (the date is the only value that differs between
  two runs on the same input; it is written only here, never into figures or CSVs).
- ``<figures_dir>/*.png|svg|csv``: written by the notebooks through
  :func:`analysis.plots.common.save_figure`.

Nothing is clobbered by a failed run: the report and the figures are first rendered into
temporary sibling folders (``.<name>.rendering-*``, same file system) and moved into place
only when every notebook succeeded. The folder given as ``out`` is replaced as a whole; in
``figures_dir`` the PNG, SVG and CSV files are replaced by this run's (stale ones from
earlier runs disappear) and any other file there (e.g. a README) is kept. If a notebook
fails, :class:`NotebookFailed` names the notebook, the cell (counted from 1 in the
committed notebook), its first line and the error, and the previous report stays in place.

Examples
--------
>>> parser = argparse.ArgumentParser(prog="python -m analysis")
>>> _ = add_report_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["report", "--group", "outlet", "--no-input"])
>>> (args.group, args.no_input, args.source)
('outlet', True, None)
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import html
import importlib.metadata
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import config as paths
from analysis.errors import CorpusError
from analysis.settings import AnalysisConfig, add_config_arguments, config_from_args, resolve_config

if TYPE_CHECKING:  # nbformat, bleach, papermill and nbconvert are imported when used
    from nbformat import NotebookNode

__all__ = [
    "NotebookFailed",
    "add_report_parser",
    "clean_output_html",
    "notebook_heading",
    "render_report",
    "report_command",
]

#: Notebooks the report runs: ``NN_name.ipynb`` in the notebooks folder, in name order.
NOTEBOOK_PATTERN = re.compile(r"^\d{2}_[A-Za-z0-9_.-]*\.ipynb$")
#: Files in ``figures_dir`` that a run regenerates (others are kept).
FIGURE_SUFFIXES = frozenset({".png", ".svg", ".csv"})
#: Packages whose versions the index lists.
REPORTED_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "nltk",
    "vaderSentiment",
    "papermill",
    "nbconvert",
)
#: Per-cell execution limit in seconds.
DEFAULT_TIMEOUT = 600

_INJECTED_TAG = "injected-parameters"
_ERROR_MARKER_TAG = "papermill-error-cell-tag"
_KERNEL_CELL_FILE = re.compile(r"\S*ipykernel_\d+[/\\]\d+\.py")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# --------------------------------------------------------------------------- sanitising

_ALLOWED_TAGS = frozenset(
    ("a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
     "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
     "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
     "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
     "thead", "tr", "u", "ul", "var")
)  # fmt: skip
_COMMON_ATTRIBUTES = ("class", "id", "title", "lang", "dir")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|\\|<", re.I)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name in _COMMON_ATTRIBUTES:
        return True
    if tag == "a":
        return name in {"href", "name"}
    if tag == "img":
        if name == "src":
            return value.strip().lower().startswith("data:image/")
        return name in {"alt", "width", "height"}
    if tag in {"td", "th"}:
        return name in {"colspan", "rowspan", "align", "valign"}
    if tag in {"table", "col", "colgroup"}:
        return name in {"border", "span"}
    return False


def clean_output_html(markup: str) -> str:
    """Sanitise one ``text/html`` (or rendered markdown) output for the report.

    An allow-list of formatting tags (tables, headings, lists, emphasis, code) is kept with
    harmless attributes; any other tag is *escaped*, so it shows as text; ``on*`` handlers,
    ``javascript:`` links, non-``data:`` images and comments are dropped. ``<style>`` blocks
    (pandas' table style) are kept only when they load nothing (no ``url(``, ``@import``).

    Examples
    --------
    >>> clean_output_html('<p>a &amp; b</p><script>alert(1)</script>')
    '<p>a &amp; b</p>&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> clean_output_html('<img src=x onerror=alert(1)>')
    '[image removed: only embedded images are shown]'
    >>> clean_output_html('<style scoped>.x th {text-align: right}</style><b>ok</b>')
    '<style>.x th {text-align: right}</style><b>ok</b>'
    """
    styles: list[str] = []

    def keep_style(match: re.Match[str]) -> str:
        css = match.group(1)
        if not _UNSAFE_CSS.search(css):
            styles.append(f"<style>{css}</style>")
        return ""

    body = _STYLE_BLOCK.sub(keep_style, str(markup))
    import bleach

    cleaned = bleach.clean(
        body,
        tags=_ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols={"http", "https", "mailto", "data"},
        strip=False,
        strip_comments=True,
    )
    # An image whose source was dropped would show as a broken image: say what happened.
    cleaned = _IMG_WITHOUT_SRC.sub("[image removed: only embedded images are shown]", cleaned)
    return "".join(styles) + cleaned


# --------------------------------------------------------------------------- notebooks


def notebook_heading(nb: NotebookNode) -> tuple[str | None, str | None]:
    """Title (first markdown ``#`` heading) and summary (first sentence after it) of a notebook.

    Returns ``(None, None)`` when the notebook has no markdown heading, and a ``None`` summary
    when nothing follows the heading in its cell.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
    ...     "# Terms by group\\n\\nWhich words set the **groups** apart? More prose here.")])
    >>> notebook_heading(nb)
    ('Terms by group', 'Which words set the groups apart?')
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            heading = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if heading:
                title = _plain(heading.group(1))
                rest = " ".join(" ".join(lines[i + 1 :]).split())
                sentence = re.match(r"(.+?[.!?])(?=\s+[^a-z\s]|$)", rest)  # not "U.S. coverage"
                summary = _plain(sentence.group(1) if sentence else rest) or None
                return title, summary
    return None, None


def _plain(markdown: str) -> str:
    """Markdown inline markup removed: emphasis, code ticks, links reduced to their text."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", text).strip()


def _find_notebooks(notebooks_dir: Path) -> list[Path]:
    if not notebooks_dir.is_dir():
        raise CorpusError(
            f"{notebooks_dir}: notebooks folder not found. Pass notebooks_dir= the folder "
            "holding the NN_name.ipynb notebooks."
        )
    found = sorted(p for p in notebooks_dir.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    if not found:
        raise CorpusError(
            f"{notebooks_dir}: no notebooks named like 00_name.ipynb. Add the numbered "
            "notebooks or point notebooks_dir= at the folder that holds them."
        )
    return found


@dataclass(frozen=True)
class _Entry:
    path: Path
    title: str
    summary: str | None

    @property
    def html_name(self) -> str:
        return self.path.stem + ".html"

    @property
    def findings_name(self) -> str:
        """``NN_findings``: the CSV (in the figures folder) where notebook NN records findings."""
        return self.path.stem.split("_", 1)[0] + "_findings"


class NotebookFailed(RuntimeError):
    """A notebook raised while the report was rendered.

    Attributes name the notebook (``notebook``), the failing cell counted from 1 in the
    committed notebook (``cell``, of ``n_cells``), its first source line (``first_line``),
    the error (``ename``, ``evalue``) and the kernel's traceback text (``traceback``).

    Examples
    --------
    >>> err = NotebookFailed(Path("nb/01_x.ipynb"), 3, 7, "x = f()", "KeyError", "'outlet'")
    >>> str(err)
    "nb/01_x.ipynb, cell 3 of 7 ('x = f()'): KeyError: 'outlet'"
    """

    def __init__(
        self,
        notebook: Path,
        cell: int | None,
        n_cells: int,
        first_line: str,
        ename: str,
        evalue: str,
        traceback: str = "",
    ) -> None:
        self.notebook = notebook
        self.cell = cell
        self.n_cells = n_cells
        self.first_line = first_line
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
        where = f"cell {cell} of {n_cells} ({first_line!r})" if cell else "before any cell ran"
        super().__init__(f"{notebook}, {where}: {ename}: {evalue}".rstrip(": "))


def _failure(
    notebook: Path, executed: NotebookNode | None, n_cells: int, exc: BaseException
) -> NotebookFailed:
    """Translate papermill's error (indices in the parameterised notebook) to the user's cell."""
    index = getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None)
    if evalue is None:
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        evalue = lines[0] if lines else ""
    trace = "\n".join(getattr(exc, "traceback", None) or [])
    if executed is not None and index is None:
        # Timeout or dead kernel: the cell holding an error output (a timeout interrupts the
        # kernel), else the one papermill still marks as running.
        def status(cell: NotebookNode) -> str | None:
            return cell.get("metadata", {}).get("papermill", {}).get("status")

        has_error = [
            i
            for i, cell in enumerate(executed.cells)
            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        ]
        running = [i for i, cell in enumerate(executed.cells) if status(cell) == "running"]
        index = (has_error or running or [None])[0]
    if executed is None or index is None:
        return NotebookFailed(notebook, None, n_cells, "", ename, evalue, _ANSI.sub("", trace))
    cells = executed.cells
    source = cells[index].source if index < len(cells) else ""
    extra = sum(
        1
        for cell in cells[:index]
        if {_INJECTED_TAG, _ERROR_MARKER_TAG} & set(cell.get("metadata", {}).get("tags", []))
    )
    own = index - extra + 1
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return NotebookFailed(
        notebook, own, n_cells, first[:120], ename, evalue, _ANSI.sub("", trace)
    )


def _strip_run_metadata(nb: NotebookNode, replace: Mapping[str, str]) -> None:
    """Remove timing metadata, give the injected cell a fixed id, undo temporary paths."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if _INJECTED_TAG in cell.metadata.get("tags", []):
            cell["id"] = f"injected-parameters-{i}"
        cell.source = _replace_all(cell.source, replace)
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = _replace_all(output["text"], replace)
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in output.get("data", {}):
                    output["data"][mime] = _replace_all(output["data"][mime], replace)


def _replace_all(text: str, replace: Mapping[str, str]) -> str:
    for old, new in replace.items():
        text = text.replace(old, new)
    # Warnings and tracebacks name the cell by a per-process temporary file.
    return _KERNEL_CELL_FILE.sub("<notebook cell>", text)


# --------------------------------------------------------------------------- HTML export

_TEMPLATE_NAME = "coverage_report.html.j2"
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
<style type="text/css">
nav.report-nav { max-width: 1100px; margin: 0.5em auto 0; font-family: sans-serif; }
/* A table wider than the page scrolls sideways inside its output instead of running off. */
.jp-OutputArea-output { max-width: 100%; overflow-x: auto; }
.jp-RenderedHTML > div { max-width: 100%; overflow-x: auto; }
/* pandas tables: long text wraps (it is never cut: analysis.tables shows text in full). */
.jp-RenderedHTMLCommon table.dataframe td { vertical-align: top; overflow-wrap: break-word; }
</style>
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
<nav class="report-nav"><a href="index.html">&larr; Contents</a></nav>
{%- endblock body_header -%}
{% block data_html scoped -%}
<div class="jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output {{ extra_class }}" data-mime-type="text/html">
{{ output.data['text/html'] | clean_output_html }}
</div>
{%- endblock data_html %}
{% block data_markdown scoped -%}
<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-OutputArea-output {{ extra_class }}" data-mime-type="text/markdown">
{{ output.data['text/markdown'] | markdown2html | clean_output_html }}
</div>
{%- endblock data_markdown %}
{% block error -%}
<div class="jp-RenderedText jp-OutputArea-output report-error-output" data-mime-type="application/vnd.jupyter.stderr">
<pre>
{{- super() -}}
</pre>
</div>
{%- endblock error %}
{%- block data_javascript scoped %}{%- endblock -%}
{%- block data_widget_view scoped %}{%- endblock -%}
"""
# Script-carrying mimetypes are left out, so their text/plain fallback is shown instead.
_DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]


def _exporter(*, no_input: bool):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    cfg = Config()
    cfg.NbConvertBase.display_data_priority = _DISPLAY_PRIORITY
    exporter = HTMLExporter(
        config=cfg,
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        exclude_input=no_input,
        exclude_input_prompt=no_input,
        exclude_output_prompt=no_input,
        # Never reached (the template is offline), but keep nothing pointing at a CDN.
        require_js_url="",
        mathjax_url="",
        mermaid_js_url="",
        mermaid_layout_elk_js_url="",
        jquery_url="",
        jupyter_widgets_base_url="",
    )
    exporter.register_filter("clean_output_html", clean_output_html)
    return exporter


# --------------------------------------------------------------------------- run facts


@dataclass
class _Facts:
    corpus: str
    group: str
    sizes: dict[str, int] | None
    n_missing: int
    notes: list[str]


def _corpus_label(source: str | None) -> str:
    if source is None or Path(source) == paths.SEEDS_DIR.resolve():
        return f"bundled seeds ({paths.SEEDS_DIR})"
    return str(source)


def _corpus_facts(cfg: AnalysisConfig, *, say: Callable[[str], object]) -> _Facts:
    """Prepare (or reuse) the run's stores up front, before any kernel starts.

    Bad input fails here. Every notebook then opens the same store
    (:func:`analysis.settings.configured_store`), so the corpus is loaded, segmented,
    annotated and counted once per report, and not at all when an unchanged corpus is
    reported again. The counted-once store (notebooks 01 and 03 compare with it) is prepared
    here too (the run's own store when ``dedupe = true``); when it cannot be, the notebooks
    say why.
    """
    from analysis.sampling import document_table
    from analysis.settings import configured_store, counted_once_store

    label, group = _corpus_label(cfg.source), cfg.group

    def log(line: str) -> None:
        say(f"store: {line}")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = configured_store(cfg, dedupe=False, log=log)  # the corpus as published
        corpus = document_table(store)
        for key in ("label_column",):
            column = getattr(cfg, key)
            if column is not None and column not in corpus.columns:
                raise CorpusError(
                    f"{key} {column!r} not found in the corpus {label}; its columns are "
                    f"{', '.join(map(str, corpus.columns))}. Pass --label-column one of them "
                    "(or none)."
                )
        if group not in corpus.columns:
            raise CorpusError(
                f"column {group!r} not found in the corpus {label}; its columns are "
                f"{', '.join(map(str, corpus.columns))}. Pass --group one of them."
            )
        from analysis.measures.stats import check_groups

        check_groups(corpus, group=group)
    try:  # each shared passage counted once: the store of dedupe = true, and 01/03's comparison
        counted_once_store(cfg, published=store, log=log)
    except CorpusError as err:
        log(f"no counted-once store ({err}); the notebooks say so")
    values = corpus[group]
    sizes = {str(k): int(v) for k, v in values.dropna().value_counts().sort_index().items()}
    notes = list(dict.fromkeys([*store.manifest.get("warnings", []),
                                *(str(w.message) for w in caught)]))
    return _Facts(label, group, sizes, int(values.isna().sum()), notes)


def _versions() -> list[tuple[str, str]]:
    rows = [("python", platform.python_version())]
    for name in REPORTED_PACKAGES:
        try:
            rows.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60em;
       margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
ol.contents li { margin-bottom: 0.5em; }
ol.contents .summary { color: #444; }
ul.findings { margin: 0.2em 0 0.6em 0; padding-left: 1.2em; font-size: 0.95em; }
ul.findings li { margin-bottom: 0.15em; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 0.2em 1em 0.2em 0; }
th { font-weight: 600; } .note { color: #555; font-size: 0.9em; }
"""


def _config_rows(cfg: AnalysisConfig) -> str:
    e = html.escape
    file = cfg.file or "none (defaults and options only)"
    rows = [f"<tr><th>Project file</th><td colspan=2><code>{e(file)}</code></td></tr>"]
    for key, value in cfg.to_parameters().items():
        shown = "the bundled seeds" if value is None and key == "source" else value
        if key == "store" and value is None:
            from analysis.settings import store_path

            shown = store_path(cfg)
        origin = cfg.origin(key)
        origin = "project file" if origin == "file" else origin
        rows.append(f"<tr><th><code>{e(key)}</code></th><td><code>{e(str(shown))}</code></td>"
                    f"<td class=\"origin\">{e(origin)}</td></tr>")
    return "\n".join(rows)


def _findings_html(texts: Sequence[str]) -> str:
    if not texts:
        return ""
    items = "".join(f"<li>{html.escape(t)}</li>" for t in texts)
    return f'\n<ul class="findings">{items}</ul>'


def _index_html(
    entries: Sequence[_Entry],
    facts: _Facts,
    *,
    cfg: AnalysisConfig,
    no_input: bool,
    run_date: str,
    findings: Mapping[str, Sequence[str]] | None = None,
) -> str:
    e = html.escape
    random_state = cfg.random_state
    findings = findings or {}
    items = "\n".join(
        f'<li><a href="{e(entry.html_name)}">{e(entry.title)}</a>'
        + (f' <span class="summary">&mdash; {e(entry.summary)}</span>' if entry.summary else "")
        + _findings_html(findings.get(entry.path.stem, ()))
        + "</li>"
        for entry in entries
    )
    if facts.sizes is None:
        groups = "<tr><td colspan=2>not computed</td></tr>"
    else:
        groups = "\n".join(
            f"<tr><td>{e(name)}</td><td>{n} document{'s' if n != 1 else ''}</td></tr>"
            for name, n in facts.sizes.items()
        )
        if facts.n_missing:
            groups += (
                f"\n<tr><td><em>(no group)</em></td><td>{facts.n_missing} document"
                f"{'s' if facts.n_missing != 1 else ''}, left out of comparisons</td></tr>"
            )
    notes = "".join(f"<li>{e(note)}</li>" for note in facts.notes)
    versions = "\n".join(f"<tr><td>{e(k)}</td><td>{e(v)}</td></tr>" for k, v in _versions())
    version = "reader's version (code hidden)" if no_input else "code shown"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Coverage analysis report</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<main>
<h1>Coverage analysis report</h1>
<h2>Contents</h2>
<ol class="contents">
{items}
</ol>
<h2>This run</h2>
<table class="facts">
<tr><th>Corpus</th><td>{e(facts.corpus)}</td></tr>
<tr><th>Group column</th><td><code>{e(facts.group)}</code></td></tr>
<tr><th>Random state</th><td>{int(random_state)}</td></tr>
<tr><th>Pages</th><td>{version}</td></tr>
<tr><th>Run date</th><td>{e(run_date)}</td></tr>
</table>
<h2>Groups</h2>
<table class="groups">
{groups}
</table>
{f'<h2>Notes on the corpus</h2><ul class="notes">{notes}</ul>' if notes else ""}
<h2>Configuration</h2>
<p class="note">Every setting of this run and where it was set (command line over project file
over default). News layers (page-chrome cleaning and datelines, the bundled actor table) run
only when <code>clean</code> and <code>actors</code> say so.</p>
<table class="config">
{_config_rows(cfg)}
</table>
<details><summary>The same as an <code>analysis.toml</code></summary>
<pre>{e(cfg.to_toml())}</pre>
</details>
<h2>Software</h2>
<table class="versions">
{versions}
</table>
<p class="note">The run date above is the only value that differs between two runs on the same
input; figures, their CSV tables and the executed notebooks carry no date.</p>
</main>
</body>
</html>
"""


# --------------------------------------------------------------------------- rendering


def _check_target(path: Path, *, role: str, protected: Sequence[Path]) -> None:
    if path.exists() and not path.is_dir():
        raise CorpusError(f"{path}: {role} exists and is not a folder. Choose a folder path.")
    for other in protected:
        if path == other or path in other.parents:
            raise CorpusError(
                f"{path}: {role} would replace {other}. Choose a separate folder for the {role}."
            )


@contextlib.contextmanager
def _kernel_environment() -> Iterator[None]:
    """Kernels show figures inline even when the caller set ``MPLBACKEND`` (e.g. ``Agg``)."""
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _replace_dir(staged: Path, target: Path) -> None:
    """Put ``staged`` at ``target`` with two renames; the old folder is removed afterwards."""
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, backup)
    try:
        os.replace(staged, target)
    except BaseException:
        if backup is not None:
            os.replace(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _keep_other_files(old: Path, staged: Path) -> None:
    """Copy files that the run does not generate (README, notes) from ``old`` into ``staged``."""
    if not old.is_dir():
        return
    for path in old.rglob("*"):
        if path.is_file() and path.suffix.lower() not in FIGURE_SUFFIXES:
            target = staged / path.relative_to(old)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)


def _execute(
    notebook: Path,
    executed_path: Path,
    parameters: dict[str, object],
    *,
    cwd: Path,
    timeout: float | None,
) -> NotebookNode:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    n_cells = len(nbformat.read(notebook, as_version=4).cells)
    try:
        return papermill.execute_notebook(
            str(notebook),
            str(executed_path),
            parameters=parameters,
            kernel_name="python3",
            language="python",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=True,
            execution_timeout=timeout,
            # The kernel's own log would interleave with the progress lines: start-up warnings
            # (e.g. "running over TCP without encryption", a local loopback connection) and, on
            # a loaded machine, "KeyboardInterrupt caught in kernel" when the shutdown request
            # is answered late. Cell errors still surface through papermill's exception.
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        executed = nbformat.read(executed_path, as_version=4) if executed_path.exists() else None
        if executed is not None:  # drop papermill's error banners (they shift indices)
            executed.cells = [
                c for c in executed.cells
                if _ERROR_MARKER_TAG not in c.get("metadata", {}).get("tags", [])
            ]
        raise _failure(notebook, executed, n_cells, exc) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # timeout, dead kernel, missing kernel
        executed = nbformat.read(executed_path, as_version=4) if executed_path.exists() else None
        raise _failure(notebook, executed, n_cells, exc) from None


#: Parameters every notebook gets, whether or not its parameters cell declares them.
ALWAYS_INJECTED = ("source", "group", "figures_dir", "random_state")


def _declared(notebook: Path, parameters: Mapping[str, object]) -> dict[str, object]:
    """The parameters the notebook declares (plus :data:`ALWAYS_INJECTED`): papermill warns
    about any other, and a notebook that does not declare a key does not use it."""
    import nbformat

    names = set(ALWAYS_INJECTED)
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                break  # papermill reports the broken cell when it runs
            names |= {t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
                      for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                      if isinstance(t, ast.Name)}
            break
    return {k: v for k, v in parameters.items() if k in names}


def render_report(
    *,
    config: AnalysisConfig | str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = None,
    figures_dir: str | os.PathLike[str] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    no_input: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    progress: Callable[[str], object] | None = print,
    **settings: object,
) -> Path:
    """Execute every ``NN_*.ipynb`` notebook and write the HTML report; return ``out``.

    Parameters
    ----------
    config : the run's configuration: an :class:`analysis.settings.AnalysisConfig`, or the
        path of a project file (``analysis.toml``); ``None``: the ``analysis.toml`` beside the
        corpus, if any (see :func:`analysis.settings.resolve_config`)
    **settings : configuration keys that win over ``config`` (``source=``, ``group=``,
        ``text_column=``, ``clean=``, ``actors=``, ``k=``, ``random_state=`` ...); ``source``
        ``None`` = the bundled seeds
    out : report folder, default :data:`analysis.config.REPORTS_DIR`; replaced as a whole
    figures_dir : where the notebooks save figures, default :data:`analysis.config.FIGURES_DIR`;
        its PNG/SVG/CSV files are replaced by this run's, other files are kept
    notebooks_dir : folder of the notebooks, default :data:`analysis.config.NOTEBOOKS_DIR`
    no_input : hide code cells (a reader's version)
    timeout : seconds allowed per cell (``None``: no limit)
    progress : called with one line per notebook and its timings; ``None`` for silence

    Raises
    ------
    CorpusError
        Bad input found before any notebook runs (an unknown configuration key or a bad value,
        missing source, unknown group column, fewer than two groups, no notebooks, an output
        folder that would overwrite inputs).
    NotebookFailed
        A notebook raised; ``out`` and ``figures_dir`` are left as they were.

    Examples
    --------
    >>> import tempfile, nbformat
    >>> tmp = Path(tempfile.mkdtemp())
    >>> (tmp / "nb").mkdir()
    >>> params = nbformat.v4.new_code_cell('group = "event"\\nrandom_state = 0')
    >>> params.metadata["tags"] = ["parameters"]
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Demo\\n\\nA one-cell demo. It prints the group."),
    ...     params, nbformat.v4.new_code_cell("print(group)")])
    >>> nbformat.write(nb, tmp / "nb" / "00_demo.ipynb")
    >>> out = render_report(out=tmp / "report", figures_dir=tmp / "figures",
    ...                     notebooks_dir=tmp / "nb", progress=None)
    >>> sorted(p.name for p in out.iterdir())
    ['00_demo.html', '00_demo.ipynb', 'index.html']
    >>> "A one-cell demo." in (out / "index.html").read_text()
    True
    >>> shutil.rmtree(tmp)
    """
    import nbformat

    say = progress if progress is not None else (lambda _line: None)
    if isinstance(config, AnalysisConfig):
        cfg = config.updated(**{k: v for k, v in settings.items() if v is not None})
    else:
        cfg = resolve_config(config, where="render_report argument", **settings)
    out_dir = Path(out if out is not None else paths.REPORTS_DIR).resolve()
    fig_dir = Path(figures_dir if figures_dir is not None else paths.FIGURES_DIR).resolve()
    nb_dir = Path(notebooks_dir if notebooks_dir is not None else paths.NOTEBOOKS_DIR).resolve()
    src = Path(cfg.source).expanduser().resolve() if cfg.source is not None else None

    from analysis.corpus.loader import source_files

    pattern = source_files(src) if src is not None else None  # 'news/*.parquet': its files
    if src is not None and not src.exists() and pattern is None:
        raise CorpusError(
            f"{src}: corpus not found. Pass --source a folder of .txt files or a "
            ".csv/.jsonl/.parquet table, or leave it out for the bundled seeds."
        )
    notebooks = _find_notebooks(nb_dir)
    inputs = ([src] if pattern is None else sorted({f.parent for f in pattern})) if src else []
    protected = [nb_dir, *(inputs or [paths.SEEDS_DIR])]
    _check_target(out_dir, role="report folder", protected=[*protected, fig_dir])
    _check_target(fig_dir, role="figures folder", protected=[*protected, out_dir])
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "index.html").exists():
        raise CorpusError(
            f"{out_dir}: report folder is not empty and holds no index.html, so it is not an "
            "earlier report and will not be replaced. Pass --out a new or empty folder."
        )
    facts = _corpus_facts(cfg, say=say)
    entries = []
    for path in notebooks:
        title, summary = notebook_heading(nbformat.read(path, as_version=4))
        entries.append(_Entry(path, title or path.stem, summary))

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fig_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.rendering-", dir=out_dir.parent))
    fig_stage = Path(tempfile.mkdtemp(prefix=f".{fig_dir.name}.rendering-", dir=fig_dir.parent))
    mode = 0o777 & ~_umask()
    stage.chmod(mode)  # mkdtemp makes private folders; the report should look like any other
    fig_stage.chmod(mode)
    parameters: dict[str, object] = {
        **cfg.to_parameters(),
        "config": cfg.file,
        "figures_dir": str(fig_stage),
    }
    replace = {str(fig_stage): str(fig_dir)}
    exporter = _exporter(no_input=no_input)
    started = time.perf_counter()
    try:
        for i, entry in enumerate(entries, 1):
            tag = f"[{i}/{len(entries)}] {entry.path.name}"
            say(f"{tag}: running")
            t0 = time.perf_counter()
            executed_path = stage / entry.path.name
            with _kernel_environment():
                nb = _execute(entry.path, executed_path, _declared(entry.path, parameters),
                              cwd=nb_dir, timeout=timeout)
            t1 = time.perf_counter()
            _strip_run_metadata(nb, replace)
            nb.metadata["title"] = entry.title
            nbformat.write(nb, executed_path)
            body, _ = exporter.from_notebook_node(
                nb, resources={"metadata": {"name": entry.path.stem, "path": str(nb_dir)}}
            )
            (stage / entry.html_name).write_text(body, encoding="utf-8")
            say(f"{tag}: done in {t1 - t0:.1f} s (+ {time.perf_counter() - t1:.1f} s to HTML)")
        from analysis.report.findings import read_findings

        index = _index_html(
            entries,
            facts,
            cfg=cfg,
            no_input=no_input,
            run_date=dt.date.today().isoformat(),
            findings={entry.path.stem: [f.text for f in read_findings(fig_stage,
                                                                     entry.findings_name)]
                      for entry in entries},
        )
        (stage / "index.html").write_text(index, encoding="utf-8")
        _keep_other_files(fig_dir, fig_stage)
        _replace_dir(fig_stage, fig_dir)
        _replace_dir(stage, out_dir)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(fig_stage, ignore_errors=True)
    say(
        f"report: {len(entries)} notebooks in {time.perf_counter() - started:.1f} s -> "
        f"{out_dir / 'index.html'} (figures in {fig_dir})"
    )
    return out_dir


# --------------------------------------------------------------------------- command line


def add_report_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand to ``subparsers`` and return its parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> sub = add_report_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["report", "--out", "/tmp/r"]).out
    '/tmp/r'
    """
    parser = subparsers.add_parser(
        "report",
        help="run every notebook and render the HTML report",
        description=(
            "Execute notebooks/NN_*.ipynb in order on a corpus and write reports/index.html plus "
            "one self-contained HTML page per notebook; figures (PNG, SVG, CSV) go to figures/. "
            "Nothing is replaced unless every notebook succeeds."
        ),
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--out", default=None, help=f"report folder, replaced on success (default: {paths.REPORTS_DIR})"
    )
    parser.add_argument(
        "--figures",
        default=None,
        help=f"figures folder; its PNG/SVG/CSV files are replaced (default: {paths.FIGURES_DIR})",
    )
    parser.add_argument(
        "--notebooks",
        default=None,
        help=f"folder of the NN_name.ipynb notebooks to run (default: {paths.NOTEBOOKS_DIR})",
    )
    parser.add_argument(
        "--no-input", action="store_true", help="hide code cells (a reader's version)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds allowed per cell (default: %(default)s)",
    )
    return parser


def report_command(args: argparse.Namespace) -> int:
    """Run ``render_report`` from parsed arguments; return the exit status.

    0 on success; 1 when a notebook fails (the message names the notebook and the cell);
    2 on bad input, with a one-line message and no traceback.

    Examples
    --------
    >>> args = argparse.Namespace(source="/no/such/corpus", group="event", out=None,
    ...                           figures=None, no_input=False)
    >>> report_command(args)
    2
    """
    try:
        render_report(
            config=config_from_args(args),
            out=getattr(args, "out", None),
            figures_dir=getattr(args, "figures", None),
            notebooks_dir=getattr(args, "notebooks", None),
            no_input=getattr(args, "no_input", False),
            timeout=getattr(args, "timeout", DEFAULT_TIMEOUT),
        )
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except NotebookFailed as exc:
        if exc.traceback:
            print(exc.traceback, file=sys.stderr)
        print(
            f"error: notebook failed: {exc}\nThe previous report and figures are unchanged.",
            file=sys.stderr,
        )
        return 1
    return 0
