"""Shared plot style: colours, titles, deterministic savers."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd

from analysis.plots import common as plots

SCRIPT = """
import matplotlib; matplotlib.use("Agg")
import matplotlib.pyplot as plt, pandas as pd, sys
from analysis.plots.common import save_figure, plot_group_estimates
s = pd.DataFrame({"g": ["x", "y"], "estimate": [0.1, -0.2], "ci_low": [0.0, -0.4],
                  "ci_high": [0.2, 0.0], "n_docs": [3, 2]})
fig = plot_group_estimates(s, group="g", title="t", xlabel="v")
save_figure(fig, "fig", table=s, figures_dir=sys.argv[1])
"""


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_figures_are_byte_identical_across_processes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        subprocess.run([sys.executable, "-c", SCRIPT, str(d)], check=True)
    assert sorted(digest(a)) == ["fig.csv", "fig.png", "fig.svg"]
    assert digest(a) == digest(b)
    svg = (a / "fig.svg").read_text()
    assert "<dc:date>" not in svg


def test_group_colours_do_not_depend_on_order_or_subset_position():
    one = plots.group_colors(["b", "a"])
    two = plots.group_colors(["a", "b", "a"])
    assert one == two == {"a": plots.OKABE_ITO[0], "b": plots.OKABE_ITO[1]}
    assert len(set(plots.group_colors(list("abcdefgh")).values())) == 8


def test_title_carries_group_sizes():
    title = plots.group_title("Keyness", pd.Series({"x": 3, "y": 2}))
    assert title.endswith("x n = 3 vs y n = 2 documents")


def test_save_figure_rejects_paths_as_names(tmp_path):
    import matplotlib.pyplot as plt
    import pytest

    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="letters, digits"):
        plots.save_figure(fig, "../escape", table=pd.DataFrame(), figures_dir=tmp_path)
    plt.close(fig)
