"""The hooks a transhub plugin implements.

A plugin is a distribution with an entry point in the ``transhub`` group that names
a module; the module implements any of these hooks with ``@transhub.hookimpl``.
Every hook is called once per process, lazily — the first time the core needs that
capability — with keyword arguments, and the core collects what the plugin
registers.  Each ``register`` callback takes a *class* (not an instance): the core
instantiates it only when a request is routed to it, so merely installing a plugin
costs nothing at start-up.

Each hook has a section in ``docs/plugins/hooks.md`` (the test suite checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from transhub.sandbox import Sandbox
    from transhub.summary import ProviderSummary

hookspec = pluggy.HookspecMarker("transhub")
hookimpl = pluggy.HookimplMarker("transhub")

#: The callback each ``register_*`` hook receives: call it once per implementation class.
Register = Callable[[type[Any]], None]


@hookspec
def register_document_translators(register: Register) -> None:
    """Register document translators.

    Called by the registry the first time a document is translated, counted or
    listed.  Call ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.document.DocumentTranslator`; the class declares
    ``provider``, ``languages``, ``limits``, ``options`` and ``outputs`` and
    implements ``submit``, ``status``, ``download`` (and ``count_pages`` when
    ``counts_pages`` is true).
    """


@hookspec
def register_document_converters(register: Register) -> None:
    """Register document format converters.

    Called by the registry the first time ``doc convert`` routes a request.  Call
    ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.document.DocumentConverter`; the class declares
    ``provider``, ``limits`` and ``conversions`` (output format → accepted input
    extensions) and implements ``submit``, ``status`` and ``download``.
    """


@hookspec
def register_image_translators(register: Register) -> None:
    """Register image translators.

    Called by the registry the first time images are translated.  Call
    ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.image.ImageTranslator`; the class declares
    ``provider``, ``languages``, ``limits`` (``None`` for URL-only providers),
    ``accepts_files``, ``accepts_urls`` and ``max_per_task``, and implements
    ``submit`` (one task), ``status`` (one item per image when done) and
    ``download`` (one artifact of one image).
    """


@hookspec
def register_ocr_engines(register: Register) -> None:
    """Register OCR engines.

    Called by the registry the first time ``ocr`` routes a request.  Call
    ``register(cls)`` for each subclass of :class:`transhub.capabilities.ocr.OcrEngine`;
    the class declares ``provider``, ``languages`` and ``limits`` and implements
    ``recognize``, returning an :class:`~transhub.capabilities.ocr.OcrResult`.
    """


@hookspec
def register_dictionaries(register: Register) -> None:
    """Register dictionaries.

    Called by the registry the first time ``dict`` routes a request.  Call
    ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.dictionary.Dictionary`; the class declares
    ``provider``, ``languages``, ``min_length`` and ``max_length`` and implements
    ``lookup``, raising :class:`~transhub.errors.NotFoundError` for an unknown word.
    """


@hookspec
def register_text_translators(register: Register) -> None:
    """Register short-text translators.

    Called by the registry the first time ``text`` routes a request.  Call
    ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.text.TextTranslator`; the class declares
    ``provider``, ``languages`` (with ``pairs`` when only some directions exist) and
    ``max_chars`` and implements ``translate``.
    """


@hookspec
def register_accounts(register: Register) -> None:
    """Register account balance reporters.

    Called by the registry the first time ``account`` routes a request, and by the
    budget guard before a batch pays.  Call ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.account.Account`; the class declares ``provider``
    and ``kinds`` and implements ``balance(kind)``.
    """


@hookspec
def register_glossaries(register: Register) -> None:
    """Register glossary stores.

    Called by the registry the first time ``glossary`` routes a request, or a
    translation asks for a glossary (:func:`transhub.glossaries.ensure_glossary`).
    Call ``register(cls)`` for each subclass of
    :class:`transhub.capabilities.glossary.GlossaryStore`; the class declares
    ``provider``, ``languages`` (the allowed pairs), ``max_term_bytes`` and
    ``max_bytes`` and implements ``create``, ``list``, ``get``, ``entries`` and
    ``delete``.  The provider's document and text translators then accept the
    ``glossary_id`` option.
    """


@hookspec
def describe_providers(register: Callable[[ProviderSummary], None]) -> None:
    """Describe the plugin's providers as plain data, for a fast ``transhub providers``.

    Called by ``transhub providers`` (without ``--doctor``) instead of the capability
    hooks, so that listing providers imports no capability class, settings class or
    pydantic.  Call ``register(ProviderSummary(...))`` once per provider with its
    name, title, capabilities and required settings (with every environment variable
    that can set each).  The test suite and ``--doctor`` check the summaries against
    the real registrations.  A plugin without this hook is listed the slow way.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add CLI commands.

    Called by the CLI only when the command line names a command the core does not
    have (so ``transhub --help`` and the core's commands never import plugins), and
    by ``transhub --help`` listings through the lazy group.  Add commands with
    ``cli.add_command(...)``; name a plugin's own group after the plugin
    (``transhub fanyigou callback-server``).
    """


@hookspec
def register_sandboxes(register: Callable[[Sandbox], None]) -> None:
    """Register local emulators of a provider's service.

    Called by ``transhub --sandbox`` and ``transhub sandbox serve``.  Call
    ``register(Sandbox(...))`` with the provider's name, a factory of its WSGI
    application, and the settings (endpoint, test credentials) that point the
    provider at a running emulator.
    """
