"""The launcher of every measured command (see :mod:`measure`).

    python -I -S launch.py STATS TIMEOUT COMMAND...

Runs COMMAND with this process's stdio and environment, then writes its wall time,
peak RSS and CPU time (user + system; ``getrusage(RUSAGE_CHILDREN)``: this launcher
has no other child) to the JSON file STATS, and exits with COMMAND's code (124 when
it was killed at TIMEOUT).
Standard library only and kept small: its own RSS is the floor of what it measures.
"""

import json
import os
import resource
import signal
import sys
import time


def main(stats: str, timeout: float, command: list[str]) -> int:
    """Run, time and measure ``command``."""
    start = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)
    signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.alarm(max(1, round(timeout)))
    _, status = os.waitpid(pid, 0)  # resumed after the alarm's handler (PEP 475)
    signal.alarm(0)
    code = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss * 1024  # KB on Linux
    with open(stats, "w") as handle:  # noqa: PTH123 - pathlib would add to the floor
        json.dump({"seconds": seconds, "rss": rss, "cpu": usage.ru_utime + usage.ru_stime}, handle)
    return 124 if code == -signal.SIGKILL else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], float(sys.argv[2]), sys.argv[3:]))
