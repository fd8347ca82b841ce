"""`python -m cfsi_reports`: the same command line as `cfsi-reports`."""

from __future__ import annotations

from .cli import run

run()
