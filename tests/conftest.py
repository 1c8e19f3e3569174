"""Shared test setup: a non-interactive matplotlib backend and the bundled corpus."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")


# --- issue 3 (text structure): the seed corpus as the loader returns it -------------------
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def seed_corpus():
    """The five seeds as ``analysis.load_corpus`` returns them (clean text, blank-line paragraphs)."""
    from analysis.corpus.loader import load_corpus

    return load_corpus()


# --- issues 7/8 (report): tiny throwaway notebooks for the renderer's tests ---------------
@pytest.fixture(scope="session")
def write_notebook():
    """Return ``write(path, markdown, *code_cells)``: a numbered notebook like the suite's.

    Cell 1 is ``markdown`` (a ``# Title`` and a summary sentence), cell 2 the papermill
    ``parameters`` cell with the suite's four parameters, then one code cell per argument.
    """
    import nbformat

    def write(path, markdown, *code_cells):
        params = nbformat.v4.new_code_cell(
            'source = None\ngroup = "event"\nfigures_dir = None\nrandom_state = 0'
        )
        params.metadata["tags"] = ["parameters"]
        cells = [nbformat.v4.new_markdown_cell(markdown), params]
        cells += [nbformat.v4.new_code_cell(code) for code in code_cells]
        for i, cell in enumerate(cells):  # fixed ids, as in committed notebooks
            cell["id"] = f"cell-{i}"
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3", "language": "python"
        }
        nbformat.write(nb, path)
        return path

    return write


# --- issue 7 (report): the real notebooks rendered once per session ------------------------
# Renders are slow (every notebook in a fresh kernel), so each one is done once per test
# session and shared by tests/test_end_to_end.py and tests/test_report_browser.py, also
# across pytest-xdist workers (a file lock; the first worker renders, the others wait).
# Everything goes to the session's tmp folder, never to the repository's reports/ or figures/.

OUTLET_DOCS = [
    ("o1", "Daily Ledger", "2024-05-16", "Leaders open two-day visit",
     "President Putin arrived in Beijing on Thursday for a two-day state visit, the Kremlin "
     "said. Xi Jinping greeted him with a ceremony outside the Great Hall of the People.\n\n"
     "\"Our relations are at their best in history,\" Putin told reporters. Officials signed "
     "agreements on energy and trade."),
    ("o2", "Daily Ledger", "2024-05-17", "Trade talks dominate second day",
     "Trade between the two countries reached a record last year, officials said. Analysts "
     "expect new pipeline talks to continue.\n\nWestern governments criticised the visit and "
     "warned about sanctions. \"We are watching closely,\" a diplomat said."),
    ("o3", "Daily Ledger", "2024-05-18", "Visit ends with joint statement",
     "The leaders ended the visit with a joint statement on security. Xi said the partnership "
     "served peace.\n\nCritics said the statement offered little on the war in Ukraine."),
    ("o4", "Harbor Times", "2024-05-16", "A warm welcome in Beijing",
     "Crowds lined the avenue as the motorcade passed. Putin praised Chinese hospitality and "
     "called Xi a dear friend.\n\nThe two sides promised closer cooperation in science, "
     "education and culture."),
    ("o5", "Harbor Times", "2024-05-17", "Energy deal remains elusive",
     "Negotiators failed to agree on the price of gas for the new pipeline, people familiar "
     "with the talks said. Tom &amp; Jerry <script>window.__xss = 1</script> stayed in the "
     "lobby.\n\nEconomists said the delay reflected weak demand and hard bargaining."),
    ("o6", "Harbor Times", "2024-05-18", "Students meet the visiting president",
     "Putin met students at a university in Harbin and spoke about history. "
     "<img src=x onerror=\"window.__xss = 2\"> He praised the friendship between the peoples."
     "\n\nThe visit ended with a concert and a banquet."),
    ("o7", "Northern Post", "2024-05-16", "Allies watch summit warily",
     "Officials in Washington said the summit showed a worrying alignment. The United States "
     "urged China not to supply weapons.\n\n\"This partnership threatens stability,\" a "
     "senator said. Markets barely moved."),
    ("o8", "Northern Post", "2024-05-17", "Sanctions loom over partnership",
     "European diplomats discussed new sanctions as the talks went on. Banks in China have "
     "grown cautious about payments from Russia.\n\nThe Kremlin dismissed the warnings as "
     "pressure and said trade would grow."),
    ("o9", "Northern Post", "2024-05-18", "What the visit achieved",
     "The visit produced many documents but few concrete deals, analysts said. Xi and Putin "
     "promised to meet again this year.\n\nObservers noted the warm tone and the lack of "
     "detail on the pipeline."),
]
OUTLETS = sorted({doc[1] for doc in OUTLET_DOCS})


def _shared_render(tmp_path_factory, key, build):
    """Run ``build(folder)`` once per session under a lock; return its stored summary."""
    import fcntl
    import json
    import time

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session folder shared by all workers
    folder = base / "suite_renders" / key
    folder.mkdir(parents=True, exist_ok=True)
    done, failed = folder / "done.json", folder / "failed.txt"
    with open(folder.parent / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(f"render {key!r} failed in another worker: {failed.read_text()}")
        if not done.exists():
            started = time.perf_counter()
            try:
                extra = build(folder)
            except Exception as exc:
                failed.write_text(f"{type(exc).__name__}: {exc}")
                raise
            done.write_text(json.dumps({"seconds": time.perf_counter() - started, **extra}))
    from analysis import config
    from analysis.report.render import NOTEBOOK_PATTERN

    notebooks = sorted(p for p in config.NOTEBOOKS_DIR.iterdir() if NOTEBOOK_PATTERN.match(p.name))
    return {"folder": folder, "out": folder / "reports", "figures": folder / "figures",
            "notebooks": notebooks, **json.loads(done.read_text())}


def _render_into(folder, **kwargs):
    from analysis.report.render import render_report

    lines: list[str] = []
    render_report(out=folder / "reports", figures_dir=folder / "figures",
                  progress=lines.append, **kwargs)
    return {"lines": lines}


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory):
    """The suite rendered on the bundled seeds (group ``event``)."""
    return _shared_render(tmp_path_factory, "seeds", lambda folder: _render_into(folder))


@pytest.fixture(scope="session")
def seed_report_again(tmp_path_factory, seed_report):
    """A second, independent render on the seeds (for the determinism check)."""
    return _shared_render(tmp_path_factory, "seeds-again", lambda folder: _render_into(folder))


def write_outlet_corpus(path):
    """A second corpus: a table of nine short news-like documents, grouped by ``outlet``."""
    import pandas as pd

    columns = ["doc_id", "outlet", "date", "title", "text"]
    pd.DataFrame(OUTLET_DOCS, columns=columns).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def outlet_report(tmp_path_factory):
    """The suite rendered on the second corpus, grouped by ``outlet`` (three groups)."""

    def build(folder):
        corpus = write_outlet_corpus(folder / "outlets.csv")
        return {"corpus": str(corpus), "groups": OUTLETS,
                **_render_into(folder, source=corpus, group="outlet")}

    return _shared_render(tmp_path_factory, "outlets", build)


# --- issue 12 (configuration, genre): a generated corpus of speeches ----------------------
# Twenty short "speeches" composed here from fixed word lists with a seeded generator (no
# third-party text), in a table whose text column is ``body``, grouped by ``party``. Nothing in
# them is news: no page chrome, no dateline, no quotation marks, and none of the seeds' event or
# actor names, so a page that names one of those got it from a hidden default.
SPEECH_TOPICS = {
    "schools": ["teachers", "classrooms", "pupils", "reading", "curriculum", "school meals"],
    "health": ["nurses", "clinics", "waiting lists", "hospital beds", "medicine", "doctors"],
    "farming": ["farmers", "harvest", "rural roads", "grain prices", "irrigation", "orchards"],
    "housing": ["rents", "new homes", "tenants", "building permits", "mortgages", "landlords"],
}
SPEECH_TONE = {
    "Harbour Party": ["proud", "hopeful", "strong", "grateful", "good", "fair"],
    "Upland Party": ["worried", "failing", "unfair", "broken", "costly", "neglected"],
}


def write_speech_corpus(path, n=20, seed=12):
    """``n`` generated speeches (columns speech_no, party, speaker, body); returns ``path``."""
    import random

    import pandas as pd

    rng = random.Random(seed)
    parties = sorted(SPEECH_TONE)
    rows = []
    for i in range(n):
        party = parties[i % 2]
        paragraphs = []
        for topic in rng.sample(sorted(SPEECH_TOPICS), 3):
            words = SPEECH_TOPICS[topic]
            sentences = [
                f"Our {topic} policy matters to {rng.choice(words)} and {rng.choice(words)}.",
                f"We are {rng.choice(SPEECH_TONE[party])} about the {rng.choice(words)} in "
                f"every district.",
                f"This council will talk about {rng.choice(words)}, {rng.choice(words)} and "
                f"the {topic} budget again next spring.",
            ]
            paragraphs.append(" ".join(sentences))
        rows.append({"speech_no": f"s{i:02d}", "party": party,
                     "speaker": f"Member {chr(65 + i % 6)}", "body": "\n\n".join(paragraphs)})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


#: The command of issue 12, run as a user would (plus output folders).
SPEECH_CLI = ["--text-column", "body", "--group", "party", "--clean", "none", "--actors", "none",
              "--k", "8"]


@pytest.fixture(scope="session")
def speech_report(tmp_path_factory):
    """``python -m analysis report --source speeches.csv --text-column body --group party
    --clean none --actors none --k 8`` on :func:`write_speech_corpus`, as a subprocess."""
    import subprocess
    import sys

    def build(folder):
        corpus = write_speech_corpus(folder / "speeches.csv")
        done = subprocess.run(
            [sys.executable, "-m", "analysis", "report", "--source", str(corpus), *SPEECH_CLI,
             "--out", str(folder / "reports"), "--figures", str(folder / "figures")],
            capture_output=True, text=True, check=False, cwd=folder,
        )
        if done.returncode != 0:
            raise RuntimeError(f"exit {done.returncode}: {done.stderr[-3000:]}")
        return {"corpus": str(corpus), "lines": done.stdout.splitlines(),
                "stderr": done.stderr}

    return _shared_render(tmp_path_factory, "speeches", build)


# --- issue 12 (any corpus, any size): generated corpora rendered end to end ---------------
# Each corpus is made here (no third-party text: synthetic_corpus resamples the seeds'
# paragraphs; the identical texts are written below), rendered once per session and shared by
# every assertion in tests/test_scale_renders.py. Texts are short and k is fixed, because these
# renders test size and grouping, not the choice of k.
SCALE_WORDS = 150


def write_identical_corpus(path):
    """Four near-identical texts in two groups ``a`` and ``b`` (column ``side``): each group
    holds the same two texts, so no term, tone or topic distinguishes the groups."""
    import pandas as pd

    base = ("The council met on Tuesday to discuss the budget for the coming year. Members "
            "spoke about schools, roads and the new library.\n\nThe meeting ended after two "
            "hours with a vote to meet again next month.")
    rows = [("t1", "a", base + " One more item."), ("t2", "a", base + " Two more items."),
            ("t3", "b", base + " One more item."), ("t4", "b", base + " Two more items.")]
    pd.DataFrame(rows, columns=["doc_id", "side", "text"]).to_csv(path, index=False)
    return path


def _scale_report(tmp_path_factory, key, *, n_docs, n_groups, syndicated=0.0, **settings):
    from analysis.corpus.synthetic import synthetic_corpus, write_corpus

    def build(folder):
        corpus = synthetic_corpus(n_docs, n_groups=n_groups, words_per_doc=SCALE_WORDS,
                                  syndicated=syndicated)
        path = write_corpus(corpus, folder / "corpus", fmt="csv")
        return {"corpus": str(path), "syndicated": syndicated,
                **_render_into(folder, source=path, group="group", k=4, **settings)}

    return _shared_render(tmp_path_factory, key, build)


@pytest.fixture(scope="session")
def large_report(tmp_path_factory):
    """1,200 generated texts in two groups of 600 (sampled permutation tests)."""
    return _scale_report(tmp_path_factory, "large-2", n_docs=1200, n_groups=2)


@pytest.fixture(scope="session")
def three_group_report(tmp_path_factory):
    """150 generated texts in three groups of 50 (each group against the rest), a third of
    them opening with shared wire copy, rendered with ``dedupe = true`` (issue 11: grouped by
    a column other than ``event`` with deduplication on)."""
    return _scale_report(tmp_path_factory, "three-groups", n_docs=150, n_groups=3,
                         syndicated=1 / 3, dedupe=True)


@pytest.fixture(scope="session")
def sampled_report(tmp_path_factory):
    """240 generated texts in two groups, rendered with ``max_documents = 60``: the sections
    that read text read a sample of 60 documents, the group measures every document."""
    return _scale_report(tmp_path_factory, "sampled", n_docs=240, n_groups=2,
                         syndicated=0.3, max_documents=60)


@pytest.fixture(scope="session")
def many_group_report(tmp_path_factory):
    """465 generated texts in 155 groups of 3 (figures show the largest groups)."""
    return _scale_report(tmp_path_factory, "many-groups", n_docs=465, n_groups=155)


@pytest.fixture(scope="session")
def identical_report(tmp_path_factory):
    """Four near-identical texts in two groups: nothing distinguishes the groups."""

    def build(folder):
        corpus = write_identical_corpus(folder / "identical.csv")
        return {"corpus": str(corpus),
                **_render_into(folder, source=corpus, group="side", k=2)}

    return _shared_render(tmp_path_factory, "identical", build)
