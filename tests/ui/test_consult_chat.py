"""The README's main command as a user meets it: Chainlit in headless Chromium (Playwright).

A fresh SPINE_HOME (the corpus is indexed on first use), password log-in, a question answered
with agent steps and citations, then a DICOM upload shown as a de-identified table, a preview
and levels. Screenshots go to SPINE_TEST_ARTIFACTS (default: tests/artifacts/).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.dicom_factory import write_image

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
NOTICE = "Educational information only"
PASSWORD = "s3cret-test-password"
QUESTION = "Which nerve root does an L4-L5 disc herniation compress?"
STEPS = ("Triage", "Level-localizer", "Retriever", "SpineGPT draft", "Reviewer")
ARTIFACTS = Path(os.environ.get("SPINE_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chat_url(tmp_path: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("SPINE_TEST_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} missing: apt-get install chromium chromium-driver")
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPINE_", "CHAINLIT_"))}
    env |= {
        "SPINE_HOME": str(tmp_path / "home"),  # fresh: the corpus is indexed on first use
        "SPINE_UI_PASSWORD": PASSWORD,
        "SPINE_LLM_MAX_TOKENS": "200",
    }
    chainlit = shutil.which("chainlit", path=str(Path(sys.executable).parent))
    assert chainlit, "chainlit is not installed in this environment"
    log = open(tmp_path / "chainlit.log", "w+")  # noqa: SIM115 - read back on failure
    server = subprocess.Popen(
        [chainlit, "run", "ui/app.py", "--headless", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            pytest.fail(f"chainlit exited early:\n{log.read()[-4000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("chainlit did not open its port within 90 s")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)
    log.seek(0)
    text = log.read()
    assert "Traceback" not in text, text[-4000:]


def _notices(page: object) -> int:
    return int(page.evaluate(f"document.body.innerText.split({NOTICE!r}).length - 1"))  # type: ignore[attr-defined]


def test_consult_chat_as_a_user(chat_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    scan = write_image(
        tmp_path / "upload" / "lumbar_sag.dcm",
        np.arange(64 * 64, dtype=np.uint16).reshape(64, 64),
        SeriesDescription="SAG T2 L4-5",
        BodyPartExamined="LSPINE",
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(chat_url)
            page.fill("#email", "clinician")
            page.fill("#password", PASSWORD)
            page.keyboard.press("Enter")
            # first use: the bundled corpus is indexed, then the welcome with the notice
            page.wait_for_selector("text=SpineMed consult", timeout=240_000)
            page.wait_for_selector("text=Knowledge base ready", timeout=240_000)
            before = _notices(page)

            page.locator("#chat-input").click()
            page.keyboard.type(QUESTION)
            page.locator("#chat-submit").click()
            page.wait_for_function(
                f"document.body.innerText.split({NOTICE!r}).length - 1 > {before}",
                timeout=180_000,
            )
            body = page.inner_text("body")
            for step in STEPS:
                assert step in body, f"step {step!r} not shown"
            answer = body.split(QUESTION)[-1]
            assert "Sources" in answer and "[1]" in answer
            for failure in ("could not finish", "could not start", "service is unavailable"):
                assert failure not in body
            page.get_by_text("Sources").last.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "consult_answer.png"))

            # the thread reopened: every step before the answer, in the order the steps ran
            page.wait_for_timeout(2000)  # the data layer writes in the background
            page.goto(page.url)
            page.wait_for_function(
                f"document.body.innerText.includes({QUESTION!r})"
                " && document.body.innerText.includes('Sources')",
                timeout=60_000,
            )
            reopened = page.inner_text("body").split(QUESTION)[-1]
            order = [*STEPS, "Final edit", "Sources"]
            at = {step: reopened.find(step) for step in order}
            assert -1 not in at.values() and list(at.values()) == sorted(at.values()), at

            before = _notices(page)
            page.set_input_files("#upload-button-input", str(scan))
            page.locator("#chat-input").click()
            page.keyboard.type("Here is my lumbar MRI.")
            page.wait_for_timeout(500)
            page.locator("#chat-submit").click()
            page.wait_for_selector("text=de-identified metadata", timeout=120_000)
            page.wait_for_selector("img[alt*='preview']", timeout=60_000)
            page.wait_for_function(
                f"document.body.innerText.split({NOTICE!r}).length - 1 > {before}",
                timeout=180_000,
            )
            body = page.inner_text("body")
            table = body.split("de-identified metadata")[-1]
            assert "L4-L5" in table.split("Levels:")[1][:40]
            assert "Doe" not in body and "MRN123456" not in body
            page.locator("img[alt*='preview']").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "consult_dicom.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "consult_failure.png"), full_page=True)
            raise
        finally:
            browser.close()
