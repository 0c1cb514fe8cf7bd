"""Settings, client and capability classes of the echo and parrot test providers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import SecretStr
from transhub.capabilities.account import Account, Balance
from transhub.capabilities.base import (
    FileLimits,
    LanguageSupport,
    ProviderInfo,
    TaskState,
    TaskStatus,
)
from transhub.capabilities.dictionary import Dictionary, DictionaryEntry, Meaning, Pronunciation
from transhub.capabilities.document import (
    ConvertFormat,
    DocumentConverter,
    DocumentRequest,
    DocumentTranslator,
    OutputKind,
    PageCount,
    SavedDocument,
)
from transhub.capabilities.image import (
    ImageItem,
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.capabilities.ocr import Box, OcrEngine, OcrLine, OcrResult
from transhub.capabilities.text import TextResult, TextTranslator
from transhub.errors import (
    AuthenticationError,
    NotFoundError,
    ProviderError,
    QuotaError,
    RateLimitError,
)
from transhub.http import HttpClient, check_endpoint, parse_json
from transhub.settings import ProviderSettings

LANGS = {"en": "en", "zh": "zh", "fr": "fr", "ja": "ja", "zh-Hant": "zh-tw"}


class EchoSettings(ProviderSettings):
    """``TRANSHUB_ECHO_ENDPOINT`` and the secret ``TRANSHUB_ECHO_TOKEN``."""

    model_config = ProviderSettings.config_for("echo")
    config_table: ClassVar[str | None] = "echo"
    required: ClassVar[tuple[str, ...]] = ("endpoint", "token")

    endpoint: str = ""
    token: SecretStr = SecretStr("")
    channels: int = 2


class ParrotSettings(EchoSettings):
    """The same keys under ``TRANSHUB_PARROT_``."""

    model_config = ProviderSettings.config_for("parrot")
    config_table: ClassVar[str | None] = "parrot"


class EchoClient:
    """The wire protocol: JSON over HTTP with a bearer token."""

    def __init__(self, name: str, settings: EchoSettings, http: HttpClient) -> None:
        self.name = name
        self.base = check_endpoint(
            settings.endpoint, f"TRANSHUB_{name.upper()}_ENDPOINT", insecure=http.options.insecure
        )
        self._token = settings.token
        self.http = http

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def call(self, method: str, path: str, *, idempotent: bool, **kwargs: Any) -> Any:
        response = self.http.request(
            method,
            f"{self.base}{path}",
            idempotent=idempotent,
            headers=self._headers(),
            what=path,
            **kwargs,
        )
        return self._answer(response, path)

    def _answer(self, response: Any, path: str) -> Any:
        data = parse_json(response, self.name, path)
        if response.status_code >= 400:
            raise map_error(self.name, response.status_code, data)
        return data

    def upload(self, path: str, file: Path, fields: dict[str, str]) -> Any:
        response = self.http.upload(
            f"{self.base}{path}",
            fields=fields,
            file_field="file",
            path=file,
            headers=self._headers(),
            what=path,
        )
        return self._answer(response, path)

    def save(self, path: str, destination: Path) -> Any:
        response = self.http.request(
            "GET",
            f"{self.base}{path}",
            idempotent=True,
            headers=self._headers(),
            stream=True,
            what=path,
        )
        if response.status_code >= 400:
            self._answer(response, path)
        return self.http.save(response, destination, overwrite=True)


def map_error(provider: str, status: int, data: Any) -> Exception:
    """The one status-to-error function of this provider."""
    message = data.get("error", "") if isinstance(data, dict) else str(data)
    if status == 401:
        return AuthenticationError(
            f"{provider} refused the token: check TRANSHUB_{provider.upper()}_TOKEN",
            provider=provider,
            code=status,
        )
    # 402 and 429 are answered before anything is started: refused before payment,
    # so --fallback may move the request to another provider.
    if status == 402:
        return QuotaError(
            f"{provider}: balance too low", provider=provider, code=status, refused=True
        )
    if status == 404:
        return NotFoundError(f"{provider}: {message}", provider=provider, code=status)
    if status == 429:
        return RateLimitError(
            f"{provider}: too many requests",
            provider=provider,
            code=status,
            retry_after=0.01,
            refused=True,
        )
    return ProviderError(
        f"{provider}: {message}", provider=provider, code=status, provider_message=message
    )


def _connect(name: str) -> Any:
    return lambda settings, http: EchoClient(name, settings, http)


ECHO = ProviderInfo(
    name="echo",
    title="Echo (test)",
    settings=EchoSettings,
    connect=_connect("echo"),
    max_concurrent_tasks=lambda s: s.channels,
)
PARROT = ProviderInfo(
    name="parrot", title="Parrot (test)", settings=ParrotSettings, connect=_connect("parrot")
)


def _status(data: dict[str, Any]) -> TaskStatus:
    return TaskStatus(
        state=TaskState(data["state"]),
        percent=data.get("percent"),
        pages=data.get("pages"),
        message=data.get("message", ""),
        code=data.get("code"),
    )


class EchoDocuments(DocumentTranslator[EchoSettings, EchoClient]):
    """Documents: the result is the input with each line prefixed."""

    provider = ECHO
    languages = LanguageSupport(codes=LANGS)
    limits = FileLimits(extensions=frozenset({"txt", "pdf", "docx", "png"}), max_bytes=1024 * 1024)
    options = frozenset({"bilingual", "industry"})
    outputs = frozenset({OutputKind.SAME, OutputKind.PDF})
    industries: ClassVar[dict[str, str]] = {"law": "1", "finance": "2"}
    counts_pages = True

    def submit(self, request: DocumentRequest) -> str:
        fields = {
            "target": LANGS[request.target],
            "source": LANGS.get(request.source or "", ""),
            "options": request.options.model_dump_json(),
        }
        return str(self.client.upload("/v1/documents", request.path, fields)["id"])

    def status(self, task_id: str) -> TaskStatus:
        return _status(self.client.call("GET", f"/v1/documents/{task_id}", idempotent=True))

    def download(self, task_id: str, destination: Path, kind: OutputKind) -> SavedDocument:
        saved = self.client.save(f"/v1/documents/{task_id}/result?kind={kind.value}", destination)
        return SavedDocument(
            path=saved.path,
            size=saved.size,
            sha256=saved.sha256,
            detected_language=saved.headers.get("X-Detected-Language"),
        )

    def count_pages(self, path: Path) -> PageCount:
        data = self.client.upload("/v1/pages", path, {})
        return PageCount(pages=data["pages"], task_id=data["id"])


class ParrotDocuments(EchoDocuments):
    """Parrot takes plain text only."""

    provider = PARROT
    limits = FileLimits(extensions=frozenset({"txt"}), max_bytes=1024 * 1024)
    counts_pages = False


class EchoConverter(DocumentConverter[EchoSettings, EchoClient]):
    """Conversions: PDF to Word and Word to PDF."""

    provider = ECHO
    limits = FileLimits(extensions=frozenset({"pdf", "docx", "txt"}), max_bytes=1024 * 1024)
    conversions: ClassVar[dict[ConvertFormat, frozenset[str]]] = {
        ConvertFormat.WORD: frozenset({"pdf"}),
        ConvertFormat.PDF: frozenset({"docx", "txt"}),
    }

    def submit(self, path: Path, target_format: ConvertFormat, source_language: str | None) -> str:
        return str(
            self.client.upload("/v1/documents", path, {"target": "convert:" + target_format.value})[
                "id"
            ]
        )

    def status(self, task_id: str) -> TaskStatus:
        return _status(self.client.call("GET", f"/v1/documents/{task_id}", idempotent=True))

    def download(self, task_id: str, destination: Path) -> SavedDocument:
        saved = self.client.save(f"/v1/documents/{task_id}/result", destination)
        return SavedDocument(path=saved.path, size=saved.size, sha256=saved.sha256)


class EchoImages(ImageTranslator[EchoSettings, EchoClient]):
    """Images by URL, three to a task; a URL containing ``fail`` fails."""

    provider = ECHO
    languages = LanguageSupport(codes=LANGS)
    limits = None
    accepts_files = False
    accepts_urls = True
    max_per_task = 3
    fields = frozenset({"general"})

    def submit(
        self, images: list[ImageSource], target: str, source: str | None, options: ImageOptions
    ) -> str:
        body = {"urls": [i.url for i in images], "target": target}
        return str(
            self.client.call("POST", "/v1/images", idempotent=False, data=json.dumps(body))["id"]
        )

    def status(self, task_id: str, images: list[ImageSource]) -> ImageTaskStatus:
        data = self.client.call("GET", f"/v1/images/{task_id}", idempotent=True)
        items = tuple(
            ImageItem(
                source=image,
                success=entry["ok"],
                code=str(entry["code"]),
                message=entry["message"],
                artifacts={"image": entry["result"]} if entry["ok"] else {},
            )
            for image, entry in zip(images, data.get("items", []), strict=False)
        )
        return ImageTaskStatus(state=TaskState(data["state"]), items=items)

    def download(self, task_id: str, item: ImageItem, artifact: str, destination: Path) -> Path:
        return self.client.http.fetch(item.artifacts[artifact], destination, overwrite=True).path


class EchoOcr(OcrEngine[EchoSettings, EchoClient]):
    """OCR: one line per line of the file's name."""

    provider = ECHO
    languages = LanguageSupport(codes=LANGS)
    limits = FileLimits(
        extensions=frozenset({"png", "jpg"}),
        max_bytes=4 * 1024 * 1024,
        min_pixels=15,
        max_pixels=2048,
        max_aspect_ratio=10,
    )

    def recognize(self, path: Path, language: str | None) -> OcrResult:
        data = self.client.upload("/v1/ocr", path, {"language": language or ""})
        return OcrResult(
            lines=tuple(
                OcrLine(text=line["text"], box=Box(**line["box"])) for line in data["lines"]
            )
        )


class EchoDictionary(Dictionary[EchoSettings, EchoClient]):
    """A dictionary of one word: ``hello``."""

    provider = ECHO
    languages = LanguageSupport(codes={"en": "en", "zh": "zh"})
    max_length = 15

    def lookup(self, word: str) -> DictionaryEntry:
        data = self.client.call("GET", f"/v1/dict/{word}", idempotent=True)
        return DictionaryEntry(
            word=data["word"],
            pronunciations=tuple(
                Pronunciation(region=r, phonetic=p) for r, p in data["phonetic"].items()
            ),
            meanings=tuple(
                Meaning(part_of_speech=m["pos"], definitions=tuple(m["defs"]))
                for m in data["meanings"]
            ),
        )


class EchoText(TextTranslator[EchoSettings, EchoClient]):
    """Text: prefixed with the target language."""

    provider = ECHO
    languages = LanguageSupport(codes=LANGS)
    max_chars = 2000

    def translate(self, text: str, target: str, source: str | None) -> TextResult:
        data = self.client.call(
            "POST", "/v1/text", idempotent=True, data=json.dumps({"text": text, "target": target})
        )
        return TextResult(text=data["text"], source=source or "en", target=target)


class ParrotText(EchoText):
    """Parrot only knows English to French."""

    provider = PARROT
    languages = LanguageSupport(
        codes={"en": "en", "fr": "fr"}, pairs=frozenset({("en", "fr")}), auto_detect=False
    )


class EchoAccount(Account[EchoSettings, EchoClient]):
    """Balances of pages and characters."""

    provider = ECHO
    kinds = frozenset({"document", "text"})

    def balance(self, kind: str) -> Balance:
        data = self.client.call("GET", f"/v1/account/{kind}", idempotent=True)
        return Balance(
            provider=ECHO.name, resource=kind, balance=int(data["balance"]), unit=data["unit"]
        )
