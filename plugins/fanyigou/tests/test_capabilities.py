"""Every capability over real HTTP against the emulator: success and error paths."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from transhub.capabilities.base import ProviderContext, TaskState, TaskStatus
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentOptions,
    DocumentRequest,
    OutputKind,
)
from transhub.capabilities.image import ImageOptions, ImageSource
from transhub.errors import (
    AuthenticationError,
    ConfigurationError,
    InputError,
    NotFoundError,
    ProviderError,
    QuotaError,
    ResultExpiredError,
)
from transhub.http import HttpClient
from transhub.polling import wait_for

from transhub_fanyigou.capabilities.account import FanyigouAccount
from transhub_fanyigou.capabilities.document import FanyigouConverter, FanyigouDocuments
from transhub_fanyigou.capabilities.image import FanyigouImages, FanyigouOcr
from transhub_fanyigou.capabilities.text import FanyigouDictionary, FanyigouText
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.codes import ChannelOccupiedError
from transhub_fanyigou.emulator import EmulatorOptions, FanyigouEmulator, outputs
from transhub_fanyigou.provider import FANYIGOU, connect
from transhub_fanyigou.settings import FanyigouSettings

Context = ProviderContext[FanyigouSettings, FanyigouClient]


def finish(fetch: Any, task_id: str) -> TaskStatus:
    status: TaskStatus = wait_for(
        lambda: fetch(task_id), interval=0.02, max_interval=0.05, timeout=5
    )
    return status


def with_settings(context: Context, **changes: Any) -> Context:
    settings = context.settings.model_copy(update=changes)
    client = FanyigouClient(settings, context.http)
    return ProviderContext(info=FANYIGOU, settings=settings, http=context.http, client=client)


def test_translate_a_text_document(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    path = samples.text()
    options = DocumentOptions(
        industry="law", bilingual=True, translate_images=True, all_sheets=True
    )
    task_id = documents.submit(
        DocumentRequest(path=path, target="ja", source="en", options=options)
    )
    status = finish(documents.status, task_id)
    assert (status.state, status.pages, status.percent, status.code) == (
        TaskState.DONE,
        1,
        100.0,
        "314",
    )
    saved = documents.download(task_id, tmp_path / "note.ja.txt", OutputKind.SAME)
    assert saved.path.read_text() == "[jp] hello\n[jp] world\n"
    assert saved.sha256 == hashlib.sha256(saved.path.read_bytes()).hexdigest()
    (upload,) = emulator.log.records("uploadTranslate")
    assert upload.fields["from"] == "en" and upload.fields["to"] == "jp"
    assert upload.fields["md5"] == samples.md5(path)
    assert (upload.fields["industryId"], upload.fields["bilingualControl"]) == ("1", "1")
    assert (upload.fields["transImg"], upload.fields["excelMode"]) == ("1", "1")
    assert upload.file_sha256 == samples.sha256(path)


def test_industry_by_number_or_chinese_name(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    for industry, expected in (("26", "26"), ("医药卫生", "4")):
        task_id = documents.submit(
            DocumentRequest(
                path=samples.text(), target="zh", options=DocumentOptions(industry=industry)
            )
        )
        finish(documents.status, task_id)
        assert emulator.log.records("uploadTranslate")[-1].fields["industryId"] == expected
    with pytest.raises(InputError, match="unknown Fanyigou industry"):
        documents.submit(
            DocumentRequest(path=samples.text(), target="zh", options=DocumentOptions(industry="x"))
        )


def test_detected_language_is_surfaced(context: Context, samples: Any, tmp_path: Path) -> None:
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(text="你好\n"), target="en"))
    status = finish(documents.status, task_id)
    assert status.detected_language == "zh"
    saved = documents.download(task_id, tmp_path / "out.txt", OutputKind.SAME)
    assert saved.detected_language == "zh"


def test_a_pdf_comes_back_as_pdf_for_same_and_for_pdf(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.pdf(), target="zh", source="en"))
    finish(documents.status, task_id)
    same = documents.download(task_id, tmp_path / "same.pdf", OutputKind.SAME)
    assert same.path.read_bytes().startswith(b"%PDF")
    assert (
        documents.download(task_id, tmp_path / "as.pdf", OutputKind.PDF)
        .path.read_bytes()
        .startswith(b"%PDF")
    )
    assert [r.fields["dtype"] for r in emulator.log.records("downloadFile")] == ["2", "2"]


def test_a_translated_pdf_is_the_upload_labelled_and_as_large(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    """The emulator's translated PDF is the uploaded file with a labelling update
    appended (so a large upload gives a large download, streamed by both sides),
    still a valid PDF of the same pages."""
    from pypdf import PdfReader

    documents = FanyigouDocuments(context)
    path = samples.pdf(pages=4)
    task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
    finish(documents.status, task_id)
    saved = documents.download(task_id, tmp_path / "report.zh.pdf", OutputKind.SAME).path
    original = path.read_bytes()
    assert saved.read_bytes().startswith(original)
    assert 0 < saved.stat().st_size - len(original) < 1024
    reader = PdfReader(saved, strict=True)
    assert len(reader.pages) == 4
    assert reader.metadata is not None
    assert reader.metadata.title == "[zh] Fanyigou emulator translation of report.pdf"


def test_a_large_text_result_is_streamed_with_the_same_bytes(
    context: Context, samples: Any, tmp_path: Path
) -> None:
    """The text result written a line at a time is byte for byte what
    ``prefix_lines`` makes of the whole file (a BOM, CRLF, a lone CR, a form feed,
    an invalid byte)."""
    documents = FanyigouDocuments(context)
    text = b"\xef\xbb\xbfone\r\ntwo\rthree\x0cfour\n\xffbad\n" + b"line of text\n" * 50_000
    path = samples.folder / "long.txt"
    path.write_bytes(text)
    task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
    finish(documents.status, task_id)
    saved = documents.download(task_id, tmp_path / "long.zh.txt", OutputKind.SAME).path
    assert saved.read_bytes() == outputs.prefix_lines(text, "zh")


def test_a_docx_keeps_its_kind_with_every_run_labelled(
    context: Context, samples: Any, tmp_path: Path
) -> None:
    import zipfile

    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.docx(), target="zh", source="en"))
    finish(documents.status, task_id)
    saved = documents.download(task_id, tmp_path / "letter.zh.docx", OutputKind.SAME)
    with zipfile.ZipFile(saved.path) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "[zh] Dear reader," in xml and "[zh] hello." in xml


def test_the_channel_limit_makes_submissions_wait(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    paths = [samples.text(f"doc{i}.txt", f"text {i}\n") for i in range(3)]
    task_ids: list[str] = []
    errors: list[BaseException] = []

    def run(path: Path) -> None:
        try:
            task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
            task_ids.append(task_id)
            finish(documents.status, task_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not errors
    assert len(task_ids) == 3
    answers = [r.status for r in emulator.log.records("uploadTranslate")]
    assert answers.count(100) == 3
    assert 320 in answers
    # Never two translations at once on the one channel.
    tasks = sorted(emulator.service.tasks.values(), key=lambda t: t.started or 0)
    for earlier, later in itertools.pairwise(tasks):
        assert earlier.finished is not None and later.started is not None
        assert later.started >= earlier.finished


def test_a_channel_that_stays_occupied_gives_up_after_the_wait_timeout(
    context: Context, samples: Any
) -> None:
    documents = FanyigouDocuments(context)
    documents.submit(DocumentRequest(path=samples.text("a.txt"), target="zh"))
    impatient = FanyigouDocuments(with_settings(context, wait_timeout=0.05))
    with pytest.raises(ChannelOccupiedError, match="occupied") as caught:
        impatient.submit(DocumentRequest(path=samples.text("b.txt", "b\n"), target="zh"))
    assert caught.value.code == 320


def test_two_step_submit_counts_then_submits_without_a_second_upload(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(with_settings(context, two_step=True))
    assert documents.idempotent_submit is True
    assert FanyigouDocuments.idempotent_submit is False
    assert FanyigouDocuments(context).idempotent_submit is False
    path = samples.pdf(pages=5)
    task_id = documents.submit(DocumentRequest(path=path, target="zh", source="en"))
    status = finish(documents.status, task_id)
    assert (status.state, status.pages) == (TaskState.DONE, 5)
    assert [r.action for r in emulator.log.uploads()] == ["detectDocPage"]
    assert emulator.log.count("uploadTranslate") == 0
    assert emulator.log.records("submitForDetectDoc")[0].fields["tid"] == task_id
    documents.download(task_id, tmp_path / "r.pdf", OutputKind.PDF)


def test_a_prepared_task_is_submitted_once_and_paid_once(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    documents = FanyigouDocuments(context)
    count = documents.count_pages(samples.pdf(pages=3))
    assert (count.pages, count.exact) == (3, True)
    assert count.task_id is not None
    assert documents.status(count.task_id).state is TaskState.QUEUED
    before = emulator.service.balances[1]
    request = DocumentRequest(path=samples.pdf(), target="zh", prepared_task_id=count.task_id)
    assert documents.submit(request) == count.task_id
    # A resubmit (a journal resuming a half-sent submit) is refused with 326, not charged.
    assert documents.submit(request) == count.task_id
    finish(documents.status, count.task_id)
    assert [r.status for r in emulator.log.records("submitForDetectDoc")] == [100, 326]
    assert emulator.service.balances[1] == before - 3
    assert len(emulator.log.uploads()) == 1


def test_pages_counted_in_the_background_are_polled(
    options: EmulatorOptions, context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    options.count_in_background = True
    count = FanyigouDocuments(context).count_pages(samples.pdf(pages=2))
    assert count.pages == 2
    assert emulator.log.count("queryTransProgress") >= 1


def test_insufficient_balance_is_a_quota_error(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    emulator.service.balances[1] = 1
    with pytest.raises(QuotaError, match="insufficient balance") as caught:
        FanyigouDocuments(context).submit(DocumentRequest(path=samples.pdf(pages=2), target="zh"))
    assert caught.value.code == 304
    assert not emulator.service.tasks


@pytest.mark.parametrize("ending", [316, 317, 329])
def test_a_task_that_fails_reports_its_code(
    context: Context, samples: Any, emulator: FanyigouEmulator, ending: int
) -> None:
    emulator.service.end_next_task_with(ending)
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh"))
    status = finish(documents.status, task_id)
    assert status.state is TaskState.FAILED
    assert status.code == str(ending)


def test_an_encrypted_pdf_fails_with_305(context: Context, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "secret.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("pw")
    with path.open("wb") as handle:
        writer.write(handle)
    documents = FanyigouDocuments(context)
    status = finish(documents.status, documents.submit(DocumentRequest(path=path, target="zh")))
    assert (status.state, status.code) == (TaskState.FAILED, "305")
    assert "encrypted" in status.message


def test_downloads_before_done_after_expiry_and_of_unknown_tasks(
    options: EmulatorOptions, context: Context, samples: Any, tmp_path: Path
) -> None:
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh"))
    with pytest.raises(ProviderError, match="313") as caught:
        documents.download(task_id, tmp_path / "early.txt", OutputKind.SAME)
    assert caught.value.retryable
    assert not (tmp_path / "early.txt").exists()
    finish(documents.status, task_id)
    options.result_ttl = 0.0
    with pytest.raises(ResultExpiredError):
        documents.download(task_id, tmp_path / "late.txt", OutputKind.SAME)
    with pytest.raises(NotFoundError):
        documents.status("987654321")
    with pytest.raises(NotFoundError):
        documents.status("../etc/passwd")


def test_convert_both_ways(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    converter = FanyigouConverter(context)
    task_id = converter.submit(samples.pdf(), ConvertFormat.WORD, "en")
    assert finish(converter.status, task_id).state is TaskState.DONE
    saved = converter.download(task_id, tmp_path / "report.docx")
    assert saved.path.read_bytes().startswith(b"PK")
    record = emulator.log.records("convert")[0]
    assert (record.fields["conversionFormat"], record.fields["from"]) == ("-1", "en")
    back = converter.submit(samples.docx(), ConvertFormat.PDF, None)
    finish(converter.status, back)
    assert converter.download(back, tmp_path / "letter.pdf").path.read_bytes().startswith(b"%PDF")
    assert emulator.log.records("downloadFile")[-1].fields["dtype"] == "6"
    assert "from" not in emulator.log.records("convert")[-1].fields
    assert ConvertFormat.PDF in FanyigouConverter.conversions
    assert "pdf" not in FanyigouConverter.conversions[ConvertFormat.PDF]


def test_image_translation_one_task_per_image(
    context: Context, samples: Any, tmp_path: Path, emulator: FanyigouEmulator
) -> None:
    images = FanyigouImages(context)
    assert FanyigouImages.max_per_task == 1
    source = ImageSource(path=samples.png())
    task_id = images.submit([source], "zh", "en", ImageOptions())
    status = wait_for(
        lambda: images.status(task_id, [source]), interval=0.02, max_interval=0.05, timeout=5
    )
    assert status.state is TaskState.DONE
    (item,) = status.items
    assert item.success and item.artifacts == {"image": task_id}
    saved = images.download(task_id, item, "image", tmp_path / "sign.zh.png")
    assert saved.read_bytes().startswith(b"\x89PNG")
    upload = emulator.log.records("image/uploadTranslateImage")[0]
    assert (upload.fields["from"], upload.fields["to"]) == ("en", "zh")
    with pytest.raises(InputError):
        images.submit([source, source], "zh", None, ImageOptions())


def test_a_failed_image_is_an_unsuccessful_item(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    emulator.service.end_next_task_with(328)
    images = FanyigouImages(context)
    source = ImageSource(path=samples.png())
    task_id = images.submit([source], "zh", None, ImageOptions())
    status = wait_for(
        lambda: images.status(task_id, [source]), interval=0.02, max_interval=0.05, timeout=5
    )
    assert status.state is TaskState.FAILED
    assert not status.items[0].success
    assert status.items[0].code == "328"


def test_ocr_lines_and_boxes(context: Context, samples: Any) -> None:
    result = FanyigouOcr(context).recognize(samples.png(size=(100, 40), ocr="Exit\nPush"), "en")
    assert result.text == "Exit\nPush"
    box = result.lines[1].box
    assert box is not None and (box.top, box.height, box.width) == (20, 20, 100)


def test_text_translation(context: Context, emulator: FanyigouEmulator) -> None:
    result = FanyigouText(context).translate("Guten Tag", "en", "de")
    assert (result.text, result.source, result.target) == ("[en] Guten Tag", "de", "en")
    assert ("ja", "zh") in FanyigouText.languages.pairs  # type: ignore[operator]
    assert not FanyigouText.languages.supports("en", "ja")
    assert not FanyigouText.languages.supports(None, "zh")
    assert emulator.log.records("trans")[0].fields["from"] == "de"


def test_dictionary_entry_and_not_found(context: Context) -> None:
    dictionary = FanyigouDictionary(context)
    entry = dictionary.lookup("access")
    assert entry.word == "access" and entry.meanings and entry.collins
    with pytest.raises(NotFoundError, match="no dictionary entry for 'zzzq'"):
        dictionary.lookup("zzzq")
    # Other words get an entry the emulator makes up, labelled as such.
    made_up = dictionary.lookup("hello")
    assert made_up.meanings[0].definitions == ("[Fanyigou emulator] meaning of hello",)
    assert dictionary.lookup("你好").meanings[0].part_of_speech == ""


def test_account_balances_of_every_kind(context: Context, emulator: FanyigouEmulator) -> None:
    account = FanyigouAccount(context)
    assert FanyigouAccount.kinds == {"document", "text", "image", "convert"}
    emulator.service.balances.update({1: 11, 2: 22, 3: 33, 4: 44})
    found = {kind: account.balance(kind).balance for kind in FanyigouAccount.kinds}
    assert found == {"document": 11, "text": 22, "image": 33, "convert": 44}
    assert {r.fields["type"] for r in emulator.log.records("getAccount")} == {"1", "2", "3", "4"}


def test_wrong_credentials_are_authentication_errors(context: Context, http: HttpClient) -> None:
    wrong_key = with_settings(context, private_key=SecretStr("not the key"))
    with pytest.raises(AuthenticationError, match="101"):
        FanyigouAccount(wrong_key).balance("document")
    wrong_app = with_settings(context, appid="42")
    with pytest.raises(AuthenticationError, match="103") as caught:
        FanyigouAccount(wrong_app).balance("document")
    assert "TRANSHUB_FANYIGOU_APPID" in str(caught.value)


def test_connect_checks_credentials_and_the_endpoint(
    settings: FanyigouSettings, http: HttpClient
) -> None:
    with pytest.raises(ConfigurationError, match="TRANSHUB_FANYIGOU_APPID"):
        connect(settings.model_copy(update={"appid": ""}), http)
    plain = settings.model_copy(update={"endpoint": "http://translate.example.com/api"})
    with pytest.raises(ConfigurationError, match="insecure"):
        connect(plain, http)
    assert FANYIGOU.max_concurrent_tasks(settings.model_copy(update={"channels": 3})) == 3


def test_the_private_key_never_shows(settings: FanyigouSettings, client: FanyigouClient) -> None:
    key = settings.private_key.get_secret_value()
    assert key not in repr(settings)
    assert key not in repr(client)
    assert key not in str(settings.public_dict())


def test_a_forgotten_task_we_submitted_is_expired_an_unknown_one_not_found(
    options: EmulatorOptions,
    context: Context,
    samples: Any,
    settings: FanyigouSettings,
    http: HttpClient,
) -> None:
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh"))
    documents.tasks.submitted(task_id, time.time())  # as the runner records it
    assert finish(documents.status, task_id).state is TaskState.DONE
    options.result_ttl = 0.0
    expired = documents.status(task_id)
    assert (expired.state, expired.code) == (TaskState.EXPIRED, "312")
    # A new process knows nothing of the task until the journal tells it (the runner
    # hands the journal's record to the core's task memory).
    fresh = FanyigouDocuments(
        ProviderContext(
            info=FANYIGOU, settings=settings, http=http, client=FanyigouClient(settings, http)
        )
    )
    with pytest.raises(NotFoundError):
        fresh.status(task_id)
    fresh.tasks.submitted(task_id, 1.0)
    assert fresh.status(task_id).state is TaskState.EXPIRED


def test_a_forgotten_image_task_is_expired(
    options: EmulatorOptions, context: Context, samples: Any
) -> None:
    images = FanyigouImages(context)
    source = ImageSource(path=samples.png())
    task_id = images.submit([source], "zh", None, ImageOptions())
    images.tasks.submitted(task_id, time.time())  # as the runner records it
    wait_for(lambda: images.status(task_id, [source]), interval=0.02, max_interval=0.05, timeout=5)
    options.result_ttl = 0.0
    status = images.status(task_id, [source])
    assert status.state is TaskState.EXPIRED
    assert not status.items[0].success


def test_a_channel_held_by_another_client_is_waited_for(
    context: Context, samples: Any, emulator: FanyigouEmulator
) -> None:
    holder = emulator.service.occupy_channel(0.3)
    documents = FanyigouDocuments(context)
    task_id = documents.submit(DocumentRequest(path=samples.text(), target="zh"))
    assert 320 in [r.status for r in emulator.log.records("uploadTranslate")]
    held, mine = emulator.service.tasks[holder], emulator.service.tasks[int(task_id)]
    assert held.finished is not None and mine.started is not None
    assert mine.started >= held.finished
    assert finish(documents.status, task_id).state is TaskState.DONE
