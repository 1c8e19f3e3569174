"""The bad-input matrix shared by the loader tests and the CLI tests.

Each case builds its input under a temporary folder and says what must happen: a CorpusError
whose message matches ``error`` (naming the file or column), or a loaded corpus that passes
``check`` (with a CorpusWarning matching ``warning`` when one is expected).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

GOOD_TEXT = "OSLO (AP) — Leaders met on Friday to sign an energy accord.\n\nThey said more talks follow."
GOOD_CLEAN = "OSLO (AP) — Leaders met on Friday to sign an energy accord.\n\nThey said more talks follow."
OSLO_EVENTS = """
[[event]]
id = "oslo"
label = "Oslo talks"
city = "Oslo"
start = 2024-01-01
end = 2024-01-05
datelines = ["OSLO"]
[event.phrases]
"energy accord" = 3.0

[[event]]
id = "rome"
label = "Rome talks"
city = "Rome"
start = {rome_start}
end = 2024-02-05
datelines = ["ROME"]
[event.phrases]
"talks began" = 3.0
"""


@dataclass
class Case:
    source: Path
    kwargs: dict[str, Any] = field(default_factory=dict)
    cli: list[str] = field(default_factory=list)
    error: str | None = None
    warning: str | None = None
    check: Callable[[pd.DataFrame], None] | None = None


def _folder(tmp: Path, files: dict[str, bytes | str], *, events: bool = True) -> Path:
    """A corpus folder with these files and (unless ``events=False``) an events.toml for
    Oslo and Rome, so GOOD_TEXT (dateline OSLO and the phrase "energy accord") gets an event
    without a warning."""
    folder = tmp / "corpus"
    folder.mkdir()
    if events:
        (folder / "events.toml").write_text(OSLO_EVENTS.format(rome_start="2024-02-01"), "utf-8")
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
    return folder


def missing_path(tmp: Path) -> Case:
    return Case(tmp / "no-such-folder", error=r"no-such-folder: no such file or folder")


def empty_folder(tmp: Path) -> Case:
    return Case(_folder(tmp, {}, events=False), error=r"corpus: no \.txt files in this folder \(it is empty\)")


def empty_file(tmp: Path) -> Case:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "b.txt": ""})
    return Case(folder, error=r"b\.txt: file is empty\. Delete it, add its text")


def whitespace_file(tmp: Path) -> Case:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "b.txt": " \n\t\r\n\u00a0 \n"})
    return Case(folder, error=r"b\.txt: file is whitespace only")


def binary_file(tmp: Path) -> Case:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "image.txt": png})
    return Case(folder, error=r"image\.txt: looks like a binary file \(it contains NUL bytes\)")


def latin1_file(tmp: Path) -> Case:
    raw = "OSLO — Café talks in Zürich ended “well”, naïve observers said.".replace("—", "-")
    data = raw.replace("“", '"').replace("”", '"').encode("latin-1")

    def check(corpus: pd.DataFrame) -> None:
        text = corpus["text"].iat[0]
        assert "Café talks in Zürich" in text and "naïve" in text
        assert len(corpus["raw_text"].iat[0]) == len(data)  # one character per byte: none lost

    return Case(_folder(tmp, {"old.txt": data}), warning=r"old\.txt \(read as cp1252\)",
                check=check)


def cp1252_quotes_file(tmp: Path) -> Case:
    data = b"OSLO \x97 \x93We agree,\x94 she said. It\x92s done."

    def check(corpus: pd.DataFrame) -> None:
        assert corpus["text"].iat[0] == "OSLO — “We agree,” she said. It’s done."

    return Case(_folder(tmp, {"win.txt": data}), warning=r"win\.txt \(read as cp1252\)",
                check=check)


def utf16_file(tmp: Path) -> Case:
    data = GOOD_TEXT.replace("\n", "\r\n").encode("utf-16")  # with BOM, little-endian

    def check(corpus: pd.DataFrame) -> None:
        assert corpus["text"].iat[0] == GOOD_CLEAN

    return Case(_folder(tmp, {"u16.txt": data}), check=check)


def utf8_bom(tmp: Path) -> Case:
    data = b"\xef\xbb\xbf" + GOOD_TEXT.encode("utf-8")

    def check(corpus: pd.DataFrame) -> None:
        assert corpus["text"].iat[0] == GOOD_CLEAN
        assert not corpus["raw_text"].iat[0].startswith("\ufeff")

    return Case(_folder(tmp, {"bom.txt": data}), check=check)


def _same_as_lf(corpus: pd.DataFrame) -> None:
    assert corpus["text"].iat[0] == GOOD_CLEAN
    assert "\r" not in corpus["text"].iat[0]


def crlf_endings(tmp: Path) -> Case:
    return Case(_folder(tmp, {"crlf.txt": GOOD_TEXT.replace("\n", "\r\n")}), check=_same_as_lf)


def cr_endings(tmp: Path) -> Case:
    return Case(_folder(tmp, {"cr.txt": GOOD_TEXT.replace("\n", "\r")}), check=_same_as_lf)


def big_file(tmp: Path) -> Case:
    """About 50 MB of real reporting paragraphs in one file."""
    from analysis import config
    from analysis.corpus.cleaning import clean_text

    (seed,) = Path(config.SEEDS_DIR).glob("000_*.txt")
    unit = clean_text(seed.read_text(encoding="utf-8"))[0]
    copies = 50_000_000 // len(unit.encode("utf-8")) + 1
    folder = _folder(tmp, {}, events=False)
    # the seeds' events file beside the text (a corpus never gets the seeds' events implicitly)
    (folder / "events.toml").write_bytes((Path(config.SEEDS_DIR) / "events.toml").read_bytes())
    with open(folder / "big.txt", "w", encoding="utf-8") as fh:
        for k in range(copies):
            fh.write(unit if k == 0 else "\n\n" + unit)

    def check(corpus: pd.DataFrame) -> None:
        assert (folder / "big.txt").stat().st_size >= 50_000_000
        assert corpus["n_removed"].iat[0] == 0
        assert corpus["text"].iat[0] == "\n\n".join([unit] * copies)  # clean text is a fixed point
        assert corpus["event"].iat[0] == "2023-moscow"  # seeds' events, MOSCOW dateline

    return Case(folder, check=check)


def table_without_text_column(tmp: Path) -> Case:
    path = tmp / "articles.csv"
    pd.DataFrame({"doc_id": ["a"], "body": [GOOD_TEXT]}).to_csv(path, index=False)
    return Case(path, error=r"articles\.csv: no text column 'text'\. Its columns are "
                r"\['doc_id', 'body'\]\. Pass text_column=")


def _with_manifest(tmp: Path, rows: str) -> Path:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "b.txt": GOOD_TEXT})
    (folder / "manifest.csv").write_text("doc_id,file,event\n" + rows, encoding="utf-8")
    return folder


def manifest_missing_file(tmp: Path) -> Case:
    folder = _with_manifest(tmp, "a,a.txt,x\nc,c.txt,y\n")
    return Case(folder, error=r"manifest\.csv, line 3: file 'c\.txt' not found in .*corpus")


def manifest_duplicate_id(tmp: Path) -> Case:
    folder = _with_manifest(tmp, "a,a.txt,x\na,b.txt,y\n")
    return Case(folder, error=r"manifest\.csv: doc_id\(s\) \['a'\] used more than once")


def manifest_outside_dotdot(tmp: Path) -> Case:
    folder = _with_manifest(tmp, "a,a.txt,x\nb,../secret.txt,y\n")
    (tmp / "secret.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return Case(folder, error=r"line 3: file '\.\./secret\.txt' points outside the corpus folder")


def manifest_outside_absolute(tmp: Path) -> Case:
    secret = tmp / "secret.txt"
    secret.write_text(GOOD_TEXT, encoding="utf-8")
    folder = _with_manifest(tmp, f"a,a.txt,x\nb,{secret},y\n")
    return Case(folder, error=r"line 3: file '.*secret\.txt' points outside the corpus folder")


def events_overlap(tmp: Path) -> Case:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT})
    (folder / "events.toml").write_text(OSLO_EVENTS.format(rome_start="2024-01-04"), "utf-8")
    return Case(folder, error=r"events\.toml: the windows of events 'oslo' .* and 'rome' .* overlap")


def events_malformed_date(tmp: Path) -> Case:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT})
    (folder / "events.toml").write_text(OSLO_EVENTS.format(rome_start="2024-02-31"), "utf-8")
    return Case(folder, error=r"events\.toml: not valid TOML in event 'rome'")


def unknown_group(tmp: Path) -> Case:
    folder = _folder(tmp, {"a.txt": GOOD_TEXT})
    return Case(folder, kwargs={"group": "outlet"}, cli=["--group", "outlet"],
                error=r"group column 'outlet' not found .* Columns: \['doc_id', 'event'")


def corpus_of_one(tmp: Path) -> Case:
    folder = _folder(tmp, {"only.txt": GOOD_TEXT})

    def check(corpus: pd.DataFrame) -> None:
        assert corpus[["doc_id", "event", "event_source"]].values.tolist() == [
            ["only", "oslo", "cues"]]

    return Case(folder, check=check)


def single_group_one_doc(tmp: Path) -> Case:
    """One group present, with a single document in it: loads; the analysis warns later."""
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "b.txt": "ROME — Talks began.\n\nMore later."})

    def check(corpus: pd.DataFrame) -> None:
        assert corpus["event"].tolist() == ["oslo", "rome"]

    return Case(folder, check=check)


def no_text_left(tmp: Path) -> Case:
    """A document that is only boilerplate: kept with empty text and a warning naming it."""
    folder = _folder(tmp, {"a.txt": GOOD_TEXT, "chrome.txt": "Share:\n\nAdvertisement\n"})

    def check(corpus: pd.DataFrame) -> None:
        row = corpus.set_index("doc_id").loc["chrome"]
        assert row["text"] == "" and row["n_words"] == 0 and row["n_removed"] == 2

    # The command line cleans only when asked (a folder without analysis.toml is not news).
    return Case(folder, warning=r"chrome\.txt: cleaning removed every line", check=check,
                cli=["--clean", "news"])


CASES: dict[str, Callable[[Path], Case]] = {
    f.__name__: f
    for f in (
        missing_path, empty_folder, empty_file, whitespace_file, binary_file, latin1_file,
        cp1252_quotes_file, utf16_file, utf8_bom, crlf_endings, cr_endings, big_file,
        table_without_text_column, manifest_missing_file, manifest_duplicate_id,
        manifest_outside_dotdot, manifest_outside_absolute, events_overlap,
        events_malformed_date, unknown_group, corpus_of_one, single_group_one_doc, no_text_left,
    )
}
SLOW = {"big_file"}
