"""Parse untrusted YAML into plain data, remembering the line of every value.

Only the data model of YAML is used: no tags beyond the core ones, no aliases
(the classic "billion laughs" expansion needs them), bounded depth and size.
Every scalar comes back as a string (or None for an empty value): the typed
model decides what a number is, which also avoids YAML 1.1 surprises such as
the country code `NO` turning into `False`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import line_of
from ..messages import _

try:  # LibYAML is several times faster; the pure-Python parser behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 16
MAX_NODES = 20_000  # the largest seed action holds about 60

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class ColonText(dict):  # type: ignore[type-arg]
    """A one-pair mapping YAML made of a plain line such as `Atelier n°1 : échanges`.

    It stays a mapping where the model expects one (`photo:` with only `file:`), and
    reads as the text written in the file where the model expects text.
    """

    source: str = ""


class YamlError(Exception):
    """A located YAML problem."""

    def __init__(self, line: int, message: str, path: Path = (), kind: str = "") -> None:
        self.line = line
        self.message = message
        self.path = path
        self.kind = kind  # "colon": a value with ': ' to quote; "indent": a misaligned key
        super().__init__(f"{line}: {message}")


@dataclass
class Located:
    """Parsed data plus the line where each value (or its key) sits."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    twice: list[YamlError] = field(default_factory=list)  # keys given twice, when asked

    def line_of(self, path: Path) -> int:
        """Return the line of `path`, or of its nearest ancestor that exists."""
        return line_of(self.lines, tuple(path))


def _bad_pattern() -> re.Pattern[str]:
    # Cc (less tab and newline), Cs, Co, the noncharacters and the two Unicode separators.
    ranges = [
        "\x00-\x08\x0b-\x1f\x7f-\x9f",
        "\ud800-\udfff",
        "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd",
        "\ufdd0-\ufdef\u2028\u2029",
    ]
    ranges += [chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)]
    return re.compile("[" + "".join(ranges) + "]")


_BAD = _bad_pattern()  # one regular-expression scan instead of a Python loop per character


def bad_character(text: str) -> str | None:
    """Return a description of the first character XML and PDF text cannot hold."""
    found = _BAD.search(text)
    if found is None:
        return None
    for ch in text[found.start() :]:
        if ch in "\t\n":
            continue
        cat = unicodedata.category(ch)
        code = ord(ch)
        if (
            cat in ("Cc", "Cs", "Co")
            or 0xFDD0 <= code <= 0xFDEF
            or (code & 0xFFFE) == 0xFFFE
            or ch in "\u2028\u2029"
        ):
            kind = {"Co": "private-use character", "Cs": "surrogate", "Cc": "control character"}
            name = unicodedata.name(ch, kind.get(cat, "noncharacter"))
            return f"U+{code:04X} ({name.lower()})"
    return None


def parse(
    text: str, keys: frozenset[str] = frozenset(), *, trusted: bool = False, twice: bool = False
) -> Located:
    """Parse one YAML document from `text`; raise YamlError on any problem.

    `keys` are the field names of the content files: a syntax error on a line that
    starts with one of them is named as an indentation mistake. `trusted` text (the
    package's own files) skips the scan that guards against hostile ones. With `twice`,
    keys given twice are listed in `Located.twice` (their second value left out) instead.
    """
    if not trusted:
        _prescan(text, keys)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _located(exc, text, keys) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlError(1, str(exc)) from None
    out = Located(None)
    if node is None:
        return out
    out.lines[()] = node.start_mark.line + 1
    counter = [0]
    out.data = _convert(node, (), out.lines, counter, text, out.twice if twice else None)
    return out


def _prescan(text: str, keys: frozenset[str]) -> None:
    """Refuse aliases, deep nesting and several documents before composing."""
    depth = 0
    documents = 0
    values = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                values += 1
                if values > MAX_NODES:  # before compose() builds them all in memory
                    raise YamlError(event.start_mark.line + 1, _too_many())
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(
                    event.start_mark.line + 1,
                    _(
                        "'*{anchor}' is read as a YAML alias, which content files do not use"
                        " (put text that starts with * or & in quotes)"
                    ).format(anchor=event.anchor),
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(
                        event.start_mark.line + 1,
                        _("nesting deeper than {most} levels (content files are shallow)").format(
                            most=MAX_DEPTH
                        ),
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(
                        event.start_mark.line + 1,
                        _("a second YAML document ('---'); one file holds one document"),
                    )
    except yaml.MarkedYAMLError as exc:
        raise _located(exc, text, keys) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlError(
            line,
            _("contains the character U+{code:04X}, which documents cannot hold").format(code=code),
            path_at(text, line),
        ) from None


def _too_many() -> str:
    return _("more than {most} values in one file").format(most=MAX_NODES)


def _joined_item(node: yaml.ScalarNode, text: str, path: Path) -> None:
    """Refuse `- b` that YAML joined to the text above because it is indented more."""
    lines = text.splitlines()
    for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        if lines[number].lstrip().startswith("- "):
            raise YamlError(
                number + 1,
                _(
                    "indentation mistake: this '- ' line is indented more than the line above,"
                    " so YAML joins it to that text (line up the '- ' of a list; for a list"
                    " inside a text, start the text with '|' on the line of its field)"
                ),
                path,
                "indent",
            )


def _one_line_pair(node: yaml.MappingNode, text: str) -> str | None:
    """Return the source of `key : value` on one line when a block mapping is only that."""
    if node.flow_style or len(node.value) != 1:
        return None
    key, value = node.value[0]
    if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)):
        return None
    if key.style or value.style or key.tag == _CORE + "merge":  # quoted or block scalars
        return None
    line = key.start_mark.line
    if not key.end_mark.line == value.start_mark.line == value.end_mark.line == line:
        return None
    source = text[key.start_mark.index : value.end_mark.index].rstrip()
    return None if bad_character(source) else source


def _convert(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    counter: list[int],
    text: str,
    twice: list[YamlError] | None = None,
) -> Any:
    """Return the data of `node`; a key given twice is raised, or with `twice` recorded
    there and its second value left out (the rest of the file is then still read)."""
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise YamlError(node.start_mark.line + 1, _too_many())
    line = node.start_mark.line + 1
    if node.tag not in _ALLOWED_TAGS:
        raise YamlError(
            line,
            _("the tag {tag!r} is not allowed (content files hold plain data)").format(
                tag=node.tag
            ),
            path,
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _CORE + "merge":
                raise YamlError(key_node.start_mark.line + 1, _("keys must be plain names"), path)
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key in result:
                mistake = YamlError(
                    key_line,
                    _(
                        "this key is given twice: already on line {line} (keep one of the two)"
                    ).format(line=lines[(*path, key)]),
                    (*path, key),
                )
                if twice is None:
                    raise mistake
                twice.append(mistake)
                continue
            lines[(*path, key)] = key_line
            result[key] = _convert(value_node, (*path, key), lines, counter, text, twice)
            lines[(*path, key)] = key_line
        source = _one_line_pair(node, text)
        if source is not None:
            colon = ColonText(result)
            colon.source = source
            return colon
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(item, (*path, index), lines, counter, text, twice))
        return items
    value = str(node.value)
    if node.tag == _CORE + "null" and _NULL.match(value):  # plain `~`, `null` or nothing
        return None
    if not node.style and node.end_mark.line > node.start_mark.line:
        _joined_item(node, text, path)
    if node.style in ("'", '"') and node.end_mark.line > node.start_mark.line:
        _run_on(node, text, path)
    bad = bad_character(value)
    if bad:
        raise YamlError(line, f"contains the character {bad}, which documents cannot hold", path)
    return value


def _run_on(node: yaml.ScalarNode, text: str, path: Path) -> None:
    """Refuse a quoted text that runs on over the next field: its quote was closed a line
    too late (`title: "Jardins` then `regions: Sénégal"` is one title for YAML)."""
    lines = text.splitlines()
    first = lines[node.start_mark.line]
    indent = len(first) - len(first.lstrip(" "))
    for number in range(node.start_mark.line + 2, node.end_mark.line + 2):
        later = lines[number - 1] if number <= len(lines) else ""
        field = _FIELD_LINE.match(later)
        if field and len(later) - len(later.lstrip(" ")) <= indent:
            message = _(
                "the text opened with {quote} on this line runs on over the field"
                " '{key}:' on line {line}: close it on this line, and take away the"
                " {quote} that ends line {end}"
            ).format(quote=node.style, key=field.group(2), line=number, end=node.end_mark.line + 1)
            if requote(lines, node.start_mark.line + 1) is not None:
                message += " (" + _("`cfsi-reports fix` does it") + ")"
            raise YamlError(node.start_mark.line + 1, message, path, "quote")


def _located(exc: yaml.MarkedYAMLError, text: str, keys: frozenset[str]) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    message = " ".join(part for part in (exc.context, exc.problem) if part)
    if "maximum nesting depth" in message:
        return YamlError(
            line, f"nesting deeper than {MAX_DEPTH} levels (content files are shallow)"
        )
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    path = path_at(text, line)
    for number, glued_line in enumerate(lines[:line], 1):
        glued = _NO_SPACE.match(glued_line)
        if glued and glued.group(3) in keys:  # YAML read `title:Échangeons` as one text
            return YamlError(
                number,
                _(
                    "a space is missing after '{key}:' (write '{key}: {value}';"
                    " `cfsi-reports fix` adds it)"
                ).format(key=glued.group(3), value=glued_line[glued.end() :].strip()),
                # YAML did not read it as a field: its name is the one glued to the value.
                (*(path_at(text, number)[:-1] if glued.group(1) else ()), glued.group(3)),
                "space",
            )
    opened = _misquoted(lines, line)
    if opened is not None:
        number, quote, after = opened
        end = _text_end(lines, number) if after is None else number
        if after is None and end > number:  # a text over several lines
            message = _(
                "the text opened with {quote} on this line is never closed: end it with"
                " {quote} where it ends, on line {end}"
            ).format(quote=quote, end=end)
        elif after is None:
            message = _(
                "the text opened with {quote} on this line is never closed: end it with"
                " {quote} on the same line"
            ).format(quote=quote)
        elif after[0].isalnum():  # l'école: an apostrophe inside a word
            inside = _("double it: ''") if quote == "'" else _('write it \\"')
            message = _(
                "the text in {quote} quotes ends at the {quote} before {after!r}: to keep a"
                " {quote} inside, {inside}, or put the text in the other quotes"
            ).format(quote=quote, after=after.split()[0].rstrip(quote), inside=inside)
        else:
            message = _(
                "words follow the closing {quote} ({after!r}): put them inside the quotes"
            ).format(quote=quote, after=after.strip())
        if requote(lines, number) is not None:
            message += " (" + _("`cfsi-reports fix` does it") + ")"
        return YamlError(number, message, path_at(text, number), "quote")
    misplaced = _misaligned_key(lines, line, keys)
    if misplaced and (
        "did not find expected key" in message
        or "did not find expected '-' indicator" in message
        or ("mapping values are not allowed" in message and mark and mark.column == misplaced[0])
    ):
        _column, key, indent, above = misplaced
        where = (
            _("indent it like '{key}:' on line {line}").format(key=above[1], line=above[0])
            if above
            else _("line it up with the fields around it")
        )
        how = _("more") if above and indent > above[2] else _("less")
        if above:
            path = (*path_at(text, above[0])[:-1], key)
        return YamlError(
            line,
            _(
                "indentation mistake: '{key}:' is indented {how} than the field above it"
                " (fields of one group line up: {where})"
            ).format(key=key, how=how, where=where),
            path,
            "indent",
        )
    if "\t" in source[: len(source) - len(source.lstrip())] or "'\\t'" in message:
        message += _(" (tabs cannot indent YAML: use spaces; `cfsi-reports fix` replaces them)")
        return YamlError(line, f"YAML syntax error: {message}", path, "tab")
    if "mapping values are not allowed" in message:
        return YamlError(
            line,
            _(
                "a text containing ': ' must be put in quotes for YAML, e.g. \"Atelier : échanges\""
                " (`cfsi-reports fix` adds the quotes)"
            ),
            path,
            "colon",
        )
    if "could not find expected ':'" in message and exc.context_mark is not None:
        # A line of text where a field was expected: often the second line of a list item
        # that YAML read as `key: value` because of its ' : '.
        line = exc.context_mark.line + 1
        return YamlError(
            line,
            _(
                "this line is neither a field ('name: value') nor part of the text above"
                " (indent it under the text it continues; a text containing ': ' goes in quotes)"
            ),
            path_at(text, line),
            "colon",
        )
    return YamlError(line, f"YAML syntax error: {message}", path)


# `title:Échangeons`: a field name glued to its value, which YAML reads as one text.
NO_SPACE = _NO_SPACE = re.compile(r"^( *)(- +)?([A-Za-z_][A-Za-z0-9_]*):(?=[^\s:/])")
_FIELD_LINE = re.compile(r"^( *)([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:\s|$)")


# A value that starts with a quote, after `key: ` or `- `: its quote and the rest of the line.
_QUOTED = re.compile(r"""^ *(?:- +)*(?:[A-Za-z_][A-Za-z0-9_]* *: +)?(["'])(.*)$""")
_BLOCK = re.compile(r"(?:^|:|-) +[|>][-+0-9]*(?: +#.*)?$")
_FLOW_QUOTE = re.compile(r"""[\[{,][ \t]*(?:[A-Za-z_][A-Za-z0-9_]*[ \t]*:[ \t]*)?(["'])""")
_CLOSES = {'"': re.compile(r'(?<!\\)(?:\\\\)*"'), "'": re.compile(r"'(?!')")}


def _misquoted(lines: list[str], line: int) -> tuple[int, str, str | None] | None:
    """Return the line and quote of a quoted text still open at line `line` (None after
    it), or closed too early (the words after it), if any.

    YAML lets a quoted text run on over the next lines, so a missing closing quote is
    reported far below, where the text happens to end (or at the end of the file); a quote
    inside the text (l'industrie) closes it, and YAML names the words after it.
    """
    number, block = 1, -1  # the indentation of a `key: |` whose text lines are skipped
    while number <= min(line, len(lines)):
        text = lines[number - 1]
        indent = len(text) - len(text.lstrip(" "))
        if block >= 0 and (indent > block or not text.strip()):
            number += 1
            continue
        block = indent if _BLOCK.search(text) else -1
        found = _QUOTED.match(text)
        if found is None:
            flow = next(
                (m for m in _FLOW_QUOTE.finditer(text) if m[1] not in text[m.end() :]), None
            )
            if flow is not None:  # ["SN] or {name: "Lyon}: never closed inside the brackets
                return number, flow[1], None
            number += 1
            continue
        quote, rest = found.groups()
        close = _CLOSES[quote]
        end = number
        while (closed := close.search(rest.replace("''", "  ") if quote == "'" else rest)) is None:
            end += 1
            if end > min(line, len(lines)):
                return number, quote, None
            rest = lines[end - 1]
            # The next field or list item, where the text would go on: the quote is missing.
            if len(rest) - len(rest.lstrip(" ")) <= indent and (
                _FIELD_LINE.match(rest) or rest.lstrip().startswith("- ")
            ):
                return number, quote, None
        after = rest[closed.end() :].rstrip()
        if after.strip() and not after.lstrip().startswith(("#", ":")) and end == number:
            note = _NOTE.search(rest)
            if note and note.start() < closed.start():  # `"Atelier  # le "grand" titre`
                return number, quote, None  # never closed before its comment
            return number, quote, after  # (a ':' after it: a key in quotes)
        number = end + 1
    return None


def requote(lines: list[str], number: int) -> list[tuple[int, str]] | None:
    """Return the lines to change and their new text, to mend the quoted value that starts
    on line `number` as its message says: closed where the text ends (its last line, before
    a comment; a quote that ended the next field instead goes), or put in the other quotes
    when a quote inside it closed it (l'école); None when the mending would be a guess
    (words after the closing quote, a value in brackets)."""
    line = lines[number - 1]
    found = _QUOTED.match(line)
    if found is None:
        return None
    quote = found.group(1)
    head = line[: found.start(2) - 1]
    text = line[found.start(2) :].rstrip("\r\n")
    newline = line[len(line.rstrip("\r\n")) :]
    value, tail = _split_note(text)
    if _CLOSES[quote].search(value.replace("''", "  ") if quote == "'" else value) is None:
        last = number if tail else _text_end(lines, number)
        if last > number:  # a text over several lines: closed on its last one
            end = lines[last - 1].rstrip("\r\n")
            value, tail = _split_note(end)
            return [(last, value.rstrip() + quote + tail + lines[last - 1][len(end) :])]
        mended = [(number, head + quote + value.rstrip() + quote + tail + newline)]
        later = lines[number] if number < len(lines) else ""
        body = later.rstrip("\r\n")
        if _FIELD_LINE.match(later) and body.endswith(quote) and quote not in body[:-1]:
            # It ran on over the next field (`regions: Sénégal"`): that quote goes.
            mended.append((number + 1, body[:-1].rstrip() + later[len(body) :]))
        return mended
    inner = value.rstrip()
    inner = inner[:-1] if inner.endswith(quote) else inner
    if quote == "'":
        inner = inner.replace("''", "'")
        # Only apostrophes inside words (l'école): another ' is where the text ends, a guess.
        if any(not (0 < i < len(inner) - 1 and inner[i - 1].isalnum() and inner[i + 1].isalnum())
               for i, c in enumerate(inner) if c == "'"):  # fmt: skip
            return None
        if '"' in inner or "\\" in inner:
            return None
        mended_value = '"' + inner + '"'
    else:
        mended_value = "'" + inner.replace("'", "''") + "'"
    return [(number, head + mended_value + tail + newline)]


def _split_note(text: str) -> tuple[str, str]:
    """Split a line's text from the comment after it, if any."""
    note = _NOTE.search(text)
    return (text[: note.start()], text[note.start() :]) if note else (text, "")


# A comment after a value: a space, then # and a space (« #2 » is text).
_NOTE = re.compile(r"[ \t]+#(?=[ \t]|$).*$")


def _text_end(lines: list[str], number: int) -> int:
    """Return the last line of the text that starts on line `number`: the lines after it
    indented more than it (blank lines between paragraphs included)."""
    indent = len(lines[number - 1]) - len(lines[number - 1].lstrip(" "))
    last = number
    for index in range(number, len(lines)):
        text = lines[index]
        if not text.strip():
            continue
        if len(text) - len(text.lstrip(" ")) <= indent:
            break
        last = index + 1
    return last


def _misaligned_key(
    lines: list[str], line: int, keys: frozenset[str]
) -> tuple[int, str, int, tuple[int, str, int] | None] | None:
    """If line `line` starts with a field name, return its colon column, the key, its
    indentation and the (line, key, indentation) of the field line above it."""
    if not keys or not 0 < line <= len(lines):
        return None
    match = _FIELD_LINE.match(lines[line - 1])
    if not match or match.group(2) not in keys:
        return None
    above = None
    for number in range(line - 1, 0, -1):
        previous = _FIELD_LINE.match(lines[number - 1])
        if previous and previous.group(2) in keys:
            above = (number, previous.group(2), len(previous.group(1)))
            break
    colon = lines[line - 1].index(":", match.end(2))
    if above is None or len(match.group(1)) != above[2]:
        return colon, match.group(2), len(match.group(1)), above
    return None


_KEY = re.compile(r"^(\s*)(?:- +)?([^\s#'\"\-][^:#]*?):(?:\s|$)")


def path_at(text: str, line: int) -> Path:
    """Guess the key path of a line from indentation (for errors raised before parsing)."""
    path: list[tuple[int, str]] = []
    for source in text.splitlines()[:line]:
        match = _KEY.match(source)
        if not match:
            continue
        indent = len(match.group(1))
        while path and path[-1][0] >= indent:
            path.pop()
        path.append((indent, match.group(2).strip()))
    return tuple(key for _, key in path)
