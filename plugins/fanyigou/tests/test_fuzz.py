"""Any input to the signature code or to an answer parser gives a result or a typed
error — never another exception."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transhub.errors import TranshubError

from transhub_fanyigou import answers, signing
from transhub_fanyigou.callbacks import CallbackReceiver, CallbackStore

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = [
    "code",
    "msg",
    "data",
    "tid",
    "taskId",
    "status",
    "percent",
    "pageCount",
    "page",
    "words_result",
    "location",
    "dict",
    "base",
    "balance",
    "deductType",
    "transResult",
    "detectLan",
    "explain",
    "word_means",
    "collins",
    "entries",
    "synonym",
    "true_sentences",
]
# Objects shaped like answers, with the documented keys holding anything.
answer_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=30,
)


@given(
    st.dictionaries(st.text(max_size=10), json_values, max_size=6), st.text(min_size=1, max_size=20)
)
def test_token_is_always_32_upper_hex_and_verifies(params: dict[str, Any], key: str) -> None:
    token = signing.token(params, key)
    assert len(token) == 32
    assert token == token.upper()
    assert signing.verify({**params, "token": token}, key)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6), st.text(max_size=20))
def test_verify_never_raises(params: dict[str, Any], key: str) -> None:
    try:
        assert isinstance(signing.verify(params, key), bool)
    except TranshubError:
        assert key == ""


def _parse_everything(payload: Any) -> None:
    calls = [
        lambda: answers.checked(payload, call="x"),
        lambda: answers.task_id(payload, call="x"),
        lambda: answers.read_progress(payload, call="x"),
        lambda: answers.task_status(
            answers.read_progress(payload, call="x"), call="x", counted_is_queued=True
        ),
        lambda: answers.read_page_count(payload, call="x"),
        lambda: answers.read_ocr(payload, call="x"),
        lambda: answers.read_balance(payload, "document", call="x"),
        lambda: answers.read_translation(answers.read_answer(payload, call="x"), call="x"),
        lambda: answers.read_dictionary(answers.read_answer(payload, call="x"), "w", call="x"),
        lambda: answers.data_object(answers.read_answer(payload, call="x"), call="x"),
    ]
    for call in calls:
        try:
            call()
        except TranshubError:
            pass
        except (AttributeError, TypeError) as exc:
            # A parser may only be handed a mapping where the client has checked one.
            if isinstance(payload, dict):
                raise AssertionError(f"{exc!r} on {payload!r}") from exc


@given(answer_like)
@settings(max_examples=300)
def test_parsers_give_a_result_or_a_typed_error(payload: Any) -> None:
    _parse_everything(payload)


@given(st.dictionaries(st.sampled_from(KEYS), answer_like, max_size=6))
@settings(max_examples=300)
def test_parsers_on_objects_never_raise_anything_untyped(payload: dict[str, Any]) -> None:
    _parse_everything(payload)
    _parse_everything({"code": 100, "msg": "", "data": payload})


@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_callback_receiver_answers_any_body_without_crashing(
    tmp_path: Path, body: bytes
) -> None:
    receiver = CallbackReceiver("key", CallbackStore(tmp_path / "callbacks"))
    seen: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(body),
    }
    result = b"".join(receiver(environ, lambda status, headers: seen.append(status)))
    assert seen[0].split()[0] in {"400", "403"}
    assert result
    assert not (tmp_path / "callbacks").exists() or all(
        p.parent == tmp_path / "callbacks" for p in (tmp_path / "callbacks").iterdir()
    )
