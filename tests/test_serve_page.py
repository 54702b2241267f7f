"""The web page in a real browser: Debian's headless Chromium, driven through chromedriver.

A uvicorn server runs the app in a thread on a free loopback port; the browser types a task,
submits it and reads the answer. Screenshots go to ``test-output/`` (not committed).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import uvicorn
from fastapi import FastAPI
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from model_advisor import Advisor
from model_advisor.serve import create_app

OUTPUT = Path(__file__).parents[1] / "test-output"


@contextmanager
def running(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(shipped: Advisor) -> Iterator[str]:
    with running(create_app(shipped)) as url:
        yield url


def _find(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"none of {names} is installed: apt-get install chromium chromium-driver")


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = _find("chromium", "chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=900,1400")
    driver = webdriver.Chrome(options=options, service=Service(_find("chromedriver")))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def answer(driver: webdriver.Chrome) -> str:
    """The category heading, once an answer is shown."""
    WebDriverWait(driver, 20).until(
        expected_conditions.visibility_of_element_located((By.ID, "answer"))
    )
    return driver.find_element(By.ID, "category").text


def ask(driver: webdriver.Chrome, base: str, task: str) -> None:
    driver.get(base + "/")
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true"
    )
    box = driver.find_element(By.ID, "task")
    box.send_keys(task)
    box.send_keys(Keys.ENTER)  # Enter asks


def test_serve_page_shows_category_and_a_citation(server: str, browser: webdriver.Chrome) -> None:
    ask(browser, server, "predict weather for the harbour next week")
    assert answer(browser).startswith("Discriminative model")
    meter = browser.find_element(By.ID, "meter")
    assert float(meter.get_attribute("value") or 0) > 0.5
    citations = browser.find_elements(By.CSS_SELECTOR, "#citations li")
    assert citations
    assert "generative-ai.md:" in citations[0].find_element(By.CLASS_NAME, "where").text
    assert citations[0].find_element(By.TAG_NAME, "blockquote").text
    marked = [m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, "#task-shown mark")]
    assert "predict" in marked and "weather" in marked
    why_not = browser.find_element(By.ID, "why-not").text
    assert "Not Generative AI" in why_not
    assert "task=predict+weather" in browser.current_url  # a link to this answer
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "serve-page.png"))


def test_serve_page_shared_url_asks_at_once(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/?task={quote('write a story and predict sales')}")
    assert answer(browser).startswith("Generative AI")
    parts = browser.find_elements(By.CSS_SELECTOR, "#parts li")
    assert [p.text.split("→")[1].split("(")[0].strip() for p in parts] == [
        "Generative AI",
        "Discriminative model",
    ]
    assert browser.find_element(By.ID, "parts-title").text == "Parts of the task"


def test_serve_page_alternatives_say_to_choose(server: str, browser: webdriver.Chrome) -> None:
    browser.get(f"{server}/?task={quote('summarise or classify the support tickets')}")
    answer(browser)
    title = browser.find_element(By.ID, "parts-title").text
    assert title == "Alternatives: choose the one you need"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#parts li")) == 2


def test_serve_page_ambiguous_task_asks_the_question(
    server: str, browser: webdriver.Chrome
) -> None:
    # whichever of these the shipped knowledge finds too close to call (the server's knowledge)
    candidates = [
        "help me animate fraudulent payments",
        "make a model of customer churn",
        "write or classify",
        "score and caption photos",
        "translate or tag product reviews",
        "summarise or rank the reviews",
        "a robot or a chatbot for the shop",
        "robot that tidies the house or a chatbot",
    ]
    advisor = Advisor.default()
    torn = [a for a in map(advisor.advise, candidates) if a.ambiguous and a.question]
    assert torn, "no candidate task is ambiguous any more: add one that is"
    ask(browser, server, torn[0].task)
    answer(browser)
    box = browser.find_element(By.ID, "ambiguous")
    assert box.is_displayed()
    assert box.text.startswith("Too close to call.")
    assert torn[0].question in box.text


def test_serve_page_shows_markup_as_text_and_runs_none(
    server: str, browser: webdriver.Chrome
) -> None:
    task = (
        'write a poem <script>window.pwned = 1; alert("x")</script> '
        '<img src=x onerror="window.pwned = 2"> <b>bold</b>'
    )
    ask(browser, server, task)
    answer(browser)
    shown = browser.find_element(By.ID, "task-shown")
    assert "<script>" in shown.text and "<b>bold</b>" in shown.text
    assert not shown.find_elements(By.CSS_SELECTOR, "script, img, b")
    time.sleep(0.3)  # time for an injected handler to fire, were there one
    assert browser.execute_script("return window.pwned === undefined")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "serve-page-markup.png"))


def test_serve_page_empty_task_says_so(server: str, browser: webdriver.Chrome) -> None:
    ask(browser, server, "   ")
    error = browser.find_element(By.ID, "error")
    WebDriverWait(browser, 10).until(lambda d: error.is_displayed())
    assert "Describe a task" in error.text


def test_serve_page_is_readable_on_a_phone(server: str, browser: webdriver.Chrome) -> None:
    browser.set_window_size(390, 844)
    try:
        ask(browser, server, "an AI that can do every job in our company")
        answer(browser)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        inner = browser.execute_script("return window.innerWidth")
        assert width <= inner  # nothing wider than the screen
        OUTPUT.mkdir(exist_ok=True)
        browser.save_screenshot(str(OUTPUT / "serve-page-phone.png"))
    finally:
        browser.set_window_size(900, 1400)


def test_serve_page_asks_for_the_api_key_when_refused(
    shipped: Advisor, browser: webdriver.Chrome
) -> None:
    with running(create_app(shipped, api_key="page-k3y")) as url:
        browser.get(url + "/")
        key = browser.find_element(By.ID, "api-key")
        WebDriverWait(browser, 20).until(lambda d: key.is_displayed())  # /v1/knowledge got 401
        key.send_keys("page-k3y")
        box = browser.find_element(By.ID, "task")
        box.send_keys("draft a sales email", Keys.ENTER)
        assert answer(browser).startswith("Generative AI")


def loaded_from_elsewhere(driver: webdriver.Chrome, base: str) -> list[str]:
    """Every resource the page loaded from anywhere but the server."""
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return [name for name in names if not name.startswith(base)]


def test_serve_page_and_docs_load_nothing_from_elsewhere(
    server: str, browser: webdriver.Chrome
) -> None:
    ask(browser, server, "predict weather")
    answer(browser)
    assert loaded_from_elsewhere(browser, server) == []
    browser.get(server + "/docs")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
    summaries = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    assert "/v1/advise" in [s.text for s in summaries]
    assert loaded_from_elsewhere(browser, server) == []
