"""The capabilities a provider can offer: one module per capability, each with the
base class an implementation derives from and the models it returns."""

from transhub.capabilities.base import (
    Capability,
    FileLimits,
    Implementation,
    LanguageSupport,
    ProviderContext,
    ProviderInfo,
    TaskState,
    TaskStatus,
)

__all__ = [
    "Capability",
    "FileLimits",
    "Implementation",
    "LanguageSupport",
    "ProviderContext",
    "ProviderInfo",
    "TaskState",
    "TaskStatus",
]
