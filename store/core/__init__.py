"""The database core: one DuckDB file and its single writer, migrations, values and ids, paths and
settings, durable file helpers, the instance lock and control channel, logs, cache, clock, crash points."""
