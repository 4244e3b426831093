"""Running `sim` as a separate process under limits, for inputs that once made it hang or eat memory."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass

TIMEOUT = 30  # seconds: far above what any of these inputs needs; it only stops a hang
MEMORY = 1024**3  # bytes of address space: far above what any of these inputs needs


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def _limit(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def unprivileged() -> list[str]:
    """A prefix that runs a command without the power to read past file permissions (root has it otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: setpriv is needed to test unreadable files"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


def run_sim(*args: str, cwd=None, env=None, timeout: float = TIMEOUT, memory: int = MEMORY,
            prefix: list[str] | None = None) -> Run:
    """Run `python -m sim ARGS`; a hang or a traceback fails the test, and so does an exit status outside 0-2."""
    command = [*(prefix or []), sys.executable, "-m", "sim", *args]
    try:
        proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit(memory), stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"sim {' '.join(args)} did not finish within {timeout} s") from None
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in run.text, run.text[-3000:]
    assert run.code in (0, 1, 2), (run.code, run.text[-3000:])
    return run
