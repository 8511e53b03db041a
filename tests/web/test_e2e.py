"""End-to-end tests in Debian's headless Chromium (selenium + /usr/bin/chromedriver).

They load the map, click a country, read its evidence, run a search and an explorer query, and
check that hostile evidence text stays text. Each saves a screenshot under
tests/web/screenshots/ (ignored by git); the home page's is also written to
docs/screenshot-home.png when that file is missing or CUSTODES_UPDATE_SCREENSHOTS=1.

No browser is ever downloaded: the Service and binary paths are given, so Selenium Manager is not
used, and Chromium runs with its background networking off. When Chromium is not installed the
tests skip, unless CUSTODES_REQUIRE_BROWSER=1 (set it in CI) turns that into a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).parent / "screenshots"
DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-home.png"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1000")

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CUSTODES_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium / chromium-driver are not installed (apt-get install chromium chromium-driver)")
        pytest.skip("chromium and chromium-driver are not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver: WebDriver, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def screenshot(driver: WebDriver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def console_problems(driver: WebDriver) -> list[str]:
    """Console errors: a CSP violation or a failed asset load shows up here."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def test_map_click_country_shows_its_evidence(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/")
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "svg.worldmap a.country")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.worldmap a.country")) >= 170
    legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
    assert "none recorded" in legend and "1 deployment" in legend
    kenya = browser.find_element(By.CSS_SELECTOR, 'svg.worldmap a.country[data-iso3="KEN"] path')
    assert kenya.value_of_css_property("fill") != browser.find_element(
        By.CSS_SELECTOR, 'a.country[data-iso3="TZA"] path').value_of_css_property("fill")
    shot = screenshot(browser, "home")
    if not DOCS_SHOT.exists() or os.environ.get("CUSTODES_UPDATE_SCREENSHOTS") == "1":
        DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS_SHOT)
    assert console_problems(browser) == []

    kenya.click()
    wait(browser).until(ec.url_to_be(server.url + "/countries/KEN"))
    assert browser.find_element(By.ID, "country-name").text.startswith("Kenya")
    quote = browser.find_element(By.CSS_SELECTOR, "article.deployment blockquote").text
    assert "facial recognition system supplied by Hikvision" in quote
    source = browser.find_element(By.CSS_SELECTOR, "article.deployment a.source")
    assert source.get_attribute("href") == "https://example.org/news/nairobi-faces"
    screenshot(browser, "country-KEN")
    assert console_problems(browser) == []


def test_map_tooltip_and_colour_choice(browser: WebDriver, server: LiveServer) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/")
    Select(browser.find_element(By.ID, "by")).select_by_value("category:smart_city")  # app.js submits
    wait(browser).until(ec.url_contains("by=category"))
    title = browser.find_element(By.CSS_SELECTOR, ".map-title").text
    assert "Smart / safe city" in title
    ecuador = browser.find_element(By.CSS_SELECTOR, 'a.country[data-iso3="ECU"] path')
    ActionChains(browser).move_to_element(ecuador).perform()
    tip = browser.find_element(By.CSS_SELECTOR, ".map-tip")
    wait(browser).until(lambda d: tip.is_displayed())
    assert tip.text == "Ecuador: 1 deployment"
    screenshot(browser, "home-smart-city")


def test_search_finds_evidence(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys("facial recognition")
    box.submit()
    wait(browser).until(ec.presence_of_element_located((By.ID, "result-count")))
    assert browser.find_element(By.ID, "result-count").text.startswith("3 evidence sentences match")
    marks = [m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert "facial" in marks and "recognition" in marks
    screenshot(browser, "search")
    browser.find_element(By.CSS_SELECTOR, '.hit a[href^="/countries/SRB"]').click()
    wait(browser).until(ec.url_contains("/countries/SRB"))
    assert "Belgrade" in browser.find_element(By.CSS_SELECTOR, "blockquote").text


def test_script_in_evidence_is_shown_as_text(browser: WebDriver, server: LiveServer) -> None:
    browser.get(server.url + "/countries/ZWE")
    quote = browser.find_element(By.CSS_SELECTOR, "article.deployment blockquote").text
    assert "<script>alert('xss')</script>" in quote
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return document.querySelectorAll('main script').length") == 0
    assert browser.find_elements(By.CSS_SELECTOR, 'a[href^="javascript:"]') == []
    assert "<b>trial</b>" in browser.find_element(By.CSS_SELECTOR, "article.deployment .cite").text
    screenshot(browser, "xss-as-text")
    assert console_problems(browser) == []


def test_explorer_and_vendor_page(browser: WebDriver, server: LiveServer) -> None:
    from selenium.webdriver.support.ui import Select

    browser.get(server.url + "/deployments")
    Select(browser.find_element(By.NAME, "supplier")).select_by_visible_text("Huawei")
    browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait(browser).until(ec.url_contains("supplier=Huawei"))
    assert browser.find_element(By.ID, "result-count").text.startswith("2 deployments match")
    screenshot(browser, "explorer")
    browser.find_element(By.CSS_SELECTOR, 'table.explorer a[href="/vendors/huawei"]').click()
    wait(browser).until(ec.url_to_be(server.url + "/vendors/huawei"))
    supplied = {a.get_attribute("data-iso3") for a in browser.find_elements(By.CSS_SELECTOR, "svg a.country")
                if a.get_attribute("data-count") != "0"}
    assert supplied == {"ECU", "SRB"}
    screenshot(browser, "vendor-huawei")
    assert console_problems(browser) == []
