"""Making, listing and removing alerts: filters resolved and validated, targets checked."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from custodes.alerts.matching import Entry, matches, parse_tech
from custodes.alerts.subscriptions import (
    Alert,
    AlertError,
    add_alert,
    get_alert,
    list_alerts,
    remove_alert,
    resolve_filters,
)
from custodes.store.schema import alerts
from tests.alerts.helpers import add_delta, deployment_record

NOW = "2024-06-10T00:00:00+00:00"


def test_filters_resolve_names_to_ids() -> None:
    f = resolve_filters("Kenya", "Huawei Technologies Co., Ltd.", "facial-recognition")
    assert (f.country, f.vendor_id, f.vendor, f.tech) == ("KEN", "huawei", "Huawei", "facial_recognition")
    assert resolve_filters("KEN").country == "KEN"


@pytest.mark.parametrize(("args", "named"), [
    (("Atlantis", None, None), "Atlantis"),
    ((None, "Acme Widgets", None), "Acme Widgets"),
    ((None, None, "telepathy"), "telepathy"),
])
def test_unknown_filter_is_refused_by_name(args: tuple[str | None, str | None, str | None], named: str) -> None:
    with pytest.raises(AlertError, match=named):
        resolve_filters(*args)


def test_exactly_one_target(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(AlertError, match="exactly one"):
        add_alert(conn, resolve_filters("KEN"), now=NOW)
    with engine.begin() as conn, pytest.raises(AlertError, match="exactly one"):
        add_alert(conn, resolve_filters("KEN"), webhook="https://example.org/h", file_path="/tmp/x.jsonl", now=NOW)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "ftp://example.org/x",
                                 "file:///etc/passwd"])
def test_unsafe_webhook_is_refused_at_add(engine: Engine, url: str) -> None:
    with engine.begin() as conn, pytest.raises(AlertError, match="refused"):
        add_alert(conn, resolve_filters("KEN"), webhook=url, now=NOW)
    with engine.connect() as conn:
        assert list_alerts(conn) == []


def test_public_webhook_gets_a_secret_and_loopback_needs_allow_private(engine: Engine) -> None:
    with engine.begin() as conn:
        public = add_alert(conn, resolve_filters("KEN"), webhook="https://hooks.example.org/c", now=NOW,
                           resolver=lambda host, port: ["93.184.215.14"])
        local = add_alert(conn, resolve_filters("KEN"), webhook="http://127.0.0.1:9/h", allow_private=True, now=NOW)
    assert public.secret and local.secret and public.secret != local.secret and len(public.secret) == 64
    with engine.connect() as conn:
        assert [a.pk for a in list_alerts(conn)] == [public.pk, local.pk]
        assert "secret" not in get_alert(conn, public.pk).to_dict()


def test_file_alert_has_no_secret_and_an_absolute_path(engine: Engine) -> None:
    with engine.begin() as conn:
        alert = add_alert(conn, resolve_filters(tech="biometric_id"), file_path="out/alerts.jsonl", now=NOW)
    assert alert.secret is None and alert.file_path and alert.file_path.startswith("/")


def test_from_version_is_the_newest_delta(engine: Engine) -> None:
    add_delta(engine, 1, [("ADD", deployment_record("dep-aaaaaaaaaaaa"))])
    add_delta(engine, 2, [("ADD", deployment_record("dep-bbbbbbbbbbbb"))])
    with engine.begin() as conn:
        alert = add_alert(conn, resolve_filters("KEN"), file_path="/tmp/custodes-alerts.jsonl", now=NOW)
    assert alert.from_version == 2


def test_remove_keeps_the_row(engine: Engine) -> None:
    with engine.begin() as conn:
        alert = add_alert(conn, resolve_filters("KEN"), file_path="/tmp/custodes-alerts.jsonl", now=NOW)
        removed = remove_alert(conn, str(alert.pk), now="2024-06-11T00:00:00+00:00")
    assert removed.removed_at == "2024-06-11T00:00:00+00:00"
    with engine.connect() as conn:
        assert list_alerts(conn) == []
        assert [a.pk for a in list_alerts(conn, include_removed=True)] == [alert.pk]
        assert conn.execute(select(alerts.c.pk)).scalars().all() == [alert.pk]
    with engine.begin() as conn, pytest.raises(AlertError, match="already removed"):
        remove_alert(conn, alert.pk, now=NOW)
    with engine.begin() as conn, pytest.raises(AlertError, match="no alert 99"):
        remove_alert(conn, "99", now=NOW)


def test_tech_matches_by_category_membership_not_substring() -> None:
    assert parse_tech('["facial_recognition", "video_surveillance"]') == {"facial_recognition", "video_surveillance"}
    assert parse_tech("smart_city;video_surveillance") == {"smart_city", "video_surveillance"}
    alert = Alert(1, None, None, None, "smart_policing", None, "/tmp/x", None, NOW, 0, None)
    near = Entry(1, "ADD", "dep-1", "h", None, "KEN", "huawei", parse_tech('["smart_policing_x"]'))
    hit = Entry(1, "ADD", "dep-1", "h", None, "KEN", "huawei", parse_tech('["smart_policing"]'))
    assert not matches(alert, near) and matches(alert, hit)
