"""Placing results: where a download lands, how it is moved into place without
replacing a stranger's file, and copying a saved result to another destination."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.errors import InputError, ResultExpiredError
from transhub.files import (
    atomic_writer,
    check_output_folder,
    file_digest,
    remove_stale_parts,
    unique_path,
)
from transhub.jobs.model import Item, Job

if TYPE_CHECKING:
    from transhub.journal import Journal

log = logging.getLogger("transhub.jobs")


def landing(job: Job, destination: Path) -> Path:
    """Where a provider writes a result before the core moves it into place: a
    hidden file beside the destination, named after the job (a killed run's
    leftovers there are removed first)."""
    landing = destination.with_name(f".{destination.name}.{job.id}.download")
    remove_stale_parts(landing)
    landing.unlink(missing_ok=True)
    return landing


def place(
    journal: Journal,
    job: Job,
    landed: Path,
    destination: Path,
    sha256: str,
    fingerprint: str,
    *,
    resolved: bool = False,
) -> Path:
    """Move a downloaded result to its destination without ever replacing a file
    that is not this job's (unless the job was asked to overwrite).  A different
    file that appeared there meanwhile is kept, and the result — paid for — goes
    to the next free name instead.  The result's path and SHA-256 are recorded
    first, so the file is known as transhub's from the moment it appears (another
    process planning the same output never takes it for a stranger's file).
    ``resolved``: ``destination`` is a real path already (a document's, resolved
    once at planning), so it is recorded without another walk of its folders."""
    recorded = destination if resolved else destination.resolve()
    journal.expect_output(recorded, sha256, fingerprint, job.id)
    if job.request.overwrite:
        landed.replace(destination)
        return destination
    target = destination
    while True:
        try:
            os.link(landed, target)
        except FileExistsError:
            if file_digest(target) == sha256:
                break  # this job's own result, saved by a run that died before recording it
            log.warning("%s appeared meanwhile and is kept; the result goes elsewhere", target)
            target = unique_path(target)
            continue
        break
    landed.unlink()
    return target


def put(landed: Path, destination: Path, *, overwrite: bool = False) -> Path:
    """Move a landed file to ``destination``: replacing what is there only with
    ``overwrite``, else only if the name is still free (the check and the move are
    one step, ``os.link``; a file that appeared meanwhile is kept, the landed one
    removed, and the refusal names it)."""
    if overwrite:
        landed.replace(destination)
        return destination
    try:
        os.link(landed, destination)
    except FileExistsError:
        raise InputError(
            "already exists (use --overwrite to replace it)", path=destination
        ) from None
    finally:
        landed.unlink(missing_ok=True)
    return destination


def copy_outputs(prior: Item, destinations: dict[str, Path], overwrite: bool) -> dict[str, Any]:
    """Copy a prior result's files to these destinations (a file already at its
    destination stays)."""
    outputs: dict[str, Any] = {}
    for artifact, saved in prior.outputs.items():
        destination = destinations.get(artifact)
        if destination is None:
            continue
        if Path(saved["path"]) != destination.resolve():
            with (
                atomic_writer(destination, overwrite=overwrite) as handle,
                Path(saved["path"]).open("rb") as source,
            ):
                shutil.copyfileobj(source, handle)
        outputs[artifact] = {
            "path": str(destination.resolve()),
            "sha256": saved["sha256"],
            "size": saved.get("size"),
        }
    return outputs


def copy_saved(job: Job, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy a job's saved result files into ``folder``, checking each against the
    SHA-256 recorded when it was saved.  An existing file there is never replaced
    unless ``overwrite``: every destination is checked before the first copy, so a
    refusal leaves no half-copied set."""
    if not any(item.outputs for item in job.items):
        raise ResultExpiredError(
            f"job {job.id}: the provider no longer keeps the result, and none was saved"
        )
    check_output_folder(folder)
    for item in job.items:
        for saved in item.outputs.values():
            taken = folder / Path(saved["path"]).name
            if taken.is_dir() or (not overwrite and (taken.exists() or taken.is_symlink())):
                raise InputError("already exists (use --overwrite to replace it)", path=taken)
    written = []
    for item in job.items:
        for saved in item.outputs.values():
            path = Path(saved["path"])
            if not path.is_file() or file_digest(path) != saved["sha256"]:
                raise ResultExpiredError(
                    f"job {job.id}: the provider no longer keeps the result and the saved "
                    f"copy {path} is missing or changed"
                )
            destination = folder / path.name
            with (
                atomic_writer(destination, overwrite=overwrite) as handle,
                path.open("rb") as source,
            ):
                shutil.copyfileobj(source, handle)
            written.append(destination)
    return written
