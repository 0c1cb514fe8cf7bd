"""transhub: one CLI and one Python API over paid translation services.

The public API is imported lazily (``import transhub`` stays cheap, so does
``transhub --help``), for example:

    import transhub
    result = transhub.translate_document("report.docx", target="zh")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from transhub.api import (
        Hub,
        account_balance,
        convert_document,
        count_pages,
        lookup_word,
        recognize_text,
        run_batch,
        translate_document,
        translate_images,
        translate_text,
    )
    from transhub.hookspecs import hookimpl

_LAZY = {
    "Hub": "transhub.api",
    "account_balance": "transhub.api",
    "convert_document": "transhub.api",
    "count_pages": "transhub.api",
    "lookup_word": "transhub.api",
    "recognize_text": "transhub.api",
    "run_batch": "transhub.api",
    "translate_document": "transhub.api",
    "translate_images": "transhub.api",
    "translate_text": "transhub.api",
    "hookimpl": "transhub.hookspecs",
}

__all__ = [
    "Hub",
    "__version__",
    "account_balance",
    "convert_document",
    "count_pages",
    "hookimpl",
    "lookup_word",
    "recognize_text",
    "run_batch",
    "translate_document",
    "translate_images",
    "translate_text",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'transhub' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
