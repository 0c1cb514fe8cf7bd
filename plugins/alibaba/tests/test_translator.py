"""The ``image`` capability: declarations, checks made before sending, and how the
service's per-image results become items in input order."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from transhub.capabilities.base import TaskState
from transhub.capabilities.image import ImageItem, ImageOptions, ImageSource
from transhub.errors import (
    InputError,
    LimitExceededError,
    NotFoundError,
    ResultExpiredError,
    UnsupportedLanguageError,
)

from transhub_alibaba.answers import BatchResult, ImageResult
from transhub_alibaba.translator import AlibabaImageTranslator, _items

Translator = Callable[..., AlibabaImageTranslator]
URLS = [f"https://img.example.com/item/{n}.png" for n in range(4)]


def sources(urls: list[str] = URLS) -> list[ImageSource]:
    return [ImageSource(url=url) for url in urls]


def test_declarations() -> None:
    cls = AlibabaImageTranslator
    assert (cls.accepts_files, cls.accepts_urls, cls.limits) == (False, True, None)
    assert cls.max_per_task == 20
    assert cls.idempotent_submit is True
    assert cls.result_ttl == 3600
    assert cls.fields == frozenset({"general", "e-commerce"})
    assert cls.options == frozenset({"field", "editor_data", "ignore_entity"})
    assert cls.languages.provider_code("zh-Hant") == "zh-tw"
    assert cls.languages.supports("zh-Hant", "en")
    assert cls.languages.supports("ja", "ko")
    assert not cls.languages.supports("ja", "fr")
    assert cls.describe()["accepts_urls"] is True


def test_translate_status_download(
    service: Any, make_translator: Translator, tmp_path: Path
) -> None:
    service.emulator.fail_url(URLS[2])
    translator = make_translator()
    images = sources()
    task_id = translator.submit(images, "en", "zh", ImageOptions())
    status = translator.status(task_id, images)
    assert status.state is TaskState.DONE
    assert [item.source for item in status.items] == images
    assert [item.success for item in status.items] == [True, True, False, True]
    failed = status.items[2]
    assert failed.code == "107"
    assert "System.TranslateError" in failed.message
    assert failed.artifacts == {}
    assert status.message == "1 of 4 images failed"
    path = translator.download(task_id, status.items[0], "image", tmp_path / "0.en.png")
    assert path.read_bytes() == service.emulator.result_bytes(task_id, 0)


def test_invalid_is_judged_by_the_core_task_memory(
    service: Any, make_translator: Translator
) -> None:
    translator = make_translator(clock=service.clock)
    images = sources()[:1]
    task_id = translator.submit(images, "en", "zh", ImageOptions())
    assert translator.status(task_id, images).state is TaskState.DONE
    translator.tasks.finished(task_id, service.clock())  # as the runner records it
    service.clock.advance(3601)
    with pytest.raises(ResultExpiredError, match="it finished by"):
        translator.status(task_id, images)
    # A process the journal told nothing: the same answer is an unknown task.
    with pytest.raises(NotFoundError, match="unknown"):
        make_translator(clock=service.clock).status(task_id, images)


def test_states_before_done(service: Any, make_translator: Translator) -> None:
    service.options.task_seconds = 30.0
    translator = make_translator()
    images = sources()[:1]
    task_id = translator.submit(images, "en", "zh", ImageOptions())
    queued = translator.status(task_id, images)
    service.clock.advance(20)
    running = translator.status(task_id, images)
    assert (queued.state, queued.percent) == (TaskState.QUEUED, 0.0)
    assert running.state is TaskState.RUNNING
    assert queued.items == running.items == ()


def test_editor_data_artifacts(service: Any, make_translator: Translator, tmp_path: Path) -> None:
    translator = make_translator()
    images = sources()[:1]
    task_id = translator.submit(images, "en", "zh", ImageOptions(editor_data=True))
    item = translator.status(task_id, images).items[0]
    assert set(item.artifacts) == {"image", "inpainting", "template"}
    assert item.artifacts["template"].startswith("data:application/json;base64,")
    template = translator.download(task_id, item, "template", tmp_path / "t.json")
    assert json.loads(template.read_text())["source"] == URLS[0]
    background = translator.download(task_id, item, "inpainting", tmp_path / "b.png")
    assert background.read_bytes().startswith(b"\x89PNG")
    submitted = service.app.log.records("TranslateImageBatch")[0].fields
    assert json.loads(submitted["Ext"]) == {"needEditorData": "true"}


def test_e_commerce_with_ignore_entity(service: Any, make_translator: Translator) -> None:
    options = ImageOptions(field="e-commerce", ignore_entity=True)
    make_translator().submit(sources()[:1], "en", "zh", options)
    submitted = service.app.log.records("TranslateImageBatch")[0].fields
    assert submitted["Field"] == "e-commerce"
    assert json.loads(submitted["Ext"]) == {"ignoreEntityRecognize": "true"}


def test_traditional_chinese_is_sent_as_zh_tw(service: Any, make_translator: Translator) -> None:
    make_translator().submit(sources()[:1], "zh-Hant", "en", ImageOptions())
    submitted = service.app.log.records("TranslateImageBatch")[0].fields
    assert (submitted["SourceLanguage"], submitted["TargetLanguage"]) == ("en", "zh-tw")


def test_no_source_means_chinese(service: Any, make_translator: Translator) -> None:
    make_translator().submit(sources()[:1], "en", None, ImageOptions())
    assert service.app.log.records("TranslateImageBatch")[0].fields["SourceLanguage"] == "zh"


@pytest.mark.parametrize(
    ("images", "options", "target", "source", "error", "text"),
    [
        ([ImageSource(path=Path("a.png"))], ImageOptions(), "en", "zh", InputError, "URLs only"),
        (
            sources([f"https://x.example/{n}.jpg" for n in range(21)]),
            ImageOptions(),
            "en",
            "zh",
            LimitExceededError,
            "at most 20",
        ),
        (sources(["https://x.example/a,b.jpg"]), ImageOptions(), "en", "zh", InputError, "%2C"),
        (sources(["ftp://x.example/a.jpg"]), ImageOptions(), "en", "zh", InputError, "http"),
        (sources()[:1], ImageOptions(ignore_entity=True), "en", "zh", InputError, "e-commerce"),
        (sources()[:1], ImageOptions(field="legal"), "en", "zh", InputError, "unknown field"),
        (sources()[:1], ImageOptions(), "zh", None, UnsupportedLanguageError, "--from"),
        (sources()[:1], ImageOptions(), "fr", "ja", UnsupportedLanguageError, "ja to fr"),
        ([], ImageOptions(), "en", "zh", InputError, "no image"),
    ],
)
def test_refused_before_any_request(
    service: Any,
    make_translator: Translator,
    images: list[ImageSource],
    options: ImageOptions,
    target: str,
    source: str | None,
    error: type[Exception],
    text: str,
) -> None:
    with pytest.raises(error, match=text):
        make_translator().submit(images, target, source, options)
    assert len(service.app.log) == 0


def test_an_unknown_artifact_is_not_found(make_translator: Translator, service: Any) -> None:
    item = ImageItem(source=sources()[0], success=True, artifacts={"image": "https://x/y.png"})
    with pytest.raises(NotFoundError, match="available: image"):
        make_translator().download("T", item, "template", Path("t.json"))


def result(url: str, success: bool = True, **kwargs: Any) -> ImageResult:
    final = kwargs.pop("final_url", f"{url}.out.png" if success else None)
    return ImageResult(source_url=url, success=success, final_url=final, **kwargs)


def identity(text: str) -> str:
    return text


def test_items_follow_input_order_whatever_the_answer_order() -> None:
    batch = BatchResult("finished", (result(URLS[2]), result(URLS[0]), result(URLS[1])))
    items = _items(batch, sources()[:3], identity)
    assert [i.artifacts["image"] for i in items] == [f"{u}.out.png" for u in URLS[:3]]


def test_items_match_urls_the_service_decoded() -> None:
    images = sources(["https://x.example/a%20b.png", "https://x.example/c.png"])
    batch = BatchResult(
        "finished", (result("https://x.example/c.png"), result("https://x.example/a b.png"))
    )
    items = _items(batch, images, identity)
    assert items[0].artifacts["image"] == "https://x.example/a b.png.out.png"


def test_items_fall_back_on_position_when_counts_agree() -> None:
    batch = BatchResult("finished", (result("https://cdn/rewritten-1"), result("https://cdn/2")))
    items = _items(batch, sources()[:2], identity)
    assert items[1].artifacts["image"] == "https://cdn/2.out.png"


def test_position_never_takes_a_result_that_belongs_to_another_image() -> None:
    # Shuffled answer, and the first image's URL came back rewritten: position 0
    # holds the second image's own result, which must not be given to the first.
    batch = BatchResult("finished", (result(URLS[1]), result("https://cdn/rewritten")))
    items = _items(batch, sources()[:2], identity)
    assert not items[0].success
    assert items[1].artifacts["image"] == f"{URLS[1]}.out.png"


def test_an_image_without_a_result_is_a_failed_item() -> None:
    batch = BatchResult("finished", (result(URLS[0]),))
    items = _items(batch, sources()[:2], identity)
    assert items[0].success
    assert not items[1].success
    assert "no result" in items[1].message


def test_inline_template_becomes_a_data_reference() -> None:
    template = json.dumps({"TemplateJson": "x"})
    batch = BatchResult("finished", (result(URLS[0], template=template),))
    reference = _items(batch, sources()[:1], identity)[0].artifacts["template"]
    prefix = "data:application/json;base64,"
    assert base64.b64decode(reference.removeprefix(prefix)).decode() == template


def test_provider_messages_are_scrubbed() -> None:
    batch = BatchResult("finished", (result(URLS[0], success=False, message="bad key SECRET"),))
    item = _items(batch, sources()[:1], lambda t: t.replace("SECRET", "****"))[0]
    assert "SECRET" not in item.message
