"""Bad input: a clear one-line error, the documented exit code, and nothing sent."""

from __future__ import annotations

import io
import os
import sys
import warnings

import pytest
from transhub.errors import EXIT_CODES
from transhub.testing import make_image
from transhub.testing.inputs import png_header

INPUT = EXIT_CODES["input"]


def _png(path, width, height):
    return make_image(path, width, height)


def _one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _file(name, content=None, folder=False, pipe=False):
    def make(directory):
        path = directory / name
        if folder:
            path.mkdir()
        elif pipe:  # opened to be validated: must not wait for a writer
            os.mkfifo(path)
        elif content is not None:
            path.write_bytes(content)
        return path

    return make


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_file("missing.txt"), "no such file"),
        (_file("folder.txt", folder=True), "is a folder"),
        (_file("empty.txt", b""), "is empty"),
        pytest.param(
            _file("pipe.txt", pipe=True),
            "is empty",
            marks=pytest.mark.skipif(sys.platform == "win32", reason="no named pipes"),
        ),
        (_file("a.exe", b"MZ"), "file type .exe is not accepted by echo"),
        (_file("fake.pdf", b"hello"), "not a PDF document (it looks like text)"),
        (_file("big.txt", b"a" * (1024 * 1024 + 1)), "is 1.0 MB, over echo's limit of 1 MB"),
    ],
    ids=["missing", "folder", "empty", "pipe", "extension", "content", "size"],
)
def test_document_inputs(cli, echo, tmp_path, make, expected):
    path = make(tmp_path)
    result = cli("doc", "translate", str(path), "--to", "zh", "--provider", "echo")
    assert result.exit_code == INPUT
    line = _one_line(result)
    assert expected in line and str(path) in line
    assert echo.log.count() == 0


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(cli, echo, sample):
    sample.chmod(0)
    result = cli("doc", "translate", str(sample), "--to", "zh", "--provider", "echo")
    assert result.exit_code == INPUT and "cannot be read" in result.stderr
    assert echo.log.count() == 0


def test_encrypted_pdf(cli, echo, tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    result = cli("doc", "translate", str(path), "--to", "zh", "--provider", "echo")
    assert result.exit_code == INPUT and "password-protected" in _one_line(result)
    pages = cli("doc", "pages", str(path))  # counted locally: worded the same
    assert pages.exit_code == INPUT and "is password-protected" in _one_line(pages)
    assert echo.log.count() == 0


def test_one_bad_file_in_a_batch_stops_the_batch_before_paying(cli, echo, tmp_path, sample):
    bad = tmp_path / "bad.exe"
    bad.write_bytes(b"MZ")
    result = cli("doc", "translate", str(sample), str(bad), "--to", "zh", "--provider", "echo")
    assert result.exit_code == INPUT
    assert echo.log.count() == 0


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((10, 10), "is 10×10 px; echo accepts 15×15 to 2048×2048 px"),
        ((3000, 100), "is 3000×100 px"),
        ((1000, 100), "aspect ratio of 10.0:1; echo needs it below 10:1"),
    ],
)
def test_image_pixels(cli, echo, tmp_path, size, expected):
    path = _png(tmp_path / "p.png", *size)
    result = cli("ocr", str(path), "--provider", "echo")
    assert result.exit_code == INPUT and expected in _one_line(result)
    assert echo.log.count() == 0


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        # Over PIL's decompression-bomb threshold (89.5 million pixels): PIL warns...
        (10_001, "is 10001×10001 px; echo accepts 15×15 to 2048×2048 px"),
        # ...and over twice it, refuses to say the size.
        (20_000, "is over 178,956,970 pixels; echo accepts 15×15 to 2048×2048 px"),
    ],
)
def test_an_image_past_pils_guard_is_over_the_limit_in_one_line(
    cli, echo, tmp_path, side, expected
):
    """The header says the size; the provider's limit judges it, in transhub's words:
    no Python warning from PIL, and never "not a readable image"."""
    path = png_header(tmp_path / "huge.png", side, side)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli("ocr", str(path), "--provider", "echo")
    assert result.exit_code == INPUT and _one_line(result) == f"transhub: error: {path}: {expected}"
    assert [w for w in caught if "DecompressionBomb" in w.category.__name__] == []
    assert echo.log.count() == 0


def test_text_named_as_image(cli, echo, tmp_path):
    path = tmp_path / "t.png"
    path.write_text("just text")
    result = cli("ocr", str(path), "--provider", "echo")
    assert result.exit_code == INPUT and "not a PNG image (it looks like text)" in _one_line(result)


def test_text_too_long(cli, echo):
    result = cli("text", "x" * 2001, "--to", "zh", "--provider", "echo")
    assert result.exit_code == INPUT
    assert "2001 characters, over echo's limit of 2000" in _one_line(result)
    assert echo.log.count() == 0


def test_word_too_long(cli, echo):
    result = cli("dict", "a" * 16, "--provider", "echo")
    assert result.exit_code == INPUT and "takes 1 to 15" in _one_line(result)
    assert echo.log.count() == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--to", "xx"], "unknown language code 'xx'"),
        (["--to", "auto"], "cannot be 'auto'"),
        (["--to", "zh", "--from", "ko"], "cannot translate from Korean"),
    ],
)
def test_languages(cli, echo, args, expected):
    result = cli("text", "hello", "--provider", "echo", *args)
    assert result.exit_code == INPUT and expected in _one_line(result)
    assert echo.log.count() == 0


def test_unsupported_pair(cli, parrot):
    result = cli("text", "bonjour", "--from", "fr", "--to", "en", "--provider", "parrot")
    assert result.exit_code == INPUT and "parrot cannot translate into English" in _one_line(result)
    assert parrot.log.count() == 0


def test_url_scheme_and_local_file_to_url_only_provider(cli, echo, tmp_path):
    ftp = cli("image", "translate", "ftp://example.com/a.png", "--to", "en", "--provider", "echo")
    assert ftp.exit_code == INPUT and "only http:// and https://" in _one_line(ftp)
    local = _png(tmp_path / "a.png", 100, 100)
    result = cli("image", "translate", str(local), "--to", "en", "--provider", "echo")
    assert result.exit_code == INPUT and "takes public URLs only" in _one_line(result)
    assert echo.log.count() == 0


def test_option_the_provider_does_not_offer(cli, parrot, sample):
    result = cli(
        "doc", "translate", str(sample), "--to", "fr", "--provider", "echo", "--all-sheets"
    )
    assert result.exit_code == INPUT and "does not offer the option all-sheets" in _one_line(result)
    unknown = cli(
        "doc", "translate", str(sample), "--to", "fr", "--provider", "echo", "--industry", "cooking"
    )
    assert unknown.exit_code == INPUT and "unknown industry 'cooking'" in _one_line(unknown)
    assert parrot.log.count() == 0


def test_plain_http_endpoint_off_loopback_is_refused(cli, monkeypatch):
    monkeypatch.setenv("TRANSHUB_ECHO_ENDPOINT", "http://192.0.2.10:9")
    monkeypatch.setenv("TRANSHUB_ECHO_TOKEN", "test-token")
    result = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "--insecure" in _one_line(result)


def test_missing_credentials_name_the_setting(cli):
    result = cli("text", "hi", "--to", "zh", "--provider", "echo")
    assert result.exit_code == EXIT_CODES["configuration"]
    assert "TRANSHUB_ECHO_ENDPOINT" in _one_line(result)


def test_usage_errors_exit_2(cli):
    result = cli("doc", "translate", "x.txt")
    assert result.exit_code == EXIT_CODES["usage"]
    assert "--to" in result.stderr


def test_pdf_output_refused_before_paying_where_the_provider_has_none(
    cli, echo, tmp_path, monkeypatch
):
    from transhub_echo.provider import EchoDocuments

    monkeypatch.setattr(EchoDocuments, "pdf_from", frozenset({"pdf", "docx"}))
    text = tmp_path / "a.txt"
    text.write_text("x\n")
    result = cli("doc", "translate", str(text), "--to", "zh", "--provider", "echo", "--pdf")
    assert result.exit_code == INPUT
    assert "delivers a PDF only for .docx, .pdf documents, not .txt" in _one_line(result)
    assert echo.log.count() == 0
