"""The bureau's workspace in a real browser (Debian's chromium through Playwright), at 390 px and at desk width:
log in, draft, edit, hand over for review, approve as a colleague, export."""

from __future__ import annotations

import os
import subprocess

import pytest
from docx import Document

from tests.conftest import serve_copy, venv_bin
from tests.test_ui import ARGS, CHROMIUM, shot

PASSWORD = "een lang genoeg wachtwoord"
QUESTION = ("Beste mensen van het bureau,\n\nIk ben zwanger en wil weten hoeveel weken verlof ik als wethouder krijg "
            "en wie mij dan vervangt.\n\nMet vriendelijke groet,\nEls de Vries")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, corpus_data_dir):
    for base, data in serve_copy(tmp_path_factory, corpus_data_dir, "staff-browser"):
        env = {**os.environ, "WIJZER_DATA_DIR": str(data)}
        for name, role in (("anna", "staff"), ("carla", "admin")):
            subprocess.run([venv_bin("wijzer"), "user", "add", name, "--role", role, "--password-stdin"],
                           input=PASSWORD + "\n", text=True, check=True, env=env, capture_output=True, timeout=120)
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api as playwright

    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/staff/drafts")
    assert "/staff/login" in page.url  # not signed in: sent to the login page
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation(url="**/staff/drafts"):
        page.keyboard.press("Enter")  # the keyboard is enough


def test_login_draft_edit_approve_export(browser, app_server, tmp_path):
    base = app_server
    outside = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  accept_downloads=True)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()

    _log_in(page, base, "anna")
    for path in ("/staff/documents", "/staff/feedback", "/staff/overview", "/staff/document?id=beleidsplan-2025-2030",
                 "/staff/drafts"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path  # nothing wider than a phone
    shot(page, "staff-1-drafts-390.png")
    page.get_by_label("Vraag van het lid").fill(QUESTION)
    page.get_by_label("Naam van het lid (optioneel)").fill("Els de Vries")
    page.get_by_label("Gemeente (optioneel)").fill("Utrecht")
    page.get_by_role("button", name="Laat de assistent een concept opstellen").click()
    page.wait_for_url("**/staff/drafts/*")
    assert "Het concept is opgesteld" in page.inner_text("main")
    assert page.locator(".sources li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "staff-2-draft-390.png")

    text = page.get_by_label("Tekst (de nummers [1], [2] verwijzen naar de bronnen)")
    text.fill("Beste Els,\n\nHet zwangerschaps- en bevallingsverlof van een wethouder duurt ten minste zestien weken [1]."
              "\n\nMet vriendelijke groet")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    page.wait_for_load_state()
    assert "Opgeslagen." in page.inner_text("main")
    page.get_by_role("button", name="Ter controle aanbieden").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_load_state()
    assert "een collega" in page.inner_text(".error")  # not her own
    shot(page, "staff-3-self-approval-refused-390.png")
    draft_url = page.url.split("?")[0]
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/staff/login*")

    context.clear_cookies()
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = desk.new_page()
    _log_in(page, base, "carla")
    page.goto(draft_url)
    assert "ter controle" in page.inner_text("h1")
    assert "zestien weken [1]" in page.get_by_label("Tekst (de nummers [1], [2] verwijzen naar de bronnen)").input_value()
    page.get_by_role("button", name="Goedkeuren").click()
    page.wait_for_load_state()
    assert "Goedgekeurd." in page.inner_text("main") and "goedgekeurd door carla" in page.inner_text("main")
    shot(page, "staff-4-approved-desk.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteer als Word-bestand").click()
    saved = tmp_path / "antwoord.docx"
    download.value.save_as(saved)
    paragraphs = [p.text for p in Document(str(saved)).paragraphs]
    assert any("zestien weken [1]" in p for p in paragraphs) and "Bronnen" in paragraphs
    assert any(p.startswith("[1] ") for p in paragraphs)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteer als e-mailtekst").click()
    mail = download.value.path().read_text(encoding="utf-8")
    assert mail.startswith("Beste Els de Vries,") and "Bronnen:" in mail
    page.get_by_role("button", name="Markeer als verstuurd").click()
    page.wait_for_load_state()
    assert "verstuurd" in page.inner_text("h1")
    versions = page.locator("table.list").last.inner_text()
    for words in ("opgesteld door de assistent", "tekst aangepast", "ter controle aangeboden", "goedgekeurd",
                  "als verstuurd gemarkeerd"):
        assert words in versions
    import httpx

    for question in ("Hoeveel leden heeft de Wethoudersvereniging?", "Ik word bedreigd door een inwoner"):
        httpx.post(f"{base}/api/ask", json={"question": question}, timeout=60)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{base}/staff/overview")
    assert page.locator(".plot img").evaluate("img => img.naturalWidth") > 0
    assert "1 beantwoord, 1 doorverwezen" in page.inner_text("main")
    assert errors == []  # nothing blocked by the Content-Security-Policy
    shot(page, "staff-5-overview-desk.png")
    page.goto(f"{base}/staff/audit")
    shot(page, "staff-6-audit-desk.png")
    assert outside == []
    desk.close()
    context.close()
