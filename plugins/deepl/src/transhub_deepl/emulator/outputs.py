"""What the emulator answers as a "translation": the input, visibly labelled with the
target language, so tests can tell it apart and compare it byte for byte.

Texts become ``[DE] text`` (glossary terms replaced first, so a test sees the
glossary applied); text-like documents are labelled line by line; the text nodes of
Office documents are labelled inside the archive; a PDF gets a comment line.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "JA"),
    (re.compile(r"[\uac00-\ud7af]"), "KO"),
    (re.compile(r"[\u4e00-\u9fff]"), "ZH"),
    (re.compile(r"[\u0400-\u04ff]"), "RU"),
    (re.compile(r"[\u0370-\u03ff]"), "EL"),
    (re.compile(r"[\u0600-\u06ff]"), "AR"),
    (re.compile(r"[\u0590-\u05ff]"), "HE"),
    (re.compile(r"[\u0e00-\u0e7f]"), "TH"),
    (re.compile(r"[äöüß]", re.IGNORECASE), "DE"),
)


def detect(text: str) -> str:
    """A source language guessed from the script (English when nothing else shows)."""
    for pattern, code in _SCRIPTS:
        if pattern.search(text):
            return code
    return "EN"


def _apply(text: str, glossary: Mapping[str, str] | None) -> str:
    """DeepL's glossary rule: each source term becomes its target term."""
    for source_term, target_term in (glossary or {}).items():
        text = text.replace(source_term, target_term)
    return text


def translate_text(
    text: str, target: str, glossary: Mapping[str, str] | None = None, tags: str | None = None
) -> str:
    """The emulated translation of one text."""
    text = _apply(text, glossary)
    if tags in ("xml", "html"):
        # Only the text between tags is "translated"; markup passes unchanged.
        return re.sub(r">([^<>]*\S[^<>]*)<", lambda m: f">[{target}] {m.group(1)}<", text)
    return f"[{target}] {text}"


def _label_lines(data: bytes, target: str, glossary: Mapping[str, str] | None) -> bytes:
    text = _apply(data.decode("utf-8", "replace"), glossary)
    lines = [f"[{target}] {line}" if line.strip() else line for line in text.split("\n")]
    return "\n".join(lines).encode("utf-8")


_TEXT_NODE = re.compile(rb"(<(?:w:t|a:t|t)(?:\s[^>]*)?>)([^<]+)(</(?:w:t|a:t|t)>)")


def _label_archive(data: bytes, target: str, glossary: Mapping[str, str] | None) -> bytes:
    from xml.sax.saxutils import escape, unescape

    label = f"[{target}] ".encode()

    def node(text: bytes) -> bytes:
        return escape(_apply(unescape(text.decode("utf-8", "replace")), glossary)).encode()

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith(".xml"):
                content = _TEXT_NODE.sub(
                    lambda m: m.group(1) + label + node(m.group(2)) + m.group(3), content
                )
            result.writestr(item, content)
    return out.getvalue()


def minimal_docx(text: str) -> bytes:
    """A small valid .docx holding ``text`` (for conversions to docx)."""
    from xml.sax.saxutils import escape

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conten'
            'tType="application/xml"/><Override PartName="/word/document.xml" ContentType="app'
            'lication/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        docx.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"word/document.xml"/></Relationships>',
        )
        docx.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxml'
            'formats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            f"{escape(text)}</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def translate_document(
    data: bytes,
    extension: str,
    output: str,
    target: str,
    glossary: Mapping[str, str] | None = None,
) -> bytes:
    """The emulated translation of a document of type ``extension``, as ``output``
    (the glossary's terms replaced in its text, as in texts)."""
    if output != extension:
        return minimal_docx(f"[{target}] emulated translation of a .{extension} document")
    if extension in ("docx", "pptx", "xlsx"):
        try:
            return _label_archive(data, target, glossary)
        except zipfile.BadZipFile:
            return data
    if extension == "pdf":
        return data + f"\n%transhub-emulator translation to {target}\n".encode()
    return _label_lines(data, target, glossary)
