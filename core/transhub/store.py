"""The results store of cluster mode: where workers put the files they download, laid
out by job id, so that every machine can copy them out (``transhub jobs download``).

:class:`ResultsStore` is the interface; :class:`FolderStore` keeps the results in a
folder (``results.dir``, a shared mount in production).  A worker's drivers land a
result beside its destination and move it into place atomically, checking SHA-256
(:meth:`transhub.jobs.runner.Runner.place`), exactly as for a local run: the store
only says where a job's results go (:meth:`ResultsStore.folder`), is told when a job
is done with them (:meth:`ResultsStore.commit`) and copies them out again
(:meth:`ResultsStore.fetch`), verifying each file's SHA-256.

Object storage plugs in behind the same three methods (see ``docs/cluster.md``):
``folder`` is a local spool folder, ``commit`` uploads each recorded output under
``<job_id>/<name>`` (its SHA-256 as metadata) and removes the spool, ``fetch``
downloads into an atomic writer and checks the digest.
"""

from __future__ import annotations

import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transhub.errors import ConfigurationError, InputError, NotFoundError, ResultExpiredError
from transhub.files import atomic_writer, file_digest, safe_filename


class ResultsStore(ABC):
    """Where cluster workers keep results, by job id."""

    @abstractmethod
    def stage(self, path: Path, sha256: str) -> None:
        """Keep an input where every worker can read it (by content: staging the same
        file twice keeps one copy)."""

    @abstractmethod
    def staged(self, sha256: str, suffix: str) -> Path:
        """The local path of an input staged with :meth:`stage`."""

    @abstractmethod
    def folder(self, job_id: str) -> Path:
        """The local folder a worker downloads ``job_id``'s results into."""

    @abstractmethod
    def commit(self, job_id: str, outputs: Iterable[dict[str, str]]) -> None:
        """The job's results are all saved (``outputs``: the recorded ``path`` and
        ``sha256`` of each): make them readable from every machine."""

    @abstractmethod
    def fetch(self, job_id: str, name: str, sha256: str, destination: Path) -> Path:
        """Copy the result ``name`` of ``job_id`` to ``destination`` (atomically),
        checking it against ``sha256``; the path written."""


class FolderStore(ResultsStore):
    """Results in ``root/<job_id>/<name>``: a folder every machine mounts."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def stage(self, path: Path, sha256: str) -> None:
        """Copy ``path`` to ``root/inputs/<sha256><suffix>`` unless it is there (the copy
        is checked against ``sha256``: a file that changed while copied is refused)."""
        destination = self.staged(sha256, path.suffix)
        if destination.is_file() and file_digest(destination) == sha256:
            return
        with atomic_writer(destination, overwrite=True) as handle, path.open("rb") as data:
            shutil.copyfileobj(data, handle)
        if file_digest(destination) != sha256:
            destination.unlink(missing_ok=True)
            raise InputError(f"{path} changed while it was staged for the workers", path=path)

    def staged(self, sha256: str, suffix: str) -> Path:
        """``root/inputs/<sha256><suffix>``."""
        # The suffix tells a provider the file type; anything odd is left off.
        kept = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,16}", suffix) else ""
        return self.root / "inputs" / f"{safe_filename(sha256)}{kept}"

    def folder(self, job_id: str) -> Path:
        """``root/<job_id>`` (job ids are short hex strings, safe as names)."""
        return self.root / safe_filename(job_id)

    def commit(self, job_id: str, outputs: Iterable[dict[str, str]]) -> None:
        """Nothing to do: the drivers moved each file into the shared folder atomically."""
        for saved in outputs:
            if not Path(saved["path"]).is_file():
                raise NotFoundError(f"job {job_id}: result {saved['path']} is missing")

    def fetch(self, job_id: str, name: str, sha256: str, destination: Path) -> Path:
        """Copy ``root/<job_id>/<name>`` out, verifying its SHA-256 first and the
        copy's after (a file changed in the store is refused, not copied)."""
        source = self.folder(job_id) / name
        if not source.is_file():
            raise ResultExpiredError(
                f"job {job_id}: {name} is not in the results store {self.root}"
            )
        if file_digest(source) != sha256:
            raise ResultExpiredError(
                f"job {job_id}: {source} does not match the SHA-256 the worker recorded"
            )
        with atomic_writer(destination, overwrite=True) as handle, source.open("rb") as data:
            shutil.copyfileobj(data, handle)
        if file_digest(destination) != sha256:
            destination.unlink(missing_ok=True)
            raise ResultExpiredError(f"job {job_id}: the copy of {name} was damaged in transit")
        return destination


def configured_store(settings: Any) -> ResultsStore:
    """The store the ``results.dir`` setting names (a clear error when it is unset)."""
    results_dir: str | None = settings.results.dir
    if not results_dir:
        raise ConfigurationError(
            "cluster mode needs a results store: set results.dir (TRANSHUB_RESULTS_DIR) "
            "to a folder every worker and submitter can read"
        )
    return FolderStore(Path(results_dir).expanduser().resolve())
