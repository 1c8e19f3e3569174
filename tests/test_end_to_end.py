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

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from analysis import config

pytestmark = pytest.mark.slow

FIGURE_SUFFIXES = {".png", ".svg", ".csv"}


def suite_notebooks():
    from analysis.report.render import NOTEBOOK_PATTERN

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


# --------------------------------------------------------------------------- issue 12


def config_rows(report) -> dict[str, tuple[str, ...]]:
    """The index page's configuration table: key -> (value, where it was set)."""
    index = BeautifulSoup((report["out"] / "index.html").read_text(encoding="utf-8"), "html.parser")
    return {tr.th.get_text(): tuple(td.get_text() for td in tr.find_all("td"))
            for tr in index.select("table.config tr")}


def test_seed_report_records_that_the_seeds_config_switches_news_layers_on(seed_report):
    rows = config_rows(seed_report)
    assert rows["Project file"] == (str(config.SEEDS_DIR / "analysis.toml"),)
    for key, value in (("genre", "news"), ("clean", "news"), ("actors", "bundled"),
                       ("events", str(config.SEEDS_DIR / "events.toml"))):
        assert rows[key] == (value, "project file"), key


def test_speech_corpus_renders_from_the_cli_line_without_news_layers(speech_report):
    """python -m analysis report --source speeches.csv --text-column body --group party
    --clean none --actors none --k 8 (conftest.speech_report)."""
    assert_complete(speech_report)
    # Hand count: write_speech_corpus alternates the two parties over 20 speeches.
    assert group_rows(speech_report) == {"Harbour Party": "10 documents",
                                         "Upland Party": "10 documents"}
    rows = config_rows(speech_report)
    assert rows["Project file"] == ("none (defaults and options only)",)
    for key, value in (("text_column", "body"), ("group", "party"), ("clean", "none"),
                       ("actors", "none"), ("k", "8")):
        assert rows[key] == (value, "command line"), key
    assert rows["genre"] == ("texts", "default")
    assert rows["events"][0] == "none" and rows["manifest"][0] == "none"
    figures = {p.name for p in speech_report["figures"].iterdir()}
    # Layers that are off leave no figure: no actor table, and no quotation in any speech.
    assert not {"00_actor_mentions.png", "00_quoted_speakers.png", "02_sentiment_actors.png",
                "02_sentiment_voices.png", "02_sentiment_speakers.png"} & figures
    assert "03_topics_prevalence.png" in figures
    topics = pd.read_csv(speech_report["figures"] / "03_topics_top_terms.csv")
    assert topics["topic"].nunique() == 8  # --k 8 reached the topic model
    text = BeautifulSoup((speech_report["out"] / "02_sentiment.html").read_text("utf-8"),
                         "html.parser").get_text(" ")
    assert "from 20 texts were scored" in " ".join(text.split())  # the genre's noun


def test_no_page_names_the_seeds_events_or_actors_when_the_corpus_does_not(speech_report):
    from test_settings import seed_names

    names = seed_names()
    corpus = pd.read_csv(speech_report["corpus"])["body"].str.cat(sep=" ")
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r"|Xi|Putin)\b")
    assert pattern.findall(corpus) == []  # the corpus itself names none of them
    for page in sorted(speech_report["out"].glob("*.html")):
        text = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text(" ")
        assert pattern.findall(text) == [], f"{page.name} names {set(pattern.findall(text))}"
