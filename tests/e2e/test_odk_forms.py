"""A form as ODK users write it, brought in as they would: pyxform's spellings (old select syntax,
``gps``, ``relevance``, ``constraint message``, a note without a name, ``or_other``) in pyxform's
CSV layout, uploaded on the Projects page in headless Chromium against the real launcher. The
project is created; the record shows the fields; "Other" brings up its text field; what is typed
survives a reload. Layout shift is measured on load and while the form is filled."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT
from tests.e2e.conftest import choose, create_project, layout_shift, main, settle

pytestmark = pytest.mark.e2e

FORM = """survey,type,name,label,relevance,constraint,constraint message
,note,,Count the nests along the transect.,,,
,select one from habitat or_other,habitat,Habitat,,,
,integer,nests,Nests,,. >= 0,No negative counts
,text,remark,Remark,${nests} > 3,,
,gps,where,Where,,,
choices,list_name,name,label
,habitat,hedge,Hedge
,habitat,field_edge,Field edge
settings,form_title,form_id
,Nest transect,nests
"""


def test_an_odk_form_in_pyxform_spelling_is_imported_and_works(start_app, page, tmp_path: Path):
    form = tmp_path / "nests.csv"
    form.write_text(FORM, encoding="utf-8")
    app = start_app(None, FIELDBOOK_DEMO_PROJECT="false")
    page.goto(app.url)
    settle(page)
    create_project(page, "Nests", form)  # and opened
    m = main(page)

    m.get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)  # late load-time shifts (lazy widget code) belong to the load
    before = layout_shift(page)
    expect(m.get_by_text("Count the nests along the transect.")).to_be_visible()  # the note without a name
    expect(m.get_by_label("Where")).to_be_visible()  # gps: a geopoint
    expect(m.get_by_label("Specify other.")).to_have_count(0)
    choose(page, "Habitat", "Other")  # or_other: pyxform's "other" choice and its text field
    m.get_by_label("Specify other.").fill("reed bed")
    m.get_by_label("Specify other.").press("Enter")
    settle(page)
    m.get_by_label("Nests").fill("-2")
    m.get_by_label("Nests").press("Enter")
    expect(m.get_by_text("No negative counts")).to_be_visible()  # "constraint message"
    m.get_by_label("Nests").fill("5")
    m.get_by_label("Nests").press("Enter")
    settle(page)
    expect(m.get_by_label("Remark")).to_be_visible()  # "relevance": shown once nests > 3
    REPORT.append(f"layout shift (CLS), an ODK form in pyxform spelling: filling it: {layout_shift(page) - before:.3f}")

    page.reload()
    settle(page)
    expect(m.get_by_role("combobox", name="Habitat")).to_have_value("Other")
    expect(m.get_by_label("Specify other.")).to_have_value("reed bed")
    expect(m.get_by_label("Nests")).to_have_value("5")
