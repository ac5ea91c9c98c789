"""The chat page in a real browser: Playwright driving Debian's chromium against a served app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from playwright import sync_api as playwright

from tests.conftest import ROOT, serve_copy

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, corpus_data_dir):
    yield from serve_copy(tmp_path_factory, corpus_data_dir, "ui")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make test` installs it")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_server):
    """A page on the app with the network cut off: any request off this machine is aborted and recorded."""
    base, _ = app_server
    context = browser.new_context(viewport={"width": 1100, "height": 1000})
    page = context.new_page()
    page.outside_requests = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            page.outside_requests.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(base)
    page.wait_for_selector("#question textarea", timeout=60000)
    yield page
    context.close()


def ask(page, question: str, expect: str):
    count = page.locator("#chat .message-row, #chat [data-testid='bot']").count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n",
        arg=["#chat .message-row, #chat [data-testid='bot']", count], timeout=60000,
    )
    page.wait_for_selector(expect, timeout=60000)


def shot(page, name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_answer_shows_numbered_expandable_sources(page):
    ask(page, "Hoeveel leden heeft de Wethoudersvereniging?", ".wijzer-source")
    chat = page.inner_text("#chat")
    assert "1.100" in chat and "[1]" in chat
    source = page.locator(".wijzer-source").first
    assert source.inner_text().startswith("[1] Beleidsplan 2025-2030 Wethoudersvereniging")
    source.locator("summary").click()
    assert "1.100 leden" in source.locator("blockquote").inner_text()
    shot(page, "ui-answer.png")
    assert page.outside_requests == []


def test_integrity_question_shows_escalation_panel(page):
    ask(page, "Ik word beschuldigd van belangenverstrengeling, wat moet ik doen?", ".wijzer-escalate")
    panel = page.locator(".wijzer-escalate").last
    assert "070 221 07 70" in panel.inner_text() and "vertrouwelijk" in panel.inner_text()
    assert panel.locator("a[href='tel:+31702210770']").count() == 1
    assert panel.locator("a[href='mailto:info@wethoudersvereniging.nl']").count() == 1
    shot(page, "ui-escalate.png")


def test_new_conversation_clears_the_chat(page):
    ask(page, "Wat is de hoofdstad van Frankrijk?", "#chat .message-row")
    assert "alleen vragen over het wethouderschap" in page.inner_text("#chat")
    page.click("#new")
    page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('Frankrijk')", timeout=20000)


def test_feedback_is_stored_with_question_answer_and_citations(page, app_server):
    _, data = app_server
    ask(page, "Voor welke verlofregelingen lobbyt de vereniging?", ".wijzer-source")
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('opgeslagen')", timeout=20000)
    page.fill("#comment textarea, #comment input", "Mantelzorgverlof ontbreekt in het antwoord")
    page.click("#comment-send")
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('opmerking')", timeout=20000)
    with sqlite3.connect(data / "wijzer.sqlite") as db:
        row = db.execute("SELECT rating, comment, question, route, citations FROM feedback ORDER BY id DESC").fetchone()
    assert row[0] == "down" and row[1] == "Mantelzorgverlof ontbreekt in het antwoord"
    assert row[2] == "Voor welke verlofregelingen lobbyt de vereniging?" and row[3] == "answer"
    assert row[4].startswith('[{"n": 1, "document": ') and "quote" in row[4]


def test_page_fits_a_phone_and_labels_its_controls(browser, app_server):
    base, _ = app_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(base)
    page.wait_for_selector("#question textarea", timeout=60000)
    ask(page, "Ik word bedreigd door een inwoner", ".wijzer-escalate")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.get_by_label("Uw vraag", exact=True).count() == 1
    assert page.get_by_role("button", name="Nieuw gesprek").count() == 1
    assert "Wat wordt bewaard?" in page.inner_text("#privacy")
    shot(page, "ui-phone.png")
    context.close()


def test_feedback_api_validates_in_dutch(app_server):
    import httpx

    base, _ = app_server
    r = httpx.post(f"{base}/api/feedback", json={"rating": "meh", "question": "x", "answer": "y", "route": "answer"})
    assert r.status_code == 422 and "rating" in r.json()["detail"]
    r = httpx.post(f"{base}/api/feedback", json={"rating": "up", "question": "Vraag", "answer": "Antwoord", "route": "answer"})
    assert r.status_code == 201 and r.json()["id"] >= 1


def test_clearing_the_chat_forgets_the_conversation(page, app_server):
    _, data = app_server
    ask(page, "Wat is de hoofdstad van Frankrijk?", "#chat .message-row")
    page.locator("#chat button[aria-label='Clear']").click()
    page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('Frankrijk')", timeout=20000)
    ask(page, "Hoeveel leden heeft de Wethoudersvereniging?", ".wijzer-source")
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('opgeslagen')", timeout=20000)
    with sqlite3.connect(data / "wijzer.sqlite") as db:
        question = db.execute("SELECT question FROM feedback ORDER BY id DESC").fetchone()[0]
    assert question == "Hoeveel leden heeft de Wethoudersvereniging?"


def test_urgent_answer_on_a_phone_shows_112_first_and_in_view(browser, app_server):
    """Danger now, on a phone: the long answer is shown from its start, where 112 stands, and the
    contact panel has a tel:112 link."""
    base, _ = app_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(base)
    page.wait_for_selector("#question textarea", timeout=60000)
    ask(page, "Hoeveel leden heeft de Wethoudersvereniging?", ".wijzer-source")  # earlier messages to scroll past
    ask(page, "Er staan nu mensen voor mijn huis te schreeuwen en ze gooien met stenen", ".wijzer-112")
    panel = page.locator(".wijzer-escalate").last
    assert panel.locator("a[href='tel:112']").count() == 1
    answer = page.locator("#chat [data-testid='bot']").last
    assert answer.inner_text().lstrip().startswith("Bent u nu in direct gevaar? Bel 112.")
    page.wait_for_timeout(600)  # the page scrolls the new answer's start into view after it renders
    first_line = answer.get_by_text("Bel 112.", exact=False).first
    box = first_line.bounding_box()
    assert box is not None and 0 <= box["y"] < 844 - box["height"], box
    # Nothing covers it (the chat's label, the edge of its scrolling box): the point is the answer's own.
    seen = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('[data-testid=\"bot\"]') !== null",
                         [box["x"] + 5, box["y"] + box["height"] / 2])
    assert seen, "the 112 line is hidden"
    shot(page, "ui-phone-112.png")
    context.close()


# Every blocked load or script is recorded on the page (the Content-Security-Policy of assistant/guard.py).
RECORD_CSP = ("window.__blocked = []; document.addEventListener('securitypolicyviolation', "
              "e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_the_chat_page_and_the_api_docs_work_under_the_content_security_policy(browser, app_server):
    base, _ = app_server
    context = browser.new_context()
    context.add_init_script(RECORD_CSP)
    page = context.new_page()
    response = page.goto(base)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector("#question textarea", timeout=60000)
    ask(page, "Hoeveel leden heeft de Wethoudersvereniging?", ".wijzer-source")
    assert page.evaluate("window.__blocked") == []
    page.goto(f"{base}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30000)
    assert "Wethouderswijzer" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock-summary-path", has_text="/api/ask").count() >= 1
    assert page.evaluate("window.__blocked") == []
    context.close()
