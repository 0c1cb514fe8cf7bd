"""The capabilities a provider can offer: one module per capability, each with the
base class an implementation derives from and the models it returns.

This package imports nothing at start-up; import from its modules
(``transhub.capabilities.document``, …) or use the names below, loaded on demand.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "Capability": "kinds",
    "FileLimits": "base",
    "Implementation": "base",
    "LanguageSupport": "base",
    "ProviderContext": "base",
    "ProviderInfo": "base",
    "TaskMemory": "tasks",
    "TaskTimes": "tasks",
    "TaskState": "base",
    "TaskStatus": "base",
}

__all__ = list(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'transhub.capabilities' has no attribute {name!r}")
    return getattr(importlib.import_module(f"transhub.capabilities.{module}"), name)
