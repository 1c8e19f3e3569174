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


class NothingToShow(CorpusError):
    """The input is valid but holds nothing for this step to show.

    For example no term leans to either side of a comparison, or counting shared passages
    once leaves a group without text. A report says so on the page and goes on with the next
    section (:func:`analysis.tables.explain_if_empty`); a script gets the error, whose
    message says what was found and why nothing is shown.
    """


class CorpusWarning(UserWarning):
    """Input was usable but something about it needs the user's attention."""


class DesignWarning(UserWarning):
    """The comparison can be computed but the design (group sizes) limits what it shows."""
