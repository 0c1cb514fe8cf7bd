"""Running transhub on a pseudo-terminal, as a person at a terminal would: for tests of
what is drawn there (tables that fit, colours, the progress board)."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time


def on_pty(
    *argv: str,
    columns: int = 80,
    env: dict[str, str] | None = None,
    stdout: bool = True,
    timeout: float = 60.0,
) -> tuple[int, str, str]:
    """Run ``transhub ARGV`` with stdin and stderr (and stdout unless not ``stdout``:
    then piped) on a pty of ``columns``; the exit code, everything written to the pty,
    and what was piped."""
    primary, secondary = os.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    environment.update(env or {})
    process = subprocess.Popen(  # noqa: S603 - this interpreter running transhub
        [sys.executable, "-m", "transhub", *argv],
        stdin=secondary,
        stdout=secondary if stdout else subprocess.PIPE,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(primary, 65536)
            except OSError:  # the child closed the pty
                break
            if not data:
                break
            chunks.append(data)
        code = process.wait(timeout=timeout)
        piped = process.stdout.read().decode() if process.stdout else ""
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), piped
