"""Report renderer (analysis.report.render) on tiny throwaway notebooks built in tmp folders.

The notebooks here are written by the tests (``write_notebook`` in conftest), so these tests
do not depend on the suite's real notebooks: they check what the renderer itself promises.
Note: conftest sets ``MPLBACKEND=Agg`` for the test process, so the embedded-figure test
also checks that kernels still show figures inline when the caller's backend is Agg.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis import config
from analysis.report.render import (
    NotebookFailed,
    add_report_parser,
    clean_output_html,
    notebook_heading,
    render_report,
    report_command,
)
from analysis.settings import config_from_args

HOSTILE_SCRIPT = "<script>window.__xss = 1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__xss = 2">'
HOSTILE_GROUP = '<i onmouseover="window.__xss = 4">Gazette</i>'

FIRST_MD = "# Corpus *at a glance*\n\nCounts documents per group. This second sentence is not it."
FIGURE_MD = "# A figure\n\nDraws one bar per group! The rest is detail."

FIRST_CODE = [
    "import pandas as pd\nfrom IPython.display import HTML, Markdown, display\n"
    "frame = pd.read_csv(source)\nframe[[group, 'text']]",
    "print(f'group={group} figures={figures_dir}')",
    # A careless notebook: corpus text put into Markdown/HTML without html.escape.
    "display(Markdown('First document: ' + frame['text'].iloc[0]))\n"
    "display(HTML('<p>' + frame['text'].iloc[1] + '</p>'))",
]
FIGURE_CODE = [
    "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom analysis.plots.common import save_figure\n"
    "frame = pd.read_csv(source)\ncounts = frame[group].value_counts().sort_index()\n"
    "fig, ax = plt.subplots(figsize=(4, 3))\n_ = ax.bar(range(len(counts)), counts.to_numpy())\n"
    "paths = save_figure(fig, 'docs_per_group', table=counts.rename('n_docs'), "
    "figures_dir=figures_dir)\ncode_marker_7731 = sorted(p.name for p in paths.values())\n"
    "print('saved', len(code_marker_7731), 'files')",
]


def hostile_corpus(path: Path) -> Path:
    """Five short documents in three outlets, with markup and entities in text and a name."""
    pd.DataFrame(
        {
            "doc_id": ["d1", "d2", "d3", "d4", "d5"],
            "outlet": ["Daily", "Daily", "Herald", "Herald", HOSTILE_GROUP],
            "text": [
                f"{HOSTILE_SCRIPT} Leaders met in Moscow on Monday.",
                f"Tom &amp; Jerry &lt;b&gt; {HOSTILE_IMG} Talks continued.",
                "The two presidents signed a statement on trade.",
                "Officials said the visit would deepen ties.",
                "Analysts were divided about the meeting.",
            ],
        }
    ).to_csv(path, index=False)
    return path


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()
    }


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def handlers(tree: BeautifulSoup) -> list[str]:
    """Every element carrying an event-handler attribute (onerror, onmouseover, ...)."""
    return [str(t) for t in tree.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)]


def leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders for p in folder.parent.iterdir() if ".rendering-" in p.name]


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis")
    add_report_parser(parser.add_subparsers(dest="command"))
    return report_command(parser.parse_args(argv))


@pytest.fixture(scope="module")
def suite(tmp_path_factory, write_notebook):
    root = tmp_path_factory.mktemp("suite")
    nbs = root / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "00_first.ipynb", FIRST_MD, *FIRST_CODE)
    write_notebook(nbs / "01_figure.ipynb", FIGURE_MD, *FIGURE_CODE)
    (nbs / "scratch.ipynb").write_text("not a numbered notebook: never run")
    return {"root": root, "notebooks": nbs, "corpus": hostile_corpus(root / "corpus.csv")}


@pytest.fixture(scope="module")
def rendered(suite):
    """Render twice into the same folders; keep both snapshots and the progress lines."""
    root = suite["root"]
    out, figures = root / "reports", root / "figures"
    out.mkdir()
    (out / "index.html").write_text("an earlier report")
    (out / "stale.html").write_text("from an earlier run")
    figures.mkdir()
    (figures / "README.md").write_text("kept")
    (figures / "stale.png").write_bytes(b"old figure")
    lines: list[str] = []
    runs = []
    for _ in range(2):
        result = render_report(
            source=suite["corpus"],
            group="outlet",
            out=out,
            figures_dir=figures,
            notebooks_dir=suite["notebooks"],
            progress=lines.append,
        )
        runs.append(snapshot(out, figures))
    return {"out": result, "figures": figures, "runs": runs, "lines": lines, **suite}


# --------------------------------------------------------------------------- index


def test_index_lists_each_notebook_with_title_summary_and_working_link(rendered):
    page = soup(rendered["out"] / "index.html")
    items = page.select("ol.contents li")
    assert [li.a.get_text() for li in items] == ["Corpus at a glance", "A figure"]
    assert [li.select_one(".summary").get_text() for li in items] == [
        "\N{EM DASH} Counts documents per group.",
        "\N{EM DASH} Draws one bar per group!",
    ]
    hrefs = [li.a["href"] for li in items]
    assert hrefs == ["00_first.html", "01_figure.html"]
    for href in hrefs:
        assert (rendered["out"] / href).is_file()
    assert "scratch" not in page.get_text()


def test_index_states_the_runs_facts(rendered):
    page = soup(rendered["out"] / "index.html")
    facts = {tr.th.get_text(): tr.td.get_text() for tr in page.select("table.facts tr")}
    assert facts["Corpus"] == str(rendered["corpus"])
    assert facts["Group column"] == "outlet"
    assert facts["Random state"] == "0"
    assert facts["Run date"] == dt.date.today().isoformat()
    versions = {tr.find_all("td")[0].get_text(): tr.find_all("td")[1].get_text()
                for tr in page.select("table.versions tr")}
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    for name in ("pandas", "numpy", "matplotlib", "scikit-learn", "nltk", "vaderSentiment"):
        assert versions[name] == importlib.metadata.version(name)


def test_index_counts_documents_per_group_and_escapes_group_names(rendered):
    pytest.importorskip("analysis.corpus.loader", reason="group sizes come from analysis.load_corpus")
    page = soup(rendered["out"] / "index.html")
    sizes = {tr.find_all("td")[0].get_text(): tr.find_all("td")[1].get_text()
             for tr in page.select("table.groups tr")}
    # Hand count of hostile_corpus(): Daily d1 d2, Herald d3 d4, the hostile name d5.
    assert sizes == {"Daily": "2 documents", "Herald": "2 documents", HOSTILE_GROUP: "1 document"}
    raw = (rendered["out"] / "index.html").read_text()
    assert "<i onmouseover" not in raw  # the name is text, not markup
    assert handlers(page) == []


# --------------------------------------------------------------------------- pages


EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("page", ["index.html", "00_first.html", "01_figure.html"])
def test_pages_load_nothing_from_the_network(rendered, page):
    text = (rendered["out"] / page).read_text(encoding="utf-8")
    tree = BeautifulSoup(text, "html.parser")
    assert tree.find_all("script") == []  # no require.js, MathJax, Mermaid, widgets
    assert tree.find_all("link") == []
    for tag in tree.find_all(["img", "iframe", "source", "video", "audio", "embed", "object"]):
        for attr in ("src", "href", "data", "srcset"):
            assert not EXTERNAL.match(tag.get(attr, "")), (tag.name, tag.get(attr))
    assert not re.search(r"@import|url\(\s*['\"]?\s*(https?:)?//", text, re.IGNORECASE)
    assert 'src="http' not in text and "src='http" not in text


def test_figures_are_embedded_as_the_cells_image_output(rendered):
    images = soup(rendered["out"] / "01_figure.html").find_all("img")
    embedded = [img["src"] for img in images if img["src"].startswith("data:image/png;base64,")]
    assert len(embedded) == 1, "the figure should appear once, inline, although MPLBACKEND=Agg"
    png = base64.b64decode(embedded[0].split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "saved 3 files" in soup(rendered["out"] / "01_figure.html").get_text()


def test_hostile_corpus_text_is_shown_as_text(rendered):
    page = soup(rendered["out"] / "00_first.html")
    assert page.find_all("script") == []
    assert handlers(page) == []
    assert all(img.get("src", "").startswith("data:") for img in page.find_all("img"))
    text = page.get_text()
    # Escaped by pandas in the table AND by the sanitiser in the careless Markdown output.
    assert text.count(HOSTILE_SCRIPT) >= 2
    assert "Tom &amp; Jerry &lt;b&gt;" in text  # entities stay literal, not decoded to markup
    assert "[image removed: only embedded images are shown]" in text


def test_output_files_and_progress(rendered):
    out = rendered["out"]
    assert sorted(p.name for p in out.iterdir()) == [
        "00_first.html", "00_first.ipynb", "01_figure.html", "01_figure.ipynb", "index.html",
    ]  # stale.html of the earlier report is gone: the folder is replaced as a whole
    notebook_lines = [line for line in rendered["lines"] if not line.startswith("store: ")]
    lines = notebook_lines[: len(notebook_lines) // 2]
    # before the notebooks, each run prepared (or reused) its store; every store line says so
    assert rendered["lines"][0].startswith("store: ")
    assert re.fullmatch(r"\[1/2\] 00_first\.ipynb: running", lines[0])
    assert re.fullmatch(r"\[1/2\] 00_first\.ipynb: done in \d+\.\d s \(\+ \d+\.\d s to HTML\)", lines[1])
    assert re.fullmatch(r"\[2/2\] 01_figure\.ipynb: running", lines[2])
    assert lines[3].startswith("[2/2] 01_figure.ipynb: done in ")
    assert lines[4].startswith("report: 2 notebooks in ")


def test_figures_folder_gets_this_runs_files_and_keeps_others(rendered):
    figures = rendered["figures"]
    assert sorted(p.name for p in figures.iterdir()) == [
        "README.md", "docs_per_group.csv", "docs_per_group.png", "docs_per_group.svg",
    ]  # stale.png from an earlier run is gone, README.md kept
    assert (figures / "README.md").read_text() == "kept"
    table = pd.read_csv(figures / "docs_per_group.csv")
    assert dict(zip(table["outlet"], table["n_docs"], strict=True)) == {
        "Daily": 2, "Herald": 2, HOSTILE_GROUP: 1,
    }
    assert leftovers(rendered["out"], figures) == []


def test_two_renders_are_byte_identical_apart_from_the_index_date(rendered):
    first, second = rendered["runs"]
    assert first.keys() == second.keys()
    differing = sorted(Path(k).name for k in first if first[k] != second[k])
    assert differing == [] or differing == ["index.html"]
    figures = [k for k in first if Path(k).suffix in {".png", ".svg", ".csv"}]
    assert len(figures) == 3


def test_executed_notebooks_carry_no_timing_or_temporary_paths(rendered):
    for name in ("00_first.ipynb", "01_figure.ipynb"):
        raw = (rendered["out"] / name).read_text()
        nb = json.loads(raw)
        assert "papermill" not in nb["metadata"]
        for cell in nb["cells"]:
            assert "execution" not in cell["metadata"]
            assert "papermill" not in cell["metadata"]
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", raw), "a timestamp is left"
        assert ".rendering-" not in raw
        assert "ipykernel_" not in raw
        injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert len(injected) == 1
        source = "".join(injected[0]["source"])
        assert f'figures_dir = "{rendered["figures"]}"' in source
        assert 'group = "outlet"' in source
    printed = soup(rendered["out"] / "00_first.html").get_text()
    assert f"group=outlet figures={rendered['figures']}" in printed


# --------------------------------------------------------------------------- reader's version


def test_no_input_hides_code_and_keeps_outputs_and_prose(suite, tmp_path, capfd):
    out = render_report(
        source=suite["corpus"], group="outlet", out=tmp_path / "r", figures_dir=tmp_path / "f",
        notebooks_dir=suite["notebooks"], no_input=True, progress=None,
    )
    page = soup(out / "01_figure.html")
    text = page.get_text()
    assert "code_marker_7731" not in text and "save_figure" not in text
    assert "saved 3 files" in text  # the output stays
    assert "Draws one bar per group!" in text  # markdown prose stays
    assert "In\xa0[" not in text and "In [" not in text
    assert len([i for i in page.find_all("img") if i["src"].startswith("data:image/png")]) == 1
    assert "reader's version" in soup(out / "index.html").get_text()
    assert "IPKernelApp" not in capfd.readouterr().err  # no kernel start-up chatter


# --------------------------------------------------------------------------- failures


def test_failed_notebook_is_named_with_its_cell_and_previous_report_stays(
    tmp_path, write_notebook, capsys
):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "00_ok.ipynb", "# Fine\n\nRuns.", "print('fine')")
    out, figures = tmp_path / "reports", tmp_path / "figures"
    argv = ["report", "--notebooks", str(nbs), "--out", str(out), "--figures", str(figures)]
    assert cli(argv) == 0
    before = snapshot(out, figures)
    mtimes = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    write_notebook(
        nbs / "01_fail.ipynb",
        "# Fails\n\nRaises in its last cell.",
        "x = 1",
        "import matplotlib.pyplot as plt\nimport pandas as pd\nfrom analysis.plots.common import save_figure\n"
        "fig, ax = plt.subplots()\n"
        "_ = save_figure(fig, 'partial', table=pd.DataFrame({'a': [1]}), figures_dir=figures_dir)",
        "value = dict(a=1)\nvalue['missing']",
    )
    capsys.readouterr()
    assert cli(argv) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()
    summary = next(line for line in last if line.startswith("error: notebook failed:"))
    assert "01_fail.ipynb" in summary
    assert "cell 5 of 5 ('value = dict(a=1)')" in summary  # counted from 1, markdown included
    assert "KeyError: 'missing'" in summary
    assert last[-1] == "The previous report and figures are unchanged."
    assert snapshot(out, figures) == before
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes
    assert not (figures / "partial.png").exists()  # the failed run's figures never land
    assert leftovers(out, figures) == []


def test_timeout_names_the_cell_that_ran_too_long(tmp_path, write_notebook):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "00_slow.ipynb", "# Slow\n\nSleeps.", "x = 1", "import time\ntime.sleep(60)")
    with pytest.raises(NotebookFailed) as info:
        render_report(out=tmp_path / "r", figures_dir=tmp_path / "f", notebooks_dir=nbs,
                      timeout=2, progress=None)
    err = info.value
    assert (err.notebook.name, err.cell, err.n_cells) == ("00_slow.ipynb", 4, 4)
    assert err.first_line == "import time"
    assert err.ename == "CellTimeoutError"
    assert not (tmp_path / "r").exists()
    assert leftovers(tmp_path / "r") == []


# --------------------------------------------------------------------------- bad input


def _bad_input_cases(tmp_path: Path, write_notebook) -> dict[str, tuple[list[str], str]]:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "00_x.ipynb", "# X\n\nX.", "print(1)")
    empty = tmp_path / "empty"
    empty.mkdir()
    not_report = tmp_path / "mine"
    not_report.mkdir()
    (not_report / "thesis.tex").write_text("precious")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    base = ["report", "--notebooks", str(nbs), "--figures", str(tmp_path / "f")]
    return {
        "missing source": (
            [*base, "--out", str(tmp_path / "r"), "--source", str(tmp_path / "nope")],
            str(tmp_path / "nope"),
        ),
        "no notebooks": (["report", "--notebooks", str(empty), "--out", str(tmp_path / "r")],
                         "no notebooks named like 00_name.ipynb"),
        "out not a report": ([*base, "--out", str(not_report)], "holds no index.html"),
        "out is a file": ([*base, "--out", str(a_file)], "is not a folder"),
        "out replaces notebooks": ([*base, "--out", str(tmp_path)], "would replace"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing source", "no notebooks", "out not a report", "out is a file",
     "out replaces notebooks"],
)
def test_bad_input_exits_2_with_one_clear_line(case, tmp_path, write_notebook, capsys):
    argv, expected = _bad_input_cases(tmp_path, write_notebook)[case]
    before = snapshot(tmp_path)
    assert cli(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert snapshot(tmp_path) == before  # nothing written, nothing replaced
    assert not (tmp_path / "r").exists()


def test_unknown_group_column_exits_2_before_any_kernel(tmp_path, write_notebook, capsys):
    pytest.importorskip("analysis.corpus.loader", reason="the group check loads the corpus")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "00_x.ipynb", "# X\n\nX.", "raise SystemExit('kernel must not run')")
    corpus = hostile_corpus(tmp_path / "c.csv")
    argv = ["report", "--notebooks", str(nbs), "--out", str(tmp_path / "r"),
            "--figures", str(tmp_path / "f"), "--source", str(corpus), "--group", "region"]
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert "region" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_module_cli_reports_missing_source_without_traceback(tmp_path):
    missing = tmp_path / "nope"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "report", "--source", str(missing),
         "--out", str(tmp_path / "r"), "--figures", str(tmp_path / "f")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(missing) in done.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("markup", "forbidden", "kept_text"),
    [
        ("<p>hi</p><script>window.__xss=1</script>", "<script", "<script>window.__xss=1</script>"),
        ('<img src="x" onerror="alert(1)">', "onerror", None),
        ('<b onmouseover="alert(1)">bold</b>', "onmouseover", "bold"),
        ('<a href="javascript:alert(1)">link</a>', "javascript:", "link"),
        ('<iframe src="https://example.org"></iframe>', "<iframe", "<iframe"),
        ('<svg onload="alert(1)"></svg>', "<svg", "<svg"),
        ('<style>td { background: url(https://example.org/x.png) }</style><p>x</p>', "url(", "x"),
        ("<style>@import 'https://example.org/a.css';</style><p>x</p>", "@import", "x"),
        ('<img src="https://example.org/pixel.gif">', "example.org", None),
    ],
)
def test_clean_output_html_neutralises_active_markup(markup, forbidden, kept_text):
    cleaned = clean_output_html(markup)
    tree = BeautifulSoup(cleaned, "html.parser")
    assert forbidden not in str(tree.find_all(True)), cleaned  # not in any real element
    assert tree.find_all("script") == [] and tree.find_all("iframe") == []
    if kept_text is not None:
        assert kept_text in tree.get_text()


def test_clean_output_html_keeps_a_pandas_table():
    frame = pd.DataFrame({"text": [HOSTILE_SCRIPT, "a & b"]}, index=["x", "y"])
    tree = BeautifulSoup(clean_output_html(frame._repr_html_()), "html.parser")
    assert [td.get_text() for td in tree.find_all("td")] == [HOSTILE_SCRIPT, "a & b"]
    assert [th.get_text() for th in tree.select("tbody th")] == ["x", "y"]
    assert tree.find("table")["class"] == ["dataframe"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Topics\n\nWhat do the groups write about? Details.", ("Topics", "What do the groups write about?")),
        (
            "Intro line\n## `Sentiment` by group ##\nTone of U.S. coverage, per sentence. More.",
            ("Sentiment by group", "Tone of U.S. coverage, per sentence."),
        ),
        ("# Only a title", ("Only a title", None)),
        ("No heading at all.", (None, None)),
    ],
)
def test_notebook_heading(source, expected):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("# not markdown"),
                                         nbformat.v4.new_markdown_cell(source)])
    assert notebook_heading(nb) == expected


def test_default_folders_come_from_config():
    parser = argparse.ArgumentParser()
    add_report_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["report"])
    assert (args.source, args.out, args.figures, args.notebooks) == (None, None, None, None)
    # Options left out are "not given" (None), so a project file can fill them; a corpus
    # without one gets the defaults of analysis.config.
    assert (args.group, args.random_state) == (None, None)
    args = parser.parse_args(["report", "--source", str(Path(__file__))])
    cfg = config_from_args(args)
    assert cfg.file is None
    assert (cfg.group, cfg.random_state) == (config.DEFAULT_GROUP, config.RANDOM_STATE)
