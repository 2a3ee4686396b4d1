"""The real app in a real browser: headless Debian Chromium driven by Selenium (no browser download).

Screenshots are saved to tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from app import build_app, launch_kwargs
from rag.answer import Answerer
from tests.conftest import ROOT, UPLOAD_LAW, free_port

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("chromium / chromedriver not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def served_app(retriever, tmp_path_factory):
    import dataclasses

    settings = dataclasses.replace(
        retriever.settings, port=free_port(), feedback_path=tmp_path_factory.mktemp("fb") / "feedback.jsonl"
    )
    demo = build_app(settings, Answerer(settings, retriever))
    demo.queue(default_concurrency_limit=4)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs(settings))
    yield f"http://127.0.0.1:{settings.port}/", settings
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        "--lang=id",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _wait(fn, timeout=30.0, every=0.3):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(every)
    return fn()


def _ask(browser, question: str, n_answers: int):
    from selenium.webdriver.common.by import By

    box = browser.find_element(By.CSS_SELECTOR, "#question textarea")
    box.clear()
    box.send_keys(question)
    browser.find_element(By.CSS_SELECTOR, "#send").click()
    _wait(
        lambda: (
            len(browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")) >= 2 * n_answers
            and "…" not in browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")[-1].text
        )
    )


def _first_answer(served_app, browser, question: str) -> str:
    """Open a fresh page, ask one question, return the text of the answer bubble."""
    from selenium.webdriver.common.by import By

    url, _ = served_app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.get(url)
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#question textarea"))
    _ask(browser, question, 1)
    return browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")[-1].text


def test_ask_click_citation_and_escape_html(served_app, browser):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    url, _ = served_app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.get(url)
    _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#question textarea"))
    page = browser.find_element(By.TAG_NAME, "body").text
    for label in ("Tanya Peksos", "Kirim", "Contoh pertanyaan", "Sumber", "Dokumen", "Percakapan baru"):
        assert label in page, label
    browser.save_screenshot(str(ARTIFACTS / "01-awal.png"))

    _ask(browser, "apa beda peksos dan relawan?", 1)
    cites = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#chat a.cite"))
    assert cites and cites[0].text == "[1]"
    cites[0].click()
    active = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#sources .src-card.active"))
    assert active and active[0].get_attribute("id") == "src-0-1"
    assert active[0].find_elements(By.TAG_NAME, "mark"), "the cited sentence is highlighted"
    assert "membedakan pekerja sosial dengan relawan" in active[0].text
    browser.save_screenshot(str(ARTIFACTS / "02-jawaban-dan-sumber.png"))

    evil = "<img src=x onerror=alert(1)>"
    _ask(browser, evil, 2)
    try:
        browser.switch_to.alert.accept()
        raise AssertionError("script in a question was executed")
    except NoAlertPresentException:
        pass
    user_bubbles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#chat .message-row.user-row")]
    assert evil in user_bubbles[-1]
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat img[src='x']")
    browser.save_screenshot(str(ARTIFACTS / "03-html-sebagai-teks.png"))


def test_document_browser_shows_law_structure(served_app, browser):
    from selenium.webdriver.common.by import By

    url, _ = served_app
    browser.get(url)
    tab = _wait(
        lambda: [b for b in browser.find_elements(By.CSS_SELECTOR, "button[role='tab']") if b.text == "Dokumen"]
    )
    tab[0].click()
    text = _wait(lambda: browser.find_element(By.ID, "document-text").text)
    assert text.strip()
    browser.save_screenshot(str(ARTIFACTS / "04-dokumen.png"))


def test_typo_repair_is_shown_above_the_answer(served_app, browser):
    from selenium.webdriver.common.by import By

    last = _first_answer(served_app, browser, "apa itu kesejahteran sosial?")
    assert "Ejaan disesuaikan untuk pencarian: kesejahteran → kesejahteraan" in last
    assert _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#chat a.cite"))
    browser.save_screenshot(str(ARTIFACTS / "06-ejaan-disesuaikan.png"))


def test_a_who_question_shows_the_one_list_item_with_its_introduction(served_app, browser):
    from selenium.webdriver.common.by import By

    last = _first_answer(served_app, browser, "Siapa yang menerbitkan STR?")
    assert "Organisasi Pekerja Sosial berwenang:" in last and "menerbitkan, memperpanjang" in last
    assert "menegakkan kode etik" not in last  # the rest of Pasal 48's list stays out of the answer
    cites = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#chat a.cite"))
    cites[0].click()
    active = _wait(lambda: browser.find_elements(By.CSS_SELECTOR, "#sources .src-card.active"))
    assert active and "Pasal 48" in active[0].text
    marks = " ".join(m.text for m in active[0].find_elements(By.TAG_NAME, "mark"))
    assert "menerbitkan, memperpanjang" in marks
    browser.save_screenshot(str(ARTIFACTS / "07-siapa-yang.png"))


@pytest.fixture(scope="module")
def upload_app(full_index, embedder, tmp_path_factory):
    """The app over a private copy of the full index (uploads must not change the shared one)."""
    import dataclasses

    from rag.retrieve import Retriever

    tmp = tmp_path_factory.mktemp("upload-app")
    shutil.copytree(full_index.index_dir, tmp / "index")
    settings = dataclasses.replace(
        full_index,
        index_dir=tmp / "index",
        uploads_dir=tmp / "uploads",
        port=free_port(),
        feedback_path=tmp / "feedback.jsonl",
    )
    demo = build_app(settings, Answerer(settings, Retriever(settings, embedder)))
    demo.queue(default_concurrency_limit=4)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs(settings))
    yield f"http://127.0.0.1:{settings.port}/", settings, tmp
    demo.close()


def _tab(browser, name: str):
    from selenium.webdriver.common.by import By

    tab = _wait(lambda: [b for b in browser.find_elements(By.CSS_SELECTOR, "button[role='tab']") if b.text == name])
    tab[0].click()


def test_upload_ask_remove_in_the_browser(upload_app, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, settings, tmp = upload_app
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    law = tmp / "Peraturan Rumah Singgah.md"
    law.write_text(UPLOAD_LAW, encoding="utf-8")
    question = "Apa kewajiban rumah singgah bagi anak jalanan?"

    browser.get(url)
    _tab(browser, "Dokumen")
    page = _wait(lambda: browser.find_element(By.TAG_NAME, "body").text)
    for label in ("Dokumen di indeks", "Tambah dokumen", "Hapus dokumen unggahan", "Baca dokumen"):
        assert label in page, label
    browser.find_element(By.CSS_SELECTOR, "#upload-files input[type='file']").send_keys(str(law))
    _wait(lambda: "Peraturan Rumah Singgah.md" in browser.find_element(By.ID, "upload-files").text)
    browser.find_element(By.ID, "upload-button").click()
    result = _wait(lambda: "Berhasil" in (t := browser.find_element(By.ID, "upload-result").text) and t, timeout=120)
    assert "Peraturan Contoh tentang Rumah Singgah" in result and "Peraturan" in result and "Pasal 7" in result
    assert "Peraturan Contoh tentang Rumah Singgah" in browser.find_element(By.ID, "doc-table").text
    assert (settings.uploads_dir / "peraturan-rumah-singgah.md").is_file()
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(ARTIFACTS / "08-dokumen-daftar.png"))
    browser.execute_script("document.getElementById('upload-result').scrollIntoView({block: 'end'})")
    browser.save_screenshot(str(ARTIFACTS / "08-dokumen-unggah.png"))

    _tab(browser, "Tanya")
    _ask(browser, question, 1)
    answer = browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")[-1].text
    assert "menyediakan makanan bergizi" in answer
    sources = browser.find_element(By.ID, "sources").text
    assert "Peraturan Contoh tentang Rumah Singgah" in sources and "Pasal 7" in sources
    browser.save_screenshot(str(ARTIFACTS / "09-jawaban-dari-unggahan.png"))

    _tab(browser, "Dokumen")
    pick = browser.find_element(By.CSS_SELECTOR, "#remove-pick input")
    pick.click()
    pick.send_keys("Rumah Singgah")
    option = _wait(
        lambda: [
            o
            for o in browser.find_elements(By.CSS_SELECTOR, "#remove-pick [role='option']")
            if "Rumah Singgah" in o.text
        ]
    )
    option[0].click()
    pick.send_keys(Keys.ESCAPE)
    browser.find_element(By.ID, "remove-button").click()
    removed = _wait(lambda: "dihapus" in (t := browser.find_element(By.ID, "remove-result").text) and t, timeout=60)
    assert "Peraturan Contoh tentang Rumah Singgah" in removed
    assert "Rumah Singgah" not in browser.find_element(By.ID, "doc-table").text
    assert not list(settings.uploads_dir.iterdir())

    _tab(browser, "Tanya")
    _ask(browser, question, 2)
    answer = browser.find_elements(By.CSS_SELECTOR, "#chat .message-row")[-1].text
    assert "menyediakan makanan bergizi" not in answer
    latest = browser.find_element(By.CSS_SELECTOR, "#sources details.turn[open]").text
    assert "Peraturan Contoh tentang Rumah Singgah" not in latest
