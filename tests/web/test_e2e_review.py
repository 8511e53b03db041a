"""The review pages in Debian's headless Chromium: sign in with a token, open a claim, press `a`.

Uses test_e2e.py's browser (same flags, no download, skipped without Chromium unless
CUSTODES_REQUIRE_BROWSER=1) against `custodes serve --review` over a private database copy.
A real browser is what shows that the forms pass the CSRF and same-origin checks as sent (the
Origin header a browser sends depends on the page's Referrer-Policy) and that the shortcuts do
not fire while typing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_e2e import By, WebDriver, browser, console_problems, ec, screenshot, wait  # noqa: F401
from tests.web.test_review import make_token


@pytest.fixture
def review_server(copy_db: Path) -> Iterator[tuple[LiveServer, str]]:
    secret = make_token(copy_db, "carol")
    with LiveServer(copy_db, review=True) as live:
        yield live, secret


def test_sign_in_open_a_claim_and_accept_with_the_a_key(browser: WebDriver,  # noqa: F811
                                                        review_server: tuple[LiveServer, str]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    live, secret = review_server
    browser.delete_all_cookies()
    browser.get(live.url + "/review")
    wait(browser).until(ec.url_to_be(live.url + "/review/login"))
    box = browser.find_element(By.ID, "token")
    box.send_keys("not-the-token")
    box.submit()
    wait(browser).until(ec.presence_of_element_located((By.ID, "login-error")))
    assert "not valid" in browser.find_element(By.ID, "login-error").text
    assert [p for p in console_problems(browser) if "/review/login" not in p or "403" not in p] == []
    browser.find_element(By.ID, "token").send_keys(secret)
    browser.find_element(By.ID, "token").submit()
    wait(browser).until(ec.url_to_be(live.url + "/review"))
    assert browser.find_element(By.ID, "reviewer").text == "carol"
    links = browser.find_elements(By.CSS_SELECTOR, "a.claim-link")
    first, second = links[0].text, links[1].text
    links[0].click()
    wait(browser).until(ec.presence_of_element_located((By.ID, "claim-id")))
    assert browser.find_element(By.ID, "claim-id").text == first
    assert browser.find_element(By.CSS_SELECTOR, "#document mark#evidence").text
    screenshot(browser, "review-claim")

    # typing in the reason field is not a shortcut
    reason = browser.find_element(By.ID, "reject-reason")
    reason.send_keys("a r")
    assert browser.find_element(By.ID, "claim-id").text == first
    reason.clear()
    browser.find_element(By.ID, "fields").click()  # focus leaves the field
    ActionChains(browser).send_keys("a").perform()
    wait(browser).until(ec.presence_of_element_located((By.ID, "recorded")))
    assert browser.find_element(By.ID, "claim-id").text == second
    recorded = browser.find_element(By.ID, "recorded").text
    assert "accept" in recorded and first in recorded
    with sqlite3.connect(live.db) as conn:
        assert conn.execute("SELECT claim_id, decision, reviewer FROM reviews").fetchall() == [
            (first, "accept", "carol")]
        assert conn.execute("SELECT review_state FROM claims WHERE id = ?", (first,)).fetchone() == ("accepted",)
    screenshot(browser, "review-next-claim")
    assert console_problems(browser) == []
