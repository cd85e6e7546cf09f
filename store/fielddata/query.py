"""The records list: full-text search, filters, sort and pagination over a project's records.

Written for 100,000 records per project: the filter and sort run in DuckDB (a column scan of
``search_text`` and the JSON ``data``), only the rows of the requested page are decoded, and
results are cached under the project's tag until a record of that project is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from store.core.db import Store
from store.fielddata.projects import project_tag
from store.formdef import FormDef

NUMERIC_TYPES = ("integer", "decimal", "range")
META_SORTS = ("created_at", "updated_at", "status", "created_by", "updated_by")


@dataclass(frozen=True)
class RecordFilter:
    search: str = ""
    status: str | None = None  # "draft" | "final" | None for both
    deleted: bool = False  # True: only deleted records (the bin)
    created_from: date | None = None
    created_to: date | None = None  # inclusive
    field: str | None = None
    value: str = ""  # equals for choices/numbers/booleans, contains for text, contains-choice for select_multiple
    sort: str = "-created_at"  # a META_SORTS column or a field name; leading "-" for descending


@dataclass(frozen=True)
class RecordRow:
    id: str
    status: str
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    deleted: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class RecordPage:
    rows: list[RecordRow]
    total: int
    offset: int
    limit: int


def _where(form: FormDef, project_id: str, flt: RecordFilter) -> tuple[str, list[Any]]:
    clauses = ["project_id = ?", "deleted_at IS NOT NULL" if flt.deleted else "deleted_at IS NULL"]
    params: list[Any] = [project_id]
    for word in flt.search.lower().split()[:10]:
        clauses.append("contains(search_text, ?)")
        params.append(word)
    if flt.status:
        clauses.append("status = ?")
        params.append(flt.status)
    if flt.created_from:
        clauses.append("created_at >= ?")
        params.append(datetime.combine(flt.created_from, datetime.min.time()).astimezone())
    if flt.created_to:
        clauses.append("created_at < ?")
        params.append(datetime.combine(flt.created_to + timedelta(days=1), datetime.min.time()).astimezone())
    if flt.field and flt.value.strip():
        field = form.field(flt.field)
        path = f'$."{field.name}"'
        value = flt.value.strip()
        if field.type == "select_multiple":
            # TRY_CAST: an older form version may have stored something else under this name.
            clauses.append("coalesce(list_contains(TRY_CAST(json_extract(data, ?) AS VARCHAR[]), ?), false)")
            params += [path, value]
        elif field.type in NUMERIC_TYPES:
            clauses.append("TRY_CAST(json_extract_string(data, ?) AS DOUBLE) = TRY_CAST(? AS DOUBLE)")
            params += [path, value.replace(",", ".")]
        elif field.type in ("text", "date", "time", "datetime"):
            clauses.append("contains(lower(json_extract_string(data, ?)), ?)")
            params += [path, value.lower()]
        else:
            clauses.append("lower(json_extract_string(data, ?)) = ?")
            params += [path, value.lower()]
    return " AND ".join(clauses), params


def _order(form: FormDef, sort: str) -> tuple[str, list[Any]]:
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    direction = "DESC" if desc else "ASC"
    if key in META_SORTS:
        return f"{key} {direction}, id {direction}", []
    field = form.field(key)  # KeyError for unknown names: the caller passes known fields only
    path = f'$."{field.name}"'
    expr = "TRY_CAST(json_extract_string(data, ?) AS DOUBLE)" if field.type in NUMERIC_TYPES else "json_extract_string(data, ?)"
    return f"{expr} {direction} NULLS LAST, id {direction}", [path]


def _row(r: tuple[Any, ...]) -> RecordRow:
    return RecordRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]))


def query_records(store: Store, project_id: str, form: FormDef, flt: RecordFilter, *, offset: int = 0, limit: int = 50) -> RecordPage:
    """One page of the project's records that match ``flt``, and how many match in all."""
    def compute() -> RecordPage:
        where, params = _where(form, project_id, flt)
        order, order_params = _order(form, flt.sort)
        total = int(store.read(f"SELECT count(*) FROM records WHERE {where}", params)[0][0])
        start = min(offset, max(0, (total - 1) // limit * limit)) if total else 0
        rows = store.read(
            f"""SELECT id, status, version, created_at, created_by, updated_at, updated_by, deleted_at IS NOT NULL, data
                FROM records WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?""",
            [*params, *order_params, limit, start],
        )
        return RecordPage([_row(r) for r in rows], total, start, limit)

    # The form is not part of the key: a new form version invalidates the project tag anyway.
    key = ("records", project_id, flt, offset, limit)
    return store.cache.get_or_compute(key, compute, tags=[project_tag(project_id)])


def status_counts(store: Store, project_id: str) -> dict[str, int]:
    rows = store.read(
        "SELECT status, count(*) FROM records WHERE project_id = ? AND deleted_at IS NULL GROUP BY status", [project_id]
    )
    return {str(s): int(n) for s, n in rows}
