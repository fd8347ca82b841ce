"""One exception family; each kind carries the exit code the command line uses."""

from __future__ import annotations

from dataclasses import dataclass

from .messages import _


@dataclass(frozen=True, order=True)
class Problem:
    """A located content mistake: `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str
    warning: bool = False  # legal but probably wrong: printed, fails only with --strict

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = (
            _("warning: {message}").format(message=self.message) if self.warning else self.message
        )
        return f"{where}: {self.field}: {message}" if self.field else f"{where}: {message}"


def field_name(path: tuple[str | int, ...]) -> str:
    """Name a field the way messages do: `funding.granted`, `partners[3]` (items from 1)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def line_of(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int:
    """Return the line of `path`, or of its nearest ancestor that has one."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


class CfsiError(Exception):
    """Base of every error a user may meet; never shown as a traceback."""

    exit_code = 1


class ContentError(CfsiError):
    """The content has mistakes; all of them are listed."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=_problem_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        return (type(self), (self.problems,))  # crosses from a worker process intact


class ProjectError(ContentError):
    """The project file (`cfsi.yaml`) has mistakes; all of them are listed, exit code 2."""

    exit_code = 2


class ConfigError(CfsiError):
    """A theme, locale or template file is unusable."""

    exit_code = 2


class UsageError(CfsiError):
    """The command asks for something that does not exist (an unknown slug, say)."""

    exit_code = 2


class RenderError(CfsiError):
    """A document could not be rendered; names the document."""

    exit_code = 3

    def __init__(self, document: str, reason: str) -> None:
        self.document = document
        self.reason = reason
        super().__init__(f"{document}: {reason}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.document, self.reason))  # crosses from a worker intact


def _problem_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.line, p.field, p.message)


class OutputError(CfsiError):
    """The output folder cannot take a document (read-only, full, a folder in the way)."""

    exit_code = 2
