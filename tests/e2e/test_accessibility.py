"""Accessibility (WCAG 2.2 AA) in the real app: axe-core finds no violation of impact serious or
critical on any page — English and German, light and dark, 1366×768 and 800×600 — and no
button label or number is cut or spills out of its box. A screenshot of each page in each of
those is kept in ``build/screenshots/``.

axe-core comes from the npm registry (``tests/e2e/axe/package.json``, installed by ``make``); it
is put into the page with ``page.evaluate`` (DevTools, not a script tag the app's security policy
would refuse) and run on the whole document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.shell import ROUTER
from tests.conftest import REPORT
from tests.e2e.conftest import open_row, settle

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = ((1366, 768), (800, 600))
SERIOUS = ("serious", "critical")
RUN_AXE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' '))}));
}"""


def _axe_source() -> str:
    if not AXE.exists():  # never a skip: make test installs it (npm ci), .ci/run installs npm
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/e2e/axe` (make test does)")
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, source: str) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in SERIOUS]


CUT_JS = """() => {
  const cut = [];
  const over = e => e.scrollWidth > e.clientWidth + 1;  // cut with an ellipsis, or wider than its box
  document.querySelectorAll('[data-testid="stMain"] button, [data-testid="stSidebar"] button').forEach(b => {
    if (!b.offsetParent) return;  // not shown (a closed popover's content)
    if (b.closest('[class*="st-key-fbicon-"]')) return;  // an icon button's label is hidden from sight on purpose
    const label = b.querySelector('[data-testid="stMarkdownContainer"]');
    const parts = label ? [label, ...label.querySelectorAll('*')] : [b];
    const box = b.getBoundingClientRect();
    const spills = label && (label.getBoundingClientRect().right > box.right + 1 || label.getBoundingClientRect().left < box.left - 1);
    if (parts.some(over) || spills) cut.push('button: ' + b.innerText.trim().slice(0, 60));
  });
  document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *').forEach(m => {
    if (m.offsetParent && over(m)) cut.push('number: ' + m.innerText.trim());
  });
  return [...new Set(cut)];
}"""
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def cut_texts(page: Any) -> list[str]:
    """Button labels and numbers that do not fit their box (cut with an ellipsis, or spilling over)."""
    return list(page.evaluate(CUT_JS))


def _pages() -> list[str]:
    return [name for name in ROUTER.routes if name != "record"]


@pytest.mark.parametrize(("lang", "theme"), [("en", "light"), ("de", "dark"), ("de", "light"), ("en", "dark")])
def test_no_serious_violation_on_any_page(start_app, page, lang, theme):
    source = _axe_source()
    app = start_app(None, FIELDBOOK_LANGUAGE=lang, FIELDBOOK_THEME=theme)
    found: dict[str, list[dict[str, Any]]] = {}
    cut: list[str] = []
    page.goto(app.url + "&page=home")
    settle(page)
    page.get_by_test_id("stMain").get_by_role("button", name={"en": "Open", "de": "Öffnen"}[lang]).first.click()  # the demo project
    settle(page)
    for name in [*_pages(), "record"]:
        if name == "record":  # the record editor of the first demo record, opened from the list
            page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
            page.goto(app.url + "&page=records")
            settle(page)
            open_row(page, 0, label={"en": "Notes", "de": "Bemerkungen"}[lang])
        else:
            page.goto(app.url + f"&page={name}")
        settle(page)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(500)  # the page marks what scrolls after 200 ms
            for v in violations(page, source):
                found.setdefault(f"{name} {width}×{height}", []).append(v)
            for text in cut_texts(page):
                cut.append(f"{name} {width}×{height}: {text}")
            SHOTS.mkdir(parents=True, exist_ok=True)  # for people to look at (issue 15, item 6)
            page.screenshot(path=str(SHOTS / f"{name}-{lang}-{theme}-{width}x{height}.png"), full_page=True)
    REPORT.append(f"axe serious/critical violations ({lang}, {theme}): {sum(len(v) for v in found.values())}; cut labels or numbers: {len(cut)}")
    assert not found, "\n".join(f"{where}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}" for where, vs in found.items() for v in vs)
    assert not cut, "\n".join(cut)
