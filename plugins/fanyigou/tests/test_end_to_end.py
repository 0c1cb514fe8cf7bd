"""End to end through the core: the real ``transhub`` CLI (in-process) and
``transhub.Hub``, with the plugin found through its entry point and talking to the
emulator over loopback HTTP."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from transhub import Hub
from transhub.errors import EXIT_CODES, NotFoundError
from transhub.testing import CliResult, invoke
from transhub.testing.processes import read_lines, spawn

from transhub_fanyigou import signing
from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator

SECRET = "do-not-print-this-fanyigou-key"


@pytest.fixture
def options() -> EmulatorOptions:
    """The emulator knows the app by a key that must never be printed."""
    return EmulatorOptions(private_key=SECRET, task_seconds=0.2, first_tid=5000)


@pytest.fixture(autouse=True)
def configured(cli_environment: dict[str, str]) -> None:
    """Point transhub at the emulator, with fast polling, in a private working folder."""


def run(*args: str) -> CliResult:
    result = invoke(list(args))
    assert SECRET not in result.stdout + result.stderr
    return result


# -- documents -----------------------------------------------------------------------


def test_doc_translate(samples: Any, tmp_path: Path, emulator: FanyigouEmulator) -> None:
    path = samples.text()
    result = run("doc", "translate", str(path), "--to", "zh", "--provider", "fanyigou", "-o", "out")
    assert result.exit_code == 0, result.stderr
    output = tmp_path / "out" / "note.zh.txt"
    assert Path(result.stdout.strip()).resolve() == output.resolve()
    assert output.read_text() == "[zh] hello\n[zh] world\n"
    assert emulator.log.count("uploadTranslate") == 1


def test_doc_translate_options_and_pdf_output(
    samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    path = samples.docx()
    result = run(
        "doc",
        "translate",
        str(path),
        "--to",
        "ja",
        "--from",
        "en",
        "--provider",
        "fanyigou",
        "--industry",
        "finance",
        "--bilingual",
        "--translate-images",
        "--all-sheets",
        "--pdf",
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "letter.ja.pdf").read_bytes().startswith(b"%PDF")
    upload = emulator.log.records("uploadTranslate")[0]
    assert {
        k: upload.fields[k]
        for k in ("from", "to", "industryId", "bilingualControl", "transImg", "excelMode")
    } == {
        "from": "en",
        "to": "jp",
        "industryId": "2",
        "bilingualControl": "1",
        "transImg": "1",
        "excelMode": "1",
    }
    assert emulator.log.records("downloadFile")[0].fields["dtype"] == "2"


def test_a_batch_respects_the_one_channel(
    samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    for n in range(4):
        samples.text(f"doc{n}.txt", f"document {n}\n")
    result = run(
        "doc",
        "translate",
        str(samples.folder),
        "--to",
        "en",
        "--provider",
        "fanyigou",
        "-j",
        "4",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)  # one array, in input order (the folder's, by name)
    assert [Path(r["input"]).name for r in records] == [f"doc{n}.txt" for n in range(4)]
    assert {r["status"] for r in records} == {"completed"}
    assert all(r["provider"] == "fanyigou" and r["pages"] == 1 for r in records)
    tasks = sorted(emulator.service.tasks.values(), key=lambda t: t.started or 0)
    for earlier, later in itertools.pairwise(tasks):
        assert later.started is not None and earlier.finished is not None
        assert later.started >= earlier.finished
    # Each file reached the service once: the core's runner never exceeded the channel.
    assert sorted(r.file_sha256 for r in emulator.log.uploads()) == sorted(
        samples.sha256(p) for p in samples.folder.iterdir()
    )


def test_a_failed_task_is_reported_with_its_code(samples: Any, emulator: FanyigouEmulator) -> None:
    emulator.service.end_next_task_with(317)
    result = run("doc", "translate", str(samples.text()), "--to", "zh", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["job-failed"]
    assert "cancelled" in result.stderr


def test_two_step_submit_through_the_cli(
    samples: Any, monkeypatch: pytest.MonkeyPatch, emulator: FanyigouEmulator
) -> None:
    monkeypatch.setenv("TRANSHUB_FANYIGOU_TWO_STEP", "true")
    result = run(
        "doc", "translate", str(samples.pdf(pages=2)), "--to", "zh", "--provider", "fanyigou"
    )
    assert result.exit_code == 0, result.stderr
    assert [r.action for r in emulator.log.uploads()] == ["detectDocPage"]
    assert emulator.log.count("submitForDetectDoc") == 1


def test_doc_pages_asks_the_service(samples: Any, emulator: FanyigouEmulator) -> None:
    result = run("doc", "pages", str(samples.pdf(pages=3)), "--provider", "fanyigou", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["pages"] == 3
    assert emulator.log.count("detectDocPage") == 1


def test_doc_convert(samples: Any, tmp_path: Path, emulator: FanyigouEmulator) -> None:
    result = run("doc", "convert", str(samples.pdf()), "--format", "word", "--provider", "fanyigou")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report.docx").read_bytes().startswith(b"PK")
    assert emulator.log.records("convert")[0].fields["conversionFormat"] == "-1"
    refused = run(
        "doc", "convert", str(samples.docx()), "--format", "excel", "--provider", "fanyigou"
    )
    assert refused.exit_code == EXIT_CODES["input"]
    assert emulator.log.count("convert") == 1


# -- images, OCR, dictionary, text, account --------------------------------------------


def test_image_translate_several_images(
    samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    paths = [str(samples.png(f"sign{n}.png", size=(64 + n, 32))) for n in range(3)]
    result = run(
        "image", "translate", *paths, "--to", "zh", "--provider", "fanyigou", "-o", "out", "--jsonl"
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.lines]
    assert [r["input"] for r in records] == paths
    assert len({r["job_id"] for r in records}) == 3
    for record in records:
        assert Path(record["output"]).read_bytes().startswith(b"\x89PNG")
    assert emulator.log.count("image/uploadTranslateImage") == 3


def test_ocr(samples: Any) -> None:
    path = samples.png(size=(120, 60), ocr="EXIT\nPUSH BAR")
    result = run("ocr", str(path), "--provider", "fanyigou")
    assert result.exit_code == 0, result.stderr
    assert result.lines == ["EXIT", "PUSH BAR"]
    boxes = json.loads(run("ocr", str(path), "--provider", "fanyigou", "--json").stdout)["lines"]
    assert boxes[1]["box"] == {"left": 0, "top": 30, "width": 120, "height": 30}


def test_dict(emulator: FanyigouEmulator) -> None:
    result = run("dict", "access", "--provider", "fanyigou")
    assert result.exit_code == 0, result.stderr
    assert result.lines[0] == "access"
    assert "US /ˈækses/" in result.stdout
    assert "入口,通道" in result.stdout
    missing = run("dict", "zzzq", "--provider", "fanyigou")
    assert missing.exit_code == EXIT_CODES["not-found"]
    assert "no dictionary entry" in missing.stderr
    too_long = run("dict", "x" * 16, "--provider", "fanyigou")
    assert too_long.exit_code == EXIT_CODES["input"]
    assert emulator.log.count("dict/search") == 2


def test_text(emulator: FanyigouEmulator) -> None:
    result = run("text", "Guten Tag", "--from", "de", "--to", "en", "--provider", "fanyigou")
    assert (result.exit_code, result.stdout.strip()) == (0, "[en] Guten Tag")
    for args in (["--from", "en", "--to", "ja"], ["--to", "zh"]):
        refused = run("text", "hello", *args, "--provider", "fanyigou")
        assert refused.exit_code == EXIT_CODES["input"], refused.stderr
    long = run("text", "x" * 2001, "--from", "en", "--to", "zh", "--provider", "fanyigou")
    assert long.exit_code == EXIT_CODES["input"]
    assert "2000" in long.stderr
    assert emulator.log.count("trans") == 1


def test_account(emulator: FanyigouEmulator) -> None:
    emulator.service.balances.update({1: 120, 2: 5000, 3: 40, 4: 7})
    result = run("account", "--provider", "fanyigou", "--json")
    assert result.exit_code == 0, result.stderr
    # The emulator counts every resource in kind (deductType 1): the unit follows it.
    balances = {b["resource"]: (b["balance"], b["unit"]) for b in json.loads(result.stdout)}
    assert balances == {
        "document": (120, "pages"),
        "text": (5000, "characters"),
        "image": (40, "images"),
        "convert": (7, "pages"),
    }


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda s: s.text("x.dwg"), "not accepted"),
        (lambda s: s.text("empty.txt", ""), "empty"),
        (lambda s: s.folder / "missing.txt", "no such file"),
    ],
)
def test_bad_documents_send_nothing(
    samples: Any, emulator: FanyigouEmulator, make: Any, expected: str
) -> None:
    result = run("doc", "translate", str(make(samples)), "--to", "zh", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["input"]
    assert expected in result.stderr
    assert len(emulator.log) == 0


def test_a_document_over_50_mb_sends_nothing(tmp_path: Path, emulator: FanyigouEmulator) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)
    result = run("doc", "translate", str(path), "--to", "zh", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["input"]
    assert "50 MB" in result.stderr
    assert len(emulator.log) == 0


def test_bad_images_and_targets_send_nothing(samples: Any, emulator: FanyigouEmulator) -> None:
    assert (
        run(
            "image",
            "translate",
            str(samples.png("t.png", (10, 10))),
            "--to",
            "zh",
            "--provider",
            "fanyigou",
        ).exit_code
        == EXIT_CODES["input"]
    )
    assert (
        run(
            "image",
            "translate",
            str(samples.png("w.png", (2049, 20))),
            "--to",
            "zh",
            "--provider",
            "fanyigou",
        ).exit_code
        == EXIT_CODES["input"]
    )
    assert (
        run(
            "doc", "translate", str(samples.text()), "--to", "auto", "--provider", "fanyigou"
        ).exit_code
        == EXIT_CODES["input"]
    )
    assert (
        run(
            "doc", "translate", str(samples.text()), "--to", "tlh", "--provider", "fanyigou"
        ).exit_code
        == EXIT_CODES["input"]
    )
    assert len(emulator.log) == 0


def test_missing_credentials_name_the_setting(
    samples: Any, monkeypatch: pytest.MonkeyPatch, emulator: FanyigouEmulator
) -> None:
    monkeypatch.delenv("TRANSHUB_FANYIGOU_APPID")
    result = run("account", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "TRANSHUB_FANYIGOU_APPID" in result.stderr
    assert len(emulator.log) == 0


def test_a_wrong_key_is_an_authentication_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSHUB_FANYIGOU_PRIVATE_KEY", "wrong")
    result = run("account", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["authentication"]
    assert "101" in result.stderr


def test_insufficient_balance_is_a_quota_error(samples: Any, emulator: FanyigouEmulator) -> None:
    emulator.service.balances[1] = 0
    result = run("doc", "translate", str(samples.text()), "--to", "zh", "--provider", "fanyigou")
    assert result.exit_code == EXIT_CODES["quota"]
    assert "insufficient balance" in result.stderr


def test_the_secret_never_shows_with_debug(samples: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for args, expected in (
        (["--debug", "-vv", "account", "--provider", "fanyigou"], 0),
        (
            [
                "--debug",
                "doc",
                "translate",
                str(samples.text()),
                "--to",
                "zh",
                "--provider",
                "fanyigou",
            ],
            0,
        ),
        (["--debug", "dict", "zzzq", "--provider", "fanyigou"], EXIT_CODES["not-found"]),
        (
            ["--debug", "account", "--resource", "nothing", "--provider", "fanyigou"],
            EXIT_CODES["input"],
        ),
        (["config", "show"], 0),
        (["providers"], 0),
    ):
        result = run(*args)  # run() asserts the secret is absent from stdout and stderr
        assert result.exit_code == expected, (args, result.stderr)


# -- the Python API ----------------------------------------------------------------------


def test_the_python_api(samples: Any, tmp_path: Path, emulator: FanyigouEmulator) -> None:
    hub = Hub()
    try:
        result = hub.translate_document(
            samples.text(), "zh", provider="fanyigou", output_dir=tmp_path / "api"
        )
        assert result.output.read_text().startswith("[zh] ")
        assert (result.provider, result.status, result.pages) == ("fanyigou", "completed", 1)
        assert hub.count_pages(samples.pdf(pages=2), provider="fanyigou").pages == 2
        converted = hub.convert_document(
            samples.docx(), "pdf", provider="fanyigou", output_dir=tmp_path / "api"
        )
        assert converted.output.name == "letter.pdf"
        images = hub.translate_images(
            [samples.png()], "en", provider="fanyigou", output_dir=tmp_path / "api"
        )
        assert images[0].success and images[0].outputs["image"].exists()
        assert hub.recognize_text(samples.png("o.png", ocr="hi"), provider="fanyigou").text == "hi"
        assert hub.lookup_word("access", provider="fanyigou").word == "access"
        with pytest.raises(NotFoundError):
            hub.lookup_word("zzzq", provider="fanyigou")
        assert (
            hub.translate_text("Bonjour", "en", source="fr", provider="fanyigou").text
            == "[en] Bonjour"
        )
        assert {b.resource for b in hub.account_balance(provider="fanyigou")} == {
            "document",
            "text",
            "image",
            "convert",
        }
        providers = {p.name: p for p in hub.providers()}
        assert providers["fanyigou"].configured
        assert set(providers["fanyigou"].capabilities) == {
            "document",
            "convert",
            "image",
            "ocr",
            "dictionary",
            "text",
            "account",
        }
    finally:
        hub.close()


# -- the callback server command -----------------------------------------------------------


@pytest.fixture
def callback_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``transhub fanyigou callback-server`` in its own process, on a free port."""
    data = tmp_path / "callback-data"
    process = spawn("fanyigou", "callback-server", "--port", "0", "--data-dir", str(data))
    try:
        (line,) = read_lines(process, bool, "the callback server's address", timeout=30)
        assert line.startswith("listening on http://127.0.0.1:"), line
        yield line.split()[2], data
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
        assert SECRET not in stderr


def test_the_callback_server_command(callback_server: tuple[str, Path]) -> None:
    url, data = callback_server
    fields = {
        "tid": 77,
        "status": 314,
        "percent": "100.00",
        "pageCount": 2,
        "msg": "完成",
        "type": 1,
    }
    good = {**fields, "token": signing.token(fields, SECRET)}
    assert requests.post(url, json=good, timeout=10).text == "success"
    assert requests.post(url, json=good, timeout=10).status_code == 403
    forged = {**fields, "status": 317, "token": signing.token(fields, "guess")}
    assert requests.post(url, json=forged, timeout=10).status_code == 403
    record = json.loads((data / "77.json").read_text())
    assert record["fields"]["status"] == 314


def test_the_plugin_adds_its_command_group() -> None:
    result = run("fanyigou", "--help")
    assert result.exit_code == 0
    assert "callback-server" in result.stdout


def test_sandbox_mode_needs_no_account(
    samples: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in (
        "TRANSHUB_FANYIGOU_ENDPOINT",
        "TRANSHUB_FANYIGOU_APPID",
        "TRANSHUB_FANYIGOU_PRIVATE_KEY",
    ):
        monkeypatch.delenv(name)
    path = samples.text()
    result = run(
        "--sandbox",
        "doc",
        "translate",
        str(path),
        "--to",
        "ja",
        "--provider",
        "fanyigou",
        "-o",
        "sbx",
    )
    assert result.exit_code == 0, result.stderr
    assert "not real translations" in result.stderr
    assert (tmp_path / "sbx" / "note.ja.txt").read_text() == "[jp] hello\n[jp] world\n"
    looked_up = run("--sandbox", "dict", "hello", "--provider", "fanyigou")
    assert looked_up.exit_code == 0 and "[Fanyigou emulator] meaning of hello" in looked_up.stdout


# -- callbacks -------------------------------------------------------------------------


def test_with_callbacks_on_a_translation_asks_the_service_for_no_progress(
    options: EmulatorOptions,
    emulator: FanyigouEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A callback server records the result; `doc translate` waits for it and sends
    no queryTransProgress at all (the fallback check is far away)."""
    from transhub.emulation import EmulatorServer

    from transhub_fanyigou.callbacks import CallbackReceiver, CallbackStore
    from transhub_fanyigou.settings import FanyigouSettings

    store = CallbackStore.default()
    receiver = CallbackReceiver(FanyigouSettings(private_key=SECRET).private_key, store)
    document = tmp_path / "note.txt"
    document.write_text("hello\n", encoding="utf-8")
    monkeypatch.setenv("TRANSHUB_FANYIGOU_CALLBACKS", "true")
    with EmulatorServer(receiver) as server:
        options.callback_url = server.url
        result = run("doc", "translate", str(document), "--to", "zh", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "note.zh.txt").read_text(encoding="utf-8").startswith("[zh] hello")
    assert emulator.log.count("queryTransProgress") == 0


def test_with_callbacks_on_but_none_arriving_the_fallback_still_finishes(
    emulator: FanyigouEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = tmp_path / "note.txt"
    document.write_text("hello\n", encoding="utf-8")
    monkeypatch.setenv("TRANSHUB_FANYIGOU_CALLBACKS", "true")
    monkeypatch.setenv("TRANSHUB_FANYIGOU_CALLBACK_FALLBACK", "0.05")
    result = run("doc", "translate", str(document), "--to", "zh", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert emulator.log.count("queryTransProgress") >= 1
