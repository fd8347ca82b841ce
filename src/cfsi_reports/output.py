"""Writing documents: atomic replacement, stale temporary files, the build manifest."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import UsageError

TMP_MARK = ".tmp-"
MANIFEST = ".cfsi-manifest.json"
LOCK = ".cfsi-lock"


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the output folder for one build: a second build waits for no one, it stops."""
    import fcntl

    with open(folder / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(
                f"another build is writing to {folder}; try again when it ends"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_stale(folder: Path) -> int:
    """Remove temporary files a killed build left behind; return how many."""
    removed = 0
    for pattern in (f".*{TMP_MARK}*", f"fact-sheets/.*{TMP_MARK}*"):
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def read_manifest(folder: Path) -> dict[str, Any]:
    """Return the manifest of the previous build, or an empty one if it is not ours."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    documents = data.get("documents") if isinstance(data, dict) else None
    requests = data.get("requests", {}) if isinstance(data, dict) else None
    shapes_ok = (
        isinstance(documents, dict)
        and all(isinstance(k, str) and isinstance(v, dict) for k, v in documents.items())
        and isinstance(requests, dict)
        and all(
            isinstance(v, dict) and isinstance(v.get("documents"), dict) for v in requests.values()
        )
    )
    return data if shapes_ok else {}


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Record what each document was built from."""
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
    write_atomic(folder / MANIFEST, text.encode("utf-8") + b"\n")


def inside(folder: Path, target: Path) -> bool:
    """Tell whether `target` stays inside `folder` once links are resolved."""
    return target.resolve().is_relative_to(folder.resolve())
