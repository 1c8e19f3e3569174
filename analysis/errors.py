"""Exceptions and warnings shown to users.

Every error a user can cause by pointing the suite at bad input is a :class:`CorpusError`
whose message names the file or column and says what to do. Library-internal failures are
never the user-facing error.

Examples
--------
>>> from analysis.errors import CorpusError
>>> str(CorpusError("seeds/x.txt: file is empty. Remove it or add text."))
'seeds/x.txt: file is empty. Remove it or add text.'
"""

from __future__ import annotations


class CorpusError(ValueError):
    """Bad input: a missing path, an unreadable file, a bad manifest, column or grouping."""


class CorpusWarning(UserWarning):
    """Input was usable but something about it needs the user's attention."""


class DesignWarning(UserWarning):
    """The comparison can be computed but the design (group sizes) limits what it shows."""
