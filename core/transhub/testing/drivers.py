"""How the contract kit exercises each capability: the sample request (through the
CLI and through the Python API), the requests the provider must refuse, and — for
capabilities that run remote tasks — submit, status and download one at a time.

A driver reads everything from the implementation's declarations and the contract's
:class:`~transhub.testing.contract.Samples`; it holds no rule itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transhub.capabilities.base import TaskState, TaskStatus
from transhub.capabilities.kinds import Capability
from transhub.testing import inputs, make_image

if TYPE_CHECKING:
    from transhub.api import Hub
    from transhub.testing.contract import Samples

#: A request made through the Python API.
Call = Callable[["Hub"], object]


@dataclass
class Task:
    """One remote task started by :meth:`TaskDriver.submit`."""

    task_id: str
    context: dict[str, Any] = field(default_factory=dict)


class Driver:
    """The sample request of one capability, and what the provider must refuse."""

    #: Whether the sample leaves result files in the output folder.
    produces_files = False

    def __init__(self, cls: Any, samples: Samples, folder: Path) -> None:
        self.cls = cls
        self.samples = samples
        self.folder = folder
        self.provider: str = cls.provider.name

    @property
    def capability(self) -> Capability:
        """The capability driven."""
        result: Capability = self.cls.capability
        return result

    def argv(self, output: Path) -> list[str]:
        """``transhub`` arguments that run the sample (results into ``output``)."""
        raise NotImplementedError

    def call(self, output: Path) -> Call:
        """The sample through the Python API."""
        raise NotImplementedError

    def refusals(self) -> dict[str, Call]:
        """Requests past a declared limit, by what is wrong with them."""
        raise NotImplementedError

    def _given(self) -> Path | str | None:
        write = self.samples.files.get(self.capability.value)
        if write is None:
            return None
        folder = self.folder / "given"
        folder.mkdir(parents=True, exist_ok=True)
        return write(folder)

    def _direction(self) -> tuple[str | None, str]:
        return inputs.direction(self.cls.languages, self.samples.source, self.samples.target)

    def _language_options(self) -> list[str]:
        source, target = self._direction()
        return ["--to", target] + (["--from", source] if source else [])

    def _wrong_target(self, call: Callable[[Hub, str], object]) -> dict[str, Call]:
        wrong = inputs.unsupported_target(self.cls.languages)
        if wrong is None:
            return {}
        return {f"a target language it does not offer ({wrong})": lambda hub: call(hub, wrong)}


class TaskDriver(Driver):
    """A capability that runs remote tasks: documents, conversions, images.

    The implementation is called directly, and its task memory fed as the runner
    feeds it (:mod:`transhub.capabilities.tasks`): the submit, and the first time
    the task is seen done."""

    produces_files = True

    def submit(self, implementation: Any) -> Task:
        """Start the sample's remote task."""
        task = self.start(implementation)
        implementation.tasks.submitted(task.task_id, time.time())
        return task

    def status(self, implementation: Any, task: Task) -> TaskStatus:
        """The task's status, as the implementation reports it."""
        status = self.poll(implementation, task)
        if status.state is TaskState.DONE:
            implementation.tasks.finished(task.task_id, time.time())
        return status

    def start(self, implementation: Any) -> Task:
        """Call the implementation's submit for the sample."""
        raise NotImplementedError

    def poll(self, implementation: Any, task: Task) -> TaskStatus:
        """Call the implementation's status for the task."""
        raise NotImplementedError

    def download(self, implementation: Any, task: Task, status: TaskStatus, into: Path) -> None:
        """Download every result of a finished task into the folder ``into``."""
        raise NotImplementedError


class DocumentDriver(TaskDriver):
    """``doc translate``."""

    def sample(self) -> Path:
        """The document to translate."""
        given = self._given()
        return Path(given) if given else inputs.sample_file(self.folder / "in", self.cls.limits)

    def argv(self, output: Path) -> list[str]:
        path = self.sample()
        return ["doc", "translate", str(path), *self._language_options(), *self._common(output)]

    def _common(self, output: Path) -> list[str]:
        return ["--provider", self.provider, "-o", str(output), "--jsonl"]

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
            "--provider",
            self.provider,
            "-o",
            str(output),
            "--jsonl",
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
            "--provider",
            self.provider,
            "-o",
            str(output),
            "--jsonl",
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


class OcrDriver(Driver):
    """``ocr``."""

    def sample(self) -> Path:
        """The image to read."""
        given = self._given()
        return Path(given) if given else inputs.sample_file(self.folder / "in", self.cls.limits)

    def argv(self, output: Path) -> list[str]:
        return ["ocr", str(self.sample()), "--provider", self.provider, "--jsonl"]

    def call(self, output: Path) -> Call:
        path = self.sample()
        return lambda hub: hub.recognize_text(path, provider=self.provider)

    def refusals(self) -> dict[str, Call]:
        def recognize(path: Path) -> Call:
            return lambda hub: hub.recognize_text(path, provider=self.provider)

        refused = inputs.refused_files(self.folder / "refused", self.cls.limits)
        return {what: recognize(path) for what, path in refused.items()}


class DictionaryDriver(Driver):
    """``dict``."""

    def argv(self, output: Path) -> list[str]:
        return ["dict", self.samples.word, "--provider", self.provider, "--jsonl"]

    def call(self, output: Path) -> Call:
        return lambda hub: hub.lookup_word(self.samples.word, provider=self.provider)

    def refusals(self) -> dict[str, Call]:
        def look_up(word: str) -> Call:
            return lambda hub: hub.lookup_word(word, provider=self.provider)

        longest, shortest = self.cls.max_length, self.cls.min_length
        calls = {f"a word of {longest + 1} characters": look_up("a" * (longest + 1))}
        if shortest > 1:
            calls[f"a word of {shortest - 1} characters"] = look_up("a" * (shortest - 1))
        return calls


class TextDriver(Driver):
    """``text``."""

    def argv(self, output: Path) -> list[str]:
        options = self._language_options()
        return ["text", self.samples.text, *options, "--provider", self.provider, "--jsonl"]

    def call(self, output: Path) -> Call:
        source, target = self._direction()
        return lambda hub: hub.translate_text(
            self.samples.text, target, source=source, provider=self.provider
        )

    def refusals(self) -> dict[str, Call]:
        source, target = self._direction()

        def translate(text: str, to: str = target) -> Call:
            return lambda hub: hub.translate_text(text, to, source=source, provider=self.provider)

        longest = self.cls.max_chars
        calls = {
            "an empty text": translate("   "),
            f"a text of {longest + 1} characters": translate("a" * (longest + 1)),
        }
        return calls | self._wrong_target(lambda hub, to: translate(self.samples.text, to)(hub))


class AccountDriver(Driver):
    """``account``."""

    def argv(self, output: Path) -> list[str]:
        kind = ["--resource", self.samples.account_kind] if self.samples.account_kind else []
        return ["account", *kind, "--provider", self.provider, "--jsonl"]

    def call(self, output: Path) -> Call:
        kind = self.samples.account_kind
        return lambda hub: hub.account_balance(kind, provider=self.provider)

    def refusals(self) -> dict[str, Call]:
        return {
            "a balance kind it does not declare": lambda hub: hub.account_balance(
                "transhub-contract-unknown", provider=self.provider
            )
        }


class GlossaryDriver(Driver):
    """``glossary create``: a small CSV of term pairs."""

    def sample(self, name: str = "terms.csv", text: str = "hello,world\nbook,page\n") -> Path:
        """A glossary file in the driver's folder."""
        folder = self.folder / "glossary"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    def argv(self, output: Path) -> list[str]:
        source, target = self._direction()
        assert source is not None  # glossaries declare pairs: the source is named
        path = str(self.sample())
        return ["glossary", "create", path, "--from", source, "--to", target,
                "--provider", self.provider, "--jsonl"]  # fmt: skip

    def call(self, output: Path) -> Call:
        from transhub.glossaries import create_glossary

        path = self.sample()
        source, target = self._direction()
        assert source is not None
        return lambda hub: create_glossary(hub, self.provider, path, source, target)

    def refusals(self) -> dict[str, Call]:
        from transhub.glossaries import create_glossary

        source, target = self._direction()
        assert source is not None
        longest = self.cls.max_term_bytes

        def create(path: Path, src: str = source, dst: str = target) -> Call:
            return lambda hub: create_glossary(hub, self.provider, path, src, dst)

        calls = {
            "a line of three terms": create(self.sample("three.csv", "a,b,c\n")),
            "an empty target term": create(self.sample("empty.csv", "a,\n")),
            "a repeated source term": create(self.sample("twice.csv", "a,b\na,c\n")),
            f"a term of {longest + 1} bytes": create(
                self.sample("long.csv", "a" * (longest + 1) + ",b\n")
            ),
        }
        pairs = self.cls.languages.pairs or frozenset()
        wrong = inputs.unsupported_target(self.cls.languages)
        if wrong is not None and (source, wrong) not in pairs:
            calls[f"a pair it does not offer ({source} → {wrong})"] = create(
                self.sample(), source, wrong
            )
        return calls


DRIVERS: dict[Capability, type[Driver]] = {
    Capability.DOCUMENT: DocumentDriver,
    Capability.CONVERT: ConvertDriver,
    Capability.IMAGE: ImageDriver,
    Capability.OCR: OcrDriver,
    Capability.DICTIONARY: DictionaryDriver,
    Capability.TEXT: TextDriver,
    Capability.ACCOUNT: AccountDriver,
    Capability.GLOSSARY: GlossaryDriver,
}

#: Capabilities that run remote tasks (submit, status, download).
TASKS = frozenset(c for c, d in DRIVERS.items() if issubclass(d, TaskDriver))
