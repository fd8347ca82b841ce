"""Content: the typed model, the safe YAML loader, rich text and validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import load_content
    from .model import Action, Beneficiaries, Content, Funding, Photo, Programme

__all__ = ["Action", "Beneficiaries", "Content", "Funding", "Photo", "Programme", "load_content"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `content.yamlsafe` alone (the project file, a no-op build) does not
    # import the model, its loader and their checks (about 10 ms).
    if name == "load_content":
        from .loader import load_content

        return load_content
    if name in __all__:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
