"""Signature V3 (the digest's test vector, verbatim), V2, and the form encoding."""

from __future__ import annotations

import pytest
from transhub.errors import AuthenticationError, InputError

from transhub_alibaba import signing

VECTOR_BODY = (
    b"Field=general&ImageUrls=https%3A%2F%2Fexample.com%2F1.jpg%2Chttps%3A%2F%2Fexample.com"
    b"%2F2.jpg&SourceLanguage=zh&TargetLanguage=en"
)
VECTOR_HEADERS = {
    "content-type": "application/x-www-form-urlencoded",
    "host": "mt.cn-hangzhou.aliyuncs.com",
    "x-acs-action": "TranslateImageBatch",
    "x-acs-version": "2018-10-12",
    "x-acs-date": "2026-01-01T00:00:00Z",
    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
}
VECTOR_SHA256 = "bcaa4ea76dde7807d32cdb1d504895be2148c8c6e37e93ca9a1234ce499a19e9"
VECTOR_AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=content-type;host;"
    "x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
    "Signature=56b3f4ccffae0a36b94dc4ca916ef4b2c5f6f0bb260f34da8e6f7bc2b03f2308"
)


def test_digest_v3_vector_content_sha256() -> None:
    assert signing.sha256_hex(VECTOR_BODY) == VECTOR_SHA256


def test_digest_v3_vector_authorization_header() -> None:
    headers = {**VECTOR_HEADERS, "x-acs-content-sha256": VECTOR_SHA256}
    authorization = signing.authorization_v3(
        access_key_id="YourAccessKeyId",
        secret="YourAccessKeySecret",
        method="POST",
        path="/",
        query="",
        headers=headers,
        body=VECTOR_BODY,
    )
    assert authorization == VECTOR_AUTHORIZATION


def test_sign_request_v3_builds_the_vector_from_parameters() -> None:
    body = signing.encode_form(
        {
            "TargetLanguage": "en",
            "ImageUrls": "https://example.com/1.jpg,https://example.com/2.jpg",
            "SourceLanguage": "zh",
            "Field": "general",
        }
    ).encode("ascii")
    assert body == VECTOR_BODY
    headers = signing.sign_request_v3(
        access_key_id="YourAccessKeyId",
        secret="YourAccessKeySecret",
        host="mt.cn-hangzhou.aliyuncs.com",
        action="TranslateImageBatch",
        version="2018-10-12",
        body=body,
        date="2026-01-01T00:00:00Z",
        nonce="3156853299f313e23d1673dc12e1703d",
    )
    assert headers["x-acs-content-sha256"] == VECTOR_SHA256
    assert headers["Authorization"] == VECTOR_AUTHORIZATION
    assert "x-acs-security-token" not in headers


def test_security_token_is_sent_and_signed() -> None:
    headers = signing.sign_request_v3(
        access_key_id="id",
        secret="s",
        host="h",
        action="A",
        version="v",
        body=b"",
        date="2026-01-01T00:00:00Z",
        nonce="n",
        security_token="sts-token",
    )
    assert headers["x-acs-security-token"] == "sts-token"
    assert "x-acs-security-token" in headers["Authorization"].split("SignedHeaders=")[1]


def test_v3_verification_accepts_the_vector_and_refuses_a_changed_body() -> None:
    signed = {**VECTOR_HEADERS, "x-acs-content-sha256": VECTOR_SHA256}
    signature = VECTOR_AUTHORIZATION.rsplit("Signature=", 1)[1]
    common = {"secret": "YourAccessKeySecret", "method": "POST", "path": "/", "query": ""}
    assert signing.verify_v3(**common, headers=signed, body=VECTOR_BODY, signature=signature)
    assert not signing.verify_v3(
        **common, headers=signed, body=VECTOR_BODY + b"&x=1", signature=signature
    )
    assert not signing.verify_v3(
        **{**common, "secret": "wrong"}, headers=signed, body=VECTOR_BODY, signature=signature
    )


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a,b", "a%2Cb"),
        ("https://x/y:z", "https%3A%2F%2Fx%2Fy%3Az"),
        ("a b+c*d~e", "a%20b%2Bc%2Ad~e"),
        ("中文", "%E4%B8%AD%E6%96%87"),
        ("-_.~", "-_.~"),
    ],
)
def test_percent_encoding_is_rfc3986(raw: str, encoded: str) -> None:
    assert signing.percent_encode(raw) == encoded


def test_a_lone_surrogate_is_an_input_error() -> None:
    with pytest.raises(InputError):
        signing.percent_encode("\ud800")


def test_canonical_query_sorts_and_reencodes() -> None:
    assert signing.canonical_query("b=2&a=x+y&c=%7E&d") == "a=x%20y&b=2&c=~&d="
    assert signing.canonical_query("") == ""


def test_published_v2_example() -> None:
    # Alibaba Cloud's public RPC signature (V2) documentation example (ECS DescribeRegions).
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert signing.string_to_sign_v2("GET", params).startswith(
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"
    )
    assert signing.signature_v2("testsecret", "GET", params) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    assert signing.verify_v2(
        "testsecret", "GET", {**params, "Signature": "OLeaidS1JvxuMvnyHOwuJ+uX5qY="}
    )
    assert not signing.verify_v2(
        "other", "GET", {**params, "Signature": "OLeaidS1JvxuMvnyHOwuJ+uX5qY="}
    )


def test_parse_authorization() -> None:
    parsed = signing.parse_authorization_v3(VECTOR_AUTHORIZATION)
    assert parsed.access_key_id == "YourAccessKeyId"
    assert parsed.signed_headers[0] == "content-type"
    assert parsed.signature.startswith("56b3f4cc")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=x",
        "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=x",
    ],
)
def test_malformed_authorization_is_an_authentication_error(value: str) -> None:
    with pytest.raises(AuthenticationError) as caught:
        signing.parse_authorization_v3(value)
    assert caught.value.code == "IncompleteSignature"
