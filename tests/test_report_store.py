"""Issue 11, "Done when": the report and every notebook run from one prepared store.

The report prepares the store once before the first notebook; each notebook opens it with
:func:`analysis.settings.configured_store` and, the store being current, reuses it. A second
report on an unchanged corpus and settings reuses it; a changed text or a changed setting
prepares it again; ``--store DIR`` alone renders the corpus and settings the store was
prepared from.

The notebook run here is a one-cell probe (the five real notebooks are rendered with a store
in tests/test_scale_renders.py and tests/test_end_to_end.py): it prints the folder and inode of
the store it opened, so the test can tell "the kernel read the report's store" from "the
kernel prepared its own" (a rebuild replaces the folder, so its inode changes). The expected
folder is the one the configuration names, the expected inode the folder's own on disk.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest

from analysis.corpus.synthetic import synthetic_corpus, write_corpus
from analysis.settings import KEYS, resolve_config, store_path
from analysis.store import prepare_command

pytestmark = pytest.mark.slow

PROBE = """\
import os
from analysis.settings import config_from_parameters, configured_store

cfg = config_from_parameters(globals())
st = configured_store(cfg)
print("STORE", st.path, os.stat(st.path).st_ino, len(st.documents), st.group)
"""


@pytest.fixture()
def probe_notebooks(tmp_path):
    params = nbformat.v4.new_code_cell(
        "\n".join(f"{key} = None" for key in ("config", *KEYS, "figures_dir")))
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Store probe\n\nOpens the run's store."),
        params, nbformat.v4.new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(nb, folder / "00_probe.ipynb")
    return folder


@pytest.fixture()
def corpus_folder(tmp_path):
    corpus = synthetic_corpus(12, n_groups=2, group="outlet", words_per_doc=120)
    return write_corpus(corpus, tmp_path / "corpus", group="outlet")


def render(tmp_path, notebooks, **settings):
    from analysis.report.render import render_report

    lines: list[str] = []
    out = render_report(out=tmp_path / "report", figures_dir=tmp_path / "figures",
                        notebooks_dir=notebooks, progress=lines.append, **settings)
    executed = nbformat.read(out / "00_probe.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    path, inode, n_docs, group = re.search(r"STORE (\S+) (\d+) (\d+) (\S+)", printed).groups()
    return lines, {"path": path, "inode": int(inode), "n_docs": int(n_docs), "group": group}


def store_lines(lines):
    return [line for line in lines if line.startswith("store: ")]


def test_the_kernel_reads_the_store_the_report_prepared_and_a_second_run_reuses_it(
        tmp_path, probe_notebooks, corpus_folder):
    settings = {"source": str(corpus_folder), "group": "outlet", "store": str(tmp_path / "st")}
    first, seen = render(tmp_path, probe_notebooks, **settings)
    assert any(line.startswith("store: loaded 12 documents") for line in first)
    assert seen["path"] == str(tmp_path / "st")
    # the report prepared it; the kernel opened that very folder, not a copy of its own
    assert seen["inode"] == os.stat(tmp_path / "st").st_ino
    assert (seen["n_docs"], seen["group"]) == (12, "outlet")
    # the counted-once store is prepared beside it, once, for notebooks 01 and 03
    assert (tmp_path / "st-counted-once" / "manifest.json").is_file()

    second, seen_again = render(tmp_path, probe_notebooks, **settings)
    assert store_lines(second) == ["store: store is current: reused"] * 2
    assert seen_again["inode"] == seen["inode"] == os.stat(tmp_path / "st").st_ino


def test_a_changed_text_or_setting_prepares_the_store_again(tmp_path, probe_notebooks,
                                                             corpus_folder):
    settings = {"source": str(corpus_folder), "group": "outlet", "store": str(tmp_path / "st")}
    _, before = render(tmp_path, probe_notebooks, **settings)

    text = sorted(corpus_folder.glob("*.txt"))[0]
    text.write_text(text.read_text(encoding="utf-8") + "\n\nOne more paragraph.",
                    encoding="utf-8")
    changed, after = render(tmp_path, probe_notebooks, **settings)
    assert "store: store rebuilt: the source files differ from those it was prepared from" \
        in changed
    assert after["inode"] != before["inode"]

    regrouped, _ = render(tmp_path, probe_notebooks, **settings, ngrams=2)
    assert any(line.startswith("store: store rebuilt: setting ngrams = 3 (wanted: 2)")
               for line in regrouped)


def test_report_with_only_a_store_renders_what_the_store_was_prepared_from(
        tmp_path, probe_notebooks, corpus_folder, capsys):
    folder = tmp_path / "prepared"
    from analysis.__main__ import build_parser

    args = build_parser().parse_args(["prepare", "--source", str(corpus_folder), "--group",
                                      "outlet", "--clean", "none", "--store", str(folder)])
    assert prepare_command(args) == 0
    inode = os.stat(folder).st_ino

    lines, seen = render(tmp_path, probe_notebooks, store=str(folder))
    assert store_lines(lines)[0] == "store: store is current: reused"
    assert (seen["path"], seen["inode"], seen["group"]) == (str(folder), inode, "outlet")
    cfg = resolve_config(None, store=str(folder))
    assert (cfg.source, cfg.group, cfg.clean) == (str(corpus_folder.resolve()), "outlet", "none")
    assert cfg.origin("group") == "the store's manifest"
    assert store_path(cfg) == folder


def test_report_reads_a_corpus_given_as_a_pattern_of_tables(tmp_path, probe_notebooks):
    # Large exports come as many files; the report takes the same pattern as prepare.
    corpus = synthetic_corpus(9, n_groups=3, group="outlet", words_per_doc=80)
    parts = tmp_path / "export"
    parts.mkdir()
    for i, part in enumerate((corpus.iloc[:4], corpus.iloc[4:])):
        part.to_csv(parts / f"part-{i}.csv", index=False)
    lines, seen = render(tmp_path, probe_notebooks, source=str(parts / "part-*.csv"),
                         group="outlet", clean="none", store=str(tmp_path / "st"))
    assert any(line.startswith("store: loaded 9 documents") for line in lines)
    assert (seen["n_docs"], seen["group"]) == (9, "outlet")
