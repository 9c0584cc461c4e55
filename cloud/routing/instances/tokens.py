"""The TSPLIB-style layout every benchmark file shares, read with its line numbers.

A file is header lines (`KEY : value`), then sections (`NAME_SECTION` and rows of numbers), then
`EOF`. Every value keeps the line it came from, so an error can name that line."""

from dataclasses import dataclass, field
from pathlib import Path


class InstanceError(ValueError):
    """A benchmark file that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Row:
    line: int
    values: tuple[str, ...]


@dataclass
class Layout:
    """What one file holds: header values and section rows, each with its line number."""

    file: str
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    sections: dict[str, list[Row]] = field(default_factory=dict)
    last_line: int = 0

    def error(self, line: int, message: str) -> InstanceError:
        return InstanceError(f"{self.file} line {line}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        if key in self.header:
            return self.header[key][0]
        if default is None:
            raise self.error(self.last_line, f"no {key} in the header")
        return default

    def integer(self, key: str, *, default: int | None = None, minimum: int = 1) -> int:
        """A header value that must be a whole number of at least `minimum`."""
        if key not in self.header:
            if default is None:
                raise self.error(self.last_line, f"no {key} in the header")
            return default
        value, line = self.header[key]
        number = _whole(value)
        if number is None or number < minimum:
            kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise self.error(line, f"{key} must be {kind}, got {value!r}")
        return number

    def section(self, name: str) -> list[Row]:
        if name not in self.sections:
            raise self.error(self.last_line, f"no {name} in the file")
        return self.sections[name]

    def numbers(self, row: Row, count: int, what: str) -> list[float]:
        """The first `count` values of a row as numbers (ids and amounts, coordinates)."""
        if len(row.values) < count:
            raise self.error(row.line, f"{what} needs {count} numbers, got {len(row.values)}")
        try:
            return [float(value) for value in row.values[:count]]
        except ValueError:
            raise self.error(row.line, f"{what} needs numbers, got {' '.join(row.values)!r}")

    def whole_numbers(self, row: Row, count: int, what: str) -> list[int]:
        values = self.numbers(row, count, what)
        if any(value != int(value) for value in values):
            raise self.error(row.line, f"{what} needs integers, got {' '.join(row.values)!r}")
        return [int(value) for value in values]


def read_layout(path: str | Path) -> Layout:
    """Split a file into header and sections; stops at EOF (which a complete file has)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InstanceError(f"{path.name}: cannot read: {error}") from None
    layout, section = Layout(path.name), None
    for number, raw in enumerate(lines, start=1):
        layout.last_line = number
        line = raw.strip()
        if not line:
            continue
        if line == "EOF":
            return layout
        first = line.replace(":", " ").split()[0].upper()
        if first.endswith("_SECTION"):  # "NODE_COORD_SECTION", some files add " :"
            section = first
            layout.sections[section] = []
        elif ":" in line and not _numeric(line.split(":")[0]):
            key, value = (part.strip() for part in line.split(":", 1))
            layout.header[key.upper()] = (value.strip('"').strip(), number)
            section = None
        elif section is None:
            raise layout.error(number, f"a row outside any section: {line!r}")
        else:
            layout.sections[section].append(Row(number, tuple(line.split())))
    if not lines:
        raise layout.error(1, "the file is empty")
    raise layout.error(layout.last_line, "the file ends without EOF (truncated?)")


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
