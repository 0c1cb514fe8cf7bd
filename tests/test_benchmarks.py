"""The benchmark script keeps working: a smoke run (one run, small files, no task
time) produces a complete, well-formed table.  No timings are asserted here: the
numbers belong to ``nox -s bench`` on a quiet machine, not to the test suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| (\d+) \|(.*)\|$")
VERDICTS = {"met", "**MISSED**", "reported"}
#: A group of rows in run.py's GROUPS: ``    (3, 4, 12): transfer_rows.text_transfers,``.
GROUP = re.compile(r"^    \(([\d, ]+),?\): ", re.MULTILINE)


def grouped_rows() -> list[int]:
    """Every row number run.py's GROUPS measures (rows added later join by themselves)."""
    text = (ROOT / "benchmarks" / "run.py").read_text(encoding="utf-8")
    return sorted(int(n) for group in GROUP.findall(text) for n in group.split(",") if n.strip())


@pytest.mark.timeout(180)
def test_a_smoke_run_writes_every_row_of_the_table(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = output.read_text(encoding="utf-8")
    assert report in result.stdout  # printed as well as written
    for label in ("- Date: ", "- Machine: ", "- Python: ", "- Runs: "):
        assert label in report
    rows = {}
    for line in report.splitlines():
        match = ROW.match(line)
        if match:
            cells = [cell.strip() for cell in match.group(2).split(" | ")]
            rows[int(match.group(1))] = cells
    expected = grouped_rows()
    assert set(range(1, 13)) | set(range(15, 24)) <= set(expected)  # issues 8 and 17
    assert sorted(rows) == expected
    for number, cells in rows.items():
        # what, measured, compared with, result, target, verdict
        assert len(cells) == 6, (number, cells)
        assert all(cells[:5]), (number, cells)
        assert cells[5] in VERDICTS, (number, cells)
