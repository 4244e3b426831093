"""The classroom in a real browser: Debian's Chromium, driven by Playwright, against `sim serve --class --collect`
on a free port of 127.0.0.1.

A student plays Peru 1962 by keys and by mouse, reloads mid-game and finds the game where it was, finishes and is
handed in to the class folder; the instructor's page lists the student and the roster. No request leaves the
machine. Skipped, with the reason, where Chromium or Playwright is missing (`make test` installs both where it
can).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = os.environ.get("SIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"),
]

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]
START_TIMEOUT = 40
VIEWPORT = {"width": 1200, "height": 800}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Classroom:
    """A `sim serve --class --collect` process, its class folder and its journals."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.collect = tmp_path / "handed-in"
        self.data = tmp_path / "data"
        class_file = tmp_path / "class.yaml"
        class_file.write_text(f"scenario: {ROOT / 'scenarios' / 'peru-1962' / 'scenario.yaml'}\nseed: 7\n"
                              "perspective: state_department\n")
        self.log = tmp_path / "serve.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "sim", "serve", "--class", str(class_file), "--collect", str(self.collect),
                 "--port", str(self.port)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env={**os.environ, "SIM_DATA_DIR": str(self.data)})
        end = time.monotonic() + START_TIMEOUT
        while "Instructor's page" not in self.log.read_text(errors="replace"):
            assert self.proc.poll() is None, self.log.read_text(errors="replace")
            assert time.monotonic() < end, "sim serve did not start"
            time.sleep(0.2)
        line = next(x for x in self.log.read_text().splitlines() if x.startswith("Instructor's page: "))
        self.instructor = line.split(": ", 1)[1].strip()

    def journals(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in sorted(self.data.glob("served/*/*.json"))]

    def steps(self) -> int:
        found = self.journals()
        return len(found[0]["current"]["steps"]) if found else 0

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        return self.log.read_text(errors="replace")


@pytest.fixture
def classroom(tmp_path):
    served = Classroom(tmp_path)
    yield served
    if served.proc.poll() is None:
        served.stop()


@pytest.fixture
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def until(predicate, seconds: float = 15) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def open_game(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=START_TIMEOUT * 1000)
    page.focus(".xterm-helper-textarea")
    page.wait_for_timeout(2000)  # the first screen is drawn, its dialogs open


def take_by_enter(page, classroom: Classroom) -> bool:
    """Press Enter on the first decision until a step is journaled (the play screen may still be opening)."""
    for _ in range(4):
        time.sleep(1.5)
        page.keyboard.press("Enter")
        if until(lambda: classroom.steps() >= 1, 6):
            time.sleep(1)
            return True
    return False


def highlight_band(page) -> tuple[float, float] | None:
    """The top and bottom (page pixels) of the highlighted option: the band of the option list's highlight colour
    in a column of the left pane, read off a screenshot."""
    shot = base64.b64encode(page.screenshot()).decode()
    band = page.evaluate("""async (data) => {
        const img = new Image(); img.src = "data:image/png;base64," + data; await img.decode();
        const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
        const g = c.getContext("2d"); g.drawImage(img, 0, 0);
        const x = Math.round(img.width * 0.55);
        let top = null, bottom = null;
        for (let y = 0; y < img.height; y++) {
            const [r, gr, b] = g.getImageData(x, y, 1, 1).data;
            const blue = b > r + 40 && b > 60 && gr > r;
            if (blue && top === null) { top = y; }
            if (!blue && top !== null) { bottom = y; if (bottom - top >= 12) { break; } top = null; }
        }
        return top === null || bottom === null ? null : [top, bottom];
    }""", shot)
    return tuple(band) if band else None


def pump_until(page, predicate, seconds: float = 30) -> bool:
    """Wait for what Playwright's events bring (they arrive only while it is called)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not predicate():
        page.wait_for_timeout(100)
    return bool(predicate())


def test_a_student_plays_reloads_finishes_and_the_instructor_sees_the_hand_in(classroom, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    unloads: list[str] = []
    page.on("dialog", lambda d: (unloads.append(d.type), d.dismiss()))

    open_game(page, classroom.origin + "/")
    page.keyboard.type("Ana Test")
    page.keyboard.press("Enter")
    assert until(lambda: classroom.journals() and classroom.journals()[0]["current"].get("player") == "Ana Test"), \
        "the name given in the browser is kept on the server"
    time.sleep(0.5)
    page.keyboard.press("Enter")  # the briefing: begin
    assert take_by_enter(page, classroom), "Enter takes an option"

    first = classroom.steps()
    band = highlight_band(page)
    assert band is not None, "the highlighted option is on the screen"
    below = band[1] + (band[1] - band[0]) / 2
    page.mouse.click(VIEWPORT["width"] * 0.3, below)
    assert until(lambda: (highlight_band(page) or band)[0] >= band[1] - 2, 10), "a click highlights the option"
    time.sleep(1)
    assert classroom.steps() == first, "a single click takes nothing"
    page.mouse.dblclick(VIEWPORT["width"] * 0.3, below)
    assert until(lambda: classroom.steps() == first + 1), "a double click takes the option"
    taken = classroom.journals()[0]["current"]["steps"][-1]
    assert taken["kind"] == "decision"

    page.reload()
    page.wait_for_selector("body.-first-byte", timeout=START_TIMEOUT * 1000)
    page.focus(".xterm-helper-textarea")
    time.sleep(2)
    assert classroom.steps() == first + 1, "the reload lost nothing"
    assert len(classroom.journals()) == 1, "the reload found the same game, not a new one"

    for _ in range(80):
        if classroom.journals()[0].get("over"):
            break
        before = classroom.steps()
        page.keyboard.press("Enter")
        until(lambda before=before: classroom.steps() != before, 2)
    assert classroom.journals()[0].get("over"), "Enter plays the game to its end"
    assert classroom.journals()[0]["current"]["steps"][first]["choice"] == taken["choice"], \
        "the game went on from where the reload found it"

    assert until(lambda: list(classroom.collect.glob("ana-test-*.json")), 15), "the finished game is handed in"
    (handed,) = classroom.collect.glob("*.json")
    replay = json.loads(handed.read_text())
    assert replay["player"] == "Ana Test" and len(replay["steps"]) == classroom.steps()
    verify = subprocess.run([sys.executable, "-m", "sim", "replay", "--verify", str(handed)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    downloads: list[tuple[str, bytes]] = []

    def grab(route) -> None:
        response = route.fetch()
        downloads.append((response.headers.get("content-disposition", ""), response.body()))
        route.fulfill(response=response)

    context.route("**/download/**", grab)
    page.keyboard.press("Enter")  # the last chance screen: on to the debrief
    page.wait_for_timeout(3000)
    page.keyboard.press("e")  # the debrief: export
    assert pump_until(page, lambda: downloads), "the debrief downloads"
    assert ".html" in downloads[0][0] and downloads[0][1].startswith(b"<!DOCTYPE html>"), \
        "as the self-contained page"
    page.keyboard.press("s")  # the debrief: save the replay
    assert pump_until(page, lambda: len(downloads) == 2), "the replay downloads"
    assert json.loads(downloads[1][1])["steps"] == replay["steps"]

    page.close(run_before_unload=True)
    teacher = context.new_page()
    teacher.goto(classroom.instructor)
    text = teacher.inner_text("body")
    assert "Ana Test" in text and "finished" in text and handed.name in text
    assert "Roster" in text and "Class report" in text
    refused = context.new_page()
    response = refused.goto(classroom.instructor.split("?")[0] + "?key=wrong")
    assert response.status == 403

    assert unloads == [], "a page whose game the server keeps does not ask before it is closed"
    assert all(u.startswith(classroom.origin) or u.startswith(("data:", "blob:")) for u in requests), \
        [u for u in requests if not u.startswith(classroom.origin)]
    log = classroom.stop()
    assert "key=" not in log.split("Instructor's page", 1)[1].split("\n", 1)[1], "the log never holds the key"
    assert "Traceback" not in log


def test_without_storage_the_game_survives_a_reload_and_the_page_asks_before_closing(classroom, browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script("Object.defineProperty(window, 'localStorage', "
                            "{get() { throw new DOMException('blocked', 'SecurityError'); }});")
    page = context.new_page()
    open_game(page, classroom.origin + "/")
    assert "-unkept" in page.evaluate("document.body.className")
    assert "#game=" in page.url, "the game's token goes in the page's address"
    time.sleep(0.5)
    page.keyboard.press("Escape")  # no name
    time.sleep(0.5)
    page.keyboard.press("Enter")
    assert take_by_enter(page, classroom)
    taken = classroom.steps()
    page.reload()
    page.wait_for_selector("body.-first-byte", timeout=START_TIMEOUT * 1000)
    time.sleep(1)
    assert len(classroom.journals()) == 1 and classroom.steps() == taken, "a reload of the tab finds the game"
    page.focus(".xterm-helper-textarea")
    page.keyboard.press("Shift")  # a browser asks before unloading only a page the user has touched
    with page.expect_event("dialog", timeout=10_000) as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload", "closing a tab whose game cannot be found again asks first"
    asked.value.dismiss()


def test_a_second_tab_takes_the_game_over_and_the_first_says_where_it_went(classroom, browser):
    context = browser.new_context(viewport=VIEWPORT)
    first = context.new_page()
    open_game(first, classroom.origin + "/")
    second = context.new_page()
    open_game(second, classroom.origin + "/")
    first.wait_for_selector("body.-closed", timeout=START_TIMEOUT * 1000)
    assert "opened in another tab" in first.inner_text(".ended")
    assert first.is_visible("#continue") and first.is_visible("#new-game")
    assert len(classroom.journals()) <= 1
