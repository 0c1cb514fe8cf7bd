"""What a recorded batch holds: the command, its inputs and its options — enough to
run it again.  One model per command, discriminated by ``command`` in the journal."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str | None = None
    provider: str | None = None
    output_dir: str
    overwrite: bool = False
    jobs: int = 4
    #: The run's ``-c`` settings by key (``{"fanyigou.channels": "2"}``), secrets left
    #: out: ``jobs resume`` runs the batch under them again (under its own ``-c``).
    settings: dict[str, Any] = Field(default_factory=dict)
    #: The keys of the secrets the run was given with ``-c``: never recorded (a resume
    #: reads them from the settings and the environment, and says so).
    unrecorded: list[str] = Field(default_factory=list)


class _Translation(_Spec):
    target: str
    options: dict[str, Any] = Field(default_factory=dict)
    #: --fallback/--no-fallback (None: the setting routing.fallback).
    fallback: bool | None = None


class DocumentBatch(_Translation):
    """``transhub doc translate``: the files (absolute paths, folders expanded)."""

    command: Literal["doc translate"] = "doc translate"
    paths: list[str]
    kind: str = "same"
    #: The glossary file (absolute path), read again when the batch is resumed.
    glossary: str | None = None


class ImageBatch(_Translation):
    """``transhub image translate``: the inputs (absolute paths or URLs)."""

    command: Literal["image translate"] = "image translate"
    inputs: list[str]


class ConvertBatch(_Spec):
    """``transhub doc convert``: the files (absolute paths, folders expanded) and the
    format to convert them to."""

    command: Literal["doc convert"] = "doc convert"
    paths: list[str]
    target_format: str


AnyBatch = DocumentBatch | ImageBatch | ConvertBatch
BatchSpec = Annotated[AnyBatch, Field(discriminator="command")]


def parse_spec(data: dict[str, Any]) -> AnyBatch:
    """A recorded batch's spec as its model."""
    spec: AnyBatch = TypeAdapter(BatchSpec).validate_python(data)
    return spec
