"""Live progress on a terminal: one line per running task, in input order, and an
overall bar (done / total, elapsed, estimated remaining).

Drawn on stderr only when it is a terminal and neither ``--quiet`` nor ``--json`` was
given; otherwise every call is a no-op.  Safe to call from worker threads.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO

_BAR = 24


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """The progress board of one batch of ``total`` items."""

    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.failed = 0
        #: Running tasks: key → (input order, label, state shown).
        self.running: dict[str, tuple[int, str, str]] = {}
        self.started = time.monotonic()
        self._drawn = 0
        self._lock = threading.Lock()

    @classmethod
    def for_terminal(cls, total: int, *, quiet: bool, machine_readable: bool) -> Progress:
        """A board that draws only on an interactive stderr."""
        return cls(total, enabled=not (quiet or machine_readable) and sys.stderr.isatty())

    def update(
        self, key: str, label: str, state: str, percent: float | None = None, order: int = 0
    ) -> None:
        """Show task ``key``'s state (and the provider's percent) on its line, named
        ``label``; lines stand in input ``order``."""
        shown = f"{state} {percent:3.0f}%" if percent is not None else state
        with self._lock:
            self.running[key] = (order, label, shown)
            self._draw()

    def end(self, key: str) -> None:
        """Task ``key`` is over: its line goes."""
        with self._lock:
            if self.running.pop(key, None) is not None:
                self._draw()

    def settle(self, *, ok: bool) -> None:
        """One more input has its outcome (``ok``: not failed)."""
        with self._lock:
            self.done += 1
            self.failed += 0 if ok else 1
            self._draw()

    def close(self) -> None:
        """Erase the board (the summary follows on stdout)."""
        with self._lock:
            if self.enabled and self._drawn:
                self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
                self.stream.flush()
            self._drawn = 0

    def overall(self) -> str:
        """``[######------] 3/10  elapsed 0:12  remaining ~0:20``."""
        elapsed = time.monotonic() - self.started
        filled = round(_BAR * self.done / self.total) if self.total else _BAR
        bar = "#" * filled + "-" * (_BAR - filled)
        line = f"[{bar}] {self.done}/{self.total}  elapsed {_clock(elapsed)}"
        if 0 < self.done < self.total:
            line += f"  remaining ~{_clock(elapsed / self.done * (self.total - self.done))}"
        if self.failed:
            line += f"  failed {self.failed}"
        return line

    def _draw(self) -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 24)).columns
        lines = [
            f"  {name[: width - 20]:<{min(40, width - 20)}} {state}"
            for _, name, state in sorted(self.running.values(), key=lambda line: line[0])
        ]
        lines.append(self.overall())
        erase = f"\x1b[{self._drawn}F\x1b[J" if self._drawn else ""
        self.stream.write(erase + "\n".join(line[:width] for line in lines) + "\n")
        self.stream.flush()
        self._drawn = len(lines)
