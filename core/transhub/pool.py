"""The provider pool: one configuration's settings, provider instances and routing.

:class:`ProviderPool` is what every part of :class:`~transhub.hub.Hub` shares — the
settings (the CLI's options override the environment and the config file), one client
per provider built on first use, the router, canonical language codes, the journal —
and what the job runner needs of a hub."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from transhub import languages as lang
from transhub import validation
from transhub.capabilities.base import (
    Implementation,
    LanguageSupport,
    ProviderContext,
    TaskStatus,
)
from transhub.capabilities.kinds import Capability
from transhub.errors import InputError, TranshubError
from transhub.http import HttpClient
from transhub.polling import wait_for
from transhub.registry import Registry
from transhub.results import ProviderStatus
from transhub.router import Candidate, Need, candidates, check_installed, choose, language_fit
from transhub.sandbox import for_hub as sandbox_mode
from transhub.settings import CoreSettings, ProviderSettings, load_settings

if TYPE_CHECKING:
    from transhub.glossaries import GlossaryFile
    from transhub.jobs.runner import Runner
    from transhub.journal import Journal

ImplT = TypeVar("ImplT", bound=Implementation[Any, Any])
StatusCallback = Callable[[str, TaskStatus], None]


class ProviderPool:
    """Settings, provider instances and routing under one configuration (the base of
    :class:`~transhub.hub.Hub`; see there for the arguments).  Thread-safe: each
    provider's client is built once."""

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        settings: dict[str, Any] | None = None,
        provider_settings: dict[str, dict[str, Any]] | None = None,
        journal: Journal | None = None,
        sandbox: bool | None = None,
    ) -> None:
        self.registry = registry or Registry()
        # Sandbox mode (sandbox=True, or TRANSHUB_SANDBOX=1): the installed emulators.
        sandbox_mode(sandbox, self.registry)
        self._journal = journal
        self._core_overrides = settings or {}
        self._provider_overrides = provider_settings or {}
        self._core: CoreSettings | None = None
        self._settings: dict[str, ProviderSettings] = {}
        self._contexts: dict[str, ProviderContext[Any, Any]] = {}
        self._instances: dict[type[Any], Any] = {}
        self._lock = threading.RLock()

    # -- configuration -----------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The job journal (``journal.url``, else in the data folder; opened on first use)."""
        with self._lock:
            if self._journal is None:
                from transhub.journal import open_journal

                url = self.settings.journal.url
                self._journal = open_journal(url=url.get_secret_value() if url else "")
            return self._journal

    def runner(
        self,
        *,
        stop: threading.Event | None = None,
        on_status: StatusCallback | None = None,
        resubmit: bool = False,
        batch_id: str | None = None,
    ) -> Runner:
        """A job runner over this hub and its journal."""
        from transhub.jobs.runner import Runner

        return Runner(
            self,
            self.journal,
            stop=stop,
            on_status=on_status,
            resubmit=resubmit,
            batch_id=batch_id,
        )

    @property
    def settings(self) -> CoreSettings:
        """transhub's own settings."""
        if self._core is None:
            self._core = load_settings(CoreSettings, self._core_overrides)
        return self._core

    def provider_settings(self, cls: type[Implementation[Any, Any]]) -> ProviderSettings:
        """The validated settings of ``cls``'s provider."""
        info = cls.provider
        with self._lock:
            if info.name not in self._settings:
                self._settings[info.name] = load_settings(
                    info.settings, self._provider_overrides.get(info.name), what=info.name
                )
            return self._settings[info.name]

    def _configured(self, cls: type[Implementation[Any, Any]]) -> bool:
        try:
            return self.provider_settings(cls).configured
        except TranshubError:
            return False

    def _missing(self, cls: type[Implementation[Any, Any]]) -> list[str]:
        try:
            return self.provider_settings(cls).missing()
        except TranshubError as exc:
            return [str(exc)]

    def instance(self, cls: type[ImplT]) -> ImplT:
        """The (cached) instance of an implementation class, with its provider context."""
        with self._lock:
            if cls not in self._instances:
                settings = self.provider_settings(cls)
                missing = settings.missing()
                if missing:
                    from transhub.errors import missing_credentials

                    raise missing_credentials(
                        {cls.provider.name: missing}, what=f"{cls.provider.name} is not configured"
                    )
                self._instances[cls] = cls(self._context(cls, settings))
            return cast(ImplT, self._instances[cls])

    def _context(
        self, cls: type[Implementation[Any, Any]], settings: ProviderSettings
    ) -> ProviderContext[Any, Any]:
        info = cls.provider
        if info.name not in self._contexts:
            options = self.settings.http_options()
            # A connection kept alive for each concurrent task and for its downloads.
            connections = max(options.connections, 2 * info.max_concurrent_tasks(settings))
            http = HttpClient(info.name, replace(options, connections=connections))
            client = info.connect(settings, http)
            self._contexts[info.name] = ProviderContext(
                info=info, settings=settings, http=http, client=client
            )
        return self._contexts[info.name]

    def secret_values(self) -> list[str]:
        """The secret values of every provider settings loaded so far."""
        from pydantic import SecretStr

        values = []
        for settings in list(self._settings.values()):
            for name in type(settings).model_fields:
                value = getattr(settings, name)
                if isinstance(value, SecretStr) and value.get_secret_value():
                    values.append(value.get_secret_value())
        return values

    def close(self) -> None:
        """Close every provider's pooled connections."""
        for context in self._contexts.values():
            context.http.close()

    # -- routing -----------------------------------------------------------------

    def route(
        self,
        capability: Capability,
        *,
        provider: str | None = None,
        need: Need | None = None,
    ) -> type[Implementation[Any, Any]]:
        """The implementation class that serves a request (see :mod:`transhub.router`).
        A ``provider`` no installed plugin provides is named as such, with a "did you
        mean" (not as a provider that lacks the capability)."""
        registered = self.registry.implementations(capability)
        if provider is not None and all(c.provider.name != provider for c in registered):
            check_installed(provider, self.registry.providers())
        return choose(
            capability,
            registered,
            provider=provider,
            default=self.settings.defaults.get(capability.value),
            configured=self._configured,
            missing=self._missing,
            need=need,
            order=self.settings.routing.order,
        )

    def _languages(
        self,
        capability: Capability,
        provider: str | None,
        source: str | None,
        target: str | None,
    ) -> tuple[str | None, str | None]:
        """Canonical codes for what the user typed (a provider's own codes allowed)."""
        own: list[tuple[str, str]] = []
        for cls in self.registry.implementations(capability):
            support: LanguageSupport | None = getattr(cls, "languages", None)
            if support is not None and (provider is None or cls.provider.name == provider):
                own.extend(support.codes.items())
        return (
            lang.source_language(source, own),
            lang.target_language(target, own) if target is not None else None,
        )

    def candidates(
        self, capability: Capability, *, need: Need | None = None, report: bool = True
    ) -> list[Candidate]:
        """Every configured provider that fits, in routing order (the first is the one
        :meth:`route` takes without ``--provider``; the rest are its fallbacks);
        ``report``: log the skipped ones (see :func:`transhub.router.candidates`)."""
        return candidates(
            capability,
            self.registry.implementations(capability),
            configured=self._configured,
            missing=self._missing,
            need=need,
            order=self.settings.routing.order,
            report=report,
        )

    @staticmethod
    def _language_need(
        source: str | None,
        target: str | None,
        extra: Callable[[Any], str | InputError | None] | None = None,
    ) -> Need:
        def fits(cls: Any) -> str | InputError | None:
            if language_fit(cls, source, target) is not None:
                try:  # the error naming the language, as with --provider
                    validation.check_languages(cls.languages, source, target, cls.provider.name)
                except InputError as exc:
                    return exc
                return language_fit(cls, source, target)
            return extra(cls) if extra is not None else None

        return Need(
            f"translate {source or 'auto'} → {target}", fits, source_given=source is not None
        )

    @staticmethod
    def _glossary_file(glossary: str | Path | None, source: str | None) -> GlossaryFile | None:
        """The glossary file read and validated (nothing sent), with its source given."""
        if glossary is None:
            return None
        from transhub.glossaries import need_source, read_glossary

        terms = read_glossary(glossary)
        need_source(terms, source)
        return terms

    def _glossary_fit(
        self, cls: Any, terms: GlossaryFile | None, source: str | None, target: str
    ) -> str | None:
        if terms is None:
            return None
        from transhub.glossaries import glossary_fit

        return glossary_fit(self, cls, source, target)

    # -- providers ---------------------------------------------------------------

    def providers(self) -> list[ProviderStatus]:
        """Every provider the installed plugins offer, with its capabilities and
        whether it is configured."""
        table = self.registry.providers()
        shown = []
        for name, capabilities in sorted(table.items()):
            any_cls = next(iter(capabilities.values()))
            record = self.registry.owner(any_cls)
            missing = self._missing(any_cls)
            shown.append(
                ProviderStatus(
                    name=name,
                    title=any_cls.provider.title,
                    plugin=(record.distribution or record.name) if record else "",
                    version=record.version if record else None,
                    capabilities=tuple(c.value for c in capabilities),
                    configured=not missing,
                    missing=tuple(missing),
                )
            )
        return shown

    # -- shared steps ------------------------------------------------------------

    def wait(
        self,
        fetch: Callable[[str], TaskStatus],
        task_id: str,
        on_status: StatusCallback | None = None,
        *,
        stop: threading.Event | None = None,
        fresh: bool = False,
    ) -> TaskStatus:
        """Poll a task until it is final (intervals from the settings; ``fresh``: it
        was just submitted, see :func:`~transhub.polling.wait_for`)."""
        core = self.settings
        return wait_for(
            lambda: fetch(task_id),
            interval=core.poll_interval,
            max_interval=core.poll_max_interval,
            timeout=core.task_timeout,
            on_update=(lambda status: on_status(task_id, status)) if on_status else None,
            stop=stop,
            fresh=fresh,
        )
