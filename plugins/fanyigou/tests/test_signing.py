"""The token, exactly as the reference defines it."""

from __future__ import annotations

import pytest
from transhub.errors import ConfigurationError

from transhub_fanyigou import signing

# The reference's worked example ("安全规范 → 签名算法 → 举例"), verbatim.
EXAMPLE = {
    "appid": "1522125815142",
    "nonce_str": "ibuaiVcKdpRxkhJA",
    "from": "en",
    "to": "zh",
    "md5": "5b21f2eeda4726c74274fc27a53bac74",
}
EXAMPLE_KEY = "4892ef64ewf5sffdf"
EXAMPLE_STRING = (
    "appid=1522125815142&from=en&md5=5b21f2eeda4726c74274fc27a53bac74"
    "&nonce_str=ibuaiVcKdpRxkhJA&privatekey=4892ef64ewf5sffdf&to=zh"
)
EXAMPLE_TOKEN = "31956D481EFF09D7F3EB7C1312BC61E0"


def test_the_reference_example_string_and_token() -> None:
    assert signing.string_to_sign(EXAMPLE, EXAMPLE_KEY) == EXAMPLE_STRING
    assert signing.token(EXAMPLE, EXAMPLE_KEY) == EXAMPLE_TOKEN


def test_empty_values_do_not_take_part() -> None:
    with_empties = {**EXAMPLE, "industryId": "", "excelMode": None}
    assert signing.token(with_empties, EXAMPLE_KEY) == EXAMPLE_TOKEN


def test_a_token_among_the_parameters_is_ignored() -> None:
    assert signing.token({**EXAMPLE, "token": "ANYTHING"}, EXAMPLE_KEY) == EXAMPLE_TOKEN


def test_names_are_case_sensitive_and_sorted_in_ascii_order() -> None:
    # Upper-case letters sort before lower-case ones in ASCII.
    assert signing.string_to_sign({"b": "1", "B": "2", "a": "3"}, "k") == "B=2&a=3&b=1&privatekey=k"
    assert signing.token({"From": "en"}, "k") != signing.token({"from": "en"}, "k")


def test_numbers_and_booleans_take_part_as_their_text() -> None:
    assert signing.token({"tid": 14587, "type": 1}, "k") == signing.token(
        {"tid": "14587", "type": "1"}, "k"
    )
    assert signing.text_of(True) == "true"
    assert signing.text_of({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'


def test_sign_adds_appid_nonce_and_a_verifiable_token() -> None:
    fields = signing.sign({"from": "en", "to": "zh", "industryId": None, "x": ""}, "app", "key")
    assert set(fields) == {"from", "to", "appid", "nonce_str", "token"}
    assert fields["appid"] == "app"
    assert signing.verify(fields, "key")
    assert not signing.verify(fields, "other key")
    assert signing.sign({}, "app", "key")["nonce_str"] != fields["nonce_str"]


def test_verify_accepts_added_fields_and_refuses_changes() -> None:
    fields = {**EXAMPLE, "extra": "added by the service later"}
    fields["token"] = signing.token(fields, EXAMPLE_KEY)
    assert signing.verify(fields, EXAMPLE_KEY)
    assert signing.verify({**fields, "token": fields["token"].lower()}, EXAMPLE_KEY)
    assert not signing.verify({**fields, "to": "jp"}, EXAMPLE_KEY)
    assert not signing.verify({k: v for k, v in fields.items() if k != "token"}, EXAMPLE_KEY)
    assert not signing.verify({**fields, "token": 12}, EXAMPLE_KEY)


def test_an_empty_private_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="TRANSHUB_FANYIGOU_PRIVATE_KEY"):
        signing.token(EXAMPLE, "")
