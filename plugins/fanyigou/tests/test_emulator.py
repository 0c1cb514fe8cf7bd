"""The emulator speaks the reference's protocol: raw HTTP requests, signed by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from transhub.polling import wait_for
from transhub.sandbox import SandboxOptions

from transhub_fanyigou import signing
from transhub_fanyigou.emulator import (
    TEST_APPID,
    TEST_PRIVATE_KEY,
    EmulatorOptions,
    FanyigouEmulator,
    create_app,
)
from transhub_fanyigou.sandbox import environment, sandbox


def post(
    endpoint: str,
    call: str,
    params: dict[str, Any],
    *,
    file: Path | None = None,
    field: str = "file",
    key: str = TEST_PRIVATE_KEY,
    appid: str = TEST_APPID,
    sign: bool = True,
) -> requests.Response:
    fields = signing.sign(params, appid, key) if sign else {k: str(v) for k, v in params.items()}
    files = None
    if file is not None:
        files = {field: (file.name, file.read_bytes(), "application/octet-stream")}
    return requests.post(f"{endpoint}/{call}", data=fields, files=files, timeout=10)


def code(response: requests.Response) -> int:
    assert response.status_code == 200
    return int(response.json()["code"])


def done(endpoint: str, tid: Any, call: str = "queryTransProgress") -> dict[str, Any]:
    def fetch() -> Any:
        from transhub.capabilities.base import TaskState, TaskStatus

        data = post(endpoint, call, {"tid": tid}).json()["data"]
        state = TaskState.RUNNING if data["status"] == 313 else TaskState.DONE
        return TaskStatus(state=state, percent=float(data["percent"]), message=str(data["status"]))

    wait_for(fetch, interval=0.02, max_interval=0.05, timeout=5)
    return post(endpoint, call, {"tid": tid}).json()["data"]


def test_upload_progress_download_as_the_reference_shows(endpoint: str, samples: Any) -> None:
    path = samples.text()
    answer = post(
        endpoint, "uploadTranslate", {"from": "en", "to": "zh", "md5": samples.md5(path)}, file=path
    ).json()
    assert answer["code"] == 100 and answer["msg"] == "请求成功"
    tid = answer["data"]["tid"]
    assert isinstance(tid, int)
    early = post(endpoint, "queryTransProgress", {"tid": tid}).json()["data"]
    assert early["status"] == 313
    assert float(early["percent"]) < 100
    assert set(early) >= {
        "tid",
        "title",
        "docType",
        "fromLan",
        "toLan",
        "percent",
        "pageCount",
        "status",
        "msg",
    }
    assert early["toLan"] == "中文" and early["fromLan"] == "英语"
    final = done(endpoint, tid)
    assert final["status"] == 314 and final["percent"] == "100.00" and final["pageCount"] == 1
    result = post(endpoint, "downloadFile", {"tid": tid, "dtype": 3})
    assert "application/octet-stream" in result.headers["Content-Type"]
    assert result.content.decode() == "[zh] hello\n[zh] world\n"


def test_percent_rises_while_running(
    endpoint: str, samples: Any, emulator: FanyigouEmulator
) -> None:
    path = samples.text()
    tid = post(
        endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(path)}, file=path
    ).json()["data"]["tid"]
    seen: list[float] = []

    def fetch() -> Any:
        from transhub.capabilities.base import TaskState, TaskStatus

        data = post(endpoint, "queryTransProgress", {"tid": tid}).json()["data"]
        seen.append(float(data["percent"]))
        return TaskStatus(state=TaskState.DONE if data["status"] == 314 else TaskState.RUNNING)

    wait_for(fetch, interval=0.02, max_interval=0.02, timeout=5)
    assert seen == sorted(seen)
    assert seen[-1] == 100.0
    assert len(set(seen)) > 2


def test_results_are_served_only_when_done(endpoint: str, samples: Any) -> None:
    path = samples.text()
    tid = post(
        endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(path)}, file=path
    ).json()["data"]["tid"]
    early = post(endpoint, "downloadFile", {"tid": tid, "dtype": 3})
    assert "application/json" in early.headers["Content-Type"]
    assert early.json()["code"] == 313
    assert code(post(endpoint, "downloadFile", {"tid": 424242, "dtype": 3})) == 312


def test_tokens_appids_and_missing_fields_are_checked(endpoint: str, samples: Any) -> None:
    assert code(post(endpoint, "getAccount", {"type": 1}, key="wrong key")) == 101
    assert code(post(endpoint, "getAccount", {"type": 1}, appid="999")) == 103
    assert code(post(endpoint, "getAccount", {"appid": TEST_APPID, "type": 1}, sign=False)) == 101
    assert code(post(endpoint, "getAccount", {"type": 1})) == 100


def test_empty_parameters_are_accepted_as_the_vendor_sdk_sends_them(
    endpoint: str, samples: Any
) -> None:
    path = samples.text()
    params = {"from": "", "to": "zh", "md5": samples.md5(path)}
    fields = signing.sign(params, TEST_APPID, TEST_PRIVATE_KEY)
    # The vendor SDK sends empty values (they take no part in the token) and names
    # the file field after the file.
    fields.update({"industryId": "", "transImg": "", "excelMode": ""})
    files = {"note.txt": ("note.txt", path.read_bytes())}
    answer = requests.post(
        f"{endpoint}/uploadTranslate", data=fields, files=files, timeout=10
    ).json()
    assert answer["code"] == 100


@pytest.mark.parametrize(
    ("name", "content", "md5", "expected"),
    [
        ("empty.txt", b"", None, 301),
        ("drawing.dwg", b"abc", None, 302),
        ("note.txt", b"abc", "0" * 32, 303),
        ("note.txt", b"abc", "", 300),
    ],
)
def test_file_checks(
    endpoint: str, tmp_path: Path, name: str, content: bytes, md5: str | None, expected: int
) -> None:
    import hashlib

    path = tmp_path / name
    path.write_bytes(content)
    digest = hashlib.md5(content).hexdigest() if md5 is None else md5
    assert (
        code(post(endpoint, "uploadTranslate", {"to": "zh", "md5": digest}, file=path)) == expected
    )
    assert code(post(endpoint, "uploadTranslate", {"to": "zh", "md5": digest})) in (301, expected)


def test_a_file_over_50_mb_is_refused_with_311(endpoint: str, tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)
    digest = hashlib.md5(path.read_bytes()).hexdigest()
    assert code(post(endpoint, "uploadTranslate", {"to": "zh", "md5": digest}, file=path)) == 311


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"to": ""}, 300),
        ({"to": "auto"}, 106),
        ({"to": "klingon"}, 106),
        ({"to": "zh", "from": "xx"}, 106),
        ({"to": "zh", "industryId": "27"}, 106),
        ({"to": "zh", "transImg": "2"}, 106),
    ],
)
def test_parameter_checks(
    endpoint: str, samples: Any, params: dict[str, str], expected: int
) -> None:
    path = samples.text()
    assert (
        code(post(endpoint, "uploadTranslate", {**params, "md5": samples.md5(path)}, file=path))
        == expected
    )


def test_the_channel_limit_answers_320(endpoint: str, samples: Any) -> None:
    first, second = samples.text("a.txt"), samples.text("b.txt", "other\n")
    tid = post(
        endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(first)}, file=first
    ).json()["data"]["tid"]
    assert (
        code(
            post(endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(second)}, file=second)
        )
        == 320
    )
    done(endpoint, tid)
    assert (
        code(
            post(endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(second)}, file=second)
        )
        == 100
    )


def test_detect_then_submit_once_326_after(
    endpoint: str, samples: Any, emulator: FanyigouEmulator
) -> None:
    path = samples.pdf(pages=4)
    answer = post(endpoint, "detectDocPage", {"md5": samples.md5(path)}, file=path).json()
    assert answer["code"] == 100 and answer["data"]["page"] == 4
    tid = answer["data"]["tid"]
    counted = post(endpoint, "queryTransProgress", {"tid": tid}).json()["data"]
    assert (counted["status"], counted["pageCount"]) == (330, 4)
    before = emulator.service.balances[1]
    assert code(post(endpoint, "submitForDetectDoc", {"tid": tid, "to": "zh"})) == 100
    assert code(post(endpoint, "submitForDetectDoc", {"tid": tid, "to": "zh"})) == 326
    done(endpoint, tid)
    assert emulator.service.balances[1] == before - 4
    # The reference allows GET for this call.
    fields = signing.sign({"tid": tid, "to": "zh"}, TEST_APPID, TEST_PRIVATE_KEY)
    assert (
        requests.get(f"{endpoint}/submitForDetectDoc", params=fields, timeout=10).json()["code"]
        == 326
    )


def test_background_count_reports_zero_then_330(
    options: EmulatorOptions, endpoint: str, samples: Any
) -> None:
    options.count_in_background = True
    path = samples.pdf(pages=2)
    answer = post(endpoint, "detectDocPage", {"md5": samples.md5(path)}, file=path).json()
    assert answer["data"]["page"] == 0
    tid = answer["data"]["tid"]
    assert post(endpoint, "queryTransProgress", {"tid": tid}).json()["data"]["status"] == 313
    assert code(post(endpoint, "submitForDetectDoc", {"tid": tid, "to": "zh"})) == 313
    final = done(endpoint, tid)
    assert (final["status"], final["pageCount"]) == (330, 2)


def test_balance_is_charged_when_done_and_304_when_short(
    emulator: FanyigouEmulator, endpoint: str, samples: Any
) -> None:
    emulator.service.balances.update({1: 3, 2: 10, 3: 0, 4: 1})
    path = samples.pdf(pages=4)
    assert (
        code(post(endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(path)}, file=path))
        == 304
    )
    assert code(post(endpoint, "trans", {"from": "en", "to": "zh", "text": "x" * 11})) == 304
    assert (
        code(
            post(endpoint, "convert", {"conversionFormat": -1, "md5": samples.md5(path)}, file=path)
        )
        == 304
    )
    small = samples.pdf("small.pdf", pages=2)
    tid = post(
        endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(small)}, file=small
    ).json()["data"]["tid"]
    assert post(endpoint, "getAccount", {"type": 1}).json()["data"]["balance"] == 3
    done(endpoint, tid)
    assert post(endpoint, "getAccount", {"type": 1}).json()["data"] == {
        "deductType": 1,
        "balance": 1,
    }


def test_images_and_their_limits(endpoint: str, samples: Any, tmp_path: Path) -> None:
    path = samples.png()
    answer = post(
        endpoint,
        "image/uploadTranslateImage",
        {"from": "en", "to": "zh", "md5": samples.md5(path)},
        file=path,
    ).json()
    task = answer["data"]["taskId"]
    final = done(endpoint, task, "image/queryImageTransProgress")
    # As the reference's example: status 0, "翻译成功", 100%.
    assert (final["status"], final["msg"], final["percent"]) == (0, "翻译成功", "100.00")
    image = post(endpoint, "image/downloadImage", {"tid": task})
    assert "application/octet-stream" in image.headers["Content-Type"]
    assert image.content.startswith(b"\x89PNG") and image.content != path.read_bytes()
    tiny, huge = samples.png("tiny.png", (10, 10)), samples.png("huge.png", (2100, 20))
    assert (
        code(
            post(
                endpoint,
                "image/uploadTranslateImage",
                {"to": "zh", "md5": samples.md5(tiny)},
                file=tiny,
            )
        )
        == 323
    )
    assert (
        code(
            post(
                endpoint,
                "image/uploadTranslateImage",
                {"to": "zh", "md5": samples.md5(huge)},
                file=huge,
            )
        )
        == 323
    )
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"not an image")
    assert (
        code(
            post(
                endpoint,
                "image/uploadTranslateImage",
                {"to": "zh", "md5": samples.md5(fake)},
                file=fake,
            )
        )
        == 324
    )
    gif = tmp_path / "a.gif"
    gif.write_bytes(b"GIF89a")
    assert (
        code(
            post(
                endpoint,
                "image/uploadTranslateImage",
                {"to": "zh", "md5": samples.md5(gif)},
                file=gif,
            )
        )
        == 302
    )


def test_ocr_uses_the_reference_height_key(endpoint: str, samples: Any) -> None:
    path = samples.png(size=(200, 100), ocr="first line\nsecond line")
    answer = post(endpoint, "image/ocrUploadImage", {"md5": samples.md5(path)}, file=path).json()
    assert answer["data"]["words_result_num"] == 2
    assert answer["data"]["words_result"][0]["location"][" height"] == 50
    wide = samples.png("wide.png", (4000, 20))
    assert (
        code(post(endpoint, "image/ocrUploadImage", {"md5": samples.md5(wide)}, file=wide)) == 100
    )


def test_trans_answers_code_zero_for_the_listed_directions(endpoint: str) -> None:
    answer = post(endpoint, "trans", {"from": "en", "to": "zh", "text": "Test text"}).json()
    assert answer["code"] == 0
    assert answer["data"] == {"msg": "翻译成功", "transResult": "[zh] Test text", "status": 314}
    assert code(post(endpoint, "trans", {"from": "en", "to": "jp", "text": "x"})) == 106
    assert code(post(endpoint, "trans", {"from": "en", "to": "zh", "text": "x" * 2001})) == 106


def test_dictionary_words_and_limits(endpoint: str) -> None:
    assert (
        post(endpoint, "dict/search", {"word": "access"}).json()["data"]["dict"]["base"]["word"]
        == "access"
    )
    assert post(endpoint, "dict/search", {"word": "zzzq"}).json()["data"] == {"dict": {}}
    assert code(post(endpoint, "dict/search", {"word": "x" * 16})) == 106


def test_conversions_in_the_documented_directions(endpoint: str, samples: Any) -> None:
    pdf, docx = samples.pdf(), samples.docx()
    assert (
        code(post(endpoint, "convert", {"conversionFormat": -8, "md5": samples.md5(pdf)}, file=pdf))
        == 302
    )
    assert (
        code(
            post(endpoint, "convert", {"conversionFormat": -1, "md5": samples.md5(docx)}, file=docx)
        )
        == 302
    )
    assert (
        code(post(endpoint, "convert", {"conversionFormat": -2, "md5": samples.md5(pdf)}, file=pdf))
        == 106
    )
    tid = post(
        endpoint, "convert", {"conversionFormat": -3, "md5": samples.md5(pdf)}, file=pdf
    ).json()["data"]["tid"]
    done(endpoint, tid)
    assert code(post(endpoint, "downloadFile", {"tid": tid, "dtype": 3})) == 106
    result = post(endpoint, "downloadFile", {"tid": tid, "dtype": 6})
    assert result.content.startswith(b"PK")


def test_results_expire_after_their_ttl(
    options: EmulatorOptions, endpoint: str, samples: Any
) -> None:
    path = samples.text()
    tid = post(
        endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(path)}, file=path
    ).json()["data"]["tid"]
    done(endpoint, tid)
    options.result_ttl = 0.0
    # The result, and then the task itself, are forgotten.
    assert code(post(endpoint, "downloadFile", {"tid": tid, "dtype": 3})) == 312
    assert code(post(endpoint, "queryTransProgress", {"tid": tid})) == 312


def test_unknown_calls_and_methods(endpoint: str) -> None:
    assert requests.post(f"{endpoint}/noSuchCall", timeout=10).status_code == 404
    assert requests.get(f"{endpoint}/getAccount", timeout=10).status_code == 405


def test_the_request_log_records_fields_without_the_token(
    endpoint: str, samples: Any, emulator: FanyigouEmulator
) -> None:
    path = samples.text()
    post(endpoint, "uploadTranslate", {"to": "zh", "md5": samples.md5(path)}, file=path)
    (record,) = emulator.log.records("uploadTranslate")
    assert record.fields["to"] == "zh"
    assert "token" not in record.fields
    assert record.file_sha256 == samples.sha256(path)
    assert record.file_size == path.stat().st_size
    assert record.status == 100


def test_the_sandbox_registration_points_at_the_emulator() -> None:
    registration = sandbox()
    assert registration.provider == "fanyigou"
    assert registration.needs_tls
    env = environment("http://127.0.0.1:5000/")
    assert env["TRANSHUB_FANYIGOU_ENDPOINT"] == "http://127.0.0.1:5000/TranslateApi/api"
    assert env["TRANSHUB_FANYIGOU_APPID"] == TEST_APPID
    app = registration.create_app(SandboxOptions(task_seconds=0.5, result_ttl=9))
    assert isinstance(app, FanyigouEmulator)
    assert app.service.options.task_seconds == 0.5
    assert app.log is not None and app.faults is not None
    app.close()
    create_app().close()
