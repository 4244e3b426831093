"""`sim serve`: the page is served on localhost and points at the app's websocket; arguments are checked first."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import EXAMPLE, ROOT, example_text
from sim.commands.serve import is_local, play_arguments, play_command
from sim.diagnostics import SimError

START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, deadline: float) -> str:
    """The page at url, retrying until the server is up or the deadline passes."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_serves_the_page_with_the_websocket_on_localhost():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", str(EXAMPLE), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        page = fetch(f"http://127.0.0.1:{port}/", time.monotonic() + START_TIMEOUT)
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws/"' in page, "the page adds its token"
        assert "textual" in page.lower()
        assert "googleapis" not in page and "https://" not in page, "the page asks nothing of other servers"
        assert "fonts/RobotoMono" in page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_play_command_quotes_every_argument(tmp_path):
    odd = tmp_path / "a folder; rm -rf ~" / "scenario.yaml"
    odd.parent.mkdir()
    odd.write_text(EXAMPLE.read_text().replace("root: ../../seeds/", f"root: {ROOT / 'seeds'}/"))
    command = play_command(play_arguments(str(odd), None))
    assert shlex.split(command) == [sys.executable, "-m", "sim", "play", str(odd.resolve())]


def test_class_file_becomes_play_arguments(tmp_path):
    path = tmp_path / "class.yaml"
    (tmp_path / "mini.yaml").write_text(example_text())
    path.write_text("scenario: mini.yaml\nseed: 3\nblind: true\n")
    args = play_arguments(None, str(path))
    assert args[:6] == [str((tmp_path / "mini.yaml").resolve()), "--seed", "3", "--perspective", "state", "--blind"]


def test_scenario_and_class_together_are_refused(tmp_path):
    with pytest.raises(SimError) as info:
        play_arguments(str(EXAMPLE), str(tmp_path / "class.yaml"))
    assert info.value.usage and "not both" in info.value.diagnostics[0].message


def test_a_bad_scenario_fails_in_the_terminal_before_serving():
    proc = subprocess.run([sys.executable, "-m", "sim", "serve", "no-such-scenario", "--port", str(free_port())],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "no such scenario" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                         ("0.0.0.0", False), ("192.168.1.5", False), ("example.edu", False)])
def test_which_hosts_count_as_local(host, local):
    assert is_local(host) is local


def test_serve_module_does_not_load_textual_serve_until_run():
    code = "import sys, sim.commands.serve; sys.exit(1 if 'textual_serve' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
