"""transhub in real processes, for tests where crashes and concurrency matter: start
the real CLI in a process of its own, wait (always bounded) for a condition or for
the lines it prints, and kill the transhub process itself — never a shell around it.

Every wait here has a deadline and names what never happened; a process that outlives
its deadline is killed before the assertion is raised, so a failing test leaves no
process behind.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

#: The bound on a wait when the test names none: long enough for a loaded machine.
DEADLINE = 60.0

#: How often a condition is checked while waiting for it.
INTERVAL = 0.01

Process = subprocess.Popen[str]


def command(*argv: str) -> list[str]:
    """The argv that runs ``transhub ARGV`` with this interpreter (this environment's
    transhub and plugins)."""
    return [sys.executable, "-m", "transhub", *argv]


def spawn(
    *argv: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    output: bool = True,
) -> Process:
    """``transhub ARGV`` started in its own process, with this test's environment (or
    ``env``); stdout and stderr piped as text (sent nowhere when not ``output``)."""
    stream = subprocess.PIPE if output else subprocess.DEVNULL
    return subprocess.Popen(  # noqa: S603 - this interpreter running transhub
        command(*argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdout=stream,
        stderr=stream,
        text=True,
    )


def run(
    *argv: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    input: str | None = None,
    timeout: float = DEADLINE,
) -> subprocess.CompletedProcess[str]:
    """``transhub ARGV`` in its own process to its end, output captured (the process is
    killed if it outlives ``timeout``: :class:`subprocess.TimeoutExpired`)."""
    return subprocess.run(  # noqa: S603 - this interpreter running transhub
        command(*argv),
        env=dict(env) if env is not None else None,
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def finish(process: Process, timeout: float = DEADLINE) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``process`` once it ends; killed (and the test
    failed) if it outlives ``timeout``."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"{process.args!r} did not finish in {timeout} s: {err}") from None
    return process.returncode, out or "", err or ""


def kill(process: Process, timeout: float = DEADLINE) -> None:
    """SIGKILL the transhub process itself and reap it."""
    process.kill()
    process.wait(timeout=timeout)


def reap(*processes: Process | None, timeout: float = DEADLINE) -> None:
    """Kill whichever of ``processes`` still run and reap them all (for a ``finally``)."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
    for process in processes:
        if process is not None:
            process.wait(timeout=timeout)


def eventually(
    condition: Callable[[], object], timeout: float = DEADLINE, interval: float = INTERVAL
) -> bool:
    """Whether ``condition`` holds within ``timeout`` (checked every ``interval``)."""
    end = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(interval)


def wait_until(
    condition: Callable[[], object],
    what: str,
    *,
    timeout: float = DEADLINE,
    process: Process | None = None,
    interval: float = INTERVAL,
) -> None:
    """Wait until ``condition`` holds; the assertion names ``what`` never happened
    within ``timeout`` — or, given the ``process`` that should make it happen, that
    it ended first (with its exit code and what it said on stderr)."""
    end = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            err = process.stderr.read() if process.stderr is not None else ""
            raise AssertionError(f"transhub exited {process.returncode} before {what}: {err}")
        if time.monotonic() >= end:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def read_lines(
    process: Process,
    until: Callable[[list[str]], bool],
    what: str,
    *,
    timeout: float = DEADLINE,
) -> list[str]:
    """The lines ``process`` prints on stdout, read until ``until(lines so far)`` holds.

    Bounded: if that does not happen within ``timeout`` (or the process closes its
    stdout first), the process is killed and the assertion names ``what``.  Nothing
    is read past the line that satisfied ``until``."""
    stdout = process.stdout
    assert stdout is not None, "the process's stdout is not piped"
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        # A thread, because a pipe's readline cannot be given a timeout.
        for line in stdout:
            lines.append(line)
            if until(lines):
                done.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not done.is_set():
        process.kill()
        reader.join(timeout)
        raise AssertionError(f"transhub never printed {what} in {timeout} s: {''.join(lines)}")
    return lines


def exports(lines: list[str]) -> dict[str, str]:
    """The ``export NAME='value'`` lines among ``lines`` (what ``transhub sandbox
    serve`` prints), as a mapping."""
    found: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            key, _, value = line[len("export ") :].strip().partition("=")
            found[key] = value.strip("'")
    return found


def read_exports(process: Process, *names: str, timeout: float = DEADLINE) -> dict[str, str]:
    """The settings ``transhub sandbox serve`` (running as ``process``) exports, read
    until every one of ``names`` was printed (bounded, see :func:`read_lines`)."""
    wanted = set(names)
    lines = read_lines(
        process,
        lambda lines: wanted <= exports(lines).keys(),
        f"the exports {sorted(wanted)}",
        timeout=timeout,
    )
    return exports(lines)
