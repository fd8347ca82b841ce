"""Messages the tool speaks to its user, looked up in gettext catalogues.

Every user-facing message goes through `_()`, written in English with named placeholders:
`_("{file}: not found").format(file=path)`. The catalogues give the user's language.
"""

from __future__ import annotations


def _(message: str) -> str:
    """Return `message` in the user's language (English until the catalogues are wired)."""
    return message
