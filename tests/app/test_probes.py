"""``/health`` and ``/metrics`` (app/desktop/probes.py) on a real store, job service and snapshot
folder; the HTTP side (the routes behind the launch token) is in tests/launcher/test_http_edge.py."""

from __future__ import annotations

import dataclasses
import math

from prometheus_client.parser import text_string_to_metric_families

from app.desktop import probes, runtime
from tests.app_fixtures import installed_runtime


def test_a_healthy_app_says_so_part_by_part(tmp_path):
    with installed_runtime(tmp_path / "home", with_jobs=True):
        status, body = probes.health()
    assert status == 200 and body["status"] == "ok", body
    assert body["store"]["writer_running"] is True and body["store"]["writer_queue"] >= 0
    assert body["jobs"]["consumer_running"] is True
    assert body["disk"]["free_mb"] > 0 and body["snapshots"]["newest_age_s"] is None
    assert body["sync"]["online"] is False and body["sync"]["pending"] == 0


def test_a_full_disk_is_reported(tmp_path):
    with installed_runtime(tmp_path / "home", with_jobs=True) as rt:
        rt.config = dataclasses.replace(rt.config, min_free_mb=10**12)
        status, body = probes.health()
    assert status == 503 and body["status"] == "failing"
    assert body["disk"]["ok"] is False and body["store"]["ok"] is True


def test_a_stopped_writer_is_reported(tmp_path):
    with installed_runtime(tmp_path / "home", with_jobs=True) as rt:
        rt.jobs.stop()
        rt.store.writer.close()
        status, body = probes.health()
    assert status == 503
    assert body["store"]["writer_running"] is False and body["store"]["ok"] is False
    assert body["jobs"]["ok"] is False


def test_while_the_app_starts_it_says_starting_at_once(tmp_path):
    runtime.starting()
    try:
        assert probes.health() == (503, {"status": "starting"})
        families = {f.name: f for f in text_string_to_metric_families(probes.metrics().decode())}
        assert families["fieldbook_up"].samples[0].value == 0
    finally:
        runtime.install(None)


def test_metrics_parse_and_count_what_happened(tmp_path):
    with installed_runtime(tmp_path / "home", with_jobs=True) as rt:
        rt.store.execute("INSERT INTO events (level, kind, message) VALUES ('info', 'test', 'x')")
        rt.store.cache.get_or_compute(("k",), lambda: 1)
        rt.store.cache.get_or_compute(("k",), lambda: 1)
        text = probes.metrics().decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    value = {name: f.samples[0].value for name, f in families.items() if f.samples and not f.samples[0].labels}
    assert value["fieldbook_up"] == 1
    assert value["fieldbook_writer_running"] == 1 and value["fieldbook_writer_queue_depth"] >= 0
    assert value["fieldbook_writer_commits"] >= 1
    assert value["fieldbook_process_resident_bytes"] > 10 * 1024 * 1024
    assert math.isnan(value["fieldbook_snapshot_age_seconds"])
    ack = {s.name: s.value for s in families["fieldbook_writer_ack_seconds"].samples}
    assert ack["fieldbook_writer_ack_seconds_count"] >= 1
    lookups = {s.labels["result"]: s.value for s in families["fieldbook_cache_lookups"].samples if s.name.endswith("_total")}
    assert lookups["hit"] >= 1 and lookups["miss"] >= 1
    assert "fieldbook_jobs" in families and "fieldbook_script_run_seconds" in families
