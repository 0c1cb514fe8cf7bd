"""One driver per capability with remote tasks: it takes that capability's jobs from
their recorded state to completed.  :data:`DRIVERS` is keyed by capability."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from transhub.capabilities.kinds import Capability

if TYPE_CHECKING:
    from transhub.jobs.model import Item, Job
    from transhub.jobs.requests import ConvertJobRequest, DocumentJobRequest, ImageJobRequest
    from transhub.jobs.runner import Runner

    RequestT = TypeVar("RequestT", DocumentJobRequest, ConvertJobRequest, ImageJobRequest)


class Driver:
    """Drives the jobs of one capability for a :class:`~transhub.jobs.runner.Runner`."""

    capability: ClassVar[Capability]

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.journal = runner.journal
        self.hub = runner.hub

    def run_plan(self, plan: Any, *, force: bool) -> Any:
        """Execute one plan of this capability."""
        raise NotImplementedError(f"{self.capability.value} work runs in batches")

    def request(self, job: Job, model: type[RequestT]) -> RequestT:
        """The job's request as this driver's model (a job routed to the wrong
        driver is a bug, said as such)."""
        if not isinstance(job.request, model):
            raise TypeError(
                f"job {job.id} holds a {job.request.capability} request, "
                f"not a {self.capability.value} one"
            )
        return job.request

    def drive(self, job: Job, *, resubmit: bool) -> Any:
        """Take an owned job from its recorded state to final.  A job that may have
        been submitted is sent again only when that is safe or ``resubmit``."""
        raise NotImplementedError


def copy_prior(prior: Item, destinations: dict[str, Path], overwrite: bool) -> dict[str, Any]:
    """A prior result's files copied to ``destinations`` (its outputs, as recorded).
    A destination that already holds the very bytes recorded for the result (by its
    SHA-256: an earlier run saved it there) *is* the result: it is kept, never
    refused as a stranger's file; a different file there is still refused unless
    ``overwrite``."""
    from transhub.files import file_digest
    from transhub.jobs import placement

    present: dict[str, Any] = {}
    wanted: dict[str, Path] = {}
    for artifact, destination in destinations.items():
        saved = prior.outputs.get(artifact)
        if saved is None:
            continue
        if destination.is_file() and file_digest(destination) == saved["sha256"]:
            present[artifact] = {
                "path": str(destination.resolve()),
                "sha256": saved["sha256"],
                "size": saved.get("size"),
            }
        else:
            wanted[artifact] = destination
    copied = placement.copy_outputs(prior, wanted, overwrite) if wanted else {}
    return {a: present.get(a) or copied[a] for a in destinations if a in present or a in copied}


def _drivers() -> dict[Capability, type[Driver]]:
    from transhub.jobs.drivers.documents import ConvertDriver, DocumentDriver
    from transhub.jobs.drivers.images import ImageDriver

    return {d.capability: d for d in (DocumentDriver, ConvertDriver, ImageDriver)}


class _Drivers(dict[Capability, type[Driver]]):
    """The drivers by capability, imported on first use."""

    def __missing__(self, key: Capability) -> type[Driver]:
        self.update(_drivers())
        if key not in self:
            raise KeyError(f"no driver for {key.value} jobs")
        return self[key]


DRIVERS: dict[Capability, type[Driver]] = _Drivers()
