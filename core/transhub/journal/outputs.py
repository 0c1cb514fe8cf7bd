"""The journal's index of saved results by path: how transhub knows its own files
(a part of :class:`~transhub.journal.Journal`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.journal.backend import from_db

if TYPE_CHECKING:
    from transhub.journal.backend import Backend

    class _Store:
        backend: Backend

        def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]: ...

else:
    _Store = object


class OutputStore(_Store):
    """Saved results by path, and whether a file is one of them."""

    def output_at(self, path: Path) -> tuple[str, str, str] | None:
        """``(sha256, fingerprint, job_id)`` of the transhub result recorded at
        ``path`` (absolute), if one is."""
        rows = self._read(
            "SELECT sha256, fingerprint, job_id FROM outputs WHERE path = ?",
            (self.backend.path_value(str(path)),),
        )
        return (rows[0]["sha256"], rows[0]["fingerprint"], rows[0]["job_id"]) if rows else None

    def is_own_output(self, path: Path, fingerprint: str | tuple[str, ...] | None = None) -> bool:
        """Whether ``path`` holds, unchanged, a result transhub saved (of the work
        ``fingerprint``, or of any of several — the same work at each candidate —
        when given)."""
        from transhub.files import file_digest

        resolved = path.resolve()
        found = self.output_at(resolved)
        wanted = (fingerprint,) if isinstance(fingerprint, str) else fingerprint
        if not resolved.is_file():
            return False
        digest = file_digest(resolved)
        if found is not None and (wanted is None or found[1] in wanted):
            return digest == found[0]
        # Not recorded at this path (or for other work): the very bytes recorded as
        # this work's result, saved elsewhere (an earlier run's -o), are the result.
        return wanted is not None and digest in self._result_digests(wanted)

    def _result_digests(self, fingerprints: Sequence[str]) -> set[str]:
        """The SHA-256 of every saved result of completed work ``fingerprints``."""
        marks = ",".join("?" * len(fingerprints))
        rows = self._read(
            f"SELECT outputs FROM items WHERE fingerprint IN ({marks})"  # noqa: S608
            " AND state IN ('completed', 'reused')",
            list(fingerprints),
        )
        return {
            saved["sha256"]
            for row in rows
            for saved in json.loads(row["outputs"]).values()
            if isinstance(saved, dict) and saved.get("sha256")
        }

    def own_outputs(self, paths: Sequence[Path], *, resolved: bool = False) -> set[Path]:
        """Those of ``paths`` that hold, unchanged, a result transhub saved (as
        :meth:`is_own_output` says of one), looked up in a query per 500 paths rather
        than one per path (a batch names hundreds of files).  ``resolved``: the paths
        are real paths already (the caller resolved them once for other uses too)."""
        from transhub.files import file_digest

        real_of = {path: path if resolved else path.resolve() for path in paths}
        wanted = list(dict.fromkeys(str(r) for r in real_of.values()))
        recorded: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))  # placeholders only
            rows = self._read(
                f"SELECT path, sha256 FROM outputs WHERE path IN ({marks})",  # noqa: S608
                [self.backend.path_value(value) for value in part],
            )
            recorded.update((from_db(row["path"]), row["sha256"]) for row in rows)
        return {
            path
            for path, real in real_of.items()
            if str(real) in recorded and real.is_file() and file_digest(real) == recorded[str(real)]
        }
