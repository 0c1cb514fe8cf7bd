"""What the service accepts, from the reference: checked by the core before any
request, and enforced by the emulator the same way the service does."""

from __future__ import annotations

from transhub.capabilities.base import FileLimits

MB = 1024 * 1024

#: Documents for translation and page counting: at most 50 MB, no encrypted files.
DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "dot", "dotx", "dotm", "docm", "xml", "odt", "wps", "wpt", "xls",
     "xlsx", "et", "ett", "ppt", "pptx", "dps", "dpt", "txt", "rtf"}
)  # fmt: skip
DOCUMENTS = FileLimits(extensions=DOCUMENT_EXTENSIONS, max_bytes=50 * MB)
#: ``downloadFile`` dtype 2 (translated PDF) exists for "word, pdf, img" inputs only.
PDF_FROM = frozenset({"pdf", "doc", "docx", "dot", "dotx", "dotm", "docm", "odt", "wps", "wpt"})

#: Conversion inputs: PDF to the others, the others to PDF.
CONVERSION_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "hwp", "caj", "ofd"}
)
CONVERSIONS = FileLimits(extensions=CONVERSION_EXTENSIONS, max_bytes=50 * MB)

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "bmp"})
#: Image translation: 4 MB, 15×15 to 2048×2048 px.
IMAGES = FileLimits(extensions=IMAGE_EXTENSIONS, max_bytes=4 * MB, min_pixels=15, max_pixels=2048)
#: OCR: 4 MB, 15×15 to 8192×8192 px.
OCR_IMAGES = FileLimits(
    extensions=IMAGE_EXTENSIONS, max_bytes=4 * MB, min_pixels=15, max_pixels=8192
)

#: ``trans``: at most 2000 characters, spaces included.
TEXT_MAX_CHARS = 2000
#: ``dict/search``: a word of 1 to 15 characters.
WORD_MIN_CHARS = 1
WORD_MAX_CHARS = 15
