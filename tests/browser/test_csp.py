"""The packaged site under its own Content-Security-Policy, served by nginx with the shipped sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitecheck import NGINX, nginx

pytestmark = pytest.mark.browser

# Reported by the page itself (and so also for violations the console does not show).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module")
def base(kb_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if NGINX is None:
        pytest.skip("nginx がありません（Debian の nginx パッケージ。`make test` が apt-get で入れます）")
    with nginx(kb_package, tmp_path_factory.mktemp("nginx-csp")) as url:
        yield url


@pytest.mark.parametrize("path", ["", "cases/goka/", "search/?q=研修"])
def test_pages_work_under_the_policy_without_violations(browser: Any, base: str, path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(base + path)
    assert response is not None and "frame-ancestors" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    # Material's inline scripts ran: they set the palette and the scope used for its local storage.
    assert page.evaluate("typeof __md_scope") == "object"
    assert page.evaluate("document.body.dataset.mdColorScheme") is not None
    if path.startswith("search/"):
        # Selectors, not wait_for_function: that evaluates a string, which this very policy forbids.
        page.wait_for_selector("#cb-search[data-ready='true'][data-busy='false']", timeout=15000)
        assert page.locator(".cb-result__title").count() > 0  # Pagefind's WebAssembly ran
    assert page.evaluate("window.__violations") == []
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []
    context.close()
