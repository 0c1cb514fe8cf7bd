"""The rules about a service's answers: refused credentials, throttling, network
faults and garbled answers are typed transhub errors, and no secret is ever shown.
They do not apply to a provider that works offline."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

from transhub.capabilities.kinds import Capability
from transhub.emulation import Fault
from transhub.errors import AuthenticationError, RateLimitError, TranshubError
from transhub.testing import CliResult
from transhub.testing.driver_base import TaskDriver
from transhub.testing.drivers import TASKS
from transhub.testing.rules import ContractViolation, NotApplicable, describe
from transhub.testing.sandboxes import RecordingEmulator
from transhub.testing.task_rules import TaskRules, contents

#: Faults each capability must turn into a transhub error.
NETWORK_FAULTS = (Fault.ERROR, Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.HTML, Fault.MALFORMED)


class ServiceRules(TaskRules):
    """``auth-failure-typed``, ``rate-limit-typed``, ``faults-typed`` and
    ``no-secret-in-output`` (the download step of ``faults-typed`` runs a sample task
    to the end, as the task rules do)."""

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
        if outcome is not None and contents(into):
            outcome += f", leaving {sorted(contents(into))}"
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
