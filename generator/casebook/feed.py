"""Atom feed of records by date added/updated, so readers see what contributors added."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from casebook.dates import parse_date
from casebook.index import SiteIndex

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"
FEED_SIZE = 50
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold even escaped (its `Char` production). The models refuse them;
the feed drops any that reach it anyway, because one of them makes the whole feed unreadable."""


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass(frozen=True)
class Update:
    """A record as the 新着・更新 list shows it."""

    url: str
    title: str
    who: str
    kind: str
    summary: str
    published: str
    updated: str

    @property
    def is_new(self) -> bool:
        """Added, rather than changed, on its latest date."""
        return self.published == self.updated


def updates(index: SiteIndex) -> list[Update]:
    """Every record, most recently updated first."""
    items = [
        Update(v.url, v.case.title, v.org_label, "事例", v.case.summary, v.case.published, v.case.updated)
        for v in index.cases
    ]
    items += [
        Update(
            p.url,
            p.program.title,
            p.program.operator,
            "支援制度",
            p.program.summary,
            p.program.published,
            p.program.updated,
        )
        for p in index.programs
    ]
    for o in index.others:
        summary = str(getattr(o.record, "summary", None) or getattr(o.record, "message", ""))
        items.append(Update(o.url, o.title, o.subtitle, o.kind_label, summary, o.record.published, o.record.updated))
    return sorted(
        items, key=lambda u: (parse_date(u.updated).last_day(), parse_date(u.published).last_day(), u.url), reverse=True
    )


def _stamp(value: str) -> str:
    day = parse_date(value).last_day()
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone(dt.timedelta(hours=9))).isoformat()


def atom_feed(index: SiteIndex, site_url: str, title: str) -> str:
    """The feed as text. Links are absolute when the site URL is known, else relative to the feed."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    items = updates(index)[:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "ja"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _xml(f"{title}（新着・更新）")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + FEED_PATH if base else "urn:casebook:feed"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(items[0].updated) if items else _stamp("2026-01-01")
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": base + FEED_PATH if base else FEED_PATH})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": base + "updates/" if base else "updates/"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = _xml(title)
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _xml(f"【{item.kind}】{item.title}（{item.who}）")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = base + item.url if base else f"urn:casebook:{item.url.strip('/')}"
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": base + item.url if base else item.url})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(item.published)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(item.updated)
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = _xml(item.summary)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
