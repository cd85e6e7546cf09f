"""``/health`` and ``/metrics``: what a support person (or a monitoring tool) asks the running app.

Both are routes of the server (``app.desktop.server``), behind the edge's launch token like every
other request (``app.desktop.edge``). They read the running app (``app.desktop.runtime.peek``),
never wait for it: while the app starts they answer "starting".

- ``/health``: JSON, status 200 when every part is well, 503 when one is not — the store and its
  writer (alive, queue depth), the jobs (by status), the newest snapshot's age, free disk space
  against the configured minimum, the sync backlog. What ``fieldbook doctor`` checks, from inside.
- ``/metrics``: Prometheus' text format (``prometheus-client``), computed when asked: script runs
  and their durations, writer ack latency, queue depth and commits, jobs by status, cache hits and
  misses, snapshot age, sync backlog, free disk, process memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

_WRITER_QUEUE_WARN = 1000  # writes waiting: the writer is not keeping up
_lock = threading.Lock()  # one reading of the app's parts at a time


def _snapshot_age_s(rt: Any) -> float | None:
    from store.snapshots import for_config

    snaps = for_config(rt.config).all()
    if not snaps:
        return None
    return (dt.datetime.now(dt.UTC) - snaps[0].created_at).total_seconds()


def _parts(rt: Any) -> dict[str, Any]:
    """Each part's state, as plain values."""
    from store.core.disk import free_mb

    store = rt.store
    writer = store.writer
    parts: dict[str, Any] = {
        "store": {"ok": writer.running, "writer_running": writer.running, "writer_queue": writer.queue_depth, "commits": writer.commits},
    }
    if writer.queue_depth > _WRITER_QUEUE_WARN:
        parts["store"]["ok"] = False
    free = free_mb(rt.config.paths.data_dir)
    parts["disk"] = {"ok": free >= rt.config.min_free_mb, "free_mb": round(free, 1), "min_free_mb": rt.config.min_free_mb}
    jobs = rt.jobs
    if jobs is not None:
        parts["jobs"] = {"ok": jobs.running, "consumer_running": jobs.running, "by_status": jobs.ledger.counts()}
    else:
        parts["jobs"] = {"ok": False, "consumer_running": False, "by_status": {}}
    age = _snapshot_age_s(rt)
    parts["snapshots"] = {"ok": True, "newest_age_s": None if age is None else round(age, 1)}
    try:
        from store.sync import status

        sync = status(rt.store)
        parts["sync"] = {"ok": sync.last_error is None or not sync.online, "online": sync.online, "pending": sync.pending, "last_error": sync.last_error}
    except Exception as exc:  # a sync table this version cannot read is the sync's problem, not the app's health
        log.warning("sync status for /health: %s", exc)
        parts["sync"] = {"ok": False, "error": type(exc).__name__}
    return parts


def health() -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of ``/health``."""
    from app.desktop import runtime

    rt = runtime.peek()
    if rt is None:
        return 503, {"status": "starting"}
    with _lock:
        try:
            parts = _parts(rt)
        except Exception as exc:
            log.exception("health check failed")
            return 503, {"status": "failing", "error": type(exc).__name__}
    ok = all(part["ok"] for part in parts.values())
    return (200 if ok else 503), {"status": "ok" if ok else "failing", **parts}


class _Collector:
    """Reads the running app when Prometheus (or anyone) asks; nothing is counted on the hot path
    beyond what the app keeps anyway (the script-run ring, the writer's latencies)."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily

        from app.desktop import runtime
        from app.metrics import RUNS

        rt = runtime.peek()
        up = GaugeMetricFamily("fieldbook_up", "1 when the app has started and serves its pages")
        up.add_metric([], 1 if rt is not None else 0)
        yield up
        runs = RUNS.runs()
        script = SummaryMetricFamily("fieldbook_script_run_seconds", "Streamlit script runs (the last 5,000)", labels=["page"])
        for page in sorted({r.page for r in runs}):
            mine = [r.seconds for r in runs if r.page == page]
            script.add_metric([page], count_value=len(mine), sum_value=sum(mine))
        yield script
        memory = GaugeMetricFamily("fieldbook_process_resident_bytes", "resident memory of the app's process")
        memory.add_metric([], _rss())
        yield memory
        if rt is None:
            return
        with _lock:
            parts = _parts(rt)
            writer = rt.store.writer
            latencies = list(writer.latencies)
            cache = rt.store.cache
            hits, misses = cache.hits, cache.misses
        ack = SummaryMetricFamily("fieldbook_writer_ack_seconds", "time from a write's submission to its acknowledged commit (the last 10,000)")
        ack.add_metric([], count_value=len(latencies), sum_value=sum(latencies))
        yield ack
        yield _gauge("fieldbook_writer_queue_depth", "writes waiting for the writer", parts["store"]["writer_queue"])
        yield _gauge("fieldbook_writer_running", "1 while the database writer runs", int(parts["store"]["writer_running"]))
        commits = CounterMetricFamily("fieldbook_writer_commits", "transactions committed since the start")
        commits.add_metric([], parts["store"]["commits"])
        yield commits
        jobs = GaugeMetricFamily("fieldbook_jobs", "background jobs in the ledger", labels=["status"])
        for status, n in sorted(parts["jobs"]["by_status"].items()):
            jobs.add_metric([status], n)
        yield jobs
        lookups = CounterMetricFamily("fieldbook_cache_lookups", "cached reads since the start", labels=["result"])
        lookups.add_metric(["hit"], hits)
        lookups.add_metric(["miss"], misses)
        yield lookups
        age = parts["snapshots"]["newest_age_s"]
        yield _gauge("fieldbook_snapshot_age_seconds", "age of the newest snapshot (NaN: none yet)", float("nan") if age is None else age)
        yield _gauge("fieldbook_sync_pending", "changes not yet on the sync server", parts["sync"].get("pending", 0))
        yield _gauge("fieldbook_disk_free_bytes", "free space on the data folder's disk", parts["disk"]["free_mb"] * 1024 * 1024)


def _gauge(name: str, doc: str, value: float) -> Any:
    from prometheus_client.core import GaugeMetricFamily

    gauge = GaugeMetricFamily(name, doc)
    gauge.add_metric([], value)
    return gauge


def _rss() -> float:
    import psutil

    return float(psutil.Process(os.getpid()).memory_info().rss)


def metrics() -> bytes:
    """The body of ``/metrics``."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector())  # type: ignore[arg-type]
    return generate_latest(registry)


def routes() -> list[Any]:
    from prometheus_client import CONTENT_TYPE_LATEST
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    def health_endpoint(request: Any) -> JSONResponse:  # plain functions run in Starlette's thread pool
        status, body = health()
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    def metrics_endpoint(request: Any) -> Response:
        return Response(metrics(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return [Route("/health", health_endpoint, methods=["GET"]), Route("/metrics", metrics_endpoint, methods=["GET"])]
