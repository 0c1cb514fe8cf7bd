"""The service's answer envelope and its checks of a call's inputs, against the
reference's facts (:mod:`transhub_fanyigou.emulator.facts`), in the service's order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transhub_fanyigou.emulator import facts

Answer = dict[str, Any]

_PROVIDER_CODES = frozenset(facts.LANGUAGES)


def answer(code: int, data: Any = None, msg: str | None = None) -> Answer:
    """An answer envelope; ``msg`` defaults to the reference's Chinese text."""
    text = msg if msg is not None else ("请求成功" if code == facts.OK else chinese(code))
    body: Answer = {"code": code, "msg": text}
    if data is not None:
        body["data"] = data
    return body


def chinese(code: int) -> str:
    """The reference's text for a code."""
    return facts.STATUS_TEXT.get(code, "未知错误")


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the app hands it over (already saved to disk)."""

    path: Path
    filename: str
    size: int
    md5: str
    sha256: str


def check_languages(params: dict[str, str]) -> Answer | None:
    source, target = params.get("from", ""), params.get("to", "")
    if not target:
        return answer(300, msg="to为空")
    if target == "auto" or target not in _PROVIDER_CODES:
        return answer(106, msg="目标语言不支持")
    if source and source not in _PROVIDER_CODES | {"auto"}:
        return answer(106, msg="源语言不支持")
    return None


def check_options(params: dict[str, str]) -> Answer | None:
    industry = params.get("industryId", "")
    if industry and int_of(industry) not in facts.INDUSTRIES:
        return answer(106, msg="industryId不支持")
    for name in ("transImg", "excelMode", "bilingualControl"):
        if params.get(name, "") not in ("", "0", "1"):
            return answer(106, msg=f"{name}只能为0或1")
    return None


def check_file(
    params: dict[str, str], upload: Upload | None, extensions: frozenset[str]
) -> Answer | None:
    if upload is None or upload.size == 0:
        return answer(301)
    if extension_of(upload.filename) not in extensions:
        return answer(302)
    if upload.size > facts.DOCUMENT_MAX_BYTES:
        return answer(311)
    if not params.get("md5"):
        return answer(300, msg="md5为空")
    if params["md5"].lower() != upload.md5:
        return answer(303)
    return None


def check_image(  # noqa: PLR0911 - the service's checks, in its order
    params: dict[str, str], upload: Upload | None, max_side: int
) -> Answer | None:
    if upload is None or upload.size == 0:
        return answer(301)
    if extension_of(upload.filename) not in facts.IMAGE_EXTENSIONS:
        return answer(302)
    if upload.size > facts.IMAGE_MAX_BYTES:
        return answer(311, msg="图片大小超过4M")
    if not params.get("md5"):
        return answer(300, msg="md5为空")
    if params["md5"].lower() != upload.md5:
        return answer(303)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload.path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return answer(324)
    if min(width, height) < facts.IMAGE_MIN_SIDE or max(width, height) > max_side:
        return answer(323, msg=f"图片尺寸需在15*15 - {max_side}*{max_side}px之间")
    return None


def int_of(value: object) -> int | None:
    """A parameter as an integer, or ``None``."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def extension_of(filename: str) -> str:
    """A file name's extension, lower case, without the dot."""
    return Path(filename).suffix.lower().lstrip(".")
