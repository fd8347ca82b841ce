"""Content: the typed model, the safe YAML loader, rich text and validation."""

from __future__ import annotations

from .loader import load_content
from .model import Action, Beneficiaries, Content, Funding, Photo, Programme

__all__ = ["Action", "Beneficiaries", "Content", "Funding", "Photo", "Programme", "load_content"]
