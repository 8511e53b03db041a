"""`custodes alerts ...` run as a user would, delivering to a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from custodes.alerts.delivery import verify_signature
from tests.alerts.helpers import Receiver, add_delta, deployment_record
from tests.helpers import run_cli
from tests.httpserver import FixtureServer, Reply


def _json(*args: str, db: Path) -> object:
    result = run_cli("alerts", *args, "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", ["add", "list", "remove", "deliver", "retry", "log"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli("alerts", command, "--help")
    assert result.returncode == 0 and "Example:" in result.stdout


def test_add_refuses_bad_input_by_name(engine: Engine, db_path: Path, tmp_path: Path) -> None:
    result = run_cli("alerts", "add", "--country", "KEN", "--webhook", "http://127.0.0.1:9/hook", db=db_path)
    assert result.returncode == 2 and "non-public address 127.0.0.1" in result.stderr
    assert "--allow-private" in result.stderr
    result = run_cli("alerts", "add", "--vendor", "Zorblax Vision", "--file", str(tmp_path / "a.jsonl"), db=db_path)
    assert result.returncode == 2 and "Zorblax Vision" in result.stderr
    result = run_cli("alerts", "add", "--tech", "mind_reading", "--file", str(tmp_path / "a.jsonl"), db=db_path)
    assert result.returncode == 2 and "mind_reading" in result.stderr and "facial_recognition" in result.stderr
    result = run_cli("alerts", "add", "--country", "KEN", db=db_path)
    assert result.returncode == 2 and "exactly one" in result.stderr
    assert _json("list", db=db_path) == []


def test_add_deliver_list_log_retry_remove(engine: Engine, db_path: Path) -> None:
    with FixtureServer() as server:
        receiver = Receiver()
        server.route("/hook", receiver)
        server.route("/broken", Reply(500, b"down", content_type="text/plain"))
        added = run_cli("alerts", "add", "--country", "Kenya", "--vendor", "Huawei", "--tech", "facial_recognition",
                        "--webhook", server.url("/hook"), "--allow-private", db=db_path)
        assert added.returncode == 0, added.stderr
        secret = re.search(r"secret \(shown once.*\): ([0-9a-f]{64})", added.stdout)
        assert secret and "alert 1" in added.stdout
        broken = run_cli("alerts", "add", "--file", str(db_path.parent / "never.jsonl"), db=db_path)
        assert broken.returncode == 0 and "secret" not in broken.stdout
        assert run_cli("alerts", "remove", "2", db=db_path).returncode == 0
        down = run_cli("alerts", "add", "--webhook", server.url("/broken"), "--allow-private", db=db_path)
        assert down.returncode == 0

        add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001")),
                              ("ADD", deployment_record("dep-000000000002", country="UGA"))])
        result = run_cli("alerts", "deliver", "--allow-private", "--max-attempts", "1", db=db_path)
        assert result.returncode == 1  # alert 3's receiver is down
        assert f"alert 3 -> {server.url('/broken')}" in result.stderr and "HTTP 500" in result.stderr
        assert "delivered 1, failed 1" in result.stdout
        assert run_cli("alerts", "deliver", "--allow-private", db=db_path).returncode == 0

        assert len(receiver.received) == 1
        request = receiver.received[0]
        assert verify_signature(request.body, secret.group(1), request.headers["x-custodes-signature"])
        assert [e["id"] for e in json.loads(request.body)["entries"]] == ["dep-000000000001"]
        assert not (db_path.parent / "never.jsonl").exists()

        listed = _json("list", db=db_path)
        assert isinstance(listed, list)
        assert [(a["id"], a["delivered"], a["failed"]) for a in listed] == [(1, 1, 0), (3, 0, 1)]
        assert listed[0]["last_delivered_at"] and "secret" not in listed[0]
        log = _json("log", "3", db=db_path)
        assert isinstance(log, list) and [(r["version"], r["state"], r["attempts"]) for r in log] == [(1, "failed", 1)]
        assert log[0]["last_error"] == "HTTP 500: down"

        retried = run_cli("alerts", "retry", "3", db=db_path)
        assert retried.returncode == 0 and "1 failed" in retried.stdout
        log = _json("log", db=db_path)
        assert isinstance(log, list) and {(r["alert"], r["state"]) for r in log} == {(1, "delivered"), (3, "pending")}

        assert run_cli("alerts", "remove", "1", db=db_path).returncode == 0
        again = run_cli("alerts", "remove", "1", db=db_path)
        assert again.returncode == 2 and "already removed" in again.stderr
        assert [a["id"] for a in _json("list", db=db_path)] == [3]  # type: ignore[union-attr]
        assert [a["id"] for a in _json("list", "--removed", db=db_path)] == [1, 2, 3]  # type: ignore[union-attr]
        table = run_cli("alerts", "log", db=db_path)
        assert table.returncode == 0 and "delivered" in table.stdout and "pending" in table.stdout


def test_delivery_to_loopback_is_refused_without_allow_private(engine: Engine, db_path: Path) -> None:
    with FixtureServer() as server:
        receiver = Receiver()
        server.route("/hook", receiver)
        assert run_cli("alerts", "add", "--webhook", server.url("/hook"), "--allow-private", db=db_path).returncode == 0
        add_delta(engine, 1, [("ADD", deployment_record("dep-000000000001"))])
        result = run_cli("alerts", "deliver", db=db_path)
        assert result.returncode == 1 and "non-public address 127.0.0.1" in result.stderr
        assert receiver.received == []
