"""Generated page body → HTML and table of contents, without Python-Markdown.

Generated pages are raw HTML blocks plus template headings (`## 概要`, `## 近畿 {: #kinki }`).
Python-Markdown spent half of a 5,000-case build re-parsing that HTML with `html.parser` only to
pass it through unchanged; this module does the one thing that remains, headings, in a single pass.

Safety rests on the renderer: record text is HTML-escaped and cannot span lines (newlines become
`&#10;`), so every line starts with template text and a line starting with `#` is always a
template heading, never a record's.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TypedDict

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+\{:[ \t]*#([^\s}]+)[ \t]*\})?[ \t]*$")
_TAGS = re.compile(r"</?[^>]*>")
_NOT_SLUG = re.compile(r"[^\w\- ]")
_COUNTED = re.compile(r"^(.*)_([0-9]+)$")
ANCHOR_ID = re.compile(r"""\sid=["']([^"']+)["']""")


class TocToken(TypedDict):
    """One heading of the table of contents, in Python-Markdown's `toc_tokens` shape."""

    level: int
    id: str
    name: str
    children: list[TocToken]


def slugify(text: str) -> str:
    """Heading id, identical to `pymdownx.slugs.slugify(case="lower")` used for hand-written pages."""
    slug = _TAGS.sub("", unicodedata.normalize("NFC", text)).strip().lower()
    return _NOT_SLUG.sub("", slug).replace(" ", "-")


def _unique(ident: str, used: set[str]) -> str:
    # Python-Markdown's toc numbering: 概要, 概要_1, 概要_2 …
    while ident in used or not ident:
        m = _COUNTED.match(ident)
        ident = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{ident}_1"
    used.add(ident)
    return ident


def _nest(flat: list[TocToken]) -> list[TocToken]:
    root: list[TocToken] = []
    stack: list[TocToken] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def to_html(body: str) -> tuple[str, list[TocToken]]:
    """(HTML, nested table of contents) of a generated page body (front matter already removed)."""
    used = set(ANCHOR_ID.findall(body))
    out: list[str] = []
    flat: list[TocToken] = []
    for line in body.split("\n"):
        m = HEADING.match(line) if line.startswith("#") else None
        if m is None:
            out.append(line)
            continue
        marks, text, explicit = m.groups()
        text = text.rstrip("#").rstrip() or text  # closing hashes, as in `## 見出し ##`
        level = len(marks)
        if explicit:  # attr_list ids are taken as written
            ident = explicit
            used.add(ident)
        else:
            ident = _unique(slugify(html.unescape(text)), used)
        out.append(f'<h{level} id="{ident}">{text}</h{level}>')
        flat.append({"level": level, "id": ident, "name": text, "children": []})
    return "\n".join(out), _nest(flat)
