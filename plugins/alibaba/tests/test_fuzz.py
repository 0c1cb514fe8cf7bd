"""Fuzzing: whatever comes in, the signature code, the answer parsers and the emulator
give a result or a typed transhub error — never an unexpected exception, never a 500."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transhub.errors import TranshubError
from werkzeug.test import Client

from transhub_alibaba import answers, codes, signing
from transhub_alibaba.answers import BatchResult
from transhub_alibaba.client import POLL, SUBMIT
from transhub_alibaba.emulator import EmulatorOptions, create_emulator
from transhub_alibaba.sandbox import TEST_ACCESS_KEY_ID, TEST_ACCESS_KEY_SECRET

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text at all, lone surrogates included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
clean_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | clean_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(clean_text, children, max_size=4)
    ),
    max_leaves=12,
)
codes_like = st.one_of(
    st.sampled_from([200, "200", 104, "107", "Throttling.User", "SignatureDoesNotMatch"]),
    json_values,
)
entries = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "SourceImageUrl": json_values,
            "FinalImageUrl": json_values,
            "InPaintingUrl": json_values,
            "TemplateJson": json_values,
            "Code": codes_like,
            "Message": json_values,
            "Success": st.one_of(st.booleans(), st.sampled_from(["true", "false", "yes"])),
        },
    ),
)
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "Code": codes_like,
            "Message": json_values,
            "RequestId": json_values,
            "Data": st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "TaskId": json_values,
                        "Status": st.one_of(st.sampled_from(sorted(answers.STATUSES)), json_values),
                        "Result": st.one_of(json_values, st.lists(entries, max_size=4)),
                    },
                ),
            ),
        },
    ),
)


@FUZZ
@given(
    status=st.integers(100, 599),
    payload=payloads,
    action=st.sampled_from([SUBMIT, POLL]),
)
def test_answer_parsers_give_a_result_or_a_typed_error(
    status: int, payload: Any, action: str
) -> None:
    try:
        parsed = answers.parse_any(status, payload, action)
    except TranshubError as error:
        assert str(error)
        return
    assert isinstance(parsed, (str, BatchResult))
    if isinstance(parsed, BatchResult):
        assert parsed.status in answers.STATUSES


@FUZZ
@given(code=json_values, message=json_values, status=st.none() | st.integers(100, 599))
def test_code_mapping_always_gives_a_typed_error(code: Any, message: Any, status: Any) -> None:
    usable = code if isinstance(code, (str, int)) and not isinstance(code, bool) else None
    error = codes.error_for(
        usable, message if isinstance(message, str) else None, http_status=status
    )
    assert isinstance(error, TranshubError)
    assert str(error).startswith("alibaba:")


@FUZZ
@given(
    key=any_text,
    secret=any_text,
    host=any_text,
    action=any_text,
    body=st.binary(max_size=200),
    nonce=any_text,
    token=st.none() | any_text,
    query=any_text,
)
def test_signing_gives_headers_or_an_input_error(
    key: str,
    secret: str,
    host: str,
    action: str,
    body: bytes,
    nonce: str,
    token: str | None,
    query: str,
) -> None:
    try:
        headers = signing.sign_request_v3(
            access_key_id=key,
            secret=secret,
            host=host,
            action=action,
            version="2018-10-12",
            body=body,
            date="2026-01-01T00:00:00Z",
            nonce=nonce,
            security_token=token,
            query=query,
        )
    except TranshubError:
        return
    assert headers["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=")
    assert headers["x-acs-content-sha256"] == signing.sha256_hex(body)


@FUZZ
@given(params=st.dictionaries(any_text, any_text, max_size=6), secret=any_text)
def test_v2_verification_gives_a_verdict_or_an_input_error(
    params: dict[str, str], secret: str
) -> None:
    try:
        verdict = signing.verify_v2(secret, "POST", params)
    except TranshubError:
        return
    assert verdict in (True, False)


@FUZZ
@given(value=any_text)
def test_authorization_parsing_and_query_canonicalisation(value: str) -> None:
    try:
        parsed = signing.parse_authorization_v3(value)
    except TranshubError:
        pass
    else:
        assert parsed.signature
    try:
        canonical = signing.canonical_query(value)
    except TranshubError:
        return
    assert isinstance(canonical, str)


EMULATOR = create_emulator(EmulatorOptions(task_seconds=0.0))
ALLOWED = {200, 400, 404, 413}


def check_answer(response: Any) -> None:
    assert response.status_code in ALLOWED
    if response.status_code == 200 or response.mimetype == "application/json":
        json.loads(response.get_data())


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT"]),
    path=st.sampled_from(["/", "/results/x/0/final.png", "/other", "/results/"]),
    headers=st.dictionaries(
        st.sampled_from(
            [
                "Authorization",
                "x-acs-action",
                "x-acs-date",
                "x-acs-version",
                "x-acs-signature-nonce",
                "x-acs-content-sha256",
                "Content-Type",
            ]
        ),
        header_text,
        max_size=7,
    ),
    body=st.binary(max_size=300),
    query=header_text,
)
def test_emulator_never_fails_on_garbage(
    method: str, path: str, headers: dict[str, str], body: bytes, query: str
) -> None:
    client = Client(EMULATOR)
    response = client.open(path, method=method, headers=headers, data=body, query_string=query)
    check_answer(response)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "ImageUrls",
                "SourceLanguage",
                "TargetLanguage",
                "Field",
                "Ext",
                "CustomTaskId",
                "TaskId",
            ]
        ),
        st.one_of(
            clean_text,
            st.sampled_from(
                ["zh", "en", "zh-tw", "https://x.example/a.png", '{"needEditorData":"true"}']
            ),
        ),
        max_size=7,
    ),
    action=st.sampled_from([SUBMIT, POLL, "Other"]),
)
def test_emulator_answers_any_signed_request(params: dict[str, str], action: str) -> None:
    body = signing.encode_form(params).encode("ascii")
    headers = signing.sign_request_v3(
        access_key_id=TEST_ACCESS_KEY_ID,
        secret=TEST_ACCESS_KEY_SECRET,
        host="localhost",
        action=action,
        version="2018-10-12",
        body=body,
        date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        nonce=uuid.uuid4().hex,
    )
    response = Client(EMULATOR).post("/", headers=headers, data=body)
    check_answer(response)
    if action == "Other":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
