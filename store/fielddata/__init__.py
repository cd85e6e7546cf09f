"""Field data: projects and their forms, records, the records query, import and column mapping,
table files, the dashboard, attachments, the demo project, and their command line.

Its public face is below; ``records`` and ``projects`` are also used as namespaces
(``from store.fielddata import records as rec``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store.core.lazy import public_face

if TYPE_CHECKING:
    from store.fielddata.attachments import save_attachment as save_attachment
    from store.fielddata.dashboard import Dashboard as Dashboard
    from store.fielddata.dashboard import GeoSummary as GeoSummary
    from store.fielddata.dashboard import project_dashboard as project_dashboard
    from store.fielddata.demo import ensure_demo_project as ensure_demo_project
    from store.fielddata.importer import Preview as Preview
    from store.fielddata.importer import Report as Report
    from store.fielddata.importer import import_file as import_file
    from store.fielddata.importer import preview as preview
    from store.fielddata.projects import (
        Project as Project,
    )
    from store.fielddata.projects import (
        add_form_version as add_form_version,
    )
    from store.fielddata.projects import (
        form_versions as form_versions,
    )
    from store.fielddata.projects import (
        get_project as get_project,
    )
    from store.fielddata.projects import (
        load_form as load_form,
    )
    from store.fielddata.projects import (
        project_tag as project_tag,
    )
    from store.fielddata.query import (
        META_SORTS as META_SORTS,
    )
    from store.fielddata.query import (
        RecordFilter as RecordFilter,
    )
    from store.fielddata.query import (
        RecordPage as RecordPage,
    )
    from store.fielddata.query import (
        query_records as query_records,
    )
    from store.fielddata.records import STATUSES as STATUSES
    from store.fielddata.tablefile import TableFileError as TableFileError

__all__, __getattr__, __dir__ = public_face(
    __name__,
    {
        "attachments": "save_attachment",
        "dashboard": "Dashboard GeoSummary project_dashboard",
        "demo": "ensure_demo_project",
        "importer": "Preview Report import_file preview",
        "projects": "Project add_form_version form_versions get_project load_form project_tag",
        "query": "META_SORTS RecordFilter RecordPage query_records",
        "records": "STATUSES",
        "tablefile": "TableFileError",
    },
)
