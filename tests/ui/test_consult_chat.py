"""The README's main command as a user meets it: Chainlit in headless Chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
NOTICE = "Educational information only"


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
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINE_")}
    env["SPINE_HOME"] = str(tmp_path / "home")
    chainlit = shutil.which("chainlit", path=str(Path(sys.executable).parent))
    assert chainlit, "chainlit is not installed in this environment"
    server = subprocess.Popen(
        [chainlit, "run", "ui/app.py", "--headless", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"chainlit exited early:\n{server.stdout.read() if server.stdout else ''}")
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


def test_consult_chat_streams_an_answer_with_the_notice(chat_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(chat_url)
        page.wait_for_selector("text=SpineMed consult (demo)", timeout=60_000)
        page.locator("#chat-input").click()
        page.keyboard.type("Which nerve root does an L4-L5 disc herniation compress?")
        page.locator("#chat-submit").click()
        # the welcome carries the notice once; the answer adds it after the streamed text
        page.wait_for_function(
            f"document.body.innerText.split({NOTICE!r}).length >= 3", timeout=120_000
        )
        body = page.inner_text("body")
        browser.close()
    answer = body.split("Which nerve root does an L4-L5 disc herniation compress?")[-1]
    streamed = answer.split(NOTICE)[0].strip()
    assert streamed, "no model text before the notice"
    assert "could not answer" not in body and "Configuration error" not in body
