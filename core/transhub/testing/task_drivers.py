"""The contract kit's drivers of the capabilities that run remote tasks: documents,
conversions and images (see :mod:`transhub.testing.driver_base`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import TaskStatus
from transhub.testing import inputs, make_image
from transhub.testing.driver_base import Call, Task, TaskDriver

if TYPE_CHECKING:
    pass


class DocumentDriver(TaskDriver):
    """``doc translate``."""

    def sample(self) -> Path:
        """The document to translate."""
        given = self._given()
        return Path(given) if given else inputs.sample_file(self.folder / "in", self.cls.limits)

    def argv(self, output: Path) -> list[str]:
        path = self.sample()
        return ["doc", "translate", str(path), *self._language_options(), *self._common(output)]

    def call(self, output: Path) -> Call:
        path = self.sample()
        source, target = self._direction()
        return lambda hub: hub.translate_document(
            path, target, source=source, provider=self.provider, output_dir=output
        )

    def refusals(self) -> dict[str, Call]:
        source, target = self._direction()
        output = self.folder / "refused-out"

        def translate(path: Path, to: str = target) -> Call:
            return lambda hub: hub.translate_document(
                path, to, source=source, provider=self.provider, output_dir=output
            )

        refused = inputs.refused_files(self.folder / "refused", self.cls.limits)
        calls = {what: translate(path) for what, path in refused.items()}
        sample = self.sample()
        return calls | self._wrong_target(lambda hub, to: translate(sample, to)(hub))

    def start(self, implementation: Any) -> Task:
        from transhub.capabilities.document import DocumentRequest

        path = self.sample()
        source, target = self._direction()
        request = DocumentRequest(path=path, target=target, source=source)
        return Task(implementation.submit(request), {"suffix": path.suffix})

    def poll(self, implementation: Any, task: Task) -> TaskStatus:
        result: TaskStatus = implementation.status(task.task_id)
        return result

    def download(self, implementation: Any, task: Task, status: TaskStatus, into: Path) -> None:
        from transhub.capabilities.document import OutputKind

        into.mkdir(parents=True, exist_ok=True)
        destination = into / f"result{task.context['suffix']}"
        implementation.download(task.task_id, destination, OutputKind.SAME)


class ConvertDriver(TaskDriver):
    """``doc convert``."""

    def choice(self) -> tuple[Any, Path]:
        """The output format and the input file of the sample conversion."""
        given = self._given()
        conversions = self.cls.conversions
        if given is not None:
            path = Path(given)
            extension = path.suffix.lower().lstrip(".")
            for fmt in sorted(conversions, key=lambda f: f.value):
                if extension in conversions[fmt]:
                    return fmt, path
            raise inputs.NoSample(f"{self.provider} converts no .{extension} file")
        for extension, write in inputs.WRITERS.items():
            for fmt in sorted(conversions, key=lambda f: f.value):
                if extension in conversions[fmt] and extension in self.cls.limits.extensions:
                    folder = self.folder / "in"
                    folder.mkdir(parents=True, exist_ok=True)
                    return fmt, write(folder / f"sample.{extension}")
        raise inputs.NoSample(
            "the kit cannot write any file this converter takes; give one in "
            "Contract(samples=Samples(files={'convert': ...}))"
        )

    def argv(self, output: Path) -> list[str]:
        fmt, path = self.choice()
        return [
            "doc",
            "convert",
            str(path),
            "--format",
            fmt.value,
            *self._common(output),
        ]

    def call(self, output: Path) -> Call:
        fmt, path = self.choice()
        return lambda hub: hub.convert_document(
            path, fmt, provider=self.provider, output_dir=output
        )

    def refusals(self) -> dict[str, Call]:
        fmt, _ = self.choice()
        output = self.folder / "refused-out"

        def convert(path: Path, to: Any = fmt) -> Call:
            return lambda hub: hub.convert_document(
                path, to, provider=self.provider, output_dir=output
            )

        refused = inputs.refused_files(self.folder / "refused", self.cls.limits)
        calls = {what: convert(path) for what, path in refused.items()}
        from transhub.capabilities.document import ConvertFormat

        for extension, write in inputs.WRITERS.items():
            if extension not in self.cls.limits.extensions:
                continue
            for other in ConvertFormat:
                if extension not in self.cls.conversions.get(other, frozenset()):
                    path = write(self.folder / "refused" / f"unconvertible.{extension}")
                    calls[f"a conversion it does not offer (.{extension} to {other.value})"] = (
                        convert(path, other)
                    )
                    return calls
        return calls

    def start(self, implementation: Any) -> Task:
        fmt, path = self.choice()
        return Task(implementation.submit(path, fmt, None), {"extension": fmt.extension})

    def poll(self, implementation: Any, task: Task) -> TaskStatus:
        result: TaskStatus = implementation.status(task.task_id)
        return result

    def download(self, implementation: Any, task: Task, status: TaskStatus, into: Path) -> None:
        into.mkdir(parents=True, exist_ok=True)
        implementation.download(task.task_id, into / f"result.{task.context['extension']}")


class ImageDriver(TaskDriver):
    """``image translate``."""

    def sample(self) -> str:
        """A local image, or an image URL for URL-only providers."""
        given = self._given()
        if given is not None:
            return str(given)
        if self.cls.accepts_files:
            return str(inputs.sample_file(self.folder / "in", self.cls.limits))
        return self.samples.image_url

    def argv(self, output: Path) -> list[str]:
        return [
            "image",
            "translate",
            self.sample(),
            *self._language_options(),
            *self._common(output),
        ]

    def call(self, output: Path) -> Call:
        sample = self.sample()
        source, target = self._direction()
        return lambda hub: hub.translate_images(
            [sample], target, source=source, provider=self.provider, output_dir=output
        )

    def refusals(self) -> dict[str, Call]:
        source, target = self._direction()
        output = self.folder / "refused-out"

        def translate(item: str, to: str = target) -> Call:
            return lambda hub: hub.translate_images(
                [item], to, source=source, provider=self.provider, output_dir=output
            )

        calls: dict[str, Call] = {}
        if self.cls.accepts_files:
            refused = inputs.refused_files(self.folder / "refused", self.cls.limits)
            calls.update({what: translate(str(path)) for what, path in refused.items()})
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            local = make_image(self.folder / "local.png", 64, 48)
            calls["a local file (it takes URLs only)"] = translate(str(local))
        if self.cls.accepts_urls:
            calls["an ftp:// URL"] = translate("ftp://example.com/picture.png")
        else:
            calls["a URL (it takes local files only)"] = translate(self.samples.image_url)
        sample = self.sample()
        return calls | self._wrong_target(lambda hub, to: translate(sample, to)(hub))

    def _sources(self) -> list[Any]:
        from transhub.capabilities.image import ImageSource

        sample = self.sample()
        if "://" in sample:
            return [ImageSource(url=sample)]
        return [ImageSource(path=Path(sample))]

    def start(self, implementation: Any) -> Task:
        from transhub.capabilities.image import ImageOptions

        images = self._sources()
        source, target = self._direction()
        task_id = implementation.submit(images, target, source, ImageOptions())
        return Task(task_id, {"images": images})

    def poll(self, implementation: Any, task: Task) -> TaskStatus:
        result: TaskStatus = implementation.status(task.task_id, task.context["images"])
        return result

    def download(self, implementation: Any, task: Task, status: TaskStatus, into: Path) -> None:
        into.mkdir(parents=True, exist_ok=True)
        for number, item in enumerate(getattr(status, "items", ())):
            for artifact in item.artifacts if item.success else {}:
                destination = into / f"{number}.{artifact}.png"
                implementation.download(task.task_id, item, artifact, destination)
