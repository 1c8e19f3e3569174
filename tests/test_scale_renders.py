"""Issue 12, "Done when": the full report renders on corpora of every shape, and stays honest.

Six renders (each done once per session by a conftest fixture and shared by every test here):
the seeds; 1,200 generated texts in two groups; 150 in three groups; 465 in 155 groups of
three; 20 generated speeches whose text column is ``body`` with cleaning and actors off
(``speech_report``, rendered from the CLI line of the issue); four near-identical texts in two
groups. On each: every notebook runs without an error, no PNG (saved or embedded in a page)
is taller than 2,500 px, no page says "exact" or "every way" when every permutation test of
the design is sampled, no page names an event or actor of the seeds that the corpus does not
contain, and the index lists each notebook's computed findings.

Expected values come from the corpora's construction (group sizes, identical texts) and from
the permutation plan of the group sizes (:func:`analysis.measures.stats.permutation_plan`), never from
the rendered numbers themselves.
"""

from __future__ import annotations

import base64
import re
import struct

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from test_end_to_end import assert_complete, group_rows
from test_settings import seed_names

from analysis import config
from analysis.measures.stats import permutation_plan

pytestmark = pytest.mark.slow

#: The issue's limit on figure height.
MAX_PNG_PX = 2500
RENDERS = ["seed_report", "large_report", "three_group_report", "many_group_report",
           "speech_report", "identical_report", "sampled_report"]
SAMPLED_WORDS = re.compile(r"\bexact\b|\bevery way\b|\bevery relabelling\b", re.IGNORECASE)
DATA_PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(params=RENDERS)
def report(request):
    return request.param, request.getfixturevalue(request.param)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (bytes 16-24 of every PNG)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def pages(report) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(report["out"].glob("*.html"))}


def page_text(markup: str) -> str:
    return " ".join(BeautifulSoup(markup, "html.parser").get_text(" ").split())


def corpus_text(report) -> str:
    """Everything the corpus the report ran on holds: its texts, every column of its table,
    and (for the seeds) its manifest and events file, whose event names are its groups."""
    if "corpus" not in report:  # the seeds
        files = [*config.SEEDS_DIR.glob("*.txt"), *config.SEEDS_DIR.glob("*.csv"),
                 *config.SEEDS_DIR.glob("*.toml")]
        return " ".join(p.read_text(encoding="utf-8") for p in sorted(files))
    table = pd.read_csv(report["corpus"])
    return " ".join(table[c].astype(str).str.cat(sep=" ") for c in table.columns)


def all_tests_sampled(sizes: dict[str, int]) -> bool:
    """Would every permutation test of this design sample relabellings? Two groups: their
    test; more: each group against the rest (as every notebook compares them)."""
    counts = list(sizes.values())
    if len(counts) == 2:
        return permutation_plan(counts).sampled
    total = sum(counts)
    return all(permutation_plan([n, total - n]).sampled for n in counts)


def sizes_of(report) -> dict[str, int]:
    return {g: int(n.split()[0].replace(",", "")) for g, n in group_rows(report).items()}


# --------------------------------------------------------------------------- every render


def test_every_notebook_renders_without_an_error(report):
    name, rendered = report
    assert_complete(rendered)
    print(f"{name}: rendered in {rendered['seconds']:.0f} s", *rendered["lines"], sep="\n")


def test_no_png_is_taller_than_the_limit(report):
    _, rendered = report
    too_tall = []
    for path in sorted(rendered["figures"].glob("*.png")):
        width, height = png_size(path.read_bytes())
        if height > MAX_PNG_PX:
            too_tall.append(f"{path.name}: {width}x{height}")
    for page, markup in pages(rendered).items():
        for i, match in enumerate(DATA_PNG.finditer(markup)):
            width, height = png_size(base64.b64decode(match.group(1)))
            if height > MAX_PNG_PX:
                too_tall.append(f"{page} image {i + 1}: {width}x{height}")
    assert too_tall == []


def test_no_page_calls_a_sampled_test_exact(report):
    name, rendered = report
    sizes = sizes_of(rendered)
    if not all_tests_sampled(sizes):
        pytest.skip(f"{name}: some permutation test enumerates every relabelling")
    for page, markup in pages(rendered).items():
        found = sorted({m.group(0).lower() for m in SAMPLED_WORDS.finditer(page_text(markup))})
        assert found == [], f"{page} says {found} although every test is sampled"


def test_no_page_names_a_seed_event_or_actor_the_corpus_does_not_contain(report):
    _, rendered = report
    text = corpus_text(rendered)
    names = [n for n in [*seed_names(), "Xi", "Putin"]
             if not re.search(r"\b" + re.escape(n) + r"\b", text)]
    if not names:
        pytest.skip("the corpus contains every seed name")
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
    for page, markup in pages(rendered).items():
        found = sorted(set(pattern.findall(page_text(markup))))
        assert found == [], f"{page} names {found}, which the corpus never mentions"


def test_the_index_lists_each_notebooks_findings(report):
    _, rendered = report
    index = BeautifulSoup((rendered["out"] / "index.html").read_text("utf-8"), "html.parser")
    for item in index.select("ol.contents > li"):
        page = item.a["href"]
        findings = [li.get_text() for li in item.select("ul.findings li")]
        assert len(findings) >= 2, f"{page}: {findings}"
        number = page.split("_", 1)[0]
        recorded = pd.read_csv(rendered["figures"] / f"{number}_findings.csv")
        assert findings == recorded["text"].tolist()


# --------------------------------------------------------------------------- by corpus


def test_large_corpus_groups_and_sampled_tests(large_report):
    # synthetic_corpus assigns g1, g2 in turn: 1,200 texts -> 600 each.
    assert group_rows(large_report) == {"g1": "600 documents", "g2": "600 documents"}
    # C(1200, 600) relabellings > 100,000: sampled with the default B = 9,999, floor 1e-4.
    tone = pd.read_csv(large_report["figures"] / "02_findings.csv").iloc[0]
    assert bool(tone["sampled"]) and "sampled permutation test (9,999 random" in tone["text"]
    assert tone["p_value"] >= 1 / 10_000
    assert tone["ci_low"] <= tone["value"] <= tone["ci_high"]


def test_three_groups_are_each_compared_with_the_rest(three_group_report):
    assert group_rows(three_group_report) == {f"g{i}": "50 documents" for i in (1, 2, 3)}
    tone = pd.read_csv(three_group_report["figures"] / "02_findings.csv")["text"].iloc[0]
    assert "the largest of 3 contrasts, each group against the rest" in tone


def test_grouped_by_another_column_with_dedupe_every_page_counts_shared_copy_once(
        three_group_report):
    # Issue 11: ``sentence_sentiment(c, group="outlet", dedupe=True)`` once raised because a
    # function deduplicated without the group; now deduplication is the store's step. The
    # corpus resamples a small pool of paragraphs and a third of its texts open with wire copy,
    # so passages are shared by construction and counting them once must remove sentences.
    page = {name: page_text(markup) for name, markup in pages(three_group_report).items()}
    assert "counting shared passages once: yes" in page["02_sentiment.html"]
    dropped = re.search(r"Counting shared passages once drops ([\d,]+) sentence",
                        page["01_term_frequency.html"])
    assert dropped is not None and int(dropped.group(1).replace(",", "")) > 0
    assert "Counting shared passages once, the model has" in page["03_topics.html"]


def test_many_small_groups_show_the_largest_and_say_how_many_are_left_out(many_group_report):
    rows = group_rows(many_group_report)
    assert len(rows) == 155 and set(rows.values()) == {"3 documents"}
    terms = page_text(pages(many_group_report)["01_term_frequency.html"])
    # 4 of 155 groups keep their figures: 151 groups of 3 = 453 documents left out.
    assert "The 4 largest of 155 groups are shown; the other 151 (453 texts in all)" in terms
    keyness_figures = sorted(many_group_report["figures"].glob("01_keyness_g*.png"))
    assert len(keyness_figures) == 4


def test_identical_groups_say_nothing_leans_and_go_on(identical_report):
    terms = page_text(pages(identical_report)["01_term_frequency.html"])
    # The two groups hold the same two texts: every term has the same rate on both sides.
    assert "Nothing to show here: no term leans to either side of a vs b" in terms
    # ... and the page went on to the next sections (collocations, shared passages).
    assert "Collocations" in terms and "Counting shared passages once" in terms
    findings = pd.read_csv(identical_report["figures"] / "01_findings.csv")["text"].tolist()
    assert findings[0].startswith("No term is more typical of a than of b: all ")
    assert findings[1].startswith("No term is more typical of b than of a: all ")
    tone = pd.read_csv(identical_report["figures"] / "02_findings.csv").iloc[0]
    # Same sentences in both groups: the difference in mean tone is exactly zero, and with
    # 2 vs 2 texts the test enumerates all C(4, 2) = 6 relabellings.
    assert tone["value"] == 0 and not bool(tone["sampled"])
    assert "all 6 relabellings" in tone["text"]



# --------------------------------------------------------------------------- max_documents


def test_above_max_documents_text_sections_read_a_stated_sample_and_groups_every_document(
        sampled_report):
    texts = {name: page_text(markup) for name, markup in pages(sampled_report).items()}
    note = "Sampled: these tables read 60 of 240 texts"  # the default genre's noun
    for page in ("00_corpus.html", "01_term_frequency.html", "02_sentiment.html"):
        assert note in texts[page], page
    assert "fitted on a sample of 60 of 240" in texts["03_topics.html"]
    # the group measures read every document, not the sample
    figures = sampled_report["figures"]
    assert len(pd.read_csv(figures / "02_sentiment_documents.csv")) == 240
    assert len(pd.read_csv(figures / "00_documents.csv")) == 240
    assert len(pd.read_csv(figures / "02_sentiment_distribution.csv")["doc_id"].unique()) == 60
    # a figure that draws the sample's sentences takes its estimates from the sample too
    voices = pd.read_csv(figures / "02_sentiment_voices.csv")
    assert voices.groupby("group")["n_docs"].max().sum() <= 60
    assert "The tables of group comparisons use every text" in texts["02_sentiment.html"]
    # finding shared passages reads every text at once: skipped, and said so
    assert "No comparison with shared passages counted once" in texts["01_term_frequency.html"]
    findings = pd.read_csv(figures / "00_findings.csv")["text"].str.cat(sep=" ")
    assert "shared passage" not in findings
