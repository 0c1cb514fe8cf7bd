"""Image translation (one task per image) and OCR."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from transhub.capabilities.base import FileLimits, LanguageSupport, TaskState, TaskStatus
from transhub.capabilities.image import (
    ImageItem,
    ImageOptions,
    ImageSource,
    ImageTaskStatus,
    ImageTranslator,
)
from transhub.capabilities.ocr import OcrEngine, OcrResult
from transhub.errors import InputError

from transhub_fanyigou.answers import task_status
from transhub_fanyigou.capabilities.document import provider_code
from transhub_fanyigou.capabilities.tracking import tracked
from transhub_fanyigou.client import FanyigouClient
from transhub_fanyigou.languages import CODES
from transhub_fanyigou.limits import IMAGES, OCR_IMAGES
from transhub_fanyigou.provider import FANYIGOU
from transhub_fanyigou.settings import FanyigouSettings

#: The reference points image calls to an "image language list" it does not include;
#: its one language list is used (the service refuses a language it lacks, for free).
IMAGE_LANGUAGES = LanguageSupport(codes=CODES, auto_detect=True)


class FanyigouImages(ImageTranslator[FanyigouSettings, FanyigouClient]):
    """Translates images: ``image/uploadTranslateImage``,
    ``image/queryImageTransProgress``, ``image/downloadImage``.  Each image is its own
    task; the core runs several at once."""

    provider = FANYIGOU
    languages: ClassVar[LanguageSupport] = IMAGE_LANGUAGES
    limits: ClassVar[FileLimits | None] = IMAGES
    accepts_files: ClassVar[bool] = True
    accepts_urls: ClassVar[bool] = False
    max_per_task: ClassVar[int] = 1

    def submit(
        self,
        images: list[ImageSource],
        target: str,
        source: str | None,
        options: ImageOptions,
    ) -> str:
        """Upload one local image; returns its ``taskId``."""
        if len(images) != 1 or images[0].path is None:
            raise InputError("fanyigou translates one local image file per task")
        source_code = provider_code(source) if source else None
        return self.client.upload_translate_image(
            images[0].path, provider_code(target), source_code
        )

    def status(self, task_id: str, images: list[ImageSource]) -> ImageTaskStatus:
        """The task's state; when final, one item for its image."""

        def fetch() -> TaskStatus:
            progress = self.client.query_image_progress(task_id)
            call = "image/queryImageTransProgress"
            return task_status(progress, call=call, counted_is_queued=False)

        status = tracked(self.tasks, task_id, fetch)
        items: tuple[ImageItem, ...] = ()
        if status.state.is_final and images:
            done = status.state is TaskState.DONE
            items = (
                ImageItem(
                    source=images[0],
                    success=done,
                    code=status.code,
                    message=status.message,
                    # downloadImage takes the task id: it is the reference to download.
                    artifacts={"image": task_id} if done else {},
                ),
            )
        return ImageTaskStatus(**status.model_dump(), items=items)

    def download(self, task_id: str, item: ImageItem, artifact: str, destination: Path) -> Path:
        """Save the translated image atomically."""
        if artifact != "image":
            raise InputError(f"fanyigou has no image artifact {artifact!r} (only 'image')")
        return self.client.download_image(task_id, destination).download.path


class FanyigouOcr(OcrEngine[FanyigouSettings, FanyigouClient]):
    """Recognises text: ``image/ocrUploadImage``."""

    provider = FANYIGOU
    languages: ClassVar[LanguageSupport] = IMAGE_LANGUAGES
    limits: ClassVar[FileLimits] = OCR_IMAGES

    def recognize(self, path: Path, language: str | None) -> OcrResult:
        """The lines and boxes of the image at ``path``."""
        return self.client.ocr(path, provider_code(language) if language else None)
