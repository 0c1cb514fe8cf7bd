"""The plugin as the core finds it: entry point, hooks, lazy imports, sandbox."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests
from transhub.capabilities.base import Capability
from transhub.emulation import EmulatorServer
from transhub.http import HttpClient
from transhub.registry import Registry
from transhub.sandbox import SandboxOptions

from transhub_alibaba.client import AlibabaClient
from transhub_alibaba.settings import AlibabaSettings
from transhub_alibaba.translator import AlibabaImageTranslator


def test_the_entry_point_registers_the_image_translator() -> None:
    registry = Registry(only=["alibaba"])
    assert registry.implementations(Capability.IMAGE) == [AlibabaImageTranslator]
    record = registry.owner(AlibabaImageTranslator)
    assert record is not None
    assert record.distribution == "transhub-alibaba"
    assert not record.broken


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, transhub_alibaba.plugin; "
        "heavy = {'transhub_alibaba.client', 'transhub_alibaba.emulator', 'werkzeug', 'requests'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_the_sandbox_runs_with_its_own_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    sandboxes = Registry(only=["alibaba"]).sandboxes()
    assert [s.provider for s in sandboxes] == ["alibaba"]
    sandbox = sandboxes[0]
    app: Any = sandbox.create_app(SandboxOptions(task_seconds=0.0, result_ttl=60.0))
    assert app.log is app.emulator.log
    assert app.faults is not None
    # A real STS token in the standard variable must not leak into sandbox requests.
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "real-sts-token")
    with EmulatorServer(app) as server:
        for key, value in sandbox.environment(server.url).items():
            monkeypatch.setenv(key, value)
        settings = AlibabaSettings()
        assert settings.token() is None
        client = AlibabaClient(settings, HttpClient("alibaba"))
        task_id = client.submit(["https://x.example/a.png"], source="zh", target="en")
        result = client.result(task_id)
        assert result.status == "finished"
        image = requests.get(result.results[0].final_url or "", timeout=10)
        assert image.headers["Content-Type"] == "image/png"
    assert app.emulator.options.result_ttl == 60.0
