"""Snapshots: consistent copies of the database, the portable ``.fbsnap`` file and its encryption,
manifest, restore, automatic snapshots, retention, the inbox, and ``fieldbook snapshot …``."""
