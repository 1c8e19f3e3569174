"""Paths and defaults, defined once.

Every other module takes its folders and default options from here, so a change of layout
or of a default is one edit. Paths are resolved relative to the repository that holds the
installed (editable) package.

Examples
--------
>>> from analysis import config
>>> config.SEEDS_DIR.name
'seeds'
>>> config.DEFAULT_GROUP
'event'
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
REPO_ROOT: Path = PACKAGE_DIR.parent
RESOURCES_DIR: Path = PACKAGE_DIR / "resources"
SEEDS_DIR: Path = REPO_ROOT / "seeds"
NOTEBOOKS_DIR: Path = REPO_ROOT / "notebooks"
FIGURES_DIR: Path = REPO_ROOT / "figures"
REPORTS_DIR: Path = REPO_ROOT / "reports"
#: Where prepared stores go when the configuration names none (one folder per corpus and
#: settings; ``make clean`` removes them).
STORES_DIR: Path = REPO_ROOT / "build" / "stores"

#: File names looked for beside a folder of texts.
MANIFEST_NAME: str = "manifest.csv"
EVENTS_NAME: str = "events.toml"

#: Default grouping column of the corpus DataFrame.
DEFAULT_GROUP: str = "event"
#: Default text column of a table corpus.
DEFAULT_TEXT_COLUMN: str = "text"

#: Seed for every random procedure unless the caller passes ``random_state``.
RANDOM_STATE: int = 0

#: Most documents whose texts and per-sentence tables a text-level section reads whole; a
#: larger store gives those sections a reproducible sample of this many
#: (:func:`analysis.sampling.sample_stages`). The full report of 10,000 generated articles
#: peaked at 1.35 GB in one process (README, Performance), the largest measured within the
#: 2 GB the scale issue allows a client.
MAX_DOCUMENTS: int = 10_000
#: Bootstrap replicates for intervals.
N_BOOT: int = 2000
#: Width of every reported interval.
CI_LEVEL: float = 0.95

#: VADER's conventional thresholds (Hutto & Gilbert 2014).
VADER_POS: float = 0.05
VADER_NEG: float = -0.05


def beside(source: str | Path | None, name: str, *, folders_only: bool) -> str:
    """The file ``name`` beside a corpus (absolute path), or ``"none"`` when there is none.

    ``source`` is a folder of texts (the file is looked for in it), a table (in its folder,
    unless ``folders_only``) or ``None`` (the bundled seeds). This is what ``"auto"`` means for
    the ``manifest`` and ``events`` settings.

    Examples
    --------
    >>> beside(None, EVENTS_NAME, folders_only=False) == str(SEEDS_DIR / EVENTS_NAME)
    True
    >>> beside("/no/such/table.csv", MANIFEST_NAME, folders_only=True)
    'none'
    """
    path = Path(source) if source is not None else SEEDS_DIR
    if path.is_dir():
        folder = path
    elif folders_only:
        return "none"
    else:
        folder = path.parent
    candidate = folder / name
    return str(candidate.resolve()) if candidate.is_file() else "none"
