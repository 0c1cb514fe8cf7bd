"""The Python API: a :class:`Hub` per configuration, and module-level shortcuts.

The CLI is a thin layer over this module: everything it does is available here.
Every method validates its input against the chosen provider's declared limits
before anything is sent, routes through :mod:`transhub.router`, and raises the
typed errors of :mod:`transhub.errors`::

    from transhub import Hub
    hub = Hub()
    result = hub.translate_document("report.docx", target="zh")
    print(result.output)

Many inputs as one batch, with concurrency and progress events::

    plans = [hub.prepare_document(p, "zh") for p in ("a.docx", "b.pdf")]
    for done in hub.run_batch(plans, jobs=2, on_event=print):
        print(done.input, done.status)
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from transhub.hub import Hub
from transhub.jobs.events import ItemFinished
from transhub.naming import output_name
from transhub.results import DocumentResult, ImageOutcome, ProviderStatus, Quote

__all__ = [
    "DocumentResult",
    "Hub",
    "ImageOutcome",
    "ItemFinished",
    "ProviderStatus",
    "Quote",
    "account_balance",
    "convert_document",
    "count_pages",
    "default_hub",
    "lookup_word",
    "output_name",
    "recognize_text",
    "run_batch",
    "translate_document",
    "translate_images",
    "translate_text",
]

P = ParamSpec("P")
R = TypeVar("R")

_default: Hub | None = None
_default_lock = threading.Lock()


def default_hub() -> Hub:
    """The hub the module-level functions use (created on first use)."""
    global _default  # noqa: PLW0603 - one lazily created hub behind the shortcuts
    with _default_lock:
        if _default is None:
            _default = Hub()
        return _default


def _on_default_hub(method: Callable[Concatenate[Hub, P], R]) -> Callable[P, R]:
    """``method`` as a module-level function on :func:`default_hub`, with the method's
    own signature (``ParamSpec`` for editors and type checkers, ``__signature__`` for
    ``help()`` and IPython): one definition, so the two cannot drift."""

    @functools.wraps(method)
    def shortcut(*args: P.args, **kwargs: P.kwargs) -> R:
        return method(default_hub(), *args, **kwargs)

    signature = inspect.signature(method)
    shortcut.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=list(signature.parameters.values())[1:]
    )
    shortcut.__doc__ = f"``Hub.{method.__name__}`` on the default hub.\n\n{method.__doc__ or ''}"
    return shortcut


translate_document = _on_default_hub(Hub.translate_document)
count_pages = _on_default_hub(Hub.count_pages)
convert_document = _on_default_hub(Hub.convert_document)
translate_images = _on_default_hub(Hub.translate_images)
recognize_text = _on_default_hub(Hub.recognize_text)
lookup_word = _on_default_hub(Hub.lookup_word)
translate_text = _on_default_hub(Hub.translate_text)
account_balance = _on_default_hub(Hub.account_balance)
run_batch = _on_default_hub(Hub.run_batch)
