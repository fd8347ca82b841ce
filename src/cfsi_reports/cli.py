"""Command line: parse options, call validate/build, print. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import CfsiError, ContentError, Problem
from .messages import _

CONTENT = click.option(
    "--content",
    "content_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="Content folder (programme.yaml and actions/).",
)
STRICT = click.option(
    "--strict", is_flag=True, help="Fail on warnings too (for continuous integration)."
)
THEME = click.option(
    "--theme",
    "theme_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Theme file (default: the built-in theme).",
)


def _fail(exc: CfsiError, building: bool = False) -> None:
    if isinstance(exc, ContentError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        tail = "; nothing was written" if building else ""
        if all(p.warning for p in exc.problems):
            click.echo(
                _("{n} warning(s), which --strict turns into errors{tail}.").format(n=n, tail=tail),
                err=True,
            )
        else:
            click.echo(f"{n} problem{'s' if n > 1 else ''} found{tail}.", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


def _warn(warned: list[Problem]) -> None:
    for problem in warned:
        click.echo(str(problem), err=True)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cfsi-reports")
def main() -> None:
    """Build the CFSI programme brochure (PDF) and action fact sheets (Word) from YAML content."""


@main.command()
@CONTENT
@THEME
@STRICT
def validate(content_dir: Path, theme_file: Path | None, strict: bool) -> None:
    """Check every content file and report every problem at once (warnings too)."""
    try:
        content, _theme, warned = _load(content_dir, theme_file, strict)
    except CfsiError as exc:
        _fail(exc)
        return
    n = len(content.actions)
    if warned:
        click.echo(
            _("{folder}: programme and {n} actions are valid, with {w} warning(s).").format(
                folder=content_dir, n=n, w=len(warned)
            )
        )
    else:
        click.echo(f"{content_dir}: programme and {n} actions are valid.")


@main.command()
@CONTENT
@THEME
@STRICT
@click.pass_context
def fix(ctx: click.Context, content_dir: Path, theme_file: Path | None, strict: bool) -> None:
    """Quote texts containing ': ', indent with spaces, space 'key:value'; then validate."""
    from .content.loader import spans
    from .scaffold import fix_content

    try:
        changed = fix_content(content_dir)
    except CfsiError as exc:
        _fail(exc)
        return
    for f in changed:
        done = []
        if f.quoted:
            done.append(
                _("put in quotes the text on line(s) {lines}").format(lines=spans(f.quoted))
            )
        if f.spaced:
            done.append(
                _("added the space after the field name on line(s) {lines}").format(
                    lines=spans(f.spaced)
                )
            )
        if f.tabs:
            done.append(_("indented line(s) {lines} with spaces").format(lines=spans(f.tabs)))
        click.echo(f"{f.file}: {'; '.join(done)}")
    if not changed:
        click.echo(_("{folder}: nothing to fix").format(folder=content_dir))
    ctx.invoke(validate, content_dir=content_dir, theme_file=theme_file, strict=strict)


@main.command()
@CONTENT
def schema(content_dir: Path) -> None:
    """Write the JSON Schema of the content files, for editors that complete and check YAML."""
    from .scaffold import write_schemas

    try:
        written = write_schemas(content_dir)
    except CfsiError as exc:
        _fail(exc)
        return
    for path in written:
        click.echo(_("wrote {path}").format(path=path))


@main.command("list")
@CONTENT
@THEME
def list_actions(content_dir: Path, theme_file: Path | None) -> None:
    """Show the actions in order with their key figures and the programme totals."""
    from . import typography as ty

    try:
        content, theme, _warned = _load(content_dir, theme_file)
    except CfsiError as exc:
        _fail(exc)
        return
    loc = theme.locale(content.programme.language)
    rows = [("#", "slug", "lead", "months", "budget", "granted", "share", "countries")]
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
            "total",
            f"{t.partners} partners",
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
    summary = f"{len(t.countries)} countries"
    if home:  # the locale's home country, counted apart as the intro does, and named once
        others = len(t.countries) - 1
        summary += f": {ty.country_name(loc.home, loc)} and {others} other"
        summary += "s" if others != 1 else ""
    click.echo(f"\n{summary} ({', '.join(names)})" if names else f"\n{summary}")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


@main.command()
@CONTENT
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Folder for the documents.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "docx", "all"]),
    default=None,
    help="What to build (default: all; with --only: docx).",
)
@click.option(
    "--only", multiple=True, metavar="SLUG", help="Build only these actions (repeatable)."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: CPU count).",
)
@THEME
@click.option(
    "--docx-template",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A .docx whose styles, page setup, header and footer the fact sheets use.",
)
@click.option(
    "--pdf-standard",
    type=click.Choice(["none", "a-2b"]),
    default="none",
    show_default=True,
    help="Write the print brochure as PDF/A-2b (archival).",
)
@click.option(
    "--icc",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="CMYK ICC profile for the PDF/A output intent.",
)
@click.option("--force", is_flag=True, help="Rebuild every document, even unchanged ones.")
@STRICT
@click.option("--quiet", "-q", is_flag=True, help="Print errors only.")
def build(
    content_dir: Path,
    output_dir: Path,
    fmt: str | None,
    only: tuple[str, ...],
    jobs: int | None,
    theme_file: Path | None,
    docx_template: Path | None,
    pdf_standard: str,
    icc: Path | None,
    force: bool,
    strict: bool,
    quiet: bool,
) -> None:
    """Validate the content, then build the brochure and the fact sheets."""
    from .build import BuildOptions, run

    options = BuildOptions(
        content_dir=content_dir,
        output_dir=output_dir,
        formats=_formats(fmt, only),
        only=tuple(dict.fromkeys(only)),
        jobs=jobs or _default_jobs(),
        theme_file=theme_file,
        docx_template=docx_template,
        pdf_standard=None if pdf_standard == "none" else pdf_standard,
        icc=icc,
        force=force,
        quiet=quiet,
        strict=strict,
        warn=_warn,
    )
    try:
        summary = run(options, None if quiet else _progress())
    except CfsiError as exc:
        _fail(exc, building=True)
        return
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)
    if not quiet:
        _report(summary, output_dir)


def _progress():
    """Return a callback that reports each finished document."""
    stream = sys.stdout
    if stream.isatty():
        count = [0]

        def tick(done) -> None:
            count[0] += 1
            click.echo(f"\r[{count[0]}] {done.name}\x1b[K", nl=False)

        return tick

    def line(done) -> None:
        pages = f", {done.pages} pages" if done.pages else ""
        click.echo(f"wrote {done.name} ({_size(done.size)}{pages}, {done.seconds:.2f} s)")

    return line


def _report(summary, output_dir: Path) -> None:
    if sys.stdout.isatty() and summary.written:
        click.echo("\r\x1b[K", nl=False)
    pages = sum(d.pages or 0 for d in summary.written)
    size = sum(d.size for d in summary.written)
    parts = [f"{len(summary.written)} written", f"{len(summary.skipped)} unchanged"]
    if summary.written:
        parts.append(f"{pages} PDF pages" if pages else "")
        parts.append(_size(size))
    text = ", ".join(p for p in parts if p)
    click.echo(f"{output_dir}: {text} in {summary.seconds:.2f} s")


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _formats(fmt: str | None, only: tuple[str, ...]) -> frozenset[str]:
    if fmt is None:
        return frozenset({"docx"}) if only else frozenset({"pdf", "docx"})
    return frozenset({"pdf", "docx"}) if fmt == "all" else frozenset({fmt})


@main.command()
@click.argument("slug")
@CONTENT
@click.option(
    "--slug", "explicit", is_flag=True, help="Write 'slug:' in the file (default: from its name)."
)
def new(slug: str, content_dir: Path, explicit: bool) -> None:
    """Write a new action file that validates as is, every field commented in French."""
    from .scaffold import new_action

    try:
        path = new_action(content_dir, slug, explicit_slug=explicit)
    except CfsiError as exc:
        _fail(exc)
        return
    click.echo(f"wrote {path}; fill it in, then run: cfsi-reports validate")


@main.command()
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@THEME
@click.option("--language", default="fr", show_default=True, help="Locale of the labels.")
def template(target: Path, theme_file: Path | None, language: str) -> None:
    """Write the default Word template, to restyle and pass back with --docx-template."""
    from .docx import template_bytes
    from .output import write_atomic
    from .theme import DEFAULT_THEME, load_theme

    try:
        theme = load_theme(theme_file or DEFAULT_THEME)
        write_atomic(target, template_bytes(theme, theme.locale(language)))
    except CfsiError as exc:
        _fail(exc)
        return
    click.echo(
        f"wrote {target}; restyle it in Word, then: cfsi-reports build --docx-template {target}"
    )


@main.command("import")
@click.argument("sheets", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@CONTENT
@THEME
@click.option("--write", is_flag=True, help="Update the actions' YAML files (else: show only).")
@click.option(
    "--take",
    type=click.Choice(["sheet", "content"]),
    default=None,
    help="Settle conflicts: keep the sheet's value or the content file's.",
)
@click.option(
    "--accept-changes", is_flag=True, help="Import tracked changes as if all were accepted."
)
def import_(
    sheets: tuple[Path, ...],
    content_dir: Path,
    theme_file: Path | None,
    write: bool,
    take: str | None,
    accept_changes: bool,
) -> None:
    """Read edited fact sheets back and show (or --write) their edits into the content."""
    from .roundtrip.importer import ImportOptions, describe, import_sheets

    try:
        content, theme, _warned = _load(content_dir, theme_file)
        options = ImportOptions(write=write, take=take, accept_changes=accept_changes)
        results = import_sheets(list(sheets), content, theme, options)
    except CfsiError as exc:
        _fail(exc)
        return
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
            click.echo(_("  error: {problem}").format(problem=problem), err=True)
        for conflict in result.conflicts:
            built, now, ours = describe(conflict, locale)
            click.echo(
                _(
                    "  conflict: {field}: built {built}, now in the file {now}, in the sheet"
                    " {sheet}"
                ).format(field=conflict.label, built=built, now=now, sheet=ours),
                err=True,
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
                _(
                    "  {file} not written: {n} conflicts (decide with --take sheet or --take"
                    " content)"
                ).format(file=result.file, n=len(result.conflicts)),
                err=True,
            )
        elif result.problems:
            click.echo(_("  nothing written for this sheet"), err=True)
        elif not result.changes:
            click.echo(_("  no changes"))
        elif result.written:
            click.echo(_("  updated {file}").format(file=content_dir / str(result.file)))
        else:
            pending += 1
    if pending:
        click.echo(_("dry run: run again with --write to update the content files"))
    if any(r.failed for r in results):
        sys.exit(1)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM, SIGHUP: unwind like Ctrl-C (temporary files removed), exit 128 + signal."""
    raise SystemExit(128 + signum)


def run() -> None:
    """Entry point: a bug shows as one line naming it, not a traceback (CFSI_DEBUG=1 shows it)."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C, as click reports it
        click.echo("interrupted; the documents in place are unchanged", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted; the documents in place are unchanged", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("CFSI_DEBUG"):
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (CFSI_DEBUG=1 shows details)", err=True
        )
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    run()
