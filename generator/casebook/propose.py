"""「事例を提案する」: where a proposal goes (the forge's editors) and what the form in the browser needs.

The site's form checks what a contributor types with the rules of `casebook check`, so the
vocabulary it picks from is generated here from the same taxonomy, never copied by hand.
Which forge receives the file is MkDocs' own `repo_url` and `edit_uri`; nothing else is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from casebook.index import SiteIndex
from casebook.models import SUMMARY_MAX, Challenge, Keyword
from casebook.municipality import PREFECTURES
from casebook.routes import relative, resolve, url_for
from casebook.taxonomy import normalize_key

SAFE_URL_LENGTH = 8000
"""Longest new-file address the form opens with the content in it. Forges refuse much longer
addresses (414 or a blank editor), and encoded Japanese costs about nine characters a character."""

DEFAULT_SEND = "できたファイルを、このサイトを運営している担当部署にメールなどで送ってください。"
"""「送り方」 when the publishing organisation has not written its own (`send_instructions`)."""

# The editor's path segment on each forge, the new-file editor beside it, and whether that editor
# takes the file's content from the address (GitHub and Gitea: `value`; GitLab ignores it, gitlab#337038).
_EDITORS = (("/-/edit/", "/-/new/", False), ("/_edit/", "/_new/", True), ("/edit/", "/new/", True))


@dataclass(frozen=True)
class Forge:
    """The repository's web editors, from the project root (not docs/)."""

    edit_root: str
    """Prefix of an edit link: `https://github.com/o/r/edit/main/` + `cases/municipal/goka.yaml`."""
    new_root: str | None
    """Prefix of the new-file editor (`…/new/main/`), None when the forge has none we know."""
    prefill: bool
    """The new-file editor fills in the content given in the address."""

    def edit_url(self, path: str) -> str:
        """The editor of a file of the project (`cases/municipal/goka.yaml`)."""
        return self.edit_root + path


def forge_of(repo_url: str | None, edit_uri: str | None, docs_dir: str) -> Forge | None:
    """The forge of MkDocs' `repo_url` and `edit_uri` (which points at `docs_dir`), or None.

    Records live beside docs/, not in it, so the docs folder is taken off the end of the edit address.
    """
    if not repo_url or not edit_uri or "?" in edit_uri or "#" in edit_uri:
        return None
    base = urljoin(repo_url if repo_url.endswith("/") else repo_url + "/", edit_uri)
    docs = docs_dir.strip("/") + "/"
    root = base.removesuffix(docs) if docs != "./" and base.endswith("/" + docs) else base
    path = urlsplit(root).path
    for edit, new, prefill in _EDITORS:
        at = path.rfind(edit)
        if at >= 0:
            start = len(root) - len(path) + at
            return Forge(root, root[:start] + new + root[start + len(edit) :], prefill)
    return Forge(root, None, False)


def page_actions(url: str, source: str | None, forge: Forge | None) -> dict[str, str]:
    """The labelled buttons of a generated page (theme/partials/actions.html), as page metadata.

    `edit_href`: the editor of the page's record file (when the site names its repository);
    `edit_label`: that button's words; `propose_url`: 「事例を提案する」, on case pages.
    """
    actions = {"edit_href": forge.edit_url(source)} if source and forge is not None else {}
    route = resolve(url)
    if route is not None and route.kind == "case":
        actions |= {"edit_label": "この事例を編集", "propose_url": relative(url_for("propose"), url)}
    elif source:
        actions["edit_label"] = "この記録を編集"
    return actions


@dataclass(frozen=True)
class Contribution:
    """How this site takes proposals: the forge (if any), the 「送り方」 text, the records' folder."""

    forge: Forge | None = None
    send: str = ""
    cases_dir: str = "cases"


def form_data(index: SiteIndex, contribution: Contribution) -> dict[str, object]:
    """Everything the propose form needs beyond its own HTML: vocabulary, ids taken, where to send.

    Each term carries its matching keys (normalize_key of label, slug, aliases; and the reading for
    completion), so the browser matches as `casebook check` does without knowing the folding rules.
    """
    forge = contribution.forge
    taken = [v.id for v in index.cases] + [p.id for p in index.programs] + [o.id for o in index.others]
    return {
        "forge": None if forge is None or forge.new_root is None else {"new": forge.new_root, "prefill": forge.prefill},
        "send": contribution.send or DEFAULT_SEND,
        "casesDir": contribution.cases_dir.strip("/"),
        "safeUrlLength": SAFE_URL_LENGTH,
        "summaryMax": SUMMARY_MAX,
        "prefectures": list(PREFECTURES),
        "taken": sorted(taken),
        # Records name a keyword by its label and a challenge by its slug.
        "keywords": [_term(kv.keyword, kv.keyword.label) for kv in index.keywords],
        "challenges": [_term(cv.challenge, cv.challenge.slug) for cv in index.challenges],
    }


def _term(term: Keyword | Challenge, value: str) -> dict[str, object]:
    """A pickable term: what the record stores, what is shown, exact keys (label first), keys for completion."""
    exact = list(dict.fromkeys(normalize_key(s) for s in (term.label, term.slug, *term.aliases)))
    return {"value": value, "label": term.label, "keys": exact, "hints": [normalize_key(term.yomi)]}
