"""Click's own words (`Usage:`, `Options`, its error messages) in the user's language.

Click looks its messages up through gettext; we point its modules' `_` and `ngettext` to our
catalogue, which holds the translations of the messages listed below (`make messages` reads
these calls). A message of click not listed here stays in English.
"""

from __future__ import annotations

import importlib

from . import messages
from .messages import _, ngettext

MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def install() -> None:
    """Translate click's messages too, when the user's language is not English."""
    if messages.language() == "en":
        return
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def _listed() -> None:  # pragma: no cover - read by the extractor, never run
    _("Usage:")
    _("Options")
    _("Commands")
    _("Show this message and exit.")
    _("Show the version and exit.")
    _("Error: {message}")
    _("Try '{command} {option}' for help.")
    _("Invalid value for {param_hint}: {message}")
    _("Invalid value: {message}")
    _("Missing argument")
    _("Missing option")
    _("Missing parameter")
    _("Missing command.")
    _("No such command {name!r}.")
    _("No such option {name!r}.")
    _("Aborted!")
    _("default: {default}")
    _("Option {name!r} does not take a value.")
    _("{name} {filename!r} does not exist.")
    _("{name} {filename!r} is a directory.")
    _("{name} {filename!r} is a file.")
    _("{name} {filename!r} is not readable.")
    _("{value!r} is not a valid {number_type}.")
    _("{value} is not in the range {range}.")
    _("file")
    _("directory")
    _("path")
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    )
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
