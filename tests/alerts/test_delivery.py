"""Delivering deltas to alerts over real HTTP on 127.0.0.1 and to files, with the log in SQLite."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from custodes.alerts.delivery import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    deliver_alerts,
    parse_retry_after,
    verify_signature,
)
from custodes.alerts.log import delivery_log, retry_failed
from custodes.alerts.subscriptions import Alert, add_alert, remove_alert, resolve_filters
from custodes.store.schema import alert_deliveries
from tests.alerts.helpers import Receiver, add_delta, deployment_record, recording_sleep
from tests.httpserver import FixtureServer, Reply

NOW = "2024-06-10T00:00:00+00:00"
OK = Reply(200, b"ok", content_type="text/plain")
ERROR = Reply(500, b"receiver broke", content_type="text/plain")


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        yield srv


def _alert(engine: Engine, url: str | None = None, file_path: Path | None = None, **filters: str) -> Alert:
    with engine.begin() as conn:
        return add_alert(conn, resolve_filters(**filters), webhook=url,
                         file_path=str(file_path) if file_path else None, allow_private=True, now=NOW)


def _deliver(engine: Engine, **options: object) -> tuple[object, list[float]]:
    waits, sleep = recording_sleep()
    options.setdefault("allow_private", True)
    report = deliver_alerts(engine, sleep=sleep, rng=random.Random(7), **options)  # type: ignore[arg-type]
    return report, waits


def _states(engine: Engine, alert: Alert) -> dict[int, tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(alert_deliveries.c.version, alert_deliveries.c.state, alert_deliveries.c.attempts)
                            .where(alert_deliveries.c.alert_pk == alert.pk))
        return {r.version: (r.state, r.attempts) for r in rows}


def test_only_matching_entries_are_sent(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"), country="Kenya", vendor="Huawei", tech="facial_recognition")
    add_delta(engine, 1, [
        ("ADD", deployment_record("dep-000000000001")),
        ("ADD", deployment_record("dep-000000000002", country="UGA")),
        ("MOD", deployment_record("dep-000000000003", supplier="Hikvision", vendor_id="hikvision")),
        ("ADD", deployment_record("dep-000000000004", tech=("video_surveillance",))),
        ("DEL", deployment_record("dep-000000000005", tech=("facial_recognition", "smart_city"))),
    ])
    add_delta(engine, 2, [("ADD", deployment_record("dep-000000000006", country="UGA"))])
    report, _ = _deliver(engine)
    assert (report.delivered, report.failed, report.pending) == (1, 0, 0)  # type: ignore[attr-defined]
    assert len(receiver.received) == 1
    body = receiver.bodies()[0]
    assert (body["alert"], body["version"], body["created_at"]) == (alert.pk, 1, "2024-06-01T00:00:00+00:00")
    assert [(e["op"], e["id"]) for e in body["entries"]] == [("ADD", "dep-000000000001"), ("DEL", "dep-000000000005")]
    assert body["entries"][0]["record"]["supplier"] == "Huawei" and body["entries"][1]["record"] is None
    assert len(body["entries"][0]["hash"]) == 64
    assert _states(engine, alert) == {1: ("delivered", 1)}


def test_signature_verifies_with_the_secret_only(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    _deliver(engine)
    request = receiver.received[0]
    signature = request.headers[SIGNATURE_HEADER.lower()]
    assert signature.startswith("sha256=")
    assert verify_signature(request.body, str(alert.secret), signature)
    assert not verify_signature(request.body, "0" * 64, signature)
    assert not verify_signature(request.body + b" ", str(alert.secret), signature)
    assert request.headers[DELIVERY_HEADER.lower()] == f"{alert.pk}-1"
    assert request.headers["content-type"] == "application/json"


def test_a_version_is_delivered_once_however_often_deliver_runs(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    _deliver(engine)
    report, _ = _deliver(engine)
    assert report.delivered == 0 and len(receiver.received) == 1  # type: ignore[attr-defined]
    add_delta(engine, 2, [("MOD", deployment_record("dep-000000000001", status="suspended"))])
    _deliver(engine)
    assert [b["version"] for b in receiver.bodies()] == [1, 2]
    assert _states(engine, alert) == {1: ("delivered", 1), 2: ("delivered", 1)}


def test_two_errors_then_success_is_delivered_on_the_third_attempt(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver([ERROR, ERROR, OK])
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, waits = _deliver(engine, backoff_base=2.0)
    assert report.delivered == 1 and report.attempts == 3  # type: ignore[attr-defined]
    assert len(receiver.received) == 3
    assert len(waits) == 2 and 1.0 <= waits[0] < 1.25 and 2.0 <= waits[1] < 2.5 and waits[1] > waits[0]
    assert len({r.body for r in receiver.received}) == 1  # the same signed bytes every time
    assert _states(engine, alert) == {1: ("delivered", 3)}


def test_retry_after_is_honoured(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver([Reply(429, b"slow down", headers={"Retry-After": "7"}), OK])
    server.route("/hook", receiver)
    _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, waits = _deliver(engine)
    assert waits == [7.0] and report.delivered == 1  # type: ignore[attr-defined]


def test_retry_after_is_capped_and_read_as_a_date() -> None:
    from datetime import UTC, datetime

    moment = datetime(2024, 6, 10, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 10 Jun 2024 12:00:30 GMT", now=moment) == 30.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_a_huge_retry_after_waits_at_most_the_cap(engine: Engine, server: FixtureServer) -> None:
    from custodes.alerts.delivery import MAX_RETRY_AFTER

    server.route("/hook", Receiver([Reply(503, b"", headers={"Retry-After": "86400"}), OK]))
    _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    _, waits = _deliver(engine)
    assert waits == [MAX_RETRY_AFTER]


def test_a_dead_receiver_fails_then_retry_makes_it_pending(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver([ERROR])
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    add_delta(engine, 2, [("ADD", deployment_record("dep-000000000002"))])
    report, waits = _deliver(engine, max_attempts=3)
    assert (report.delivered, report.failed, report.pending) == (0, 1, 1)  # type: ignore[attr-defined]
    assert len(receiver.received) == 3 and len(waits) == 2  # version 2 waits for the next run
    message = str(report.failures[0])  # type: ignore[attr-defined]
    assert f"alert {alert.pk}" in message and server.url("/hook") in message and "HTTP 500" in message
    assert _states(engine, alert) == {1: ("failed", 3)}
    with engine.connect() as conn:
        assert delivery_log(conn, alert.pk)[0].last_error == "HTTP 500: receiver broke"

    receiver.script = [OK]
    _deliver(engine, max_attempts=3)  # version 1 is not retried automatically; version 2 goes
    assert [b["version"] for b in receiver.bodies()[3:]] == [2]
    with engine.begin() as conn:
        assert retry_failed(conn, alert.pk) == 1
    assert _states(engine, alert)[1] == ("pending", 0)
    report, _ = _deliver(engine, max_attempts=3)
    assert report.delivered == 1 and [b["version"] for b in receiver.bodies()[4:]] == [1]  # type: ignore[attr-defined]
    assert _states(engine, alert) == {1: ("delivered", 1), 2: ("delivered", 1)}


def test_a_redirect_is_not_followed(engine: Engine, server: FixtureServer) -> None:
    elsewhere = Receiver()
    server.route("/hook", Reply(307, b"", headers={"Location": server.url("/elsewhere")}))
    server.route("/elsewhere", elsewhere)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, waits = _deliver(engine)
    assert elsewhere.received == [] and len(server.hits("/hook")) == 1 and waits == []
    assert report.failed == 1 and "redirect" in str(report.failures[0])  # type: ignore[attr-defined]
    assert _states(engine, alert) == {1: ("failed", 1)}


def test_loopback_is_refused_at_delivery_without_allow_private(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, _ = _deliver(engine, allow_private=False)
    assert receiver.received == [] and report.failed == 1  # type: ignore[attr-defined]
    assert "non-public address 127.0.0.1" in str(report.failures[0])  # type: ignore[attr-defined]
    assert _states(engine, alert) == {1: ("failed", 1)}


def test_file_target_appends_one_json_line_per_version_once(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "dir" / "alerts.jsonl"
    alert = _alert(engine, file_path=out, tech="facial_recognition")
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    add_delta(engine, 2, [("MOD", deployment_record("dep-000000000001", status="suspended")),
                          ("ADD", deployment_record("dep-000000000002", tech=("smart_city",)))])
    _deliver(engine)
    _deliver(engine)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(x["alert"], x["version"], len(x["entries"])) for x in lines] == [(alert.pk, 1, 1), (alert.pk, 2, 1)]
    assert lines[1]["entries"][0]["record"]["status"] == "suspended"


def test_a_removed_alert_gets_nothing(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    with engine.begin() as conn:
        remove_alert(conn, alert.pk, now=NOW)
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, _ = _deliver(engine)
    assert receiver.received == [] and report.delivered == 0 and _states(engine, alert) == {}  # type: ignore[attr-defined]


def test_an_alert_sees_only_versions_after_it_was_made(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver()
    server.route("/hook", receiver)
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    add_delta(engine, 2, [("ADD", deployment_record("dep-000000000002"))])
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 3, [("ADD", deployment_record("dep-000000000003"))])
    _deliver(engine)
    assert [b["version"] for b in receiver.bodies()] == [3] and alert.from_version == 2


class Crash(Exception):
    pass


def test_each_attempt_is_committed_so_a_crash_keeps_the_log(engine: Engine, server: FixtureServer) -> None:
    receiver = Receiver([ERROR, OK])
    server.route("/hook", receiver)
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])

    def crash(seconds: float) -> None:
        raise Crash

    with pytest.raises(Crash):
        deliver_alerts(engine, allow_private=True, sleep=crash)
    assert _states(engine, alert) == {1: ("pending", 1)}
    report = deliver_alerts(engine, allow_private=True, max_attempts=2, sleep=crash)
    assert report.delivered == 1 and _states(engine, alert) == {1: ("delivered", 2)}  # attempts count across runs
    with engine.connect() as conn:
        (row,) = delivery_log(conn)
    assert row.attempts == 2 and row.last_error is None and row.delivered_at and row.last_attempt_at


def test_an_endless_answer_does_not_hold_the_run(engine: Engine, server: FixtureServer) -> None:
    server.route("/hook", Reply(200, b"x" * 1024, endless=True))
    alert = _alert(engine, server.url("/hook"))
    add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
    report, _ = _deliver(engine, timeout=5.0)
    assert report.delivered == 1 and _states(engine, alert) == {1: ("delivered", 1)}  # type: ignore[attr-defined]
