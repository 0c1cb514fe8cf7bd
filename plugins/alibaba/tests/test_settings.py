"""Settings: where credentials come from, and which source wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from transhub.errors import ConfigurationError
from transhub.settings import load_settings, write_config

from transhub_alibaba.settings import CENTRAL_ENDPOINT, AlibabaSettings

SECRET = "s3cr3t-value-never-shown"


def config(home: Path, **table: str) -> None:
    write_config({"alibaba": table}, home / "config.toml")


def test_standard_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "std-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "std-secret")
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "std-token")
    settings = AlibabaSettings()
    assert settings.access_key_id == "std-id"
    assert settings.secret() == "std-secret"
    assert settings.token() == "std-token"
    assert settings.configured


def test_transhub_variables_win_over_standard_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "std-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "std-secret")
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_ID", "own-id")
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET", "own-secret")
    settings = AlibabaSettings()
    assert (settings.access_key_id, settings.secret()) == ("own-id", "own-secret")
    assert settings.source_of("access_key_id") == "TRANSHUB_ALIBABA_ACCESS_KEY_ID"


def test_config_table_wins_over_standard_variables(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(isolated, access_key_id="cfg-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "std-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "std-secret")
    settings = AlibabaSettings()
    assert settings.access_key_id == "cfg-id"
    # A setting the table lacks still falls back to the standard variable.
    assert settings.secret() == "std-secret"
    assert settings.source_of("access_key_id").endswith("[alibaba] table of the config file")
    assert settings.source_of("access_key_secret").startswith("ALIBABA_CLOUD_ACCESS_KEY_SECRET")


def test_transhub_variables_win_over_config(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(isolated, access_key_id="cfg-id", region="ap-southeast-1")
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_ID", "own-id")
    settings = AlibabaSettings()
    assert settings.access_key_id == "own-id"
    assert settings.region == "ap-southeast-1"


def test_explicit_overrides_win_over_everything(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config(isolated, access_key_id="cfg-id")
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_ID", "own-id")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "std-id")
    settings = load_settings(AlibabaSettings, {"access_key_id": "cli-id"}, what="alibaba")
    assert settings.access_key_id == "cli-id"
    assert settings.source_of("access_key_id") == "the access_key_id option"


def test_empty_transhub_token_hides_a_standard_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "std-token")
    monkeypatch.setenv("TRANSHUB_ALIBABA_SECURITY_TOKEN", "")
    assert AlibabaSettings().token() is None


def test_missing_credentials_name_both_variables() -> None:
    settings = AlibabaSettings()
    assert settings.missing() == [
        "TRANSHUB_ALIBABA_ACCESS_KEY_ID (or ALIBABA_CLOUD_ACCESS_KEY_ID)",
        "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET (or ALIBABA_CLOUD_ACCESS_KEY_SECRET)",
    ]
    with pytest.raises(ConfigurationError, match="ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        settings.check()


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("cn-hangzhou", "https://mt.cn-hangzhou.aliyuncs.com"),
        ("ap-southeast-1", "https://mt.ap-southeast-1.aliyuncs.com"),
        ("eu-central-1", CENTRAL_ENDPOINT),
    ],
)
def test_region_picks_the_endpoint(region: str, endpoint: str) -> None:
    assert AlibabaSettings(region=region).base_url() == endpoint


def test_default_region_is_hangzhou() -> None:
    assert AlibabaSettings().base_url() == "https://mt.cn-hangzhou.aliyuncs.com"


@pytest.mark.parametrize("region", ["cn-hangzhou.evil.com", "x", "cn_hangzhou", "a/b"])
def test_a_region_that_is_not_an_id_is_refused(region: str) -> None:
    with pytest.raises(ConfigurationError, match="region"):
        load_settings(AlibabaSettings, {"region": region}, what="alibaba")


def test_endpoint_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ENDPOINT", "http://127.0.0.1:8123/")
    assert AlibabaSettings().base_url() == "http://127.0.0.1:8123"


def test_plain_http_off_loopback_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ENDPOINT", "http://mt.example.com")
    with pytest.raises(ConfigurationError, match="TRANSHUB_ALIBABA_ENDPOINT"):
        AlibabaSettings().base_url()


def test_secrets_are_masked_in_repr_and_public_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSHUB_ALIBABA_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("TRANSHUB_ALIBABA_SECURITY_TOKEN", SECRET + "-token")
    settings = AlibabaSettings(access_key_id="id")
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings.public_dict())
    assert settings.public_dict()["access_key_secret"] == "********"
    assert set(AlibabaSettings.secret_names()) == {"access_key_secret", "security_token"}


def test_tasks_at_once_is_a_setting_with_the_documented_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from transhub_alibaba.provider import PROVIDER

    assert PROVIDER.max_concurrent_tasks(AlibabaSettings()) == 4
    monkeypatch.setenv("TRANSHUB_ALIBABA_MAX_CONCURRENT_TASKS", "7")
    assert PROVIDER.max_concurrent_tasks(AlibabaSettings()) == 7
    with pytest.raises(ValidationError, match="max_concurrent_tasks"):
        AlibabaSettings(max_concurrent_tasks=0)
