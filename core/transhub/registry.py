"""Plugin discovery and the registry of what plugins registered.

Plugins are found through the ``transhub`` entry-point group and loaded into a pluggy
``PluginManager`` — each one inside its own guard: a plugin that fails to import, or
whose hook raises, is recorded as *broken* with its error and reported once on
stderr, and every other plugin keeps working.  ``TRANSHUB_PLUGINS`` (comma-separated
names) restricts which plugins load; an empty value loads none.

The registry is built once per :class:`Registry` and each capability's hook is
called once, the first time that capability is needed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transhub.capabilities.kinds import Capability

if TYPE_CHECKING:
    import click
    import pluggy

    from transhub.capabilities.base import Implementation
    from transhub.sandbox import Sandbox
    from transhub.summary import ProviderSummary

log = logging.getLogger("transhub.plugins")

ENTRY_POINT_GROUP = "transhub"

#: The registration hook of each capability.
HOOKS: dict[Capability, str] = {
    Capability.DOCUMENT: "register_document_translators",
    Capability.CONVERT: "register_document_converters",
    Capability.IMAGE: "register_image_translators",
    Capability.OCR: "register_ocr_engines",
    Capability.DICTIONARY: "register_dictionaries",
    Capability.TEXT: "register_text_translators",
    Capability.ACCOUNT: "register_accounts",
    Capability.GLOSSARY: "register_glossaries",
}


@dataclass
class PluginRecord:
    """One plugin as the registry knows it."""

    name: str
    distribution: str | None = None
    version: str | None = None
    error: str | None = None

    @property
    def broken(self) -> bool:
        """Whether the plugin failed to load or to register."""
        return self.error is not None


class Registry:
    """The loaded plugins and what they registered.

    ``entry_points=False`` skips discovery (tests then :meth:`add` fake plugins);
    ``only`` restricts which entry points load (default: ``TRANSHUB_PLUGINS``).
    ``report`` receives the one-line message about each broken plugin.
    """

    def __init__(
        self,
        *,
        entry_points: bool = True,
        only: Iterable[str] | None = None,
        report: Callable[[str], None] | None = None,
    ) -> None:
        self._entry_points = entry_points
        if only is None:
            env = os.environ.get("TRANSHUB_PLUGINS")
            only = None if env is None else [n.strip() for n in env.split(",") if n.strip()]
        self._only = set(only) if only is not None else None
        self._report = report or (lambda message: print(message, file=sys.stderr))
        self._lock = threading.RLock()
        self._pm: pluggy.PluginManager | None = None
        self._records: dict[str, PluginRecord] = {}
        self._implementations: dict[Capability, list[type[Implementation[Any, Any]]]] = {}
        self._sandboxes: list[Sandbox] | None = None
        self._summaries: list[ProviderSummary] | None = None
        self._extra: list[tuple[str, object]] = []
        self._owners: dict[int, str] = {}

    def add(self, plugin: object, name: str) -> None:
        """Register a plugin object or module directly (used by tests and embedders)."""
        with self._lock:
            if self._pm is not None:
                self._pm.register(plugin, name=name)
                self._records[name] = PluginRecord(name=name)
                self._implementations.clear()
                self._sandboxes = None
                self._summaries = None
            else:
                self._extra.append((name, plugin))

    @property
    def manager(self) -> pluggy.PluginManager:
        """The pluggy manager, with every plugin loaded (once)."""
        with self._lock:
            if self._pm is None:
                self._pm = self._load()
            return self._pm

    def _load(self) -> pluggy.PluginManager:
        import pluggy

        from transhub import hookspecs

        pm = pluggy.PluginManager("transhub")
        pm.add_hookspecs(hookspecs)
        if self._entry_points:
            self._load_entry_points(pm)
        for name, plugin in self._extra:
            pm.register(plugin, name=name)
            self._records[name] = PluginRecord(name=name)
        return pm

    def _load_entry_points(self, pm: pluggy.PluginManager) -> None:
        from importlib_metadata import entry_points

        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            if self._only is not None and entry_point.name not in self._only:
                continue
            if entry_point.name in self._records:
                continue  # the same plugin installed twice: first wins
            dist = entry_point.dist
            record = PluginRecord(
                name=entry_point.name,
                distribution=dist.name if dist else None,
                version=dist.version if dist else None,
            )
            self._records[entry_point.name] = record
            try:
                module = entry_point.load()
                pm.register(module, name=entry_point.name)
            except Exception as exc:
                self._mark_broken(record, f"failed to load: {type(exc).__name__}: {exc}")

    def _mark_broken(self, record: PluginRecord, error: str) -> None:
        if record.error is None:
            record.error = error
            self._report(f"transhub: plugin {record.name!r} is broken and was skipped ({error})")
            log.debug("plugin %s broken", record.name, exc_info=True)

    def plugins(self) -> list[PluginRecord]:
        """Every plugin found, loaded or broken, by name."""
        self.manager  # noqa: B018 - loading fills the records
        return sorted(self._records.values(), key=lambda r: r.name)

    def _call(self, hook_name: str, kwargs_for: Callable[[str], dict[str, Any]]) -> list[str]:
        """Call one hook on every plugin, each in its own guard; return the names of
        the plugins whose call succeeded.  ``kwargs_for(plugin)`` gives the arguments."""
        caller = getattr(self.manager.hook, hook_name)
        succeeded = []
        for impl in reversed(caller.get_hookimpls()):  # registration order
            record = self._records.setdefault(impl.plugin_name, PluginRecord(impl.plugin_name))
            if record.broken:
                continue
            kwargs = kwargs_for(impl.plugin_name)
            try:
                impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:
                self._mark_broken(record, f"{hook_name} failed: {type(exc).__name__}: {exc}")
            else:
                succeeded.append(impl.plugin_name)
        return succeeded

    def _collect(self, hook_name: str, check: Callable[[Any], None] | None = None) -> list[Any]:
        """Call a ``register``-style hook and gather what each healthy plugin registered."""
        by_plugin: dict[str, list[Any]] = {}

        def kwargs_for(plugin: str) -> dict[str, Any]:
            bucket = by_plugin.setdefault(plugin, [])

            def register(item: Any) -> None:
                if check is not None:
                    check(item)
                bucket.append(item)

            return {"register": register}

        collected = []
        for name in self._call(hook_name, kwargs_for):
            for item in by_plugin[name]:
                self._owners[id(item)] = name
                collected.append(item)
        return collected

    def owner(self, item: object) -> PluginRecord | None:
        """The plugin that registered ``item`` (an implementation class or sandbox)."""
        name = self._owners.get(id(item))
        return self._records.get(name) if name is not None else None

    def implementations(self, capability: Capability) -> list[type[Implementation[Any, Any]]]:
        """The implementation classes registered for ``capability`` (hook called once)."""

        from transhub.capabilities.base import Implementation

        def check(cls: Any) -> None:
            if not (isinstance(cls, type) and issubclass(cls, Implementation)) or (
                cls.capability != capability
            ):
                raise TypeError(f"{cls!r} is not a {capability.value} implementation class")

        with self._lock:
            if capability not in self._implementations:
                self._implementations[capability] = self._collect(HOOKS[capability], check)
            return list(self._implementations[capability])

    def providers(self) -> dict[str, dict[Capability, type[Implementation[Any, Any]]]]:
        """Provider name → capability → implementation, over every capability."""
        table: dict[str, dict[Capability, type[Implementation[Any, Any]]]] = {}
        for capability in Capability:
            for cls in self.implementations(capability):
                table.setdefault(cls.provider.name, {})[capability] = cls
        return table

    def sandboxes(self) -> list[Sandbox]:
        """Every registered sandbox (hook called once)."""
        with self._lock:
            if self._sandboxes is None:
                self._sandboxes = self._collect("register_sandboxes")
            return list(self._sandboxes)

    def summaries(self) -> list[ProviderSummary] | None:
        """Every provider's plain-data summary, or ``None`` when a loaded plugin gives
        none (then only the capability hooks can tell what it offers)."""
        with self._lock:
            if self._summaries is None:
                caller = self.manager.hook.describe_providers
                describing = {impl.plugin_name for impl in caller.get_hookimpls()}
                healthy = {r.name for r in self._records.values() if not r.broken}
                if not healthy <= describing:
                    return None
                self._summaries = self._collect("describe_providers")
            return list(self._summaries)

    def add_commands(self, cli: click.Group) -> None:
        """Let every plugin add its CLI commands to ``cli``."""
        self._call("register_commands", lambda _plugin: {"cli": cli})
