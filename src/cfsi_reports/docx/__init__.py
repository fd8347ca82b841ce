"""Editable Word fact sheets, one per action, styled by a template generated from the theme."""

from __future__ import annotations

from .sheet import FactSheetRenderer
from .template import template_bytes

__all__ = ["FactSheetRenderer", "template_bytes"]
