"""Per-project figures for the dashboard: records per day and per author, completeness per field,
and a summary of geopoints (count and bounding box). One DuckDB query each, cached by project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from store.core.db import Store
from store.fielddata.projects import project_tag
from store.formdef import FormDef


@dataclass(frozen=True)
class GeoSummary:
    field: str
    count: int
    min_lat: float | None
    max_lat: float | None
    min_lon: float | None
    max_lon: float | None


@dataclass(frozen=True)
class Dashboard:
    total: int
    drafts: int
    per_day: list[tuple[date, int]]
    per_author: list[tuple[str, int]]
    completeness: list[tuple[str, float]]  # field name, share of records (0..1) with a value
    geo: list[GeoSummary]


def project_dashboard(store: Store, project_id: str, form: FormDef) -> Dashboard:
    def compute() -> Dashboard:
        live = "project_id = ? AND deleted_at IS NULL"
        total, drafts = store.read(f"SELECT count(*), count(*) FILTER (status = 'draft') FROM records WHERE {live}", [project_id])[0]
        per_day = store.read(
            f"SELECT CAST(created_at AS DATE) AS d, count(*) FROM records WHERE {live} GROUP BY d ORDER BY d", [project_id]
        )
        per_author = store.read(
            f"SELECT created_by, count(*) AS n FROM records WHERE {live} GROUP BY created_by ORDER BY n DESC, created_by",
            [project_id],
        )
        fields = form.value_fields()
        completeness: list[tuple[str, float]] = []
        if fields and total:
            # A value counts when present and not null/empty (an empty list of choices is empty too).
            exprs = ", ".join(
                f"count(*) FILTER (json_extract_string(data, '$.\"{f.name}\"') NOT IN ('', '[]'))" for f in fields
            )
            counts = store.read(f"SELECT {exprs} FROM records WHERE {live}", [project_id])[0]
            completeness = [(f.name, int(n) / int(total)) for f, n in zip(fields, counts, strict=True)]
        geo = []
        for f in (f for f in fields if f.type == "geopoint"):
            path_lat, path_lon = f'$."{f.name}".lat', f'$."{f.name}".lon'
            row = store.read(
                f"""SELECT count(lat), min(lat), max(lat), min(lon), max(lon) FROM (
                        SELECT TRY_CAST(json_extract_string(data, ?) AS DOUBLE) AS lat,
                               TRY_CAST(json_extract_string(data, ?) AS DOUBLE) AS lon
                        FROM records WHERE {live}) WHERE lat IS NOT NULL AND lon IS NOT NULL""",
                [path_lat, path_lon, project_id],
            )[0]
            geo.append(GeoSummary(f.name, int(row[0]), *row[1:]))
        return Dashboard(int(total), int(drafts), per_day, per_author, completeness, geo)

    return store.cache.get_or_compute(("dashboard", project_id), compute, tags=[project_tag(project_id)])
