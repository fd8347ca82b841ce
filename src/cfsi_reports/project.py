"""The project file, `cfsi.yaml`: where a programme's content, output and styles are.

It is found from the current folder upwards (as `pyproject.toml` or `mkdocs.yml` are), its
paths are relative to its own folder, and every option of the command line overrides it.
Unknown keys are errors with their line, as in content files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, ProjectError
from .messages import LANGUAGES, _, find_project_file, reason

PDF_STANDARDS = ("auto", "none", "x-4", "a-2b", "x-4,a-2b")  # pdf/tagging/standards.py

# key: (kind, what the user is told it holds)
FIELDS: dict[str, str] = {
    "content": "folder",
    "output": "folder",
    "theme": "file",
    "docx_template": "file",
    "pdf_standard": "choice",
    "icc": "file",
    "messages": "language",
    "labels": "labels",
}


@dataclass(frozen=True)
class Project:
    """What a project file says; `None` where it says nothing."""

    path: Path | None = None
    content: Path | None = None
    output: Path | None = None
    theme: Path | None = None
    docx_template: Path | None = None
    pdf_standard: str | None = None
    icc: Path | None = None
    messages: str | None = None
    labels: dict[str, Any] = field(default_factory=dict)
    label_lines: dict[str, int] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def load_project(start: Path | None = None) -> Project:
    """Find and read the project file above `start` (the current folder); none is fine."""
    path = find_project_file(start or Path.cwd())
    return Project() if path is None else read_project(_nice(path))


def read_project(path: Path) -> Project:
    """Read and check one project file; raise ProjectError with every problem at once."""
    from .content import yamlsafe

    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProjectError(
            [Problem(name, 0, "", _("cannot be read ({reason})").format(reason=reason(exc)))]
        ) from None
    except UnicodeDecodeError:
        raise ProjectError(
            [Problem(name, 0, "", _("is not UTF-8; save the file as UTF-8"))]
        ) from None
    try:
        located = yamlsafe.parse(text)
    except yamlsafe.YamlError as exc:
        raise ProjectError([Problem(name, exc.line, "", exc.message)]) from None
    data = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        raise ProjectError(
            [Problem(name, 1, "", _("expected keys such as 'content: content' (a mapping)"))]
        )
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    folder = path.parent

    def problem(key: str, message: str) -> None:
        problems.append(Problem(name, located.line_of((key,)), key, message))

    for key, value in data.items():
        kind = FIELDS.get(key)
        if kind is None:
            problem(
                key,
                _("unknown key (a typo? expected one of: {keys})").format(keys=", ".join(FIELDS)),
            )
            continue
        if kind == "labels":
            values["labels"], values["label_lines"] = _labels(value, located, name, problems)
            continue
        if not isinstance(value, str) or not value.strip():
            problem(key, _("expected text"))
            continue
        value = value.strip()
        if kind == "choice":
            if value not in PDF_STANDARDS:
                problem(
                    key,
                    _("{value!r} is not one of {choices}").format(
                        value=value, choices=", ".join(PDF_STANDARDS)
                    ),
                )
            values[key] = value
        elif kind == "language":
            if value.split("-")[0].lower() not in LANGUAGES:
                problem(
                    key,
                    _("{value!r} is not a language of the messages (expected: {choices})").format(
                        value=value, choices=", ".join(LANGUAGES)
                    ),
                )
            values[key] = value.split("-")[0].lower()
        else:
            target = _nice(folder / value)
            if kind == "file" and not target.is_file():
                problem(key, _("{path}: file not found").format(path=target))
            elif kind == "folder" and target.exists() and not target.is_dir():
                problem(key, _("{path}: is not a folder").format(path=target))
            elif key == "content" and not target.exists():
                problem(key, _("{path}: folder not found").format(path=target))
            values[key] = target
    if problems:
        raise ProjectError(problems)
    return Project(path=path, **values)


def _nice(path: Path) -> Path:
    """Return `path` relative to the current folder when it lies below it (shorter messages)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _labels(
    value: Any, located: Any, name: str, problems: list[Problem]
) -> tuple[dict[str, Any], dict[str, int]]:
    """Check `labels:`: each a text, or plural forms (`one:`, `other:`) of texts."""
    if value is None:
        return {}, {}
    if not isinstance(value, dict):
        problems.append(
            Problem(name, located.line_of(("labels",)), "labels", _("expected label: text lines"))
        )
        return {}, {}
    labels: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, text in value.items():
        line = located.line_of(("labels", key))
        lines[key] = line
        if (
            isinstance(text, dict)
            and text
            and all(
                f in ("zero", "one", "two", "few", "many", "other") and isinstance(t, str) and t
                for f, t in text.items()
            )
            and "other" in text
        ):
            labels[key] = dict(text)
        elif isinstance(text, str) and text.strip():
            labels[key] = text
        else:
            problems.append(
                Problem(
                    name,
                    line,
                    f"labels.{key}",
                    _("expected text, or plural forms 'one:' and 'other:'"),
                )
            )
    return labels, lines


def check_labels(project: Project, known: set[str]) -> None:
    """Refuse a label override the locale does not have (a typo would change nothing)."""
    unknown = sorted(k for k in project.labels if k not in known)
    if unknown and project.path is not None:
        raise ProjectError(
            [
                Problem(
                    str(project.path),
                    project.label_lines.get(key, 0),
                    f"labels.{key}",
                    _("unknown label (a typo? the locale has: {labels})").format(
                        labels=", ".join(sorted(known))
                    ),
                )
                for key in unknown
            ]
        )
