"""What a recorded batch holds: the command, its inputs and its options — enough to
run it again.  One model per command, discriminated by ``command`` in the journal."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    source: str | None = None
    provider: str | None = None
    output_dir: str
    options: dict[str, Any] = Field(default_factory=dict)
    overwrite: bool = False
    jobs: int = 4
    #: --fallback/--no-fallback (None: the setting routing.fallback).
    fallback: bool | None = None


class DocumentBatch(_Spec):
    """``transhub doc translate``: the files (absolute paths, folders expanded)."""

    command: Literal["doc translate"] = "doc translate"
    paths: list[str]
    kind: str = "same"
    #: The glossary file (absolute path), read again when the batch is resumed.
    glossary: str | None = None


class ImageBatch(_Spec):
    """``transhub image translate``: the inputs (absolute paths or URLs)."""

    command: Literal["image translate"] = "image translate"
    inputs: list[str]


BatchSpec = Annotated[DocumentBatch | ImageBatch, Field(discriminator="command")]


def parse_spec(data: dict[str, Any]) -> DocumentBatch | ImageBatch:
    """A recorded batch's spec as its model."""
    spec: DocumentBatch | ImageBatch = TypeAdapter(BatchSpec).validate_python(data)
    return spec
