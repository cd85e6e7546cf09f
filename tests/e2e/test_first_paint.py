"""No jump when a page appears (issue 14): the first paint is the final layout. Every page of the
router, loaded, reloaded and loaded again after a restart, in English (light, 1366×768) and German
(dark, 800×600); the cumulative layout shift of each load must be 0 (≤ 0.001 for sub-pixel
rounding). app/desktop/edge.py serves index.html with the layout's CSS in its <head>."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.shell import ROUTER
from tests.e2e.conftest import header, layout_shift, settle, shift_sources

PAGES = list(ROUTER.routes)  # "record" too: without a chosen record it shows its own empty state


CSP_WATCH = "window.__fbCsp = []; document.addEventListener('securitypolicyviolation', e => window.__fbCsp.push(e.violatedDirective + ' ' + e.blockedURI));"


def _loaded(page) -> float:
    expect(header(page)).to_be_visible()
    settle(page)
    page.wait_for_timeout(400)  # a late shift (a font, an image, a chart's size) still counts
    # The main area is transparent only while a widget's code is loading (app/desktop/edge.py).
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.get_by_test_id("stMainBlockContainer")).to_have_css("opacity", "1")
    assert page.evaluate("window.__fbCsp") == []  # the security policy blocked nothing the page needs
    return layout_shift(page)


@pytest.mark.parametrize(
    ("language", "theme", "width", "height"), [("en", "light", 1366, 768), ("de", "dark", 800, 600)], ids=["en-light-1366", "de-dark-800"]
)
def test_no_page_moves_when_it_appears(start_app, page, language, theme, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(CSP_WATCH)
    app = start_app(FIELDBOOK_LANGUAGE=language, FIELDBOOK_THEME=theme)
    moved = {}
    for name in PAGES:
        page.goto(f"{app.url}&page={name}")
        moved[f"{name} load"] = (_loaded(page), shift_sources(page))
        page.reload()
        moved[f"{name} reload"] = (_loaded(page), shift_sources(page))
    app.stop()
    again = start_app(app.home, FIELDBOOK_LANGUAGE=language, FIELDBOOK_THEME=theme)
    for name in PAGES:
        page.goto(f"{again.url}&page={name}")
        moved[f"{name} after restart"] = (_loaded(page), shift_sources(page))
    worst = {k: v for k, v in moved.items() if v[0] > 0.001}
    assert not worst, "\n".join(f"{k}: CLS {v[0]:.4f} {v[1]}" for k, v in worst.items())
