"""Tables for any size: top rows with a caption and the full CSV, lists, big numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.report.render import clean_output_html
from analysis.tables import (
    count_noun,
    format_count,
    format_log_count,
    save_table,
    summarise_list,
    top_rows,
)


def log10_comb(n: int, k: int) -> float:
    """log10 C(n, k) through the log-gamma function: independent of exact integers."""
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) / math.log(10)


# --------------------------------------------------------------------------- numbers


def test_format_count_of_a_count_too_big_for_a_float():
    n = math.comb(1200, 600)
    with pytest.raises(OverflowError):
        float(n)  # the crash of the issue: this number has no float
    # 10 ** (log10 C(1200, 600) - 359) = 3.96..., so two significant digits give 4.0
    assert 3.95 < 10 ** (log10_comb(1200, 600) - 359) < 3.97
    assert format_count(n) == "about 4.0 × 10^359"
    assert format_log_count(log10_comb(1200, 600)) == "about 4.0 × 10^359"


def test_format_count_exact_below_a_million_and_rounded_above():
    assert format_count(0) == "0"
    assert format_count(12_870) == "12,870"  # C(16, 8), written out in full
    assert format_count(999_999) == "999,999"
    assert format_count(1_000_000) == "1.0 × 10^6"  # exact: no "about"
    assert format_count(1_049_999) == "about 1.0 × 10^6"
    assert format_count(1_050_000) == "about 1.1 × 10^6"  # half rounds up
    assert format_count(9_950_000) == "about 1.0 × 10^7"  # 9.95 rounds to 10: next power
    assert format_count(np.int64(2_500_000)) == "2.5 × 10^6"
    assert format_count(12_870, exact_below=1_000) == "about 1.3 × 10^4"


def test_format_count_cap_and_bad_input():
    assert format_count(10**40, cap=10**15) == "more than 10^15"
    assert format_count(5_000, cap=1_000) == "more than 1,000"
    assert format_count(10**15, cap=10**15) == "1.0 × 10^15"
    with pytest.raises(TypeError, match="format_log_count"):
        format_count(1e20)
    with pytest.raises(TypeError):
        format_count(True)
    with pytest.raises(ValueError, match="negative"):
        format_count(-1)
    with pytest.raises(ValueError):
        format_log_count(float("inf"))


def test_format_log_count_small_and_carry():
    assert format_log_count(math.log10(184_756)) == "184,756"  # C(20, 10)
    assert format_log_count(71 + math.log10(2.873)) == "about 2.9 × 10^71"
    assert format_log_count(6 + math.log10(9.96)) == "about 1.0 × 10^7"


# --------------------------------------------------------------------------- lists


def test_summarise_list_of_167_ids():
    ids = [f"speech-{i:04d}" for i in range(167)]
    text = summarise_list(ids)
    assert text == ("167 documents; first 10: " + ", ".join(ids[:10]))
    assert len(text) < 200  # the list of 167 ids ran to 1,660 characters
    assert "speech-0010" not in text


def test_summarise_list_short_and_nouns():
    assert summarise_list(["a", "b", "c"], n=3, noun="articles") == "3 articles: a, b, c"
    assert summarise_list(["x"], noun="speeches") == "1 speech: x"
    assert summarise_list(["x"], noun="stories") == "1 story: x"
    assert summarise_list([], noun="speeches") == "no speeches"
    assert summarise_list(range(12), n=2, noun="ids") == "12 ids; first 2: 0, 1"
    with pytest.raises(ValueError):
        summarise_list(["a"], n=0)
    assert count_noun(1, "documents") == "1 document"
    assert count_noun(0, "documents") == "0 documents"
    assert count_noun(1_134, "texts") == "1,134 texts"


# --------------------------------------------------------------------------- top rows


def test_top_rows_caption_counts_and_full_csv(tmp_path):
    frame = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(699)],
                          "score": np.arange(699) % 50 / 7})
    shown = top_rows(frame, n=10, sort_by="score", name="02_scores", figures_dir=tmp_path)
    assert shown.caption == ("10 of 699 rows shown, largest score first; the full table is in "
                             "02_scores.csv in the figures folder.")
    assert shown.n_total == 699 and len(shown.rows) == 10
    # score 49/7 is the largest, reached by i = 49, 99, ..., 649 (13 rows); stable: first ten
    assert shown.rows["doc_id"].tolist() == [f"d{i:03d}" for i in range(49, 549, 50)]
    written = pd.read_csv(shown.path)
    assert shown.path == tmp_path / "02_scores.csv" and len(written) == 699
    assert written["doc_id"].tolist() == frame["doc_id"].tolist()  # the whole table, as given
    html = shown._repr_html_()
    assert "10 of 699 rows shown" in html and html.count("<tr>") == 11


def test_top_rows_all_rows_index_and_smallest_first(tmp_path):
    sizes = pd.Series({"b": 5, "a": 2, "c": 9}, name="documents").rename_axis("party")
    shown = top_rows(sizes, n=None, sort_by="documents", ascending=True)
    assert shown.rows.columns.tolist() == ["party", "documents"]  # the index is data
    assert shown.rows["party"].tolist() == ["a", "b", "c"]
    assert shown.caption == ""  # every row shown, nothing written
    whole = top_rows(sizes, n=5, name="00_sizes", figures_dir=tmp_path)
    assert whole.caption == "The table is also in 00_sizes.csv in the figures folder."
    # a filtered frame keeps an integer index that is position, not data: not shown
    part = pd.DataFrame({"t": ["x", "y", "z"]}).iloc[[2, 0]]
    assert top_rows(part).rows.columns.tolist() == ["t"]
    with pytest.raises(KeyError, match="'nope'"):
        top_rows(sizes, sort_by="nope")


def test_text_cells_are_never_cut_and_stay_text():
    passage = ("Since then, Moscow has become increasingly dependent on China, "
               "its largest trading partner, while the war in Ukraine grinds on " * 3).strip()
    frame = pd.DataFrame({"rule": ["page_chrome"], "removes": [passage],
                          "note": ["<img src=x onerror=alert(1)>"]})
    shown = top_rows(frame)
    html = shown._repr_html_()
    assert len(passage) > 150 and passage in html and passage in repr(shown)
    assert "..." not in html and "…" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the report's sanitiser keeps the table and its style block as they are
    assert clean_output_html(html) == html


def test_numbers_rounded_for_display_only(tmp_path):
    frame = pd.DataFrame({"q": [0.123456, 0.00001234], "n": [3, 4]})
    shown = top_rows(frame, name="t", figures_dir=tmp_path, digits=3)
    html = shown._repr_html_()
    assert ">0.123<" in html and ">1.2e-05<" in html and ">3<" in html
    assert shown.path.read_text() == "q,n\n0.123456,3\n1.234e-05,4\n"


def test_save_table_is_the_figure_csv_writer(tmp_path):
    import matplotlib.pyplot as plt

    from analysis.plots.common import save_figure

    table = pd.DataFrame({"x": ["a", "b"], "y": [1 / 3, 2.0]})
    fig, ax = plt.subplots()
    paths = save_figure(fig, "fig", table=table, figures_dir=tmp_path / "f")
    plt.close(fig)
    alone = save_table(table, "fig", figures_dir=tmp_path / "t")
    assert paths["csv"].read_bytes() == alone.read_bytes() == b"x,y\na,0.333333\nb,2\n"
    with pytest.raises(ValueError, match="letters, digits"):
        save_table(table, "../up", figures_dir=tmp_path)
