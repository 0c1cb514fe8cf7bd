"""The job engine: the typed plans (:mod:`~transhub.jobs.plans`), the batch runner
(:mod:`~transhub.jobs.batch`, with the budget guard and its events), the model
(:mod:`~transhub.jobs.model`), claims (:mod:`~transhub.jobs.claims`), owners and
leases (:mod:`~transhub.jobs.owners`), the runner of one plan
(:mod:`~transhub.jobs.runner`) and one driver per capability
(:mod:`~transhub.jobs.drivers`); the journal they write is :mod:`transhub.journal`.
See ``docs/jobs.md``.

Names are imported on first use, so that reading the journal stays light."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transhub.jobs.batch import BatchRunner
    from transhub.jobs.model import Item, ItemStatus, Job, JobState
    from transhub.jobs.placement import copy_saved
    from transhub.jobs.runner import MaybeSubmittedError, Runner, fingerprint

__all__ = [
    "BatchRunner",
    "Item",
    "ItemStatus",
    "Job",
    "JobState",
    "MaybeSubmittedError",
    "Runner",
    "copy_saved",
    "fingerprint",
]

_HOMES = {
    "BatchRunner": "batch",
    "Item": "model",
    "ItemStatus": "model",
    "Job": "model",
    "JobState": "model",
    "MaybeSubmittedError": "runner",
    "Runner": "runner",
    "copy_saved": "placement",
    "fingerprint": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'transhub.jobs' has no attribute {name!r}")
    return getattr(importlib.import_module(f"transhub.jobs.{home}"), name)
