"""One configuration (analysis.settings): project file, command line and notebook parameters.

Expected values are written by hand from the files the tests create: which value each layer
sets, and therefore which one wins (command line > project file > defaults).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.__main__ import main
from analysis.corpus.loader import load_corpus
from analysis.errors import CorpusError
from analysis.measures.sentiment import sentence_sentiment
from analysis.settings import (
    CONFIG_NAME,
    KEYS,
    AnalysisConfig,
    ConfigError,
    add_config_arguments,
    config_from_args,
    config_from_parameters,
    nouns,
    read_config,
    resolve_config,
)

SEEDS_CONFIG = config.SEEDS_DIR / CONFIG_NAME


def parse(argv: list[str]) -> argparse.Namespace:
    return add_config_arguments(argparse.ArgumentParser()).parse_args(argv)


@pytest.fixture
def project(tmp_path):
    """A corpus table and a project file beside it that sets four keys."""
    pd.DataFrame({"speech_no": ["a", "b"], "party": ["x", "y"],
                  "body": ["We build schools.", "We mend roads."]}).to_csv(
        tmp_path / "speeches.csv", index=False)
    (tmp_path / "events.toml").write_text("")  # never read: the file says events = "none"
    (tmp_path / CONFIG_NAME).write_text(
        'source = "speeches.csv"\ntext_column = "body"\ngroup = "party"\nk = 6\n'
        'events = "none"\n', encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- precedence


def test_command_line_beats_project_file_beats_defaults(project):
    cfg = config_from_args(parse(["--config", str(project / CONFIG_NAME), "--k", "8",
                                  "--group", "speaker"]))
    assert cfg.k == 8 and cfg.origin("k") == "command line"  # file said 6
    assert cfg.group == "speaker" and cfg.origin("group") == "command line"  # file: party
    assert cfg.text_column == "body" and cfg.origin("text_column") == "file"
    assert cfg.source == str(project / "speeches.csv")  # relative to the file's folder
    assert cfg.ngrams == 3 and cfg.origin("ngrams") == "default"
    assert cfg.topic_method == "nmf" and cfg.random_state == config.RANDOM_STATE
    assert cfg.file == str((project / CONFIG_NAME).resolve())


def test_project_file_beside_the_corpus_is_found_without_config(project):
    cfg = config_from_args(parse(["--source", str(project / "speeches.csv")]))
    assert cfg.file == str((project / CONFIG_NAME).resolve())
    assert (cfg.text_column, cfg.group, cfg.k, cfg.events) == ("body", "party", 6, "none")


def test_without_a_project_file_defaults_apply_and_news_layers_are_off(tmp_path):
    table = tmp_path / "texts.csv"
    table.write_text("text\nx\n")
    cfg = config_from_args(parse(["--source", str(table)]))
    assert cfg.file is None
    assert (cfg.genre, cfg.clean, cfg.actors) == ("texts", "none", "none")
    assert (cfg.events, cfg.manifest) == ("none", "none")  # nothing beside the table
    assert cfg.origin("clean") == "default for genre texts"
    assert nouns(cfg).documents == "texts"


def test_genre_news_switches_news_layers_on_unless_set(tmp_path):
    cfg = resolve_config(where="command line", genre="news", source=str(tmp_path))
    assert (cfg.clean, cfg.actors) == ("news", "bundled")
    assert cfg.origin("actors") == "default for genre news"
    cfg = resolve_config(where="command line", genre="news", actors="none", source=str(tmp_path))
    assert (cfg.clean, cfg.actors) == ("news", "none")
    assert nouns(cfg).count(1) == "1 article" and nouns(cfg).count(2) == "2 articles"


def test_auto_finds_events_and_manifest_beside_a_folder(tmp_path):
    (tmp_path / "a.txt").write_text("Text.")
    (tmp_path / "events.toml").write_text("")
    (tmp_path / "manifest.csv").write_text("file\na.txt\n")
    cfg = resolve_config(source=str(tmp_path))
    assert cfg.events == str(tmp_path.resolve() / "events.toml")
    assert cfg.manifest == str(tmp_path.resolve() / "manifest.csv")
    assert cfg.origin("events") == "default (auto)"


def test_the_seeds_switch_every_news_layer_on_by_name():
    cfg = read_config(SEEDS_CONFIG)
    assert (cfg.genre, cfg.clean, cfg.actors) == ("news", "news", "bundled")
    assert cfg.events == str(config.SEEDS_DIR / "events.toml")
    assert cfg.manifest == str(config.SEEDS_DIR / "manifest.csv")
    for key in ("genre", "clean", "actors", "events", "manifest", "group"):
        assert cfg.origin(key) == "file", key  # written in seeds/analysis.toml, not a default
    assert resolve_config() == cfg  # the bundled corpus finds its own file


def test_notebook_parameters_use_the_same_names_and_precedence(project):
    namespace = {"config": str(project / CONFIG_NAME), "source": None, "k": 4,
                 "clean": "none", "In": [], "figures_dir": None}
    cfg = config_from_parameters(namespace)
    assert (cfg.k, cfg.clean, cfg.group) == (4, "none", "party")
    assert cfg.origin("k") == "notebook parameter" and cfg.origin("group") == "file"


def test_toml_of_a_configuration_reads_back_to_the_same_configuration(project, tmp_path_factory):
    cfg = config_from_args(parse(["--config", str(project / CONFIG_NAME), "--dedupe",
                                  "--ngrams", "2", "--label-column", "speaker"]))
    copy = tmp_path_factory.mktemp("copy") / CONFIG_NAME
    copy.write_text(cfg.to_toml(), encoding="utf-8")
    assert tomllib.loads(cfg.to_toml())["dedupe"] is True
    assert read_config(copy) == cfg


def test_cli_flags_cover_every_key():
    options = {a.dest: a.option_strings for a in
               add_config_arguments(argparse.ArgumentParser())._actions}
    for key in KEYS:
        assert "--" + key.replace("_", "-") in options[key], key


# --------------------------------------------------------------------------- errors


def test_unknown_key_in_a_file_names_the_file_the_key_and_the_valid_keys(tmp_path):
    path = tmp_path / CONFIG_NAME
    path.write_text('txt_column = "body"\n')
    with pytest.raises(ConfigError) as err:
        read_config(path)
    message = str(err.value)
    assert message.startswith(f"{path.resolve()}: unknown key 'txt_column'.")
    assert "Did you mean 'text_column'?" in message
    assert "Valid keys: source, text_column, id_column" in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('clean = "maybe"', 'clean = \'maybe\' is not valid: expected one of "news", "none".'),
        ("k = 1", 'k = 1 is not valid: expected "auto" or a whole number of topics from 2.'),
        ('topic_method = "pca"', 'expected one of "nmf", "lda".'),
        ('genre = "poems"', 'expected one of "news", "speeches", "texts".'),
        ("ngrams = 9", "ngrams = 9 is not valid: expected a whole number from 1 to 5."),
        ('dedupe = "sometimes"', "dedupe = 'sometimes' is not valid: expected true or false."),
        ('group = ""', "group = '' is not valid: expected a column name"),
        ('events = "missing.toml"', "events = 'missing.toml': no such file ("),
        ('actors = "people.csv"', "actors = 'people.csv': no such file ("),
    ],
)
def test_bad_value_in_a_file_names_the_file_key_and_valid_values(tmp_path, line, expected):
    path = tmp_path / CONFIG_NAME
    path.write_text(line + "\n")
    with pytest.raises(ConfigError) as err:
        read_config(path)
    assert str(err.value).startswith(f"{path.resolve()}: ")
    assert expected in str(err.value)


def test_invalid_toml_and_tables_are_refused_with_the_file_named(tmp_path):
    path = tmp_path / CONFIG_NAME
    path.write_text("group = party\n")  # unquoted string
    with pytest.raises(ConfigError, match=r"analysis\.toml: not valid TOML"):
        read_config(path)
    path.write_text('[analysis]\ngroup = "party"\n')
    with pytest.raises(ConfigError, match=r"\[analysis\] is a table"):
        read_config(path)
    with pytest.raises(ConfigError, match="configuration file not found"):
        read_config(tmp_path / "nope.toml")


def test_bad_command_line_value_exits_2_naming_the_option(tmp_path, capsys):
    assert main(["corpus", "--source", str(tmp_path), "--clean", "maybe"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: command line: --clean = 'maybe' is not valid: expected one of "
                   '"news", "none".']
    assert main(["report", "--source", str(tmp_path), "--k", "eight"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--k = 'eight'" in err[0] and '"auto"' in err[0]


def test_bad_notebook_parameter_names_the_parameter():
    with pytest.raises(ConfigError, match=r"^notebook parameter: k = 'x' is not valid"):
        config_from_parameters({"k": "x"})
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        AnalysisConfig().updated(colour="red")


# --------------------------------------------------------------------------- loading


def test_corpus_command_takes_the_configured_columns(project, capsys):
    assert main(["corpus", "--source", str(project / "speeches.csv"), "--id-column",
                 "speech_no"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["doc_id", "party"]
    assert [line.split()[:2] for line in out[1:3]] == [["a", "x"], ["b", "y"]]
    assert out[-1] == "2 documents, 2 groups in 'party'"


def test_clean_none_keeps_every_line_and_reads_no_dateline(tmp_path):
    raw = "MOSCOW (AP) — Share:\nThe speech began.\n\nAdvertisement\n\nIt ended."
    table = tmp_path / "t.csv"
    pd.DataFrame({"no": ["s1"], "g": ["a"], "body": [raw]}).to_csv(table, index=False)
    kept = load_corpus(table, text_column="body", id_column="no", group="g", clean="none")
    # Hand layout: blank-line paragraphs, the lines of each joined by a space (as the news
    # profile lays out paragraphs); nothing removed, no agency.
    assert kept["doc_id"].tolist() == ["s1"]
    assert kept["text"].iloc[0] == ("MOSCOW (AP) — Share: The speech began.\n\nAdvertisement"
                                    "\n\nIt ended.")
    assert kept["n_removed"].iloc[0] == 0 and pd.isna(kept["source"].iloc[0])
    cleaned = load_corpus(table, text_column="body", id_column="no", group="g", clean="news")
    assert "Advertisement" not in cleaned["text"].iloc[0] and cleaned["n_removed"].iloc[0] > 0
    with pytest.raises(CorpusError, match=r"no id column 'speech_no'. Its columns are"):
        load_corpus(table, text_column="body", id_column="speech_no", group="g")


def test_sentence_sentiment_refuses_an_empty_default_group_and_lists_columns(tmp_path):
    table = tmp_path / "t.csv"
    pd.DataFrame({"party": ["a", "b"], "body": ["Good day.", "Bad day."]}).to_csv(table,
                                                                                   index=False)
    corpus = load_corpus(table, text_column="body", group="party", clean="none")
    with pytest.raises(CorpusError) as err:
        sentence_sentiment(corpus)  # default group "event": present, but every row missing
    assert "group column 'event' has no values" in str(err.value)
    assert "party" in str(err.value).split("columns with values:")[1]
    with pytest.raises(CorpusError, match=r"column\(s\) 'outlet' not found; the table has: "):
        sentence_sentiment(corpus, group="outlet")
    scored = sentence_sentiment(corpus, group="party")
    assert scored["party"].tolist() == ["a", "b"]


# --------------------------------------------------------------------------- notebooks


def suite_notebooks() -> list[Path]:
    from analysis.report.render import NOTEBOOK_PATTERN

    return sorted(p for p in config.NOTEBOOKS_DIR.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def test_every_notebook_declares_every_key_unset_in_its_parameters_cell():
    """Same names in all three places; None so the project file decides what is not given."""
    for path in suite_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        assert len(cells) == 1, path.name
        values = {node.targets[0].id: ast.literal_eval(node.value)
                  for node in ast.parse("".join(cells[0]["source"])).body
                  if isinstance(node, ast.Assign)}
        for key in ("config", *KEYS):
            assert key in values, f"{path.name} does not declare {key!r}"
            assert values[key] is None, f"{path.name} sets {key!r}: hidden default"


def seed_names() -> list[str]:
    """The seeds' event ids, labels, cities and datelines and the bundled actors' names."""
    events = tomllib.loads((config.SEEDS_DIR / "events.toml").read_text(encoding="utf-8"))
    names = [v for e in events["event"] for v in (e["id"], e["label"], e["city"], *e["datelines"])]
    actors = pd.read_csv(config.RESOURCES_DIR / "actors.csv", comment="#")
    names += sorted(set(actors.loc[actors["kind"] != "ignore", "actor"]))
    return names


def test_no_notebook_names_the_seeds_events_or_actors():
    """Prose and code name no event, place or actor of the seeds: such words come from data."""
    names = seed_names()
    assert {"Xi Jinping", "Vladimir Putin", "China", "Russia", "Ukraine", "Moscow",
            "Beijing"} <= set(names)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r"|Xi|Putin)\b")
    for path in suite_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"], 1):
            found = pattern.findall("".join(cell["source"]))
            assert not found, f"{path.name} cell {i} names {sorted(set(found))}"


# --------------------------------------------------------------------------- report


def test_report_injects_declared_keys_and_the_index_records_the_configuration(
        project, tmp_path_factory):
    import nbformat
    from bs4 import BeautifulSoup

    from analysis.report.render import render_report

    root = tmp_path_factory.mktemp("cfgsuite")
    (root / "nb").mkdir()
    params = nbformat.v4.new_code_cell("config = None\nsource = None\ntext_column = None\n"
                                       "group = None\nk = None\nfigures_dir = None")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Settings\n\nPrints what it was given."), params,
        nbformat.v4.new_code_cell("print(text_column, group, k, config is not None)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, root / "nb" / "00_settings.ipynb")
    out = render_report(config=project / CONFIG_NAME, k=8, out=root / "r",
                        figures_dir=root / "f", notebooks_dir=root / "nb", progress=None)
    executed = json.loads((out / "00_settings.ipynb").read_text())
    printed = "".join(executed["cells"][-1]["outputs"][0]["text"])
    assert printed == "body party 8 True\n"  # file: body, party; argument: k=8 over the file's 6
    injected = next(c for c in executed["cells"]
                    if "injected-parameters" in c["metadata"].get("tags", []))
    assert "clean" not in "".join(injected["source"])  # not declared here: not injected
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in index.select("table.config tr")}
    assert rows["Project file"] == [str((project / CONFIG_NAME).resolve())]
    assert rows["text_column"] == ["body", "project file"]
    assert rows["k"] == ["8", "render_report argument"]
    assert rows["clean"] == ["none", "default for genre texts"]
    assert 'group = "party"' in index.select_one("details pre").get_text()
