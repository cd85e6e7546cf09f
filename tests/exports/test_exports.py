"""Every export format read back with the library a user's tool would use, value by value.

The project has two form versions (a field removed, one added), empty values, non-ASCII text,
several choices, locations, a photo and a deleted record (which no export contains).
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from store.exports import FORMATS, UnknownFormat, export_project
from store.exports.atomic import temp_path
from store.exports.geojson_export import NoLocationField
from store.fielddata.projects import add_form_version, create_project
from store.fielddata.records import create_record, iter_records
from store.formdef import form_from_json
from tests.exports.helpers import USER, form, make_project

META = ["_id", "_status", "_version", "_form_version", "_created_at", "_created_by", "_updated_at", "_updated_by"]
FIELDS = ["observer", "count", "weight", "depth", "species", "habitat", "seen_on", "seen_at", "logged", "ringed",
          "loc_lat", "loc_lon", "loc_accuracy", "photo", "old_note"]
LABELS = {"robin": "Robin", "wren": "Wren", "tit": "Great tit", "forest": "Forest", "meadow": "Meadow", "water": "Open water"}


def expected_text(data: dict[str, Any], column: str, labels: bool) -> str:
    """What the CSV cell of ``column`` must hold for a record's ``data``."""
    if column.startswith("loc_"):
        loc = data.get("loc")
        value = loc.get(column[4:]) if loc else None
        return "" if value is None else (str(int(value)) if float(value).is_integer() else repr(value))
    value = data.get(column)
    if value is None or value == []:
        return ""
    if column == "species":
        return LABELS[value] if labels else value
    if column == "habitat":
        return "; ".join(LABELS[v] for v in value) if labels else " ".join(value)
    if column == "photo":
        return f"attachments/{value['sha256']}-nest.jpg"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


@pytest.fixture
def project(store, attachments):
    return make_project(store, attachments)


@pytest.mark.parametrize("labels", [True, False])
def test_csv_round_trips_every_value(store, attachments, project, tmp_path, labels):
    proj, data = project
    out = tmp_path / "out" / "birds.csv"
    result = export_project(store, proj.id, "csv", out, labels=labels)
    assert result.records == 4 and result.path == out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == META + FIELDS  # latest form's fields, then the one only v1 had
    records = list(iter_records(store, proj.id))
    assert frame["_id"].tolist() == [r.id for r in records]
    for i, (record, expected) in enumerate(zip(records, data, strict=True)):
        row = frame.iloc[i]
        assert row["_status"] == record.status and row["_version"] == "1" and row["_form_version"] == str(record.form_version)
        assert row["_created_by"] == USER and dt.datetime.fromisoformat(row["_created_at"]) == record.created_at
        for column in FIELDS:
            assert row[column] == expected_text(expected, column, labels), (i, column)
    assert frame.iloc[3]["observer"] == 'Bo, "quoted"\nsecond line'  # quoting survives
    assert "deleted one" not in raw.decode("utf-8-sig")


def test_xlsx_has_one_typed_sheet_per_form_version(store, project, tmp_path):
    proj, data = project
    out = tmp_path / "birds.xlsx"
    assert export_project(store, proj.id, "xlsx", out, labels=False).records == 4
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["v1", "v2"]
    v1, v2 = ([[c.value for c in row] for row in book[name].iter_rows()] for name in ("v1", "v2"))
    stamps = ["_created_at (UTC)" if c == "_created_at" else "_updated_at (UTC)" if c == "_updated_at" else c for c in META]
    assert v1[0] == stamps + [f for f in FIELDS if f != "depth"]  # v1 never had depth
    assert v2[0] == stamps + [f for f in FIELDS if f != "old_note"]
    assert len(v1) == 3 and len(v2) == 3
    for sheet, records in ((v1, data[:2]), (v2, data[2:])):
        header = sheet[0]
        for row, expected in zip(sheet[1:], records, strict=True):
            cells = dict(zip(header, row, strict=True))
            assert cells["observer"] == expected["observer"]
            assert cells["count"] == expected.get("count")  # a number, not text
            assert cells["weight"] == expected.get("weight")
            assert cells["ringed"] == expected.get("ringed")
            assert cells["species"] == expected.get("species")
            assert cells["habitat"] == (" ".join(expected["habitat"]) if expected.get("habitat") else None)
            day = expected.get("seen_on")
            assert cells["seen_on"] == (dt.datetime.fromisoformat(day) if day else None)  # an Excel date
            assert cells["seen_at"] == (dt.time.fromisoformat(expected["seen_at"]) if expected.get("seen_at") else None)
            assert cells["logged"] == (dt.datetime.fromisoformat(expected["logged"]) if expected.get("logged") else None)
            loc = expected.get("loc") or {}
            assert (cells["loc_lat"], cells["loc_lon"], cells["loc_accuracy"]) == (loc.get("lat"), loc.get("lon"), loc.get("accuracy"))
            assert isinstance(cells["_created_at (UTC)"], dt.datetime)
    assert dict(zip(v1[0], v1[1], strict=True))["old_note"] == "erste Zählung – «Nebel»"
    assert dict(zip(v2[0], v2[1], strict=True))["depth"] == 1.5
    col = v1[0].index("seen_on") + 1
    assert book["v1"].cell(row=2, column=col).number_format == "yyyy-mm-dd"


def test_parquet_has_typed_columns(store, project, tmp_path):
    proj, data = project
    out = tmp_path / "birds.parquet"
    export_project(store, proj.id, "parquet", out, labels=True)
    table = pq.read_table(out)
    schema = table.schema
    assert schema.names == META + FIELDS
    assert schema.field("count").type == pa.int64() and schema.field("weight").type == pa.float64()
    assert schema.field("seen_on").type == pa.date32() and schema.field("seen_at").type == pa.time64("us")
    assert schema.field("logged").type == pa.timestamp("us") and schema.field("ringed").type == pa.bool_()
    assert schema.field("_created_at").type == pa.timestamp("us", tz="UTC") and schema.field("loc_lat").type == pa.float64()
    rows = table.to_pylist()
    records = list(iter_records(store, proj.id))
    assert [r["_id"] for r in rows] == [r.id for r in records]
    for row, expected, record in zip(rows, data, records, strict=True):
        assert row["_created_at"] == record.created_at
        assert row["observer"] == expected["observer"]
        assert row["count"] == expected.get("count") and row["weight"] == expected.get("weight") and row["depth"] == expected.get("depth")
        assert row["ringed"] == expected.get("ringed")
        assert row["species"] == (LABELS[expected["species"]] if expected.get("species") else None)
        assert row["habitat"] == ("; ".join(LABELS[h] for h in expected["habitat"]) if expected.get("habitat") else None)
        assert row["seen_on"] == (dt.date.fromisoformat(expected["seen_on"]) if expected.get("seen_on") else None)
        assert row["seen_at"] == (dt.time.fromisoformat(expected["seen_at"]) if expected.get("seen_at") else None)
        assert row["logged"] == (dt.datetime.fromisoformat(expected["logged"]) if expected.get("logged") else None)
        loc = expected.get("loc") or {}
        assert (row["loc_lat"], row["loc_lon"], row["loc_accuracy"]) == (loc.get("lat"), loc.get("lon"), loc.get("accuracy"))
        assert row["old_note"] == expected.get("old_note")


def test_geojson_points_are_lon_lat_with_the_other_values(store, project, tmp_path):
    proj, data = project
    out = tmp_path / "birds.geojson"
    assert export_project(store, proj.id, "geojson", out, labels=False).records == 4
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    with_loc = [d for d in data if d.get("loc")]
    assert len(doc["features"]) == len(with_loc) == 2
    for feature, expected in zip(doc["features"], with_loc, strict=True):
        assert feature["geometry"] == {"type": "Point", "coordinates": [expected["loc"]["lon"], expected["loc"]["lat"]]}
        props = feature["properties"]
        assert props["_field"] == "loc" and props["_accuracy"] == expected["loc"]["accuracy"]
        assert props["observer"] == expected["observer"] and props["count"] == expected["count"]
        assert props["habitat"] == expected["habitat"] and props["species"] == expected["species"]
        assert props["seen_on"] == expected["seen_on"] and props["ringed"] == expected["ringed"]
        assert "loc_lat" not in props


def test_geojson_needs_a_location_field(store, tmp_path):
    no_geo = form(1).to_json()
    no_geo["fields"] = [f for f in no_geo["fields"] if f["type"] != "geopoint"]

    proj = create_project(store, "No map", form_from_json(no_geo), user=USER)
    with pytest.raises(NoLocationField, match="no location"):
        export_project(store, proj.id, "geojson", tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()


def test_zip_holds_csv_forms_attachments_and_readme(store, attachments, project, tmp_path):
    proj, data = project
    out = tmp_path / "birds.zip"
    result = export_project(store, proj.id, "zip", out, attachments_dir=attachments)
    assert result.records == 4 and result.missing_attachments == []
    photo = data[2]["photo"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        member = f"attachments/{photo['sha256']}-nest.jpg"
        assert names == {"data.csv", "forms/form-v1.json", "forms/form-v2.json", member, "README.txt"}
        assert zf.read(member) == b"\xff\xd8 jpeg bytes \x00\x01"
        assert json.loads(zf.read("forms/form-v1.json")) == form(1).to_json()
        assert json.loads(zf.read("forms/form-v2.json")) == form(2).to_json()
        with zf.open("data.csv") as fh:
            frame = pd.read_csv(fh, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert frame["photo"].tolist() == ["", "", member, ""]
        assert frame["observer"].tolist() == [d["observer"] for d in data]
        assert "Birds" in zf.read("README.txt").decode()


def test_zip_lists_a_missing_attachment_instead_of_failing(store, attachments, project, tmp_path):
    proj, data = project
    result = export_project(store, proj.id, "zip", tmp_path / "b.zip", attachments_dir=tmp_path / "nowhere")
    assert result.missing_attachments == [f"attachments/{data[2]['photo']['sha256']}-nest.jpg"]
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        assert "NOT in this archive" in zf.read("README.txt").decode()


def test_a_reference_that_is_a_path_puts_no_outside_file_in_the_zip(store, attachments, project, tmp_path):
    """A hostile device once made another device's ZIP include any readable file (zip slip): a
    record whose photo reference is ``../../…`` written straight into the database, as a pull or a
    restored snapshot could before references were checked."""
    proj, data = project
    secret = tmp_path / "id_rsa"
    secret.write_bytes(b"-----BEGIN PRIVATE KEY----- do not leak")
    hostile = {"sha256": f"../../../../../../../..{secret}", "name": "../../evil.sh", "size": 1, "mime": None}
    [(rid,)] = store.read("SELECT id FROM records WHERE project_id = ? ORDER BY created_at LIMIT 1", [proj.id])
    row = store.read_one("SELECT data FROM records WHERE id = ?", [rid])
    store.execute("UPDATE records SET data = ? WHERE id = ?", [json.dumps({**json.loads(row[0]), "photo": hostile}), rid])
    out = tmp_path / "b.zip"
    export_project(store, proj.id, "zip", out, attachments_dir=attachments)
    with zipfile.ZipFile(out) as zf:
        assert all(".." not in n and not n.startswith("/") for n in zf.namelist()), zf.namelist()
        assert not any(b"PRIVATE KEY" in zf.read(n) for n in zf.namelist())
        with zf.open("data.csv") as fh:
            assert ".." not in fh.read().decode("utf-8-sig")


class Stop(Exception):
    pass


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_failed_export_leaves_no_file_under_the_final_name(store, attachments, project, tmp_path, fmt):
    proj, _ = project
    out = tmp_path / f"birds.{fmt}"
    checks = []

    def cancel() -> None:
        checks.append(1)
        raise Stop()

    with pytest.raises(Stop):
        export_project(store, proj.id, fmt, out, attachments_dir=attachments, check_cancelled=cancel)
    assert checks and not out.exists() and not temp_path(out, "export").exists()
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*")) == []
    # an earlier complete export under that name stays as it was
    out.write_bytes(b"earlier export")
    with pytest.raises(Stop):
        export_project(store, proj.id, fmt, out, attachments_dir=attachments, check_cancelled=cancel)
    assert out.read_bytes() == b"earlier export"


def test_progress_is_reported_and_unknown_formats_refused(store, project, tmp_path):
    proj, _ = project
    calls: list[tuple[float, str]] = []
    export_project(store, proj.id, "csv", tmp_path / "a.csv", progress=lambda f, m: calls.append((f, m)))
    assert calls[0] == (0.0, "0/4 records") and calls[-1] == (1.0, "4 records exported")
    with pytest.raises(UnknownFormat, match="cannot export “pdf”"):
        export_project(store, proj.id, "pdf", tmp_path / "a.pdf")


def test_an_empty_project_exports_a_header(store, tmp_path):
    proj = create_project(store, "Empty", form(2), user=USER)
    export_project(store, proj.id, "csv", tmp_path / "e.csv")
    export_project(store, proj.id, "parquet", tmp_path / "e.parquet")
    export_project(store, proj.id, "xlsx", tmp_path / "e.xlsx")
    assert pd.read_csv(tmp_path / "e.csv", encoding="utf-8-sig").shape == (0, len(META) + len(FIELDS) - 1)
    assert pq.read_table(tmp_path / "e.parquet").num_rows == 0
    assert openpyxl.load_workbook(tmp_path / "e.xlsx").sheetnames == ["v1"]


def test_text_that_looks_like_a_formula_stays_text_in_excel(store, tmp_path):
    proj = create_project(store, "Formulas", form(2), user=USER)
    create_record(store, proj.id, {"observer": "=HYPERLINK(\"http://x\",\"y\")"}, user=USER)
    export_project(store, proj.id, "xlsx", tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx")["v1"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("observer") + 1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\",\"y\")"


def test_a_field_whose_type_changed_between_versions_is_exported_as_text(store, tmp_path):
    proj = create_project(store, "Changing", form(2), user=USER)
    create_record(store, proj.id, {"observer": "a", "count": 7}, user=USER)
    v3 = form(2).to_json()
    for f in v3["fields"]:
        if f["name"] == "count":
            f.pop("constraint")
            f["type"] = "text"

    add_form_version(store, proj.id, form_from_json(v3), user=USER)
    create_record(store, proj.id, {"observer": "b", "count": "about 20"}, user=USER)
    export_project(store, proj.id, "parquet", tmp_path / "c.parquet")
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.schema.field("count").type == pa.string()
    assert table.column("count").to_pylist() == ["7", "about 20"]
    export_project(store, proj.id, "csv", tmp_path / "c.csv")
    assert pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig", dtype=str)["count"].tolist() == ["7", "about 20"]


def test_geojson_lines_and_areas_are_linestrings_and_closed_polygons(store, tmp_path):
    walked = form_from_json({"title": "Walks", "fields": [
        {"name": "walk", "type": "geotrace"}, {"name": "plot", "type": "geoshape"}, {"name": "note", "type": "text"},
    ]})  # fmt: skip
    proj = create_project(store, "Walks", walked, user=USER)
    equator = [{"lat": 0.0, "lon": 0.0, "accuracy": None}, {"lat": 0.0, "lon": 1.0, "accuracy": None}]
    square = [*equator, {"lat": 1.0, "lon": 1.0, "accuracy": None}, {"lat": 1.0, "lon": 0.0, "accuracy": None}]
    create_record(store, proj.id, {"walk": equator, "plot": square, "note": "both"}, user=USER)
    create_record(store, proj.id, {"note": "neither"}, user=USER)
    out = tmp_path / "walks.geojson"
    assert export_project(store, proj.id, "geojson", out).records == 2
    line, area = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert line["geometry"] == {"type": "LineString", "coordinates": [[0.0, 0.0], [1.0, 0.0]]}
    # one degree of longitude on the equator: a·π/180 of the WGS84 ellipsoid (a = 6,378,137 m)
    assert line["properties"]["_length_m"] == pytest.approx(111_319.49, abs=0.01) and line["properties"]["note"] == "both"
    ring = area["geometry"]["coordinates"][0]
    assert area["geometry"]["type"] == "Polygon" and ring[0] == ring[-1] == [0.0, 0.0] and len(ring) == 5
    assert area["properties"]["_area_m2"] == pytest.approx(12_308_778_361, rel=1e-6)  # 1°×1° at the equator on WGS84


def test_xlsx_refuses_a_value_longer_than_a_cell_instead_of_cutting_it(store, tmp_path):
    """Excel holds at most 32,767 characters in a cell: a long text, or a line of some thousand
    points, was cut — and an import of the file stored the cut value. Now nothing is written and
    the message says which field and what to use instead."""
    from store.exports.xlsx_export import CellTooLong

    walked = form_from_json({"title": "Walks", "fields": [{"name": "walk", "type": "geotrace"}, {"name": "note", "type": "text"}]})
    proj = create_project(store, "Walks", walked, user=USER)
    line = [{"lat": 48.0 + i * 1e-6, "lon": 11.0 + i * 1e-6, "accuracy": 3.25} for i in range(1500)]
    create_record(store, proj.id, {"walk": line, "note": "long"}, user=USER)
    out = tmp_path / "walks.xlsx"
    with pytest.raises(CellTooLong, match="'walk'.*32,767.*CSV or Parquet"):
        export_project(store, proj.id, "xlsx", out)
    assert not out.exists()
    export_project(store, proj.id, "csv", tmp_path / "walks.csv")  # CSV keeps it whole
