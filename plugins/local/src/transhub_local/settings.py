"""The local provider's settings: ``TRANSHUB_LOCAL_*`` variables or the ``[local]`` table.

None is required: the provider needs no account, so it is always configured.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from transhub.settings import ProviderSettings

from transhub_local.names import NAME


class LocalSettings(ProviderSettings):
    """How the local engines run."""

    model_config = ProviderSettings.config_for(NAME)
    config_table: ClassVar[str | None] = NAME
    required: ClassVar[tuple[str, ...]] = ()

    ocr_threads: int = Field(
        0, ge=0, le=64, description="Threads for OCR inference (0: as many as onnxruntime likes)."
    )
    ocr_max_side: int = Field(
        1280,
        ge=320,
        le=4096,
        description="Longest side (px) the text detector sees: larger images are scaled "
        "down for detection (recognition still reads the full-size lines).",
    )
    ocr_min_score: float = Field(
        0.5,
        gt=0,
        lt=1,
        description="Drop recognised lines whose confidence is below this (0 to 1).",
    )
    dictionary_max_entries: int = Field(
        30,
        ge=1,
        le=500,
        description="At most this many CC-CEDICT entries in an English → Chinese look-up.",
    )
    apertium_timeout: float = Field(
        60.0, gt=0, description="Give up on an Apertium translation after this (seconds)."
    )
