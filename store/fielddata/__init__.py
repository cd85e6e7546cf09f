"""Field data: projects and their forms, records, the records query, import and column mapping,
table files, the dashboard, attachments, the demo project, and their command line."""
