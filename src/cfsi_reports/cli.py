"""Command line: parse options, call validate/build, print. Nothing else lives here.

Every option that a project file (`cfsi.yaml`) can hold defaults to None here: the value
typed on the command line wins, then the project file's, then the built-in default.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, clickwords
from .errors import CfsiError, ContentError, Problem
from .messages import _, decimal, ngettext, reason
from .project import PDF_STANDARDS, Project, load_project

clickwords.install()  # click's own words (Usage:, Options) in the user's language too

CONTENT = click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=_(
        "Content folder (programme.yaml and actions/); default: the project file's, or ./content."
    ),
)
THEME = click.option(
    "--theme",
    "theme_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help=_("Theme file (default: the project file's, or the built-in theme)."),
)
STRICT = click.option(
    "--strict", is_flag=True, help=_("Fail on warnings too (for continuous integration).")
)


def _fail(exc: CfsiError, building: bool = False) -> NoReturn:
    if isinstance(exc, ContentError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        if all(p.warning for p in exc.problems):
            if building:
                text = ngettext(
                    "{n} warning, which --strict turns into an error; nothing was written.",
                    "{n} warnings, which --strict turns into errors; nothing was written.",
                    n,
                )
            else:
                text = ngettext(
                    "{n} warning, which --strict turns into an error.",
                    "{n} warnings, which --strict turns into errors.",
                    n,
                )
        elif building:
            text = ngettext(
                "{n} problem found; nothing was written.",
                "{n} problems found; nothing was written.",
                n,
            )
        else:
            text = ngettext("{n} problem found.", "{n} problems found.", n)
        click.echo(text.format(n=n), err=True)
    else:
        click.echo(_("error: {message}").format(message=exc), err=True)
    sys.exit(exc.exit_code)


def _warn(warned: list[Problem]) -> None:
    for problem in warned:
        click.echo(str(problem), err=True)


def _project() -> Project:
    """Return the project file found from the current folder upwards (or an empty one)."""
    try:
        project = load_project()
    except CfsiError as exc:
        _fail(exc)
    from . import messages

    if project.messages:  # already read by messages at start; this makes it certain
        messages.set_language(project.messages)
    return project


def _content(project: Project, content_dir: Path | None) -> Path:
    return content_dir or project.content or Path("content")


def _theme(project: Project, theme_file: Path | None) -> Path | None:
    return theme_file or project.theme


def _load(content_dir: Path, theme_file: Path | None, strict: bool = False):
    from .checks import check
    from .content import load_content
    from .theme import DEFAULT_THEME, load_theme

    content = load_content(content_dir)
    theme = load_theme(theme_file or DEFAULT_THEME)
    warned = check(content, theme)
    if strict and warned:
        raise ContentError(warned)
    _warn(warned)
    return content, theme, warned


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    help=_(
        "Build the CFSI programme brochure (PDF) and action fact sheets (Word) from YAML content."
    ),
)
@click.version_option(
    __version__, prog_name="cfsi-reports", message=_("%(prog)s, version %(version)s")
)
def main() -> None:
    pass


@main.command(help=_("Check every content file and report every problem at once (warnings too)."))
@CONTENT
@THEME
@STRICT
def validate(content_dir: Path | None, theme_file: Path | None, strict: bool) -> None:
    project = _project()
    folder = _content(project, content_dir)
    try:
        _check_labels(project, _theme(project, theme_file))
        content, _theme_file, warned = _load(folder, _theme(project, theme_file), strict)
    except CfsiError as exc:
        _fail(exc)
    n = len(content.actions)
    if warned:
        text = ngettext(
            "{folder}: programme and {n} action are valid, with {warnings}.",
            "{folder}: programme and {n} actions are valid, with {warnings}.",
            n,
        )
        w = len(warned)
        text = text.replace("{warnings}", ngettext("{w} warning", "{w} warnings", w))
    else:
        text = ngettext(
            "{folder}: programme and {n} action are valid.",
            "{folder}: programme and {n} actions are valid.",
            n,
        )
    click.echo(text.format(folder=folder, n=n, w=len(warned)))
    from .checks import notes

    for note in notes(content):  # worth a look, not wrong: neither a warning nor --strict
        click.echo(str(note))


@main.command(
    help=_(
        "Quote texts containing ': ', indent with spaces, space 'key:value', write figures"
        " typed with their unit as numbers ('24 mois': 24); then validate."
    )
)
@CONTENT
@THEME
@STRICT
@click.pass_context
def fix(
    ctx: click.Context, content_dir: Path | None, theme_file: Path | None, strict: bool
) -> None:
    from .content.loader import spans
    from .scaffold import fix_content

    folder = _content(_project(), content_dir)
    try:
        changed = fix_content(folder)
    except CfsiError as exc:
        _fail(exc)
    for f in changed:
        # What was done, on which lines: each message says its own plural.
        said = (
            (f.quoted, lambda n: ngettext(
                "put in quotes the text on line {lines}",
                "put in quotes the texts on lines {lines}", n)),
            (f.spaced, lambda n: ngettext(
                "added the space after the field name on line {lines}",
                "added the space after the field names on lines {lines}", n)),
            (f.tabs, lambda n: ngettext(
                "indented line {lines} with spaces", "indented lines {lines} with spaces", n)),
            (f.requoted, lambda n: ngettext(
                "mended the quotes of the text on line {lines}",
                "mended the quotes of the texts on lines {lines}", n)),
            (f.figures, lambda n: ngettext(
                "wrote the figure on line {lines} as a number alone",
                "wrote the figures on lines {lines} as numbers alone", n)),
        )  # fmt: skip
        done = [say(len(lines)).format(lines=spans(lines)) for lines, say in said if lines]
        click.echo(f"{f.file}: {'; '.join(done)}")
    if not changed:
        click.echo(_("{folder}: nothing to fix").format(folder=folder))
    ctx.invoke(validate, content_dir=folder, theme_file=theme_file, strict=strict)


@main.command(
    help=_("Write the JSON Schema of the content files, for editors that complete and check YAML.")
)
@CONTENT
def schema(content_dir: Path | None) -> None:
    from .scaffold import write_schemas

    try:
        written = write_schemas(_content(_project(), content_dir))
    except CfsiError as exc:
        _fail(exc)
    for path in written:
        click.echo(_("wrote {path}").format(path=path))


@main.command(
    "list", help=_("Show the actions in order with their key figures and the programme totals.")
)
@CONTENT
@THEME
def list_actions(content_dir: Path | None, theme_file: Path | None) -> None:
    from . import typography as ty

    project = _project()
    try:
        content, theme, _warned = _load(_content(project, content_dir), _theme(project, theme_file))
    except CfsiError as exc:
        _fail(exc)
    loc = theme.locale(content.programme.language)
    rows = [
        (
            "#",
            _("slug"),
            _("lead"),
            _("months"),
            _("budget"),
            _("granted"),
            _("share"),
            _("countries"),
        )
    ]
    for i, a in enumerate(content.actions, 1):
        rows.append(
            (
                str(i),
                a.key,
                _clip(a.lead, 28),
                str(a.duration_months),
                ty.money(a.funding.budget, loc),
                ty.money(a.funding.granted, loc),
                ty.percent(a.funding.share, loc),
                " ".join(a.countries or ()),
            )
        )
    t = content.totals
    rows.append(
        (
            "",
            _("total"),
            ngettext("{n} partner", "{n} partners", t.partners).format(n=t.partners),
            "",
            ty.money(t.budget, loc),
            ty.money(t.granted, loc),
            ty.percent(t.share, loc),
            f"{len(t.countries)}",
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {3, 4, 5, 6}
    for n, row in enumerate(rows):
        if n == len(rows) - 1:
            click.echo("  ".join("-" * w for w in widths))
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        click.echo("  ".join(cells).rstrip())
    from .present import collation_key

    home = loc.home if loc.home in t.countries else None
    others_codes = [c for c in t.countries if c != home]
    names = sorted((ty.country_name(c, loc) for c in others_codes), key=collation_key)
    count = len(t.countries)
    if home:  # the locale's home country, counted apart as the intro does, and named once
        others = count - 1
        summary = ngettext(
            "{n} countries: {home} and {others} other",
            "{n} countries: {home} and {others} others",
            others,
        ).format(n=count, home=ty.country_name(loc.home, loc), others=others)
    else:
        summary = ngettext("{n} country", "{n} countries", count).format(n=count)
    click.echo(f"\n{summary} ({', '.join(names)})" if names else f"\n{summary}")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def _build_options(func: Any) -> Any:
    """The options `build` and `watch` share."""
    for option in reversed(
        [
            CONTENT,
            click.option(
                "--output",
                "output_dir",
                type=click.Path(path_type=Path, file_okay=False),
                default=None,
                help=_("Folder for the documents; default: the project file's, or ./output."),
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["pdf", "docx", "all"]),
                default=None,
                help=_("What to build (default: all; with --only: docx)."),
            ),
            click.option(
                "--only",
                multiple=True,
                metavar="SLUG",
                help=_("Build only these actions (repeatable)."),
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                default=None,
                help=_("Worker processes (default: CPU count)."),
            ),
            THEME,
            click.option(
                "--docx-template",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                default=None,
                help=_("A .docx whose styles, page setup, header and footer the fact sheets use."),
            ),
            click.option(
                "--pdf-standard",
                type=click.Choice(PDF_STANDARDS),
                default=None,
                help=_(
                    "Standard of the print brochure: x-4 (PDF/X-4, print), a-2b (PDF/A-2b, "
                    "archival), both; default: auto, PDF/X-4 when a CMYK output profile is found."
                ),
            ),
            click.option(
                "--icc",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                default=None,
                help=_("CMYK output ICC profile of the printing condition (the output intent)."),
            ),
            click.option(
                "--force", is_flag=True, help=_("Rebuild every document, even unchanged ones.")
            ),
            click.option("--quiet", "-q", is_flag=True, help=_("Print errors only.")),
            STRICT,
        ]
    ):
        func = option(func)
    return func


def _check_labels(project: Project, theme_file: Path | None) -> None:
    """Refuse label overrides the locale does not have, with their lines."""
    if not project.labels:
        return
    from .build import DEFAULT_LANGUAGE
    from .project import check_labels
    from .theme import DEFAULT_THEME, load_theme

    theme = load_theme(theme_file or DEFAULT_THEME)
    check_labels(project, set(theme.locale(DEFAULT_LANGUAGE).labels))


def _options(project: Project, params: dict[str, Any]):
    """Merge the command line over the project file into BuildOptions (raise CfsiError)."""
    from .build import BuildOptions

    _check_labels(project, _theme(project, params["theme_file"]))
    only = params["only"]
    standard = params["pdf_standard"] or project.pdf_standard or "auto"
    return BuildOptions(
        content_dir=_content(project, params["content_dir"]),
        output_dir=params["output_dir"] or project.output or Path("output"),
        formats=_formats(params["fmt"], only),
        only=tuple(dict.fromkeys(only)),
        jobs=params["jobs"] or _default_jobs(),
        theme_file=_theme(project, params["theme_file"]),
        docx_template=params["docx_template"] or project.docx_template,
        pdf_standard=standard,
        icc=params["icc"] or project.icc,
        force=params["force"],
        strict=params["strict"],
        warn=_warn,
        labels=tuple(project.labels.items()),
    )


@main.command(help=_("Validate the content, then build the brochure and the fact sheets."))
@_build_options
def build(**params: Any) -> None:
    from .build import run

    project = _project()
    try:
        options = _options(project, params)
    except CfsiError as exc:
        _fail(exc)
    quiet = params["quiet"]
    if project.path and not quiet:
        click.echo(_("project file: {path}").format(path=project.path), err=True)
    try:
        summary = run(options, _Progress(quiet).hooks())
    except CfsiError as exc:
        _fail(exc, building=True)
    _notes(summary, options)
    if not quiet:
        click.echo(_report(summary, options.output_dir))


def _notes(summary: Any, options: Any) -> None:
    for note in summary.notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    for name, kept, gone in summary.kept:
        if gone:
            message = _(
                "kept {name}: edited since it was built, and its action is no longer in the"
                " content (renamed or removed?)"
            )
        else:
            message = _("kept {name} (edited since it was built) as {kept}")
        command = f"cfsi-reports import {options.output_dir / kept} --content {options.content_dir}"
        click.echo(
            (message + _("; bring its edits into the content with: {command}")).format(
                name=name, kept=kept, command=command
            ),
            err=True,
        )


class _Progress:
    """Documents done of total; no time estimate (a build's documents differ too much)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.count = 0
        self.todo = 0
        self.continued = False  # the second build of `watch`: the others were just written

    def hooks(self):
        from .build import Progress

        return Progress(planned=self.planned, done=self.done)

    def planned(self, todo: int, total: int) -> None:
        self.todo, self.count = todo, 0
        if self.quiet or todo == 0:
            return
        if total > todo and not self.continued:
            click.echo(
                ngettext(
                    "{todo} of {total} document to build, the others are current",
                    "{todo} of {total} documents to build, the others are current",
                    todo,
                ).format(todo=todo, total=total)
            )
        if sys.stdout.isatty():
            self.bar = click.progressbar(
                length=todo,
                label=_("building"),
                show_eta=False,
                show_percent=False,
                show_pos=True,
                item_show_func=lambda name: name,
                file=sys.stdout,
            )
            self.bar.__enter__()

    def done(self, done: Any) -> None:
        self.count += 1
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(1, done.name)
            if self.count == self.todo:
                self.bar.__exit__(None, None, None)
                self.bar = None
            return
        if done.pages:
            text = ngettext(
                "wrote {name} ({size}, {pages} page, {seconds} s) [{count}/{todo}]",
                "wrote {name} ({size}, {pages} pages, {seconds} s) [{count}/{todo}]",
                done.pages,
            )
        else:
            text = _("wrote {name} ({size}, {seconds} s) [{count}/{todo}]")
        click.echo(
            text.format(
                name=done.name,
                size=_size(done.size),
                pages=done.pages,
                seconds=decimal(done.seconds),
                count=self.count,
                todo=self.todo,
            )
        )


def _report(summary: Any, output_dir: Path) -> str:
    written = len(summary.written)
    pages = sum(d.pages or 0 for d in summary.written)
    parts = [
        ngettext("{n} written", "{n} written", written).format(n=written),
        ngettext("{n} unchanged", "{n} unchanged", len(summary.skipped)).format(
            n=len(summary.skipped)
        ),
    ]
    if written:
        if pages:
            parts.append(ngettext("{n} PDF page", "{n} PDF pages", pages).format(n=pages))
        parts.append(_size(sum(d.size for d in summary.written)))
    return _("{folder}: {parts} in {seconds} s").format(
        folder=output_dir, parts=", ".join(parts), seconds=decimal(summary.seconds)
    )


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return _("{n} KB").format(n=decimal(n / 1024, 0))
    return _("{n} MB").format(n=decimal(n / 1024 / 1024, 1))


def _formats(fmt: str | None, only: tuple[str, ...]) -> frozenset[str]:
    if fmt is None:
        return frozenset({"docx"}) if only else frozenset({"pdf", "docx"})
    return frozenset({"pdf", "docx"}) if fmt == "all" else frozenset({fmt})


@main.command(help=_("Build, then rebuild what changed each time a file is saved (Ctrl-C stops)."))
@_build_options
def watch(**params: Any) -> None:
    from .watch import Watcher

    project = _project()
    quiet = params["quiet"]
    try:
        options = dataclasses.replace(_options(project, params), preview=True)
        watcher = Watcher(options, project.path)
    except CfsiError as exc:
        _fail(exc)
    if project.path and not quiet:
        click.echo(_("project file: {path}").format(path=project.path), err=True)

    def build_once() -> None:
        try:
            summary = _preview_then_print(watcher.options, quiet)
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            click.echo(
                ngettext(
                    "{n} problem found; the documents are those of the last good build.",
                    "{n} problems found; the documents are those of the last good build.",
                    n,
                ).format(n=n),
                err=True,
            )
        except CfsiError as exc:
            click.echo(_("error: {message}").format(message=exc), err=True)
            click.echo(_("The documents are those of the last good build."), err=True)
        else:
            _notes(summary, watcher.options)
            if not quiet:
                click.echo(_report(summary, watcher.options.output_dir))

    def reload(changed: set[Path]) -> None:
        if watcher.project_file not in changed:
            return
        try:
            watcher.update(dataclasses.replace(_options(load_project(), params), preview=True))
        except CfsiError as exc:  # a broken project file: say so, keep the last settings
            for line in str(exc).splitlines():
                click.echo(line, err=True)
            click.echo(
                _("The project file has mistakes; its last good settings are kept."), err=True
            )

    try:
        watcher.start()
        watcher.warm_up()
        build_once()
        click.echo(
            _("Watching {folders} for changes; press Ctrl-C to stop.").format(
                folders=", ".join(str(_shown(p)) for p in watcher.shown())
            )
        )
        for changed in watcher.changes():
            names = ", ".join(sorted(str(_shown(p)) for p in changed))
            click.echo(_("changed: {files}").format(files=names))
            reload(changed)
            build_once()
    except KeyboardInterrupt:
        watcher.stop()
        click.echo(_("Stopped watching."))
        leave(0)


def _preview_then_print(options: Any, quiet: bool) -> Any:
    """Build what is looked at first (screen brochure, sheets), then the print brochure.

    Two builds: a build writes its documents together once all are rendered, so the print
    brochure, the longest, would hold the others back.
    """
    from .build import Summary, run

    first = run(dataclasses.replace(options, skip=frozenset({"print"})), _Progress(quiet).hooks())
    if "pdf" not in options.formats:
        return first
    # The same content again: its warnings were shown by the first build.
    later = _Progress(quiet)
    later.continued = bool(first.written)
    second = run(dataclasses.replace(options, warn=None), later.hooks())
    written = first.written + second.written
    names = {d.name for d in written}
    return Summary(
        written=written,
        skipped=[name for name in second.skipped if name not in names],
        notes=list(dict.fromkeys(first.notes + second.notes)),
        seconds=first.seconds + second.seconds,
        warnings=second.warnings,
    )


def _shown(path: Path) -> Path:
    """Name a file relative to the current folder when it is below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@main.command(
    help=_("Write a new action file that validates as is, every field commented in French.")
)
@click.argument("slug")
@CONTENT
@click.option(
    "--slug",
    "explicit",
    is_flag=True,
    help=_("Write 'slug:' in the file (default: from its name)."),
)
def new(slug: str, content_dir: Path | None, explicit: bool) -> None:
    from .scaffold import new_action

    project = _project()
    try:
        path = new_action(_content(project, content_dir), slug, explicit_slug=explicit)
    except CfsiError as exc:
        _fail(exc)
    click.echo(_("wrote {path}; fill it in, then run: cfsi-reports validate").format(path=path))


@main.command(
    help=_(
        "Start a new programme project in DIR (default: the current folder, if empty):"
        " a project file, content to fill in."
    )
)
@click.argument("directory", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    from .scaffold import init_project

    here = directory.resolve() == Path.cwd().resolve()
    if here:  # `init`, `init .`, `init ../this`: named plainly in every message
        directory = Path.cwd()
    try:
        written = init_project(directory)
    except CfsiError as exc:
        _fail(exc)
    click.echo(_("Created the project {folder}:").format(folder=directory))
    for path in written:
        click.echo(f"  {path.relative_to(directory)}")
    steps = _(
        "Next steps:\n"
        "  cfsi-reports validate      check the content\n"
        "  cfsi-reports build         write output/brochure.pdf and output/fact-sheets/\n"
        "  cfsi-reports new SLUG      add an action, then fill it in\n"
        "  cfsi-reports watch         rebuild each time a file is saved"
    )
    if not here:
        steps = steps.replace("\n", f"\n  cd {directory}\n", 1)  # a command: not translated
    click.echo(steps)


@main.command(
    help=_("Write the default Word template, to restyle and pass back with --docx-template.")
)
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@THEME
@click.option("--language", default="fr", show_default=True, help=_("Locale of the labels."))
def template(target: Path, theme_file: Path | None, language: str) -> None:
    from .docx import template_bytes
    from .output import write_atomic
    from .theme import DEFAULT_THEME, load_theme

    project = _project()
    try:
        theme = load_theme(_theme(project, theme_file) or DEFAULT_THEME)
        write_atomic(target, template_bytes(theme, theme.locale(language)))
    except CfsiError as exc:
        _fail(exc)
    click.echo(
        _(
            "wrote {path}; restyle it in Word, then: cfsi-reports build --docx-template {path}"
        ).format(path=target)
    )


@main.command(
    "import",
    help=_("Read edited fact sheets back and show (or --write) their edits into the content."),
)
@click.argument(
    "sheets", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@CONTENT
@THEME
@click.option("--write", is_flag=True, help=_("Update the actions' YAML files (else: show only)."))
@click.option(
    "--take",
    type=click.Choice(["sheet", "content"]),
    default=None,
    help=_("Settle conflicts: keep the sheet's value or the content file's."),
)
@click.option(
    "--accept-changes", is_flag=True, help=_("Import tracked changes as if all were accepted.")
)
def import_(
    sheets: tuple[Path, ...],
    content_dir: Path,
    theme_file: Path | None,
    write: bool,
    take: str | None,
    accept_changes: bool,
) -> None:
    from .checks import check
    from .content import load_content
    from .roundtrip.importer import ImportOptions, describe, import_sheets
    from .theme import DEFAULT_THEME, load_theme

    project = _project()
    content_dir = _content(project, content_dir)
    try:
        content = load_content(content_dir)
        theme = load_theme(_theme(project, theme_file) or DEFAULT_THEME)
        warned = check(content, theme)
        options = ImportOptions(write=write, take=take, accept_changes=accept_changes)
        results = import_sheets(list(sheets), content, theme, options)
    except CfsiError as exc:
        _fail(exc)
        return
    # Only the warnings of the actions these sheets touch: the others are build's business.
    _warn([p for p in warned if p.file in {r.file for r in results if r.file}])
    locale = theme.locale(content.programme.language)
    pending = 0
    for result in results:
        target = f" -> {content_dir / result.file}" if result.file else ""
        click.echo(f"{result.sheet}{target}")
        for label, author, text in result.comments:
            click.echo(
                _("  comment on {field} by {author}: {text}").format(
                    field=label, author=author or _("(unknown)"), text=" ".join(text.split())
                )
            )
        for problem in result.problems:
            click.echo(_("  error: {problem}").format(problem=problem))
        for conflict in result.conflicts:
            built, now, ours = describe(conflict, locale)
            click.echo(
                _(
                    "  conflict: {field}: built {built}, now in the file {now}, in the sheet"
                    " {sheet}"
                ).format(field=conflict.label, built=built, now=now, sheet=ours)
            )
        for change in result.changes:
            click.echo(f"  {change.label} : {', '.join(describe(change, locale))}")
        for conflict in result.kept:
            click.echo(_("  kept the content file's {field}").format(field=conflict.label))
        for note in result.notes:
            click.echo(_("  note: {note}").format(note=note))
        if result.accepted:
            click.echo(_("  tracked changes accepted in {n} paragraphs").format(n=result.accepted))
        if result.conflicts:
            click.echo(
                ngettext(
                    "  {file} not written: {n} conflict (decide with --take sheet or --take"
                    " content)",
                    "  {file} not written: {n} conflicts (decide with --take sheet or --take"
                    " content)",
                    len(result.conflicts),
                ).format(file=result.file, n=len(result.conflicts))
            )
        elif result.problems:
            click.echo(_("  nothing written for this sheet"))
        elif not result.changes:
            click.echo(_("  no changes"))
        elif result.written:
            click.echo(_("  updated {file}").format(file=content_dir / str(result.file)))
        else:
            pending += 1
    if pending:
        click.echo(_("dry run: run again with --write to update the content files"))
    failed = sum(1 for r in results if r.failed)
    if failed:
        click.echo(
            ngettext(
                "{n} of {m} sheets has errors or conflicts; nothing was written for it",
                "{n} of {m} sheets have errors or conflicts; nothing was written for them",
                failed,
            ).format(n=failed, m=len(results)),
            err=True,
        )
        sys.exit(1)


def leave(code: int) -> None:
    """Exit at once after an interruption, the output folder already put back in order.

    Every `finally` has run by then (temporary files removed, the folder's lock released),
    but a worker killed while it sent its result leaves the process pool's threads waiting
    on that pipe for ever, and a normal exit would wait for them.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM, SIGHUP: unwind like Ctrl-C (temporary files removed), exit 128 + signal."""
    raise SystemExit(128 + signum)


@main.command(
    "preflight",
    help=_("Check any PDF against the print shop's checklist; exit 1 if a check fails."),
)
@click.argument("pdf_file", metavar="FILE.pdf", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--profile",
    type=click.Choice(["print", "screen"]),
    default="print",
    show_default=True,
    help=_("print: boxes, bleed, CMYK, 300 ppi, total ink, PDF/X; screen: fonts, images."),
)
@click.option(
    "--tac",
    type=click.FloatRange(100, 400),
    default=None,
    help=_("Total ink limit in percent (default: the output profile's, else 300)."),
)
def preflight_command(pdf_file: Path, profile: str, tac: float | None) -> None:
    from .errors import UsageError
    from .preflight import PROFILES, preflight

    try:
        try:
            data = pdf_file.read_bytes()
        except OSError as exc:
            raise UsageError(
                _("{file}: cannot be read: {reason}").format(file=pdf_file, reason=reason(exc))
            ) from None
        report = preflight(data, PROFILES[profile], tac=tac, name=str(pdf_file))
    except CfsiError as exc:
        _fail(exc)
        return
    width = max(len(c.name) for c in report.checks)
    for check in report.checks:
        click.echo(f"{check.status:<4}  {check.name:<{width}}  {check.detail}")
    failed = len(report.failed)
    summary = (
        _("{file}: {n} checks failed ({profile} profile)")
        if failed
        else _("{file}: every check passed ({profile} profile)")
    )
    click.echo(summary.format(file=pdf_file, n=failed, profile=profile))
    sys.exit(1 if failed else 0)


def run() -> None:
    """Entry point: a bug shows as one line naming it, not a traceback (CFSI_DEBUG=1 shows it)."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        main(standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C (click reports it as Abort)
        click.echo(_("interrupted; the documents in place are unchanged"), err=True)
        leave(130)
    except SystemExit as exc:  # SIGTERM, SIGHUP (_stop), after the same unwinding
        if isinstance(exc.code, int) and exc.code > 128:
            leave(exc.code)
        raise
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("CFSI_DEBUG"):
            raise
        click.echo(
            _("internal error: {kind}: {message} (CFSI_DEBUG=1 shows details)").format(
                kind=type(exc).__name__, message=exc
            ),
            err=True,
        )
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    run()
