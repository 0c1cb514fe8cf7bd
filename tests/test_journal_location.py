"""`jobs list` finds the journal without building the settings
(transhub.journal.location): it must agree with the settings on every source, and
leave to them what it does not read exactly as they do."""

from __future__ import annotations

import subprocess
import sys

import pytest
from transhub.config import write_config
from transhub.errors import ConfigurationError
from transhub.journal.location import UNDECIDED, journal_url, light_url
from transhub.settings import CoreSettings, load_settings

PG = "postgresql://team@db.example:5432/transhub"
OTHER = "postgresql://other@db2.example/transhub"


def settings_url(overrides: dict) -> str | None:
    url = load_settings(CoreSettings, overrides).journal.url
    return url.get_secret_value() if url else None


CASES = [
    # (-c overrides, environment, config file, what the light reading does)
    pytest.param({}, {}, None, "decided", id="nothing set"),
    pytest.param({}, {}, {"read_timeout": 5}, "decided", id="config without [journal]"),
    pytest.param({}, {}, {"journal": {"url": PG}}, "decided", id="config"),
    pytest.param({}, {"TRANSHUB_JOURNAL_URL": PG}, None, "decided", id="environment"),
    pytest.param({}, {"transhub_journal_url": PG}, None, "decided", id="lower-case variable"),
    pytest.param(
        {},
        {"TRANSHUB_JOURNAL_URL": PG},
        {"journal": {"url": OTHER}},
        "decided",
        id="environment over config",
    ),
    pytest.param(
        {"journal": {"url": PG}},
        {"TRANSHUB_JOURNAL_URL": OTHER},
        {"journal": {"url": OTHER}},
        "decided",
        id="-c over everything",
    ),
    pytest.param({}, {"TRANSHUB_JOURNAL": f'{{"url": "{PG}"}}'}, None, "settings", id="JSON"),
    pytest.param({}, {"TRANSHUB_JOURNAL_URL": ""}, None, "settings", id="empty variable"),
    pytest.param({}, {}, {"journal": {"url": ""}}, "settings", id="empty in config"),
    pytest.param({}, {}, {"journal": {"url": PG, "x": 1}}, "settings", id="unknown key"),
]


@pytest.mark.parametrize(("overrides", "environment", "config", "how"), CASES)
def test_the_light_reading_agrees_with_the_settings(
    monkeypatch, overrides, environment, config, how
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if config is not None:
        write_config(config)
    light = light_url(overrides)
    assert (light is UNDECIDED) == (how == "settings")
    assert journal_url(overrides) == settings_url(overrides)


@pytest.mark.parametrize("config", [{"journal": {"url": 5}}, {"journal": "sqlite:///x.db"}])
def test_what_it_cannot_read_gets_the_settings_error(config):
    write_config(config)
    assert light_url({}) is UNDECIDED
    with pytest.raises(ConfigurationError, match="journal"):
        journal_url({})


def test_jobs_list_imports_neither_pydantic_nor_the_settings(tmp_path):
    code = (
        "import sys\nfrom transhub.cli import main\nsys.argv=['transhub','jobs','list']\n"
        "try:\n main()\nexcept SystemExit as e:\n assert not e.code, e.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'pydantic_settings') or m == 'transhub.settings'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip().splitlines()[-1] == "[]", shown.stdout
