"""The packaged site under its own Content-Security-Policy, served by nginx with the shipped sample."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Reported by the page itself (and so also for violations the console does not show).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.mark.parametrize("path", ["", "cases/goka/", "search/?q=研修"])
def test_pages_work_under_the_policy_without_violations(browser: Any, kb_nginx: str, path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(kb_nginx + path)
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
