"""The plugin kit (``transhub.testing``): every rule against the echo test provider,
and against "fake" (tests/contract_fake.py), a provider that breaks one rule at a
time on demand — each breakage must fail the rule it breaks, by name, and no other."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from transhub.capabilities.kinds import Capability
from transhub.testing.contract import RULES, Contract, ContractRun, ContractViolation
from transhub.testing.drivers import TASKS
from transhub.testing.suite import ProviderContract

pytest_plugins = ["pytester"]


class TestEchoContract(ProviderContract):
    """echo honours the contract; its service keeps results for good."""

    contract = Contract(plugin="echo", provider="echo", expiring=None)


# -- the fake provider, installed as a real plugin ---------------------------------------

FAKE = Path(__file__).with_name("contract_fake.py")
FAKE_CAPABILITIES = (Capability.DOCUMENT, Capability.TEXT)


def install_fake(folder: Path) -> Path:
    """Lay the fake plugin out in ``folder`` as pip would: the module, and a
    distribution whose entry point names it.  Put ``folder`` on sys.path to use it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FAKE, folder / "transhub_contract_fake.py")
    info = folder / "transhub_contract_fake-1.0.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: transhub-contract-fake\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text("[transhub]\nfake = transhub_contract_fake\n")
    return folder


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Check one rule against the fake with some breakages on: ``fake(rule,
    capability, *breakages)`` returns the violation's message, or ``None``."""
    monkeypatch.syspath_prepend(str(install_fake(tmp_path / "site")))
    runs = iter(range(1000))

    def check(rule: str, capability: Capability | None, *breakages: str) -> str | None:
        monkeypatch.setenv("CONTRACT_FAKE_BREAKS", ",".join(breakages))
        with ContractRun(Contract(plugin="fake"), tmp_path / f"run-{next(runs)}") as run:
            try:
                run.check(rule, capability)
            except ContractViolation as violation:
                assert violation.rule == rule
                return str(violation)
        return None

    yield check
    sys.modules.pop("transhub_contract_fake", None)


def every_check() -> list[tuple[str, Capability | None]]:
    """Each rule, with each of the fake's capabilities it applies to."""
    pairs: list[tuple[str, Capability | None]] = [("plugin-loads", None)]
    tasks_only = {"states-in-order", "download-atomic", "expired-result-typed"}
    for rule in RULES:
        if rule != "plugin-loads":
            pairs += [(rule, c) for c in FAKE_CAPABILITIES if rule not in tasks_only or c in TASKS]
    return pairs


def test_the_fake_honours_every_rule_when_nothing_is_broken(fake):
    assert {f"{r} {c}": fake(r, c) for r, c in every_check()} == {
        f"{r} {c}": None for r, c in every_check()
    }


@pytest.mark.parametrize(
    ("breakage", "broken"),
    [
        ("partial-download", {("download-atomic", "document"), ("faults-typed", "document")}),
        ("send-first", {("limits-enforced-before-sending", "text")}),
        ("backwards", {("states-in-order", "document")}),
        (
            "raw-errors",
            {
                ("auth-failure-typed", "document"),
                ("auth-failure-typed", "text"),
                ("rate-limit-typed", "document"),
                ("rate-limit-typed", "text"),
                ("expired-result-typed", "document"),
                ("faults-typed", "document"),  # a 502 page, raise_for_status()'d
                ("faults-typed", "text"),
            },
        ),
        ("leaky", {("no-secret-in-output", "document"), ("no-secret-in-output", "text")}),
    ],
)
def test_each_breakage_fails_exactly_the_rules_it_breaks(fake, breakage, broken):
    failures = {(r, c.value if c else None): fake(r, c, breakage) for r, c in every_check()}
    assert {key for key, message in failures.items() if message} == broken
    for (rule, capability), message in failures.items():
        if message:
            assert message.startswith(f"[{rule}] fake ({capability}): ")


def test_messages_say_what_went_wrong(fake):
    assert "left result.txt (2048 of 4096 bytes)" in fake(
        "download-atomic", Capability.DOCUMENT, "partial-download"
    )
    assert "1 request(s) reached the service: ['GET /v1/languages']" in fake(
        "limits-enforced-before-sending", Capability.TEXT, "send-first"
    )
    assert "left the final state done for running" in fake(
        "states-in-order", Capability.DOCUMENT, "backwards"
    )
    assert "expected AuthenticationError, got requests.exceptions.HTTPError" in fake(
        "auth-failure-typed", Capability.TEXT, "raw-errors"
    )
    assert "TRANSHUB_FAKE_API_KEY in home/fake-last-request.txt" in fake(
        "no-secret-in-output", Capability.TEXT, "leaky"
    )  # the refused key is sent first, so the file ends with the real one


def test_a_broken_plugin_fails_under_pytest_with_the_rule_named(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    """The whole suite, run by pytest on the fake with a partial download: two
    failures, each reported as the rule's message alone; every other rule passes."""
    install_fake(pytester.path)
    pytester.syspathinsert()
    pytester.makepyfile(
        test_fake_contract="""
        from transhub.testing import Contract, ProviderContract

        class TestFakeContract(ProviderContract):
            contract = Contract(plugin="fake")
        """
    )
    monkeypatch.setenv("CONTRACT_FAKE_BREAKS", "partial-download")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=16, failed=2)
    # The summary line may carry the message too (pytest does not shorten it under CI).
    failed = {line.split(" - ")[0] for line in result.outlines if line.startswith("FAILED")}
    assert failed == {
        "FAILED test_fake_contract.py::TestFakeContract::test_download_atomic[document]",
        "FAILED test_fake_contract.py::TestFakeContract::test_faults_typed[document]",
    }
    result.stdout.fnmatch_lines(
        [
            "[[]download-atomic[]] fake (document): with request 1 of the download cut "
            "mid-answer, the download raised requests.exceptions.ChunkedEncodingError*"
            "left result.txt (2048 of 4096 bytes)",
            "  rule: a download cut mid-answer leaves no partial file*",
        ]
    )
