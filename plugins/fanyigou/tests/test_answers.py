"""Reading answers: the reference's inconsistencies are read, anything else is a typed error."""

from __future__ import annotations

import pytest
from transhub.capabilities.base import TaskState
from transhub.errors import InputError, NotFoundError, ResponseFormatError

from transhub_fanyigou import answers
from transhub_fanyigou.emulator import dictionary


def test_the_envelope_and_its_code() -> None:
    answer = answers.read_answer({"code": "100", "msg": "请求成功", "data": {"tid": 1}}, call="x")
    assert (answer.code, answer.message, answer.data) == (100, "请求成功", {"tid": 1})
    for bad in ([], "text", {"code": "abc"}, {"msg": "no code"}, {"code": True}):
        with pytest.raises(ResponseFormatError):
            answers.read_answer(bad, call="x")


@pytest.mark.parametrize(
    "data",
    [{"tid": 14587}, {"tid": "14587"}, {"taskId": 14587}, {"taskId": "14587"}, {"tid": 14587.0}],
)
def test_a_task_id_is_a_number_or_a_string_under_tid_or_task_id(data: dict[str, object]) -> None:
    assert answers.task_id(data, call="uploadTranslate") == "14587"


@pytest.mark.parametrize(
    "data", [{}, {"tid": ""}, {"tid": "../../etc"}, {"tid": True}, {"tid": None}]
)
def test_an_unusable_task_id_is_a_format_error(data: dict[str, object]) -> None:
    with pytest.raises(ResponseFormatError):
        answers.task_id(data, call="uploadTranslate")


def test_a_task_id_given_to_us_must_look_like_one() -> None:
    assert answers.checked_task_id("19432525") == "19432525"
    for bad in ("", "../x", "a b", "1/2", "x" * 65):
        with pytest.raises(NotFoundError):
            answers.checked_task_id(bad)


def test_data_may_be_a_json_string_as_the_reference_says() -> None:
    answer = answers.Answer(code=100, message="", data='{"tid": 7}')
    assert answers.data_object(answer, call="x") == {"tid": 7}
    with pytest.raises(ResponseFormatError):
        answers.data_object(answers.Answer(100, "", "not json"), call="x")


def test_progress_of_the_reference_example() -> None:
    data = {
        "createTime": "2018-03-27 16:57:51",
        "docType": "docx",
        "fromLan": "",
        "msg": "正在翻译",
        "pageCount": 1,
        "percent": "99.00",
        "status": 313,
        "tid": 14587,
        "title": "测试",
        "toLan": "中文",
        "detectLan": "英语",
        "updateTime": "2018-03-27 16:58:00",
    }
    progress = answers.read_progress(data, call="queryTransProgress")
    assert progress.status == 313
    assert progress.percent == 99.0
    assert progress.pages == 1
    assert progress.detected_language == "en"
    status = answers.task_status(progress, call="queryTransProgress", counted_is_queued=True)
    assert status.state is TaskState.RUNNING
    assert status.code == "313"


def test_the_image_example_status_zero_is_done_only_when_it_says_so() -> None:
    done = answers.read_progress({"status": 0, "percent": "100.00", "msg": "翻译成功"}, call="x")
    assert answers.task_status(done, call="x", counted_is_queued=False).state is TaskState.DONE
    pending = answers.read_progress({"status": 0, "percent": "10.00", "msg": ""}, call="x")
    assert (
        answers.task_status(pending, call="x", counted_is_queued=False).state is TaskState.RUNNING
    )


def test_a_failure_status_keeps_code_and_both_messages() -> None:
    progress = answers.read_progress({"status": 305, "msg": "文档已加密"}, call="x")
    status = answers.task_status(progress, call="x", counted_is_queued=False)
    assert status.state is TaskState.FAILED
    assert status.code == "305"
    assert "encrypted" in status.message
    assert "文档已加密" in status.message


def test_counted_is_queued_for_a_translation_and_done_for_a_count() -> None:
    progress = answers.read_progress({"status": 330, "pageCount": 4}, call="x")
    assert answers.task_status(progress, call="x", counted_is_queued=True).state is TaskState.QUEUED
    assert answers.task_status(progress, call="x", counted_is_queued=False).state is TaskState.DONE


def test_page_count_answer_reads_the_reference_fields() -> None:
    assert answers.read_page_count({"tid": 14587, "page": 20}, call="x") == ("14587", 20)
    assert answers.read_page_count({"tid": "14587", "page": 0}, call="x") == ("14587", 0)
    assert answers.read_page_count({"tid": 1}, call="x") == ("1", 0)


def test_ocr_reads_the_height_key_with_its_leading_space() -> None:
    data = {
        "words_result": [
            {"words": "X Headers", "location": {"top": 0, "left": 47, "width": 96, " height": 10}},
            {"words": "no box"},
        ],
        "words_result_num": 9,
    }
    result = answers.read_ocr(data, call="image/ocrUploadImage")
    first, second = result.lines
    assert first.text == "X Headers"
    assert first.box is not None
    assert (first.box.left, first.box.top, first.box.width, first.box.height) == (47, 0, 96, 10)
    assert second.box is None
    assert result.text == "X Headers\nno box"


def test_trans_reads_code_zero_and_refuses_a_failed_status() -> None:
    ok = answers.checked(
        {
            "code": 0,
            "data": {"msg": "翻译成功", "transResult": "Test text", "status": 314},
            "msg": "请求成功",
        },
        call="trans",
    )
    assert answers.read_translation(ok, call="trans") == "Test text"
    failed = answers.Answer(100, "", {"status": 321, "msg": "没有内容", "transResult": ""})
    with pytest.raises(InputError, match="nothing to translate"):
        answers.read_translation(failed, call="trans")
    with pytest.raises(ResponseFormatError):
        answers.read_translation(answers.Answer(100, "", {"status": 314}), call="trans")


def test_balance_units_follow_deduct_type() -> None:
    pages = answers.read_balance(
        {"deductType": 1, "balance": 137684}, "document", call="getAccount"
    )
    assert (pages.balance, pages.unit) == (137684, "pages")
    assert (
        answers.read_balance({"deductType": 0, "balance": "5"}, "text", call="x").unit == "points"
    )
    with pytest.raises(ResponseFormatError):
        answers.read_balance({"deductType": 1}, "document", call="x")


def test_the_dictionary_example_maps_onto_every_field_of_the_core_model() -> None:
    answer = answers.Answer(100, "请求成功", {"dict": dictionary.entry("access")})
    entry = answers.read_dictionary(answer, "access", call="dict/search")
    assert entry.word == "access"
    assert [(p.region, p.phonetic) for p in entry.pronunciations] == [
        ("uk", "ˈækses"),
        ("us", "ˈækses"),
    ]
    assert [m.part_of_speech for m in entry.meanings] == ["n.", "v."]
    assert "入口,通道" in entry.meanings[0].definitions
    inflections = {(i.kind, i.form) for i in entry.inflections}
    assert ("past tense", "accessed") in inflections
    assert ("present participle", "accessing") in inflections
    assert ("case variant", "ACCESS") in inflections
    assert entry.examples[0].text == "We need a better way to access information."
    assert entry.examples[0].source.startswith("2015年高考")
    assert "entry" in entry.synonyms and "door" in entry.synonyms
    assert entry.synonyms.count("approach") == 1
    assert entry.antonyms == ("retirement", "retreat")
    assert entry.collins[0].part_of_speech == "N-UNCOUNT"
    assert entry.collins[0].translation == "进入(权);通道;入径"
    assert entry.collins[0].examples[0].translation.startswith("这些设施")


@pytest.mark.parametrize(
    "data", [None, {}, {"dict": None}, {"dict": {}}, {"dict": {"base": {"word": "x"}}}]
)
def test_a_word_without_an_entry_is_not_found(data: object) -> None:
    with pytest.raises(NotFoundError, match="no dictionary entry for 'zzz'"):
        answers.read_dictionary(answers.Answer(100, "", data), "zzz", call="dict/search")
