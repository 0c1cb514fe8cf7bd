"""The contract kit's drivers of the capabilities that answer at once (OCR,
dictionary, text, account, glossaries), and the table of every capability's driver
(see :mod:`transhub.testing.driver_base`)."""

from __future__ import annotations

from pathlib import Path

from transhub.capabilities.kinds import Capability
from transhub.testing import inputs
from transhub.testing.driver_base import Call, Driver, TaskDriver
from transhub.testing.task_drivers import ConvertDriver, DocumentDriver, ImageDriver


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
