"""The contract as a pytest test class.

Subclass :class:`ProviderContract` in a test module of your plugin and set
:attr:`~ProviderContract.contract`::

    from transhub.testing.contract import Contract
    from transhub.testing.suite import ProviderContract

    class TestContract(ProviderContract):
        contract = Contract(plugin="shout")

pytest then runs one test per rule and capability the provider registers
(``test_download_atomic[document]``…).  A broken rule fails with a message that
starts with the rule's name, ``[download-atomic] shout (document): …``; a rule that
does not apply is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar, TypeVar

# The type-checking session of this repository does not install pytest.
import pytest  # type: ignore[import-not-found,unused-ignore]

from transhub.capabilities.kinds import Capability
from transhub.testing.contract import Contract, ContractRun, ContractViolation, NotApplicable
from transhub.testing.drivers import TASKS
from transhub.testing.plugin import fixture

RuleTest = TypeVar("RuleTest", bound=Callable[..., None])


def _for(capabilities: frozenset[Capability]) -> Callable[[RuleTest], RuleTest]:
    """Run a test once per registered capability among ``capabilities``."""

    def mark(test: RuleTest) -> RuleTest:
        test.capabilities = capabilities  # type: ignore[attr-defined]
        return test

    return mark


ALL = frozenset(Capability)


class ProviderContract:
    """The contract's rules, one test each, run against :attr:`contract`."""

    #: The plugin under test (set it in the subclass).
    contract: ClassVar[Contract]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Parametrise each rule over the capabilities the provider registers."""
        if "capability" not in metafunc.fixturenames:
            return
        wanted: frozenset[Capability] = getattr(metafunc.function, "capabilities", ALL)
        registered = self.contract.capabilities()
        offered = [c for c in registered if c in wanted]
        if offered:
            metafunc.parametrize("capability", offered, ids=[c.value for c in offered])
            return
        names = " or ".join(sorted(c.value for c in wanted))
        reason = (
            f"the rule applies to {names}, which the provider does not offer"
            if registered
            else "the plugin did not load (see test_plugin_loads)"
        )
        skipped = pytest.param(None, marks=pytest.mark.skip(reason=reason), id="none")
        metafunc.parametrize("capability", [skipped])

    @fixture
    def contract_run(self, tmp_path: Path) -> Iterator[ContractRun]:
        """A run of the contract in its own folder and environment."""
        with ContractRun(self.contract, tmp_path) as run:
            yield run

    @staticmethod
    def _check(run: ContractRun, rule: str, capability: Capability | None = None) -> None:
        failure = skip = None
        try:
            run.check(rule, capability)
        except NotApplicable as reason:
            skip = str(reason)
        except ContractViolation as violation:
            failure = str(violation)
        # Outside the except blocks, so that the report is the rule's message alone.
        if skip is not None:
            pytest.skip(skip)
        if failure is not None:
            pytest.fail(failure, pytrace=False)

    def test_plugin_loads(self, contract_run: ContractRun) -> None:
        """The plugin loads and `transhub providers` lists the provider."""
        self._check(contract_run, "plugin-loads")

    @_for(ALL)
    def test_limits_declared(self, contract_run: ContractRun, capability: Capability) -> None:
        """Declarations are present and coherent."""
        self._check(contract_run, "limits-declared", capability)

    @_for(ALL)
    def test_works_end_to_end(self, contract_run: ContractRun, capability: Capability) -> None:
        """The sample succeeds through the CLI."""
        self._check(contract_run, "works-end-to-end", capability)

    @_for(ALL)
    def test_limits_enforced_before_sending(
        self, contract_run: ContractRun, capability: Capability
    ) -> None:
        """Input past each declared limit is refused before any request."""
        self._check(contract_run, "limits-enforced-before-sending", capability)

    @_for(TASKS)
    def test_states_in_order(self, contract_run: ContractRun, capability: Capability) -> None:
        """Task states only move forward."""
        self._check(contract_run, "states-in-order", capability)

    @_for(TASKS)
    def test_download_atomic(self, contract_run: ContractRun, capability: Capability) -> None:
        """A cut download leaves no partial file."""
        self._check(contract_run, "download-atomic", capability)

    @_for(ALL)
    def test_auth_failure_typed(self, contract_run: ContractRun, capability: Capability) -> None:
        """Refused credentials raise AuthenticationError."""
        self._check(contract_run, "auth-failure-typed", capability)

    @_for(ALL)
    def test_rate_limit_typed(self, contract_run: ContractRun, capability: Capability) -> None:
        """Throttling raises RateLimitError."""
        self._check(contract_run, "rate-limit-typed", capability)

    @_for(TASKS)
    def test_expired_result_typed(self, contract_run: ContractRun, capability: Capability) -> None:
        """An expired result raises ResultExpiredError."""
        self._check(contract_run, "expired-result-typed", capability)

    @_for(ALL)
    def test_faults_typed(self, contract_run: ContractRun, capability: Capability) -> None:
        """Network faults raise transhub errors."""
        self._check(contract_run, "faults-typed", capability)

    @_for(ALL)
    def test_no_secret_in_output(self, contract_run: ContractRun, capability: Capability) -> None:
        """No secret in any output."""
        self._check(contract_run, "no-secret-in-output", capability)
