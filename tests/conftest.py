"""Shared test setup: a non-interactive matplotlib backend and the bundled corpus."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")
