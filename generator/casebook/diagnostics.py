"""Problems found in the records, and the one format every command prints them in."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from casebook.chars import visible


class Severity(StrEnum):
    """How bad a problem is: errors stop a build, warnings fail only `--strict`."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: `path:line:col: field: message — hint`."""

    path: str
    line: int
    col: int
    field: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """Compiler-style single line, as DESIGN §8 shows; record text cannot drive the terminal."""
        where = f"{self.path}:{self.line}:{self.col}"
        field = f" {self.field}:" if self.field else ""
        hint = f" — {self.hint}" if self.hint else ""
        label = "" if self.severity is Severity.ERROR else " 警告:"
        return visible(f"{where}:{label}{field} {self.message}{hint}")

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown on the changed line of a pull request."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" — {self.hint}"
        return f"::{kind} file={_property(self.path)},line={self.line},col={self.col}::{_data(text)}"


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does (escapeData), then made visible."""
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    """A workflow command's property value (escapeProperty): `:` and `,` would end it early."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


_OS_REASONS = {
    errno.ENOENT: "ファイルがありません",
    errno.EACCES: "読み取りの権限がありません",
    errno.EPERM: "読み取りの権限がありません",
    errno.EISDIR: "フォルダです",
    errno.ELOOP: "シンボリックリンクが循環しています",
}


def os_reason(exc: OSError) -> str:
    """The OS's reason in Japanese (strerror is in the system's language, usually English)."""
    return _OS_REASONS.get(exc.errno or 0, f"OS のエラー番号 {exc.errno}")


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as a reader should see it: relative to the project when possible, with `/`."""
    base = (root or Path.cwd()).resolve()
    # A symlinked record is shown where it stands (also when its target is gone), else where it leads.
    for candidate in (Path(os.path.abspath(path)), path.resolve()):
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return path.as_posix()


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """Order by file, then position, so output is stable across runs."""
    return (d.path, d.line, d.col, d.message)
