"""cfsi-reports: print brochure and editable fact sheets from structured content."""

from __future__ import annotations

__version__ = "0.1.0"
