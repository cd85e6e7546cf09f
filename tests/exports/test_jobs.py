"""``records.export`` and ``records.import`` run through a real JobService (DuckDB ledger, Huey
SQLite queue, consumer threads): results, progress in the ledger, the report of a refused import,
and an idempotent re-run."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from jobs.errors import BadJobArguments
from store.fielddata.records import iter_records
from tests.exports.helpers import USER, make_project


def test_export_job_writes_into_its_folder_and_reports_progress(make_service, tmp_path):
    service = make_service()
    project, data = make_project(service.store, tmp_path / "data" / "attachments")
    job = service.wait(service.enqueue("records.export", {"project_id": project.id, "format": "zip"}), timeout=30)
    assert job.status == "done", job.error
    path = Path(job.result["path"])
    assert path == tmp_path / "data" / "jobs" / job.id / "Birds.zip" and job.result["records"] == len(data) == 4
    assert job.progress == 1.0 and job.message == "4 records exported"
    with zipfile.ZipFile(path) as zf:
        assert "data.csv" in zf.namelist() and any(n.startswith("attachments/") for n in zf.namelist())
    assert [p.name for p in path.parent.iterdir()] == ["Birds.zip"]  # no temp file left behind

    out = tmp_path / "exports" / "birds.parquet"
    job = service.wait(service.enqueue("records.export", {"project_id": project.id, "format": "parquet", "out": str(out)}), timeout=30)
    assert job.status == "done" and job.result["path"] == str(out) and out.is_file()


def test_export_job_arguments_are_checked_when_queued(make_service):
    service = make_service()
    with pytest.raises(BadJobArguments, match="must be one of csv, xlsx, parquet, geojson, zip"):
        service.enqueue("records.export", {"project_id": "p", "format": "pdf"})
    with pytest.raises(BadJobArguments, match="'draft' or 'final'"):
        service.enqueue("records.import", {"project_id": "p", "path": "x.csv", "status": "maybe"})


def test_import_job_imports_once_and_a_rerun_adds_nothing(make_service, tmp_path):
    service = make_service()
    project, _ = make_project(service.store, tmp_path / "data" / "attachments")
    before = len(list(iter_records(service.store, project.id)))
    source = tmp_path / "new.csv"
    source.write_text("observer,count,Habitat\nAna,1,Forest\nBo,2,Meadow; Open water\n", encoding="utf-8")
    args = {"project_id": project.id, "path": str(source), "user": USER}
    job = service.wait(service.enqueue("records.import", args), timeout=30)
    assert job.status == "done", job.error
    assert job.result["records"] == 2 and not job.result["already_imported"] and job.progress == 1.0
    assert Path(job.result["path"]).read_text().strip().endswith("Imported 2 records.")
    again = service.wait(service.enqueue("records.import", args), timeout=30)
    assert again.status == "done" and again.result["already_imported"] and again.result["records"] == 2
    records = list(iter_records(service.store, project.id))
    assert len(records) == before + 2
    assert [r.data for r in records[-2:]] == [
        {"observer": "Ana", "count": 1, "habitat": ["forest"]},
        {"observer": "Bo", "count": 2, "habitat": ["meadow", "water"]},
    ]


def test_a_refused_import_fails_with_the_first_problems_and_imports_nothing(make_service, tmp_path):
    service = make_service()
    project, _ = make_project(service.store, tmp_path / "data" / "attachments")
    before = len(list(iter_records(service.store, project.id)))
    source = tmp_path / "bad.csv"
    source.write_text("observer,count\nAna,1\nBo,lots\n,3\n", encoding="utf-8")
    job = service.wait(service.enqueue("records.import", {"project_id": project.id, "path": str(source)}), timeout=30)
    assert job.status == "failed" and job.attempts == 1  # a data problem is not retried
    assert job.error.startswith("Nothing was imported: 2 problems. Row 3, column “count”: 'lots' is not a number")
    assert "Row 4, field “observer”: This field is required." in job.error
    report = Path(job.error.rsplit("The full report: ", 1)[1])
    assert report.is_file() and "Row 3" in report.read_text()
    assert len(list(iter_records(service.store, project.id))) == before
