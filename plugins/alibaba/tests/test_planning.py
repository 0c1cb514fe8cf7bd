"""A direction Alibaba cannot take is refused while the batch is planned: nothing
recorded in the journal, nothing sent, the provider named (in ``--json`` too)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from transhub import Hub
from transhub.errors import EXIT_CODES, UnsupportedLanguageError
from transhub.testing import invoke

from transhub_alibaba.languages import LANGUAGES

URL = "https://example.com/zz.jpg"


def test_into_chinese_without_a_source_is_not_offered() -> None:
    assert not LANGUAGES.supports(None, "zh")
    assert not LANGUAGES.supports(None, "zh-Hant")
    assert LANGUAGES.supports(None, "en")  # the default source, Chinese
    assert LANGUAGES.supports("en", "zh")


def test_refused_at_planning_with_nothing_recorded_or_sent(service: Any) -> None:
    result = invoke(["image", "translate", URL, "--to", "zh", "--provider", "alibaba"])
    assert result.exit_code == EXIT_CODES["input"], result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "transhub: error: alibaba needs the source language for a translation into "
        "Chinese (Simplified) (zh): give --from"
    ]
    assert len(service.app.log) == 0
    jobs = invoke(["jobs", "list", "--json"])
    assert json.loads(jobs.stdout) == []


def test_json_error_names_the_provider_and_prints_no_array(service: Any) -> None:
    result = invoke(["image", "translate", URL, "--to", "zh", "--provider", "alibaba", "--json"])
    assert result.exit_code == EXIT_CODES["input"]
    assert result.stdout == ""
    error = json.loads(result.stderr)["error"]
    assert error["provider"] == "alibaba" and "--from" in error["message"]
    assert len(service.app.log) == 0


def test_api_prepare_refuses_before_run_batch(service: Any) -> None:
    hub = Hub()
    with pytest.raises(UnsupportedLanguageError, match="needs the source language") as caught:
        hub.prepare_images([URL], "zh", provider="alibaba")
    assert caught.value.provider == "alibaba"
    plan = hub.prepare_images([URL], "zh", source="en", provider="alibaba")
    assert [done.status for done in hub.run_batch([plan])] == ["completed"]
