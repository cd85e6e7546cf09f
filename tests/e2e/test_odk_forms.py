"""A form as ODK users write it, brought in as they would: pyxform's spellings (old select syntax,
``gps``, ``relevance``, ``constraint message``, a note without a name, ``or_other``) in pyxform's
CSV layout, uploaded on the Projects page in headless Chromium against the real launcher. The
project is created; the record shows the fields; "Other" brings up its text field; what is typed
survives a reload. Layout shift is measured on load and while the form is filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import REPORT
from tests.e2e.conftest import choose, create_project, layout_shift, main, settle

pytestmark = pytest.mark.e2e

FORM = """survey,type,name,label,relevance,constraint,constraint message
,start,start,,,,
,today,today,,,,
,note,,Count the nests along the transect.,,,
,note,,This visit is recorded today.,${today} = today(),,
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


def project_from(start_app, page, form: Path, text: str, name: str):
    """A fresh app (no demo project) with project ``name`` created from the form ``text``, opened."""
    form.write_text(text, encoding="utf-8")
    app = start_app(None, FIELDBOOK_DEMO_PROJECT="false")
    page.goto(app.url)
    settle(page)
    create_project(page, name, form)
    return app


def killed_and_restarted(start_app, app, page):
    """kill -9 of the app, a new start on the same data, the page opened again: the app now."""
    app.kill()
    app = start_app(app.home)
    page.goto(app.url)
    settle(page)
    return app


def test_an_odk_form_in_pyxform_spelling_is_imported_and_works(start_app, page, tmp_path: Path):
    project_from(start_app, page, tmp_path / "nests.csv", FORM, "Nests")
    m = main(page)

    m.get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)  # late load-time shifts (lazy widget code) belong to the load
    before = layout_shift(page)
    expect(m.get_by_text("Count the nests along the transect.")).to_be_visible()  # the note without a name
    expect(m.get_by_label("start")).to_have_count(0)  # metadata: recorded, never asked
    expect(m.get_by_text("This visit is recorded today.")).to_be_visible()  # the new record's ${today}
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
    expect(m.get_by_text("This visit is recorded today.")).to_be_visible()  # the stored ${today} too
    REPORT.append(f"layout shift (CLS), an ODK form in pyxform spelling: filling it: {layout_shift(page) - before:.3f}")

    page.reload()
    settle(page)
    expect(m.get_by_role("combobox", name="Habitat")).to_have_value("Other")
    expect(m.get_by_label("Specify other.")).to_have_value("reed bed")
    expect(m.get_by_label("Nests")).to_have_value("5")


CASCADE = """survey,type,name,label,choice_filter
,select_one region,region,Region,
,select_one district,district,District,region=${region}
,text,remark,Remark,
choices,list_name,name,label,region
,region,north,North,
,region,south,South,
,district,hill,Hill,north
,district,moor,Moor,north
,district,lake,Lake,south
,district,dune,Dune,south
settings,form_title,form_id
,Districts,districts
"""


def offered(page, name: str = "District") -> list[str]:
    """The options a list (District) offers, read with the list open, then closed again."""
    box = main(page).get_by_role("combobox", name=name)
    for _ in range(5):
        box.click()
        try:
            page.get_by_role("option").first.wait_for(state="visible", timeout=2000)
            break
        except Exception:
            settle(page)
    names = page.get_by_role("option").all_inner_texts()
    page.mouse.click(1, 300)  # a click beside it closes the list, as a user does
    page.get_by_role("option").first.wait_for(state="hidden")
    settle(page)
    return names


def test_a_cascading_select_follows_the_earlier_answer_and_flags_one_left_behind(start_app, page, tmp_path: Path):
    app = project_from(start_app, page, tmp_path / "districts.csv", CASCADE, "Districts")
    m = main(page)
    m.get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)
    before = layout_shift(page)

    choose(page, "Region", "North")
    assert offered(page) == ["Hill", "Moor"]
    choose(page, "District", "Moor")
    choose(page, "Region", "South")  # the earlier answer changes: Moor is no longer offered
    flag = "“Moor” does not fit the other answers and is no longer offered; choose again."
    expect(m.get_by_text(flag)).to_be_visible()
    expect(m.get_by_role("combobox", name="District")).to_have_value("Moor")  # kept, not dropped
    assert offered(page)[:2] == ["Lake", "Dune"]
    REPORT.append(f"layout shift (CLS), a cascading select: filtering and flagging: {layout_shift(page) - before:.3f}")

    m.get_by_role("button", name="Save as final").click()  # refused: the flagged answer must be chosen again
    expect(m.get_by_text("Not saved: “District” needs attention (see the message below it).")).to_be_visible()
    m.get_by_role("button", name="Save as draft").click()  # a draft keeps it, flagged
    expect(m.get_by_text("Saved as draft (version 2).")).to_be_visible()
    page.reload()
    settle(page)
    expect(m.get_by_role("combobox", name="District")).to_have_value("Moor")
    expect(m.get_by_text(flag)).to_be_visible()

    choose(page, "District", "Dune")
    expect(m.get_by_text(flag)).to_have_count(0)
    app = killed_and_restarted(start_app, app, page)  # kill -9 with the new answer not saved: it is in the draft
    expect(m.get_by_role("combobox", name="Region")).to_have_value("South")
    expect(m.get_by_role("combobox", name="District")).to_have_value("Dune")
    m.get_by_role("button", name="Save as final").click()
    expect(m.get_by_text("Saved as final (version 3).")).to_be_visible()


TYPES = """survey,type,name,label,default
,audio,call,Bird call,
,video,walk,Walk-through,
,barcode,tag,Ring number,
,trigger,seen,I have read the safety note,
,hidden,batch,,B-7
settings,form_title,form_id
,Bird ringing,ringing
"""


def test_odk_question_types_record_audio_video_and_codes_and_survive_a_kill(start_app, page, tmp_path: Path):
    """audio: recorded with the microphone (Chromium's fake one) or uploaded; video uploaded;
    barcode typed; trigger acknowledged; hidden kept without a widget. Reload, kill -9, restart."""
    import wave

    clip = tmp_path / "call.wav"
    with wave.open(str(clip), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000)
        out.writeframes(b"\x00\x01" * 8000)
    film = tmp_path / "walk.mp4"
    film.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    app = project_from(start_app, page, tmp_path / "ringing.csv", TYPES, "Ringing")
    m = main(page)
    m.get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)
    before = layout_shift(page)
    expect(m.get_by_label("batch")).to_have_count(0)  # hidden: a value, no widget
    uploaders = m.get_by_test_id("stFileUploader")
    expect(uploaders).to_have_count(2)
    expect(m.get_by_test_id("stAudioInput")).to_have_count(1)

    m.get_by_role("button", name="Record").click()  # the microphone: Chromium's fake device
    page.wait_for_timeout(1500)
    m.get_by_role("button", name="Stop recording").click()
    expect(m.get_by_text("call-")).to_be_visible(timeout=20_000)  # stored as the field's file
    settle(page)
    uploaders.nth(1).locator("input[type=file]").set_input_files(str(film))
    expect(m.get_by_text("walk.mp4 ·")).to_be_visible()
    m.get_by_label("Ring number").fill("EA 12345")
    m.get_by_label("Ring number").press("Enter")
    m.get_by_text("Yes", exact=True).click()
    settle(page)
    REPORT.append(f"layout shift (CLS), ODK question types: recording, uploading, typing: {layout_shift(page) - before:.3f}")

    page.reload()
    settle(page)
    expect(m.get_by_text("call-")).to_be_visible()
    uploaders.nth(0).locator("input[type=file]").set_input_files(str(clip))  # an upload replaces the recording
    settle(page)
    expect(m.get_by_text("call.wav ·")).to_be_visible()
    app = killed_and_restarted(start_app, app, page)
    expect(m.get_by_text("call.wav ·")).to_be_visible()
    expect(m.get_by_text("walk.mp4 ·")).to_be_visible()
    expect(m.get_by_label("Ring number")).to_have_value("EA 12345")
    expect(m.get_by_role("radio", name="Yes")).to_be_checked()
    m.get_by_role("button", name="Save as final").click()
    expect(m.get_by_text("Saved as final (version 2).")).to_be_visible()


LINES = """survey,type,name,label,calculation
,geotrace,route,Transect,
,geoshape,plot,Plot,
,calculate,metres,Walked (m),round(distance(${route}))
,calculate,tag,Plot tag,"concat(format-date-time(${start}, '%Y'), '-', substr(digest(${plot}, 'SHA-256', 'hex'), 0, 6))"
,start,start,,
settings,form_title,form_id,instance_name
,Plots,plots,"concat('Plot ', ${tag})"
"""


def test_a_line_and_an_area_are_typed_point_by_point_and_measured(start_app, page, tmp_path: Path):
    """geotrace and geoshape: one location per line (as the user's language writes it, or pasted
    as ODK writes it), the length or area shown below as the points are typed; too few points
    said in plain words. Reload, kill -9, restart, save."""
    app = project_from(start_app, page, tmp_path / "plots.csv", LINES, "Plots")
    m = main(page)
    m.get_by_role("button", name="New record").click()
    settle(page)
    page.wait_for_timeout(1500)
    before = layout_shift(page)
    plot = m.get_by_label("Plot")
    plot.fill("48.1, 11.5\n48.1, 11.501")
    expect(m.get_by_text("An area needs at least 3 points around it")).to_be_visible()
    plot.fill("48.1, 11.5\n48.1, 11.501\n48.101, 11.501\n48.101, 11.5")
    expect(m.get_by_text("4 points · area 8282 m²")).to_be_visible()
    expect(m.get_by_text("An area needs at least 3 points around it")).to_have_count(0)
    m.get_by_label("Transect").fill("48.1 11.5 520 5\n48.1 11.6 530 4")  # pasted as ODK writes it
    expect(m.get_by_text("2 points · length 7.45 km")).to_be_visible()
    expect(m.get_by_text("Walked (m): 7448")).to_be_visible()  # ODK's distance() on the line
    expect(m.get_by_text(re.compile(r"Plot tag: 20\d\d-[0-9a-f]{6}$"))).to_be_visible()  # format-date-time, substr, digest
    settle(page)
    REPORT.append(f"layout shift (CLS), lines and areas: typing points: {layout_shift(page) - before:.3f}")

    page.reload()
    settle(page)
    expect(m.get_by_text("4 points · area 8282 m²")).to_be_visible()
    app = killed_and_restarted(start_app, app, page)
    expect(m.get_by_text("2 points · length 7.45 km")).to_be_visible()
    m.get_by_role("button", name="Save as final").click()
    expect(m.get_by_text("Saved as final (version 2).")).to_be_visible()
    expect(m.get_by_label("Transect")).to_have_value("48.1, 11.5, 5\n48.1, 11.6, 4")  # the saved points, as English writes them
    m.get_by_role("button", name="List").click()  # instance_name: the record's name in the list
    settle(page)
    (record,) = offered(page, "Open a record")
    assert re.search(r" · Final · Plot 20\d\d-[0-9a-f]{6}$", record), record
