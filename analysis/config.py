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

#: File names looked for beside a folder of texts.
MANIFEST_NAME: str = "manifest.csv"
EVENTS_NAME: str = "events.toml"

#: Default grouping column of the corpus DataFrame.
DEFAULT_GROUP: str = "event"
#: Default text column of a table corpus.
DEFAULT_TEXT_COLUMN: str = "text"

#: Seed for every random procedure unless the caller passes ``random_state``.
RANDOM_STATE: int = 0
#: Bootstrap replicates for intervals.
N_BOOT: int = 2000
#: Width of every reported interval.
CI_LEVEL: float = 0.95

#: VADER's conventional thresholds (Hutto & Gilbert 2014).
VADER_POS: float = 0.05
VADER_NEG: float = -0.05
