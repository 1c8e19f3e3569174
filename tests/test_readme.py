"""The README's script example runs as written and writes what it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_script_example_runs(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "README has no python example"
    script = tmp_path / "example.py"
    script.write_text(blocks[0], encoding="utf-8")
    subprocess.run([sys.executable, str(script)], cwd=tmp_path, check=True,
                   env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
    table = pd.read_csv(tmp_path / "keyness.csv")
    # the seeds' keyness table compares the two events, one row per term
    assert set(table["target"]) | set(table["reference"]) == {"2023-moscow", "2024-beijing"}
    assert table["term"].is_unique
    names = sorted(p.name for p in (tmp_path / "my_figures").iterdir())
    assert names == ["keyness.csv", "keyness.png", "keyness.svg"]


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in README.read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, flags=re.M)
