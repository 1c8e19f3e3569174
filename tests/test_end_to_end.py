"""The real notebooks rendered end to end: on the seeds (twice) and on a second corpus.

The renders come from session fixtures in conftest (``seed_report``, ``seed_report_again``,
``outlet_report``): each is done once per session, in the session's tmp folder (never the
repository's ``reports/`` or ``figures/``), and shared with the browser test.
The second corpus is a table of nine short news-like documents grouped by ``outlet``
(three groups of three), proving the suite runs on any corpus and grouping.
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup

from analysis import config

pytestmark = pytest.mark.slow

FIGURE_SUFFIXES = {".png", ".svg", ".csv"}


def suite_notebooks():
    from analysis.report import NOTEBOOK_PATTERN

    return sorted(p for p in config.NOTEBOOKS_DIR.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def error_outputs(executed) -> list[str]:
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return [
        f"cell {i + 1}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(nb["cells"])
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def assert_complete(report) -> None:
    out = report["out"]
    names = [p.stem for p in report["notebooks"]]
    assert names, "no notebooks found in notebooks/"
    for name in names:
        page = out / f"{name}.html"
        assert page.is_file(), f"{page.name} missing"
        tree = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert tree.select(".report-error-output") == [], f"{page.name} has error outputs"
        assert "Traceback (most recent call last)" not in tree.get_text()
        assert error_outputs(out / f"{name}.ipynb") == []
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [a["href"] for a in index.select("ol.contents a")] == [f"{n}.html" for n in names]


def group_rows(report) -> dict[str, str]:
    index = BeautifulSoup((report["out"] / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {tr.find_all("td")[0].get_text(): tr.find_all("td")[1].get_text()
            for tr in index.select("table.groups tr")}


def figure_bytes(report) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(report["figures"].iterdir())
            if p.suffix in FIGURE_SUFFIXES}


def test_every_notebook_saves_figures_only_where_the_report_says():
    """A save_figure call without figures_dir= would write into the repository's figures/."""
    calls = 0
    for path in suite_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            for call in re.finditer(r"save_figure\((?:[^()]|\([^()]*\))*\)", source):
                calls += 1
                assert "figures_dir=figures_dir" in call.group(0), (path.name, call.group(0))
    assert calls > 0


def test_no_notebook_hard_wires_the_seed_groups():
    """Group names, labels and colours come from the data, never from literals in notebooks."""
    for path in suite_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"], 1):
            source = "".join(cell["source"])
            for literal in ("2023-moscow", "2024-beijing"):
                assert literal not in source, f"{path.name} cell {i} names {literal!r}"


def test_seed_report_renders_every_notebook_without_errors(seed_report):
    assert_complete(seed_report)
    # Hand count from seeds/manifest.csv: seeds 000-002 cover Moscow 2023, 003-004 Beijing 2024.
    assert group_rows(seed_report) == {"2023-moscow": "3 documents", "2024-beijing": "2 documents"}
    assert any(p.suffix == ".png" for p in seed_report["figures"].iterdir())
    print(f"seed render: {seed_report['seconds']:.0f} s", *seed_report["lines"], sep="\n")


def test_two_renders_give_byte_identical_figures_and_tables(seed_report, seed_report_again):
    first, second = figure_bytes(seed_report), figure_bytes(seed_report_again)
    assert first, "the notebooks saved no figures"
    assert {n.rsplit(".", 1)[1] for n in first} == {"png", "svg", "csv"}
    assert sorted(first) == sorted(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"differ between two renders: {differing}"
    # The executed notebooks and pages too, once each run's own figures folder is masked.
    for page in sorted(seed_report["out"].glob("[0-9][0-9]_*.*")):
        a = page.read_text(encoding="utf-8").replace(str(seed_report["figures"]), "FIGURES")
        b = (seed_report_again["out"] / page.name).read_text(encoding="utf-8")
        assert a == b.replace(str(seed_report_again["figures"]), "FIGURES"), page.name


def test_second_corpus_with_three_outlets_renders_end_to_end(outlet_report):
    assert_complete(outlet_report)
    # Hand count of conftest.OUTLET_DOCS: three documents per outlet.
    assert group_rows(outlet_report) == {name: "3 documents" for name in outlet_report["groups"]}
    tables = [p.read_text(encoding="utf-8") for p in outlet_report["figures"].glob("*.csv")]
    assert any(all(name in t for name in outlet_report["groups"]) for t in tables), (
        "no figure table compares the three outlets"
    )
    print(f"outlet render: {outlet_report['seconds']:.0f} s", *outlet_report["lines"], sep="\n")
