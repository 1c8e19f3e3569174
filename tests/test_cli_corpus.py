"""``python -m analysis corpus``: the listing, the bad-input matrix, and the progress bar."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import pytest
from corpus_cases import CASES, SLOW

from analysis.corpus.cli import add_corpus_parser, corpus_command


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    add_corpus_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["corpus", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_listing_of_the_seeds(capsys):
    code, out, err = run([], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["doc_id", "event", "date", "date_source", "words", "removed"]
    rows = [line.split() for line in lines[1:6]]
    assert [r[:4] for r in rows] == [
        ["000", "2023-moscow", "2023-03-21", "manifest"],
        ["001", "2023-moscow", "2023-10-02", "page_date"],
        ["002", "2023-moscow", "2023-03-21", "manifest"],
        ["003", "2024-beijing", "-", "none"],
        ["004", "2024-beijing", "2024-05-17", "manifest"],
    ]
    assert [r[5] for r in rows] == ["2", "15", "3", "3", "4"]  # lines removed (hand count)
    assert lines[6] == "5 documents, 2 groups in 'event'"


def test_no_manifest_still_finds_every_event(capsys):
    code, out, _ = run(["--no-manifest"], capsys)
    assert code == 0
    rows = [line.split() for line in out.splitlines()[1:6]]
    assert [r[1] for r in rows] == ["2023-moscow"] * 3 + ["2024-beijing"] * 2
    assert [r[3] for r in rows] == ["header", "page_date", "header", "none", "header"]


def test_real_command_line_exit_codes():
    ok = subprocess.run([sys.executable, "-m", "analysis", "corpus"], capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0 and ok.stdout.count("\n") == 7
    bad = subprocess.run([sys.executable, "-m", "analysis", "corpus", "--source", "/no/such"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: /no/such: no such file or folder. Pass a folder of .txt files or a "
        ".csv/.jsonl/.parquet table."
    ]


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES]
)
def test_bad_input_matrix(tmp_path, capsys, name):
    case = CASES[name](tmp_path)
    code, out, err = run(["--source", str(case.source), *case.cli], capsys)
    assert "Traceback" not in err
    err_lines = [line for line in err.splitlines() if line.strip()]
    if case.error:
        assert code == 2 and out == ""
        assert len(err_lines) == 1 and err_lines[0].startswith("error: ")
        assert re.search(case.error, err_lines[0]), err_lines[0]
        return
    assert code == 0
    assert all(line.startswith("warning: ") for line in err_lines)
    if case.warning:
        assert any(re.search(case.warning, line) for line in err_lines), err_lines
    else:
        assert err_lines == []
    n_docs = len(out.splitlines()) - 2  # header and summary line
    assert out.splitlines()[-1].startswith(f"{n_docs} document")
    assert n_docs >= 1


def test_progress_bar_on_stderr_for_a_big_folder(tmp_path, capsys):
    for i in range(250):
        (tmp_path / f"d{i:03d}.txt").write_text(f"MOSCOW (AP) — Item {i} of the talks.\n", "utf-8")
    code, out, err = run(["--source", str(tmp_path)], capsys)
    assert code == 0
    assert "loading corpus" in err and "250/250" in err
    assert "loading corpus" not in out and len(out.splitlines()) == 252


def test_no_progress_bar_for_a_small_folder(capsys):
    code, _, err = run([], capsys)
    assert code == 0 and "loading corpus" not in err


def test_corpus_command_accepts_a_plain_namespace(capsys):
    args = argparse.Namespace(source=None, group="event", no_manifest=True)
    assert corpus_command(args) == 0
    assert "2024-beijing" in capsys.readouterr().out
