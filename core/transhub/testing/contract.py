"""The provider contract: rules every provider plugin must honour, checked against
the plugin's own emulator.

A plugin describes itself once with a :class:`Contract` — its entry-point name, and
where the defaults do not fit, sample inputs and how its emulator produces each
error — and subclasses :class:`~transhub.testing.suite.ProviderContract` in its
tests.  :class:`ContractRun` does the work: it starts the emulator the plugin
registered (``register_sandboxes``), points the provider at it, and checks one rule
for one capability, raising :class:`ContractViolation` — whose message starts with
the rule's name — when the plugin breaks it.  It needs no test framework.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.kinds import Capability
from transhub.emulation import Fault
from transhub.errors import (
    AuthenticationError,
    InputError,
    RateLimitError,
    ResultExpiredError,
    TranshubError,
)
from transhub.sandbox import Sandbox, SandboxOptions
from transhub.testing import INHERITED_PREFIXES, CliResult, invoke
from transhub.testing.drivers import DRIVERS, TASKS, Driver, Task, TaskDriver
from transhub.testing.sandboxes import FAST, RecordingEmulator, running

if TYPE_CHECKING:
    from transhub.api import Hub
    from transhub.registry import Registry

#: The rules, by name, as failures name them.
RULES: dict[str, str] = {
    "plugin-loads": "the plugin loads, registers the provider and a sandbox whose emulator "
    "has fault injection, and `transhub providers` lists it",
    "limits-declared": "every capability declares its languages and limits as coherent data",
    "works-end-to-end": "the sample request succeeds through the real CLI against the emulator",
    "limits-enforced-before-sending": "input past a declared limit is refused with an input "
    "error before any request reaches the service",
    "states-in-order": "task states only move forward (queued, running, then a final state) "
    "and a final state stays final",
    "download-atomic": "a download cut mid-answer leaves no partial file: the result is "
    "complete or absent, and the error is typed",
    "auth-failure-typed": "refused credentials raise AuthenticationError",
    "rate-limit-typed": "the service's 'too many requests' answer raises RateLimitError",
    "expired-result-typed": "a result the service no longer keeps is reported as expired "
    "(ResultExpiredError), with no file left behind",
    "faults-typed": "network failures and garbled answers raise transhub errors, "
    "never bare exceptions",
    "no-secret-in-output": "no secret appears on stdout, on stderr (even with --debug -vv) "
    "or in any file under TRANSHUB_HOME or the output folder",
}

#: Sandbox options under which a result expires as soon as it is ready.
EXPIRED_AT_ONCE = SandboxOptions(task_seconds=0.0, result_ttl=0.0)

#: Faults each capability must turn into a transhub error.
NETWORK_FAULTS = (Fault.ERROR, Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.HTML, Fault.MALFORMED)


class ContractViolation(AssertionError):
    """A plugin broke a rule of the contract."""

    def __init__(self, rule: str, who: str, detail: str) -> None:
        self.rule = rule
        super().__init__(f"[{rule}] {who}: {detail}\n  rule: {RULES[rule]}")


class NotApplicable(Exception):
    """A rule does not apply to this provider or capability (the reason says why)."""


@dataclass(frozen=True)
class Samples:
    """Inputs the kit sends.  Defaults are derived from the declarations; override
    what your emulator needs.

    ``files`` maps a capability name (``"document"``, ``"convert"``, ``"image"``,
    ``"ocr"``) to a function that writes a sample into the folder it is given and
    returns its path (or, for images, a URL).
    """

    text: str = "Hello, world."
    word: str = "hello"
    source: str | None = None
    target: str | None = None
    image_url: str = "https://example.com/transhub-contract.png"
    account_kind: str | None = None
    files: Mapping[str, Callable[[Path], Path | str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Contract:
    """What the kit needs to know about a provider plugin.

    ``plugin`` is the name of its entry point in the ``transhub`` group (install the
    plugin first: ``pip install -e .``); ``provider`` is needed only when the plugin
    registers several providers.  The emulator is the plugin's registered
    :class:`~transhub.sandbox.Sandbox` unless ``sandbox`` gives another.

    How the emulator produces each typed error: ``bad_credentials`` (environment
    variables the emulator refuses; default: every secret setting changed),
    ``throttle`` (the fault that makes it answer "too many requests"), and for
    expired results either ``expiring`` (sandbox options under which a result
    expires as soon as it is ready; ``None`` when the service keeps results for
    good) or ``expire`` (called with the emulator's application once the sample
    task is done, to make its results expire now).

    ``offline``: the provider does its work on this machine and talks to no service
    (no emulator, no credentials): the rules about a service's answers — refused
    credentials, throttling, network faults, secrets — do not apply, and the others run
    without an emulator.
    """

    plugin: str
    provider: str | None = None
    samples: Samples = field(default_factory=Samples)
    sandbox: Sandbox | None = None
    options: SandboxOptions = FAST
    bad_credentials: Mapping[str, str] | None = None
    throttle: Fault = Fault.THROTTLE
    expiring: SandboxOptions | None = EXPIRED_AT_ONCE
    expire: Callable[[Any], None] | None = None
    #: Seconds a sample task may take to finish on the emulator.
    timeout: float = 30.0
    offline: bool = False

    def capabilities(self) -> list[Capability]:
        """The capabilities the provider registers (empty if the plugin cannot load)."""
        from transhub.registry import Registry

        try:
            table = Registry(only=[self.plugin], report=lambda _message: None).providers()
        except Exception:
            return []
        if self.provider is not None:
            return sorted(table.get(self.provider, {}), key=list(Capability).index)
        if len(table) != 1:
            return []
        return sorted(next(iter(table.values())), key=list(Capability).index)


def _no_sleep(_seconds: float) -> None:
    """Back-off without waiting: the emulator is on this machine."""


def describe(exc: BaseException) -> str:
    """An exception as one line, with where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}{where}"


class ContractRun:
    """Checks rules for one contract, in an isolated environment.

    Use as a context manager: entering gives the run its own ``TRANSHUB_HOME`` under
    ``folder`` and a clean environment (no inherited ``TRANSHUB_*`` variable, only
    this plugin loaded); leaving stops every emulator and restores the environment.
    """

    def __init__(self, contract: Contract, folder: Path) -> None:
        self.contract = contract
        self.folder = folder
        self.home = folder / "home"
        self.broken: list[str] = []
        self._saved: dict[str, str] | None = None
        self._stack = contextlib.ExitStack()
        self._registry: Registry | None = None
        self._count = 0

    # -- set-up ------------------------------------------------------------------

    def __enter__(self) -> ContractRun:
        self._saved = dict(os.environ)
        for key in list(os.environ):
            if key.startswith(INHERITED_PREFIXES):
                del os.environ[key]
        os.environ.update(
            TRANSHUB_HOME=str(self.home),
            TRANSHUB_PLUGINS=self.contract.plugin,
            TRANSHUB_POLL_INTERVAL="0.01",
            TRANSHUB_POLL_MAX_INTERVAL="0.05",
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
        if self._saved is not None:
            os.environ.clear()
            os.environ.update(self._saved)

    @property
    def registry(self) -> Registry:
        """The plugin, loaded through its entry point as a user's would be."""
        if self._registry is None:
            from transhub.registry import Registry

            self._registry = Registry(only=[self.contract.plugin], report=self.broken.append)
        return self._registry

    @property
    def provider(self) -> str:
        """The provider under test."""
        if self.contract.provider is not None:
            return self.contract.provider
        names = sorted(self.registry.providers())
        if len(names) != 1:
            raise ContractViolation(
                "plugin-loads",
                self.contract.plugin,
                f"registers providers {names}; name one in Contract(provider=...)",
            )
        return names[0]

    def implementation(self, capability: Capability) -> Any:
        """The class the provider registered for ``capability``."""
        found = self.registry.providers().get(self.provider, {}).get(capability)
        if found is None:
            raise NotApplicable(f"{self.provider} does not offer {capability.value}")
        return found

    def driver(self, capability: Capability) -> Driver:
        """How the kit exercises ``capability``."""
        self._count += 1
        folder = self.folder / f"{capability.value}-{self._count}"
        return DRIVERS[capability](self.implementation(capability), self.contract.samples, folder)

    def sandbox(self) -> Sandbox:
        """The emulator the plugin registered for the provider (or the contract's)."""
        if self.contract.sandbox is not None:
            return self.contract.sandbox
        for sandbox in self.registry.sandboxes():
            if sandbox.provider == self.provider:
                return sandbox
        raise ContractViolation(
            "plugin-loads",
            self.provider,
            "registers no sandbox (implement register_sandboxes, or pass Contract(sandbox=...))",
        )

    def start(self, options: SandboxOptions | None = None) -> RecordingEmulator:
        """Start the emulator and point the provider at it (stopped when the run ends)."""
        emulator = self._stack.enter_context(
            running(self.sandbox(), options or self.contract.options)
        )
        os.environ.update(emulator.environment)
        return emulator

    def hub(self, *, retries: int = 0, reload: bool = False) -> Hub:
        """A fresh hub over the plugin (``retries``: of requests safe to repeat;
        ``reload``: load the plugin anew, as a new ``transhub`` process would)."""
        from transhub.api import Hub
        from transhub.registry import Registry

        registry = self.registry
        if reload:
            registry = Registry(only=[self.contract.plugin], report=self.broken.append)
        return Hub(registry=registry, settings={"retries": retries})

    def instance(self, capability: Capability, *, retries: int = 0) -> Any:
        """The provider's implementation of ``capability``, configured for the running
        emulator, backing off without sleeping."""
        implementation = self.hub(retries=retries).instance(self.implementation(capability))
        implementation.context.http.sleep = _no_sleep
        return implementation

    def cli(self, *argv: str) -> CliResult:
        """Run ``transhub ARGV`` in this process."""
        return invoke(list(argv))

    def shown(self, text: str) -> str:
        """``text`` with the run's folder left out of paths (messages stay short)."""
        return text.replace(str(self.folder) + os.sep, "")

    def who(self, capability: Capability | None = None) -> str:
        """How failures name the provider (and capability)."""
        name = self.contract.provider or self.contract.plugin
        return f"{name} ({capability.value})" if capability is not None else name

    # -- the rules ---------------------------------------------------------------

    def check(self, rule: str, capability: Capability | None = None) -> None:
        """Check one rule (for one capability); raise :class:`ContractViolation` if it
        is broken, :class:`NotApplicable` if it does not apply."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; the rules are {', '.join(RULES)}")
        method: Callable[..., None] = getattr(self, "check_" + rule.replace("-", "_"))
        try:
            if capability is None:
                method()
            else:
                method(capability)
        except (ContractViolation, NotApplicable):
            raise
        except Exception as exc:
            raise ContractViolation(
                rule, self.who(capability), f"the check stopped on {describe(exc)}"
            ) from exc

    def check_plugin_loads(self) -> None:
        """``plugin-loads``."""
        providers = self.registry.providers()
        if self.broken:
            raise ContractViolation("plugin-loads", self.who(), "; ".join(self.broken))
        if self.provider not in providers:
            raise ContractViolation(
                "plugin-loads", self.who(), f"registers no provider named {self.provider!r}"
            )
        if not self.contract.offline:
            emulator = self.start()
            try:
                emulator.faults  # noqa: B018 - raises when there is no fault injection
            except TypeError as exc:
                raise ContractViolation("plugin-loads", self.who(), str(exc)) from None
        result = self.cli("providers", "--jsonl")
        import json

        rows = [json.loads(line) for line in result.lines if line.startswith("{")]
        row = next((r for r in rows if r.get("name") == self.provider), None)
        expected = sorted(c.value for c in providers[self.provider])
        if row is None or sorted(row.get("capabilities", ())) != expected:
            raise ContractViolation(
                "plugin-loads",
                self.who(),
                f"`transhub providers --json` should list {self.provider} with {expected}; "
                f"it printed {result.stdout.strip()!r} {result.stderr.strip()!r}",
            )
        if not row.get("configured"):
            raise ContractViolation(
                "plugin-loads",
                self.who(),
                f"the sandbox's environment does not configure it (missing {row.get('missing')})",
            )

    def check_limits_declared(self, capability: Capability) -> None:
        """``limits-declared``."""
        from transhub.testing.declarations import problems

        found = problems(self.implementation(capability))
        if found:
            raise ContractViolation("limits-declared", self.who(capability), "; ".join(found))

    def check_works_end_to_end(self, capability: Capability) -> None:
        """``works-end-to-end``."""
        import json

        driver = self.driver(capability)
        if not self.contract.offline:
            self.start()
        output = driver.folder / "out"
        argv = driver.argv(output)
        result = self.cli(*argv)
        command = self.shown("transhub " + " ".join(argv))
        if result.exit_code != 0:
            raise ContractViolation(
                "works-end-to-end",
                self.who(capability),
                f"`{command}` exited {result.exit_code}: {self.shown(result.stderr.strip())}",
            )
        rows = [json.loads(line) for line in result.lines if line.startswith(("{", "["))]
        if not rows:
            raise ContractViolation(
                "works-end-to-end", self.who(capability), f"`{command}` printed no JSON result"
            )
        if driver.produces_files:
            files = sorted(p.name for p in output.rglob("*") if p.is_file())
            if not files or any(name.startswith(".") for name in files):
                raise ContractViolation(
                    "works-end-to-end",
                    self.who(capability),
                    f"`{command}` left {files or 'no file'} in the output folder",
                )

    def check_limits_enforced_before_sending(self, capability: Capability) -> None:
        """``limits-enforced-before-sending``."""
        driver = self.driver(capability)
        emulator = None if self.contract.offline else self.start()
        broken = []
        for what, call in driver.refusals().items():
            before = len(emulator.requests) if emulator is not None else 0
            try:
                call(self.hub(reload=True))
            except InputError:
                pass
            except Exception as exc:
                broken.append(f"{what}: expected an input error, got {describe(exc)}")
            else:
                broken.append(f"{what}: was accepted")
            sent = emulator.requests[before:] if emulator is not None else []
            if sent:
                broken.append(f"{what}: {len(sent)} request(s) reached the service: {sent}")
        if broken:
            raise ContractViolation(
                "limits-enforced-before-sending", self.who(capability), "; ".join(broken)
            )

    def _task_driver(self, capability: Capability) -> TaskDriver:
        if capability not in TASKS:
            raise NotApplicable(f"{capability.value} runs no remote task")
        driver = self.driver(capability)
        assert isinstance(driver, TaskDriver)
        return driver

    def _states(
        self, driver: TaskDriver, implementation: Any, task: Task, rule: str
    ) -> list[TaskStatus]:
        """Poll until a final state, then twice more; every status seen, in order.
        Waits between polls grow from 5 to 50 ms, bounded by the contract's timeout."""
        seen = [driver.status(implementation, task)]
        deadline = time.monotonic() + self.contract.timeout
        delay = 0.005
        pause = threading.Event()  # never set: wait() is a bounded pause between polls
        while not seen[-1].state.is_final:
            if time.monotonic() > deadline:
                raise ContractViolation(
                    rule,
                    self.who(driver.capability),
                    f"task {task.task_id} is still {seen[-1].state.value} after "
                    f"{self.contract.timeout:g}s on the emulator",
                )
            pause.wait(delay)
            delay = min(delay * 1.5, 0.05)
            seen.append(driver.status(implementation, task))
        seen.append(driver.status(implementation, task))
        seen.append(driver.status(implementation, task))
        return seen

    def _finish(self, driver: TaskDriver, implementation: Any, rule: str) -> tuple[Task, Any]:
        """Submit the sample and wait for it to be done."""
        task = driver.submit(implementation)
        final = next(
            s for s in self._states(driver, implementation, task, rule) if s.state.is_final
        )
        if final.state is not TaskState.DONE:
            raise ContractViolation(
                "works-end-to-end",
                self.who(driver.capability),
                f"the sample task {task.task_id} ended {final.state.value}: {final.message}",
            )
        return task, final

    def check_states_in_order(self, capability: Capability) -> None:
        """``states-in-order``."""
        driver = self._task_driver(capability)
        self.start()
        implementation = self.instance(capability)
        task = driver.submit(implementation)
        states = [s.state for s in self._states(driver, implementation, task, "states-in-order")]
        rank = {TaskState.QUEUED: 0, TaskState.RUNNING: 1}
        shown = " → ".join(s.value for s in states)
        for before, after in itertools.pairwise(states):
            if before.is_final and after is not before and after is not TaskState.EXPIRED:
                problem = f"left the final state {before.value} for {after.value}"
            elif not before.is_final and rank.get(after, 2) < rank[before]:
                problem = f"went back from {before.value} to {after.value}"
            else:
                continue
            raise ContractViolation(
                "states-in-order", self.who(capability), f"task {task.task_id} {problem} ({shown})"
            )

    def check_download_atomic(self, capability: Capability) -> None:
        """``download-atomic``: every request of a download, cut in turn."""
        driver = self._task_driver(capability)
        emulator = self.start()
        implementation = self.instance(capability, retries=4)
        task, status = self._finish(driver, implementation, "download-atomic")
        clean = driver.folder / "clean"
        before = len(emulator.requests)
        driver.download(implementation, task, status, clean)
        expected = _contents(clean)
        if not expected:
            raise ContractViolation(
                "works-end-to-end", self.who(capability), "the finished task downloaded no file"
            )
        for number in range(len(emulator.requests) - before):
            into = driver.folder / f"cut-{number}"
            emulator.break_request(Fault.DROP_AFTER, after=number)
            error: str | None = None
            try:
                driver.download(implementation, task, status, into)
            except TranshubError:
                pass
            except Exception as exc:
                error = describe(exc)
            left = _contents(into)
            where = f"with request {number + 1} of the download cut mid-answer"
            if error is not None:
                detail = f"{where}, the download raised {error}"
                if left:
                    detail += f" and left {_sizes(left, expected)}"
                raise ContractViolation("download-atomic", self.who(capability), detail)
            if left and left != expected:
                raise ContractViolation(
                    "download-atomic",
                    self.who(capability),
                    f"{where}, the download left {_sizes(left, expected)}",
                )

    def _service(self) -> None:
        """Raise :class:`NotApplicable` for a provider that talks to no service."""
        if self.contract.offline:
            raise NotApplicable(f"{self.provider} works offline: there is no service to answer")

    def bad_credentials(self, emulator: RecordingEmulator) -> dict[str, str]:
        """Environment variables with every secret setting of the provider changed."""
        if self.contract.bad_credentials is not None:
            return dict(self.contract.bad_credentials)
        wrong = {}
        for name in self._secret_variables():
            value = emulator.environment.get(name, "")
            if value:
                wrong[name] = ("wrong-" + "x" * len(value))[: max(len(value), 8)]
        if not wrong:
            raise NotApplicable(f"{self.provider}'s sandbox environment sets no secret")
        return wrong

    def _secret_variables(self) -> list[str]:
        any_cls = next(iter(self.registry.providers()[self.provider].values()))
        settings = any_cls.provider.settings
        prefix = str(settings.model_config.get("env_prefix", ""))
        return [f"{prefix}{name}".upper() for name in settings.secret_names()]

    def _expect(self, rule: str, capability: Capability, error: type[Exception]) -> None:
        """The sample's first step must raise ``error``: the submit of a remote task
        (the core reports a failed task per image, so the implementation is called
        directly), else the request through the Python API."""
        driver = self.driver(capability)
        try:
            if isinstance(driver, TaskDriver):
                driver.submit(self.instance(capability))
            else:
                driver.call(driver.folder / "out")(self.hub())
        except error:
            return
        except Exception as exc:
            raise ContractViolation(
                rule, self.who(capability), f"expected {error.__name__}, got {describe(exc)}"
            ) from exc
        raise ContractViolation(
            rule, self.who(capability), f"expected {error.__name__}; the request succeeded"
        )

    def check_auth_failure_typed(self, capability: Capability) -> None:
        """``auth-failure-typed``."""
        self.implementation(capability)
        self._service()
        emulator = self.start()
        os.environ.update(self.bad_credentials(emulator))
        self._expect("auth-failure-typed", capability, AuthenticationError)

    def check_rate_limit_typed(self, capability: Capability) -> None:
        """``rate-limit-typed``."""
        self.implementation(capability)
        self._service()
        emulator = self.start()
        emulator.faults.queue(self.contract.throttle, times=50)
        self._expect("rate-limit-typed", capability, RateLimitError)

    def check_expired_result_typed(self, capability: Capability) -> None:
        """``expired-result-typed``: once the sample's result has expired, the status
        says so or the download raises ResultExpiredError, leaving no file."""
        driver = self._task_driver(capability)
        expire = self.contract.expire
        if expire is None and self.contract.expiring is None:
            raise NotApplicable(f"the contract says {self.provider} keeps results for good")
        emulator = self.start(self.contract.expiring if expire is None else None)
        implementation = self.instance(capability)
        task = driver.submit(implementation)
        try:
            states = self._states(driver, implementation, task, "expired-result-typed")
            final = next(s for s in states if s.state.is_final)
            if expire is not None and final.state is TaskState.DONE:
                expire(emulator.app)
                final = driver.status(implementation, task)
        except ResultExpiredError:
            return
        if final.state is TaskState.EXPIRED:
            return
        if final.state is not TaskState.DONE:
            raise ContractViolation(
                "expired-result-typed",
                self.who(capability),
                f"expected the state expired or an expired download; the task ended "
                f"{final.state.value}: {final.message}",
            )
        into = driver.folder / "expired"
        try:
            driver.download(implementation, task, final, into)
        except ResultExpiredError:
            error = None
        except Exception as exc:
            error = f"raised {describe(exc)}"
        else:
            error = "succeeded"
        if error is not None or _contents(into):
            raise ContractViolation(
                "expired-result-typed",
                self.who(capability),
                f"downloading an expired result {error or 'left ' + str(sorted(_contents(into)))}"
                "; expected ResultExpiredError",
            )

    def check_faults_typed(self, capability: Capability) -> None:
        """``faults-typed``: each network fault at each step of the sample."""
        self.implementation(capability)
        self._service()
        steps = ("submit", "status", "download") if capability in TASKS else ("the request",)
        emulator = self.start()
        broken = []
        for fault in NETWORK_FAULTS:
            for step in steps:
                outcome = self._fault_at(step, capability, emulator, fault)
                if outcome is not None:
                    broken.append(f"{fault.value} during {step}: {outcome}")
        if broken:
            raise ContractViolation("faults-typed", self.who(capability), "; ".join(broken))

    def _fault_at(
        self, step: str, capability: Capability, emulator: RecordingEmulator, fault: Fault
    ) -> str | None:
        if step == "the request":
            call = self.driver(capability).call(self.folder / "faulted-out")
            emulator.break_request(fault)
            return _untyped(lambda: call(self.hub()))
        driver = self._task_driver(capability)
        implementation = self.instance(capability)
        if step == "submit":
            emulator.break_request(fault)
            return _untyped(lambda: driver.submit(implementation))
        if step == "status":
            task = driver.submit(implementation)
            emulator.break_request(fault)
            return _untyped(lambda: driver.status(implementation, task))
        task, status = self._finish(driver, implementation, "faults-typed")
        emulator.break_request(fault)
        into = driver.folder / f"faulted-{fault.value}"
        outcome = _untyped(lambda: driver.download(implementation, task, status, into))
        if outcome is not None and _contents(into):
            outcome += f", leaving {sorted(_contents(into))}"
        return outcome

    def check_no_secret_in_output(self, capability: Capability) -> None:
        """``no-secret-in-output``: the sample with refused credentials (first, so no
        journalled result can stand in for it), then with good ones, then
        ``config show`` and ``providers``, all with ``--debug -vv``."""
        driver = self.driver(capability)
        self._service()
        emulator = self.start()
        secrets = {
            name: emulator.environment[name]
            for name in self._secret_variables()
            if emulator.environment.get(name)
        }
        runs: list[tuple[str, CliResult]] = []

        def run(*argv: str, note: str = "") -> None:
            command = self.shown("transhub " + " ".join(argv)) + note
            runs.append((command, self.cli(*argv)))

        with contextlib.suppress(NotApplicable):
            wrong = self.bad_credentials(emulator)
            os.environ.update(wrong)
            secrets |= {f"{name} (a refused value)": value for name, value in wrong.items()}
            refused = driver.argv(driver.folder / "out-refused")
            run("--debug", "-vv", *refused, note=" (refused credentials)")
            os.environ.update(emulator.environment)
        run("--debug", "-vv", *driver.argv(driver.folder / "out"))
        run("--debug", "-vv", "config", "show")
        run("--debug", "-vv", "providers")
        leaks = []
        for name, secret in secrets.items():
            if len(secret) < 4:
                continue
            for command, result in runs:
                for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
                    if secret in text:
                        leaks.append(f"{name} on the {stream} of `{command}`")
            for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
                if secret.encode() in path.read_bytes():
                    leaks.append(f"{name} in {path.relative_to(self.folder)}")
        if leaks:
            raise ContractViolation("no-secret-in-output", self.who(capability), "; ".join(leaks))


def _untyped(action: Callable[[], object]) -> str | None:
    """``None`` when ``action`` succeeds or raises a transhub error, else what it raised."""
    try:
        action()
    except TranshubError:
        return None
    except Exception as exc:
        return f"raised {describe(exc)}"
    return None


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden and temporary ones included), by name."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _sizes(found: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """``result.txt (12 of 24 bytes)`` for each file found."""
    parts = []
    for name, data in found.items():
        full = expected.get(name)
        size = f"{len(data)} of {len(full)} bytes" if full is not None else f"{len(data)} bytes"
        parts.append(f"{name} ({size})")
    return ", ".join(parts)
