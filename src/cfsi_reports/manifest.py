"""The build manifest: what the tool last wrote in an output folder, and from what.

`<output>/.cfsi-manifest.json` records, for each document, the fingerprint of
its inputs and the hash, size and page count of the bytes written; and, for each
request (a set of options), the hash of every document it left, so that the same
request on the same inputs is a no-op without reading the content.

The file is untrusted: it is read without following a link, at most
`MAX_BYTES`, with bounded nesting, and only entries naming a file the tool
writes are kept. Anything else is ignored with a note, never a crash.

`Manifest.written(name)` answers « what did the tool last write here? », the
question a build asks before it replaces or removes a document a person may have
edited since:

    with OutputFolder(output_dir, create=False) as folder:
        manifest = Manifest.read(folder)
        edited = folder.sha256(name) not in (None, manifest.written(name))
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from .errors import Problem
from .messages import _
from .output import OutputFolder
from .renderers import is_document_name

FILE = ".cfsi-manifest.json"
MAX_BYTES = 16_000_000  # 5 000 sheets need about 2 MB
_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Entry:
    """One document as the tool wrote it."""

    fingerprint: str  # the hash of everything it was made from
    sha256: str  # the hash of its bytes
    size: int
    pages: int | None = None


@dataclass(frozen=True)
class Request:
    """What one set of options left in the folder."""

    inputs: str  # the quick hash of every input file
    documents: dict[str, str]  # name -> sha256
    warnings: list[Problem] = field(default_factory=list)  # shown again by a no-op build


@dataclass
class Manifest:
    tool: str = ""
    documents: dict[str, Entry] = field(default_factory=dict)
    requests: dict[str, Request] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was ignored while reading, and why

    # --- reading --------------------------------------------------------------

    @classmethod
    def read(cls, folder: OutputFolder) -> Manifest:
        """Read the folder's manifest; an absent, foreign or broken one reads as empty."""
        if not folder.exists(FILE):
            return cls()
        raw = folder.read(FILE, MAX_BYTES)
        note = _(
            "{path}: not a manifest of cfsi-reports (ignored; every document is rebuilt)"
        ).format(path=folder.path / FILE)
        if raw is None:
            return cls(notes=[note])
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's
            return cls(notes=[note])
        manifest = _parse(data)
        if manifest is None:
            return cls(notes=[note])
        if manifest.notes:
            where = folder.path / FILE
            manifest.notes = [
                _("{path}: {note}").format(path=where, note=n) for n in manifest.notes
            ]
        return manifest

    def written(self, name: str) -> str | None:
        """Return the sha256 of what the tool last wrote as `name`, if it knows."""
        entry = self.documents.get(name)
        return entry.sha256 if entry else None

    # --- deciding what is current --------------------------------------------

    def is_current(self, folder: OutputFolder, name: str, fingerprint: str) -> bool:
        """Tell whether `name` was built from these inputs and is still as written."""
        entry = self.documents.get(name)
        if entry is None or entry.fingerprint != fingerprint:
            return False
        return folder.sha256(name, entry.size) == entry.sha256

    def unchanged(
        self, folder: OutputFolder, request: str, inputs: str, tool: str
    ) -> list[str] | None:
        """Return the documents of `request` if it built them from `inputs` and they are intact.

        Another request that rewrote one of them (another theme, another date) makes
        this one build again.
        """
        previous = self.requests.get(request)
        if previous is None or previous.inputs != inputs or self.tool != tool:
            return None
        if not previous.documents:
            return None
        for name, sha in previous.documents.items():
            if folder.sha256(name) != sha:
                return None
        return sorted(previous.documents)

    # --- recording ------------------------------------------------------------

    def record(self, name: str, entry: Entry) -> None:
        self.documents[name] = entry

    def finish(
        self,
        folder: OutputFolder,
        tool: str,
        request: str,
        inputs: str,
        names: list[str],
        warnings: list[Problem],
    ) -> None:
        """Forget what is gone, keep the requests whose documents are all intact, add this one."""
        self.tool = tool
        self.documents = {n: e for n, e in self.documents.items() if folder.exists(n)}
        intact = {n: e.sha256 for n, e in self.documents.items()}
        self.requests = {
            key: value
            for key, value in self.requests.items()
            if key != request and all(intact.get(n) == sha for n, sha in value.documents.items())
        }
        documents = {n: intact[n] for n in names if n in intact}
        self.requests[request] = Request(inputs, documents, list(warnings))

    def orphans(self, planned: set[str], kind_file: str) -> list[str]:
        """Return the recorded documents of one writer's family that this build did not plan."""
        head, _, tail = kind_file.partition("{slug}")
        return sorted(
            n
            for n in self.documents
            if n not in planned and n.startswith(head) and n.endswith(tail)
        )

    def write(self, folder: OutputFolder) -> None:
        data = {
            "tool": self.tool,
            "documents": {n: asdict(e) for n, e in sorted(self.documents.items())},
            "requests": {
                k: {
                    "inputs": r.inputs,
                    "documents": dict(sorted(r.documents.items())),
                    "warnings": [asdict(w) for w in r.warnings],
                }
                for k, r in sorted(self.requests.items())
            },
        }
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
        folder.write(FILE, text.encode("utf-8") + b"\n")


def _parse(data: object) -> Manifest | None:
    """Return the typed manifest of `data`, None if it is not one of ours."""
    if not isinstance(data, dict):
        return None
    documents, requests = data.get("documents"), data.get("requests", {})
    if not isinstance(documents, dict) or not isinstance(requests, dict):
        return None
    manifest = Manifest(tool=data.get("tool") if isinstance(data.get("tool"), str) else "")
    dropped = 0
    for name, value in documents.items():
        entry = _entry(name, value)
        if entry is None:
            dropped += 1
        else:
            manifest.documents[name] = entry
    for key, value in requests.items():
        request = _request(value)
        if request is None:
            dropped += 1
        else:
            manifest.requests[str(key)] = request
    if dropped:
        manifest.notes.append(
            _("{count} entries naming files the tool does not write were ignored").format(
                count=dropped
            )
        )
    return manifest


def _entry(name: object, value: object) -> Entry | None:
    if not isinstance(name, str) or not is_document_name(name) or not isinstance(value, dict):
        return None
    fingerprint, sha, size, pages = (
        value.get(k) for k in ("fingerprint", "sha256", "size", "pages")
    )
    if not (isinstance(fingerprint, str) and _HEX.match(fingerprint)):
        return None
    if not (isinstance(sha, str) and _HEX.match(sha)):
        return None
    if type(size) is not int or size < 0:
        return None
    if pages is not None and (type(pages) is not int or pages < 0):
        return None
    return Entry(fingerprint, sha, size, pages)


def _request(value: object) -> Request | None:
    if not isinstance(value, dict):
        return None
    inputs, documents = value.get("inputs"), value.get("documents")
    if not isinstance(inputs, str) or not isinstance(documents, dict):
        return None
    if not all(
        isinstance(n, str) and is_document_name(n) and isinstance(s, str) and _HEX.match(s)
        for n, s in documents.items()
    ):
        return None
    items = value.get("warnings", [])
    warnings = [_problem(item) for item in items] if isinstance(items, list) else [None]
    if None in warnings:
        return None
    return Request(inputs, dict(documents), [w for w in warnings if w is not None])


def _problem(item: object) -> Problem | None:
    if not isinstance(item, dict) or set(item) - {"file", "line", "field", "message", "warning"}:
        return None
    try:
        problem = Problem(**item)
    except TypeError:
        return None
    types_ok = (
        isinstance(problem.file, str)
        and type(problem.line) is int
        and isinstance(problem.field, str)
        and isinstance(problem.message, str)
        and isinstance(problem.warning, bool)
    )
    return problem if types_ok else None
