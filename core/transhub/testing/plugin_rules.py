"""The rules about the plugin as a whole and its declared limits: it loads, declares
coherent limits, works end to end through the CLI, and enforces its limits before
sending anything."""

from __future__ import annotations

from transhub.capabilities.kinds import Capability
from transhub.errors import InputError
from transhub.testing.harness import Harness
from transhub.testing.rules import ContractViolation, describe


class PluginRules(Harness):
    """``plugin-loads``, ``limits-declared``, ``works-end-to-end`` and
    ``limits-enforced-before-sending``."""

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
