"""OCR through the Python API (one engine for the whole session: the recognizer is
shared by every hub of the process), and the limits checked before it starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from transhub.api import Hub
from transhub.errors import InputError, LimitExceededError, UnsupportedLanguageError
from transhub.testing import invoke, make_image

from transhub_local import recognizer


def test_lines_and_boxes(sample: Path, lines):
    result = Hub().recognize_text(sample, provider="local")
    assert tuple(line.text for line in result.lines) == lines
    assert result.text == "\n".join(lines)
    for number, line in enumerate(result.lines):
        assert line.box is not None
        # Each line was drawn 72 px below the last, from x = 20, 36 px high.
        assert abs(line.box.top - (20 + 72 * number)) < 16
        assert abs(line.box.left - 20) < 12
        assert 24 < line.box.height < 64


def test_traditional_and_japanese(tmp_path: Path, draw):
    lines = ("繁體中文的翻譯", "日本語のテキスト")
    image = draw(tmp_path / "other.png", lines)
    result = Hub().recognize_text(image, language="zh-Hant", provider="local")
    assert tuple(line.text for line in result.lines) == lines


def test_a_page_sized_scan(tmp_path: Path, cjk_font: Path):
    """An A4 page at 300 dpi with 10-point lines: detection sees it scaled down to
    ``ocr_max_side`` and still finds every line."""
    from PIL import Image, ImageDraw, ImageFont

    lines = ("第一行：翻译文档已经保存", "The document has been saved.", "离线识别中文和English")
    font = ImageFont.truetype(str(cjk_font), 40, index=2)
    page = Image.new("RGB", (2480, 3508), "white")
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(lines):
        draw.text((200, 300 + number * 900), line, fill="black", font=font)
    page.save(tmp_path / "page.jpg", quality=90)
    result = Hub().recognize_text(tmp_path / "page.jpg", provider="local")
    assert tuple(line.text for line in result.lines) == lines


def test_an_image_without_text_has_no_line(tmp_path: Path):
    blank = make_image(tmp_path / "blank.jpg", 320, 200)
    assert Hub().recognize_text(blank, provider="local").lines == ()


def test_one_engine_per_process(sample: Path):
    Hub().recognize_text(sample, provider="local")
    before = dict(recognizer._shared)
    Hub().recognize_text(sample, provider="local")
    assert recognizer._shared == before and len(before) == 1


@pytest.mark.parametrize(
    ("name", "size", "error", "said"),
    [
        ("picture.gif", (64, 48), InputError, "file type .gif is not accepted by local"),
        ("huge.png", (9_001, 10), LimitExceededError, "9001×10 px; local accepts"),
        ("tiny.png", (5, 5), LimitExceededError, "5×5 px; local accepts 8×8"),
    ],
)
def test_limits_refused_before_the_engine_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name, size, error, said
):
    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the engine was started for a refused image")

    monkeypatch.setattr(recognizer, "shared", never)
    monkeypatch.setattr("transhub_local.engines.shared", never)
    path = make_image(tmp_path / name, *size)
    with pytest.raises(error, match=said):
        Hub().recognize_text(path, provider="local")


def test_a_language_the_models_do_not_read(sample: Path):
    with pytest.raises(UnsupportedLanguageError):
        Hub().recognize_text(sample, language="ar", provider="local")


def test_a_picture_that_is_not_one_is_an_input_error(tmp_path: Path):
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = invoke(["ocr", str(fake), "--provider", "local"])
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("transhub: error: ") and "fake.png" in result.stderr
    assert "Traceback" not in result.stderr
