"""Security against the real provider emulators (issue 7, "Security").

* Every CLI command — found by walking the click tree, so a command added later is
  run too — with ``--debug -vv`` against both emulators, which know the secrets: the
  Fanyigou private key, the Alibaba AccessKey secret and an STS token.  Neither secret
  (nor the wrong ones given with ``-c``) appears in stdout, stderr, or any file under
  ``TRANSHUB_HOME`` (the journal included) or the working and output folders.
* A server that echoes the STS token in an error never gets it printed.
* The config file is created 0600 even when a secret is typed at the prompt, and a
  real process warns on stderr when the file is readable by others.
* The ``fanyigou callback-server`` command refuses unsigned, wrongly signed, replayed
  and oversized callbacks and writes nothing outside its data folder.
* Result names a provider hands out (URLs, ``Content-Disposition``) cannot place a
  file outside the output folder, and no existing file is replaced unless asked.
* HTTPS certificate verification is never turned off: a self-signed endpoint is a
  readable TLS error whatever the flags, and trusting its CA explicitly works.
* Hypothesis fuzzes what the plugins' own fuzz tests do not reach: the core's JSON
  answer reader and ``Retry-After`` parser, and the functions that turn untrusted
  text into file names.
"""

from __future__ import annotations

import json
import os
import ssl
import stat
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from transhub.emulation import EmulatorServer, Fault
from transhub.errors import EXIT_CODES, ResponseFormatError
from transhub.testing import CliResult, invoke, make_image, make_pdf, processes

from transhub_alibaba.emulator import EmulatorOptions as AlibabaOptions
from transhub_alibaba.emulator import create_emulator
from transhub_alibaba.sandbox import TEST_ACCESS_KEY_ID
from transhub_alibaba.sandbox import environment as alibaba_environment
from transhub_fanyigou import signing
from transhub_fanyigou.emulator import EmulatorOptions as FanyigouOptions
from transhub_fanyigou.emulator import FanyigouEmulator, outputs
from transhub_fanyigou.sandbox import environment as fanyigou_environment

FANYIGOU_KEY = "fyg-private-6c1f0e93b7d2"
ALIBABA_SECRET = "ali-secret-9e4d27c1a8f3"
STS_TOKEN = "sts-token-CAIS4b8e02f6d1"
WRONG_KEY = "fyg-wrong-1d9a7c3e5b20"
WRONG_SECRET = "ali-wrong-8f2b6d4a0c17"
SECRETS = (FANYIGOU_KEY, ALIBABA_SECRET, STS_TOKEN, WRONG_KEY, WRONG_SECRET)
URLS = ["https://img.example.com/shop/a.jpg", "https://img.example.com/shop/b.jpg"]


def leaked(text: str | bytes) -> list[str]:
    """The secrets found in ``text``."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    return [s for s in SECRETS if s.encode() in data]


def files_holding_secrets(*folders: Path) -> dict[str, list[str]]:
    """Every file under ``folders`` (read as bytes) that holds a secret."""
    found: dict[str, list[str]] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                secrets = leaked(path.read_bytes())
                if secrets:
                    found[str(path)] = secrets
    return found


@dataclass
class Services:
    fanyigou: FanyigouEmulator
    alibaba: Any
    urls: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """Both emulators on loopback, knowing this module's secrets; both plugins
    configured with them (and Alibaba with an STS token) through the environment."""
    fanyigou = FanyigouEmulator(FanyigouOptions(task_seconds=0.05, private_key=FANYIGOU_KEY))
    alibaba = create_emulator(
        AlibabaOptions(task_seconds=0.0, credentials={TEST_ACCESS_KEY_ID: ALIBABA_SECRET})
    )
    with EmulatorServer(fanyigou) as f_server, EmulatorServer(alibaba) as a_server:
        settings = {**fanyigou_environment(f_server.url), **alibaba_environment(a_server.url)}
        settings.update(
            {
                "TRANSHUB_FANYIGOU_PRIVATE_KEY": FANYIGOU_KEY,
                "TRANSHUB_FANYIGOU_WAIT_INTERVAL": "0.02",
                "TRANSHUB_ALIBABA_ACCESS_KEY_SECRET": ALIBABA_SECRET,
                "TRANSHUB_ALIBABA_SECURITY_TOKEN": STS_TOKEN,
            }
        )
        for key, value in settings.items():
            monkeypatch.setenv(key, value)
        yield Services(fanyigou, alibaba, {"fanyigou": f_server.url, "alibaba": a_server.url})
    fanyigou.close()


# -- every command, with --debug -vv ------------------------------------------------------


def leaf_commands() -> dict[tuple[str, ...], click.Command]:
    """Every runnable command of the CLI, core and plugins, by its path."""
    from transhub.cli.root import cli
    from transhub.cli.runtime import Runtime

    found: dict[tuple[str, ...], click.Command] = {}

    def walk(command: click.Command, ctx: click.Context, path: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, click.Context(sub, parent=ctx, info_name=name), (*path, name))
        else:
            found[path] = command

    walk(cli, click.Context(cli, info_name="transhub", obj=Runtime()), ())
    return found


def synthesized(command: click.Command, sample: Path) -> list[str]:
    """Arguments for a command this test does not know yet: its required parameters,
    filled with plausible values (a sample file for paths, a language for --to)."""
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        if isinstance(param.type, click.Choice):
            value = str(param.type.choices[0])
        elif isinstance(param.type, click.Path):
            value = str(sample)
        elif isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
            value = "1"
        elif "--to" in getattr(param, "opts", ()):
            value = "zh"
        else:
            value = "hello"
        if isinstance(param, click.Option):
            args.append(param.opts[0])
        args.append(value)
    return args


class Session:
    """Runs commands with ``--debug -vv`` and checks each one's output for secrets."""

    def __init__(self) -> None:
        self.ran: set[tuple[str, ...]] = set()

    def __call__(
        self,
        path: tuple[str, ...],
        *args: str,
        code: int | None = 0,
        input: str | None = None,
        options: tuple[str, ...] = (),
    ) -> CliResult:
        result = invoke(["--debug", "-vv", *options, *path, *args], input=input)
        self.check(path, result.stdout + result.stderr)
        if code is not None:
            assert result.exit_code == code, (path, args, result.stderr[-3000:])
        self.ran.add(path)
        return result

    def check(self, path: tuple[str, ...], output: str) -> None:
        assert not leaked(output), f"{' '.join(path)} printed a secret: {leaked(output)}"

    def process(
        self, path: tuple[str, ...], *args: str, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """A command in its own process (it runs other programs, e.g. pip)."""
        env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        completed = processes.run("--debug", "-vv", *path, *args, env=env, timeout=timeout)
        self.check(path, completed.stdout + completed.stderr)
        self.ran.add(path)
        return completed


def _callback_server(session: Session, data: Path) -> None:
    """``fanyigou callback-server`` in its own process: a signed callback is taken,
    everything else refused, nothing written outside ``data``."""
    path = ("fanyigou", "callback-server")
    options = ("--port", "0", "--data-dir", str(data))
    process = processes.spawn("--debug", "-vv", *path, *options)
    try:
        (line,) = processes.read_lines(process, bool, "the callback server's address", timeout=30)
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.split()[2]
        fields = {"tid": 77, "status": 314, "percent": "100.00", "pageCount": 1, "type": 1}
        good = {**fields, "token": signing.token(fields, FANYIGOU_KEY)}

        def post(body: Any) -> requests.Response:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            return requests.post(
                url, data=data, headers={"Content-Type": "application/json"}, timeout=10
            )

        assert (post(good).status_code, post(good).status_code) == (200, 403)  # replay refused
        assert post(fields).status_code == 403  # unsigned
        assert post({**fields, "token": signing.token(fields, WRONG_KEY)}).status_code == 403
        assert post(b"{" + b" " * (64 * 1024) + b"}").status_code == 413
        escape = {**fields, "tid": "../../escaped"}
        assert post({**escape, "token": signing.token(escape, FANYIGOU_KEY)}).status_code == 400
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    session.check(path, out + err)
    session.ran.add(path)
    assert sorted(p.name for p in data.iterdir()) == ["77.json", "accepted-tokens.txt"]
    assert json.loads((data / "77.json").read_text())["fields"]["status"] == 314


def test_no_command_ever_shows_a_secret(
    services: Services, echo: Any, tmp_path: Path, isolated: Path
) -> None:
    run = Session()
    folder = tmp_path / "in"
    folder.mkdir()
    note = folder / "note.txt"
    note.write_text("hello\nworld\n")
    pdf = make_pdf(folder / "report.pdf", pages=2)
    png = make_image(folder / "sign.png", 64, 32)
    out = tmp_path / "out"

    run(("providers",))
    run(("providers",), "--doctor", "--online", code=None)
    run(("languages",), "--provider", "alibaba")
    run(("config", "path"))
    run(("config", "show"))
    run(("config", "show"), "--json")
    run(("config", "set"), "fanyigou.private_key", input=WRONG_KEY + "\n")  # hidden prompt
    assert stat.S_IMODE((isolated / "config.toml").stat().st_mode) == 0o600
    run(("config", "unset"), "fanyigou.private_key")
    run(("config", "set"), "fanyigou.channels", "2")
    run(("config", "unset"), "fanyigou.channels")
    run(("account",), "--provider", "fanyigou")
    run(("dict",), "access", "--provider", "fanyigou")
    run(("text",), "Guten Tag", "--from", "de", "--to", "en", "--provider", "fanyigou")
    run(("ocr",), str(png), "--provider", "fanyigou")
    run(("doc", "pages"), str(pdf), "--provider", "fanyigou")
    translated = run(
        ("doc", "translate"), str(note), "--to", "zh", "--provider", "fanyigou", "-o", str(out)
    )
    assert Path(translated.stdout.strip()).read_bytes() == outputs.prefix_lines(
        note.read_bytes(), "zh"
    )
    run(("doc", "convert"), str(pdf), "--format", "word", "--provider", "fanyigou", "-o", str(out))
    run(("image", "translate"), str(png), "--to", "en", "--provider", "fanyigou", "-o", str(out))
    images = run(
        ("image", "translate"),
        *URLS,
        "--to",
        "en",
        "--provider",
        "alibaba",
        "--editor-data",
        "-o",
        str(out),
        "--json",
    )
    job = json.loads(images.stdout)[0]["job_id"]
    assert services.alibaba.emulator.task_count() == 1  # the STS token was signed and taken
    run(("jobs", "list"))
    run(("jobs", "list"), "--json")
    run(("jobs", "show"), job)
    run(("jobs", "show"), job, "--json")
    run(("jobs", "download"), job, "-o", str(tmp_path / "again"))

    # Error paths: wrong secrets given on the command line, a refused signature, a
    # submit whose fate is unknown, a resume that will not guess.
    run(("account",), "-c", f"fanyigou.private_key={WRONG_KEY}", code=EXIT_CODES["usage"])
    wrong_key = ("-c", f"fanyigou.private_key={WRONG_KEY}")
    run(
        ("account",), "--provider", "fanyigou", options=wrong_key, code=EXIT_CODES["authentication"]
    )
    wrong_secret = ("-c", f"alibaba.access_key_secret={WRONG_SECRET}")
    third = ("https://img.example.com/shop/c.jpg", "--to", "en", "--provider", "alibaba")
    run(("image", "translate"), *third, options=wrong_secret, code=EXIT_CODES["authentication"])
    services.fanyigou.faults.queue(Fault.DROP_AFTER, action="uploadTranslate")
    paid = (str(pdf), "--to", "en", "--provider", "fanyigou", "-o", str(out))
    run(("doc", "translate"), *paid, code=EXIT_CODES["transient"])
    run(("jobs", "resume"), code=EXIT_CODES["failure"])
    run(("jobs", "resume"), "--resubmit")

    run(("echo", "ping"))
    run(("sandbox", "sample"))
    run(("sandbox", "serve"), "--for", "0.2")
    _callback_server(run, tmp_path / "callbacks")
    install = run.process(("install",), "./no-such-plugin-folder")
    assert install.returncode != 0 and "no-such-plugin-folder" in install.stderr
    run.process(("uninstall",), "-y", "./no-such-plugin-folder")

    run(("jobs", "forget"), job)
    run(("jobs", "prune"), "--older-than", "0", "--yes")

    # Any command this list does not know yet (a new core or plugin command) runs too.
    commands = leaf_commands()
    assert synthesized(commands[("doc", "translate")], note) == [str(note), "--to", "zh"]
    for path, command in sorted(commands.items()):
        if path not in run.ran:
            run(path, *synthesized(command, note), code=None)
    assert set(commands) <= run.ran

    # Nothing on disk holds a secret: the journal, the outputs, the callback records.
    assert not files_holding_secrets(isolated, tmp_path)
    assert (isolated / "data" / "jobs.db").is_file()


def test_an_echoed_sts_token_is_never_printed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A gateway that repeats the token it was sent in its error message."""
    seen: list[str] = []

    def gateway(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        token = environ.get("HTTP_X_ACS_SECURITY_TOKEN", "")
        seen.append(token)
        body = json.dumps(
            {
                "RequestId": "1",
                "Code": "InvalidSecurityToken.Malformed",
                "Message": f"The security token you provided is malformed: {token}",
            }
        ).encode()
        start_response("400 Bad Request", [("Content-Type", "application/json")])
        return [body]

    with EmulatorServer(gateway) as server:
        for key, value in alibaba_environment(server.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("TRANSHUB_ALIBABA_SECURITY_TOKEN", STS_TOKEN)
        result = invoke(["--debug", "-vv", "image", "translate", URLS[0], "--to", "en", "--json"])
    assert seen and seen[0] == STS_TOKEN  # the token was sent, and echoed back
    assert result.exit_code == EXIT_CODES["authentication"], result.stderr
    assert "malformed" in result.stderr
    assert not leaked(result.stdout + result.stderr)
    assert not files_holding_secrets(tmp_path)


# -- the config file ----------------------------------------------------------------------


def test_config_file_is_private_and_a_shared_one_warns_in_a_real_process(
    services: Services, isolated: Path
) -> None:
    typed = invoke(["config", "set", "fanyigou.private_key"], input=WRONG_KEY + "\n")
    assert typed.exit_code == 0, typed.stderr
    assert not leaked(typed.stdout + typed.stderr)
    path = isolated / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert WRONG_KEY in path.read_text()

    path.chmod(0o644)
    shown = processes.run("config", "show")  # a real process: does the user see the warning?
    assert shown.returncode == 0, shown.stderr
    # One line in the CLI's own form, not Python's (file, line number, source line).
    warning = f"transhub: warning: {path} is readable by other users and may hold secrets"
    said = [line for line in shown.stderr.splitlines() if "readable by other users" in line]
    assert said == [f"{warning}; run: chmod 600 {path}"], shown.stderr
    assert "UserWarning" not in shown.stderr and ".py:" not in shown.stderr
    assert not leaked(shown.stdout + shown.stderr)
    debugged = processes.run("--debug", "config", "show")  # where it was raised
    assert f"UserWarning: {path} is readable by other users" in debugged.stderr
    assert not leaked(debugged.stdout + debugged.stderr)
    # Writing the file again makes it private again.
    with pytest.warns(UserWarning, match="readable by other users"):
        assert invoke(["config", "set", "fanyigou.channels", "2"]).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- names from the provider, and overwriting -----------------------------------------------


class HostileResults:
    """In front of the Alibaba emulator: every result URL in a poll's answer is
    replaced by one whose name tries to leave the output folder; the file behind it
    is still the emulator's result."""

    NAMES = (
        "..%2F..%2F..%2Fescaped.png",
        "%2Fetc%2Fcron.d%2Fevil",
        "evil%00.png",
        "CON",
        "a%5C..%5C..%5Cwindows.png",
        "%2E%2E",
    )

    def __init__(self, app: Any) -> None:
        self.app = app
        self.routes: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        parts = environ.get("PATH_INFO", "").split("/")
        if len(parts) > 2 and parts[1] == "hostile":
            environ["PATH_INFO"] = self.routes[int(parts[2])]
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured.update(status=status, headers=headers)

        body = b"".join(self.app(environ, capture))
        try:
            payload = json.loads(body)
            results = payload["Data"]["Result"]
        except (ValueError, KeyError, TypeError):
            results = []
        for entry in results:
            for key in ("FinalImageUrl", "InPaintingUrl"):
                if key in entry:
                    original = urlsplit(entry[key])
                    name = self.NAMES[len(self.routes) % len(self.NAMES)]
                    self.routes.append(original.path)
                    host = f"{original.scheme}://{original.netloc}"
                    entry[key] = f"{host}/hostile/{len(self.routes) - 1}/{name}"
        if results:
            body = json.dumps(payload).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(body)))])
        return [body]


def snapshot(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_result_names_from_alibaba_stay_in_the_output_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = create_emulator(AlibabaOptions(task_seconds=0.0))
    hostile = HostileResults(app)
    sources = [
        "https://img.example.com/..%2F..%2Fescaped.jpg",
        "https://img.example.com/a%5C..%5C..%5Cwindows.jpg",
        "https://img.example.com/nul%00byte.jpg",
        "https://img.example.com/CON.jpg",
        "https://img.example.com/lpt1",
        "https://img.example.com/.hidden.jpg",
        "https://img.example.com/",
    ]
    before = snapshot(tmp_path)
    with EmulatorServer(hostile) as server:
        for key, value in alibaba_environment(server.url).items():
            monkeypatch.setenv(key, value)
        result = invoke(
            ["image", "translate", *sources, "--to", "en", "--editor-data", "-o", "out", "--json"]
        )
    assert result.exit_code == 0, result.stderr
    assert len(hostile.routes) == 2 * len(sources)  # every result URL was a hostile one
    out = (tmp_path / "out").resolve()
    written = snapshot(tmp_path) - before
    journal_files = {p for p in written if p.is_relative_to(tmp_path / "home")}
    saved = written - journal_files
    assert saved and all(p.resolve().parent == out for p in saved), sorted(saved)
    records = json.loads(result.stdout)
    named = {Path(path).resolve() for r in records for path in r["outputs"].values()}
    assert named == {p.resolve() for p in saved}
    reserved = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
    reserved |= {f"lpt{i}" for i in range(1, 10)}
    for path in saved:
        assert not path.name.startswith(".") and "\\" not in path.name, path.name
        assert "\x00" not in path.name and path.name.split(".")[0].lower() not in reserved
    for record in records:  # each image still got its own result bytes
        image = Path(record["outputs"]["image"])
        task = app.emulator.tasks[record["task_id"]]
        assert image.read_bytes() == app.emulator.result_bytes(
            task.task_id, task.urls.index(record["input"])
        )


class HostileDisposition:
    """In front of the Fanyigou emulator: every file it sends is named, in its
    ``Content-Disposition``, so as to leave the output folder."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        def rename(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if any(k.lower() == "content-disposition" for k, _ in headers):
                headers = [(k, v) for k, v in headers if k.lower() != "content-disposition"]
                headers.append(
                    (
                        "Content-Disposition",
                        'attachment; filename="../../escaped.txt"; '
                        "filename*=UTF-8''..%2F..%2F%2Ftmp%2Fescaped%00.txt",
                    )
                )
            return start_response(status, headers, exc_info)

        return self.app(environ, rename)


def test_result_names_from_fanyigou_stay_in_the_output_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = FanyigouEmulator(FanyigouOptions(task_seconds=0.05))
    note = tmp_path / "note.txt"
    note.write_text("hello\n")
    png = make_image(tmp_path / "sign.png", 64, 32)
    before = snapshot(tmp_path)
    with EmulatorServer(HostileDisposition(app)) as server:
        for key, value in fanyigou_environment(server.url).items():
            monkeypatch.setenv(key, value)
        for argv in (
            ["doc", "translate", str(note), "--to", "zh", "-o", "out/docs"],
            ["image", "translate", str(png), "--to", "en", "-o", "out/images"],
        ):
            result = invoke([*argv, "--provider", "fanyigou"])
            assert result.exit_code == 0, result.stderr
    app.close()
    written = {p for p in snapshot(tmp_path) - before if not p.is_relative_to(tmp_path / "home")}
    assert written == {
        tmp_path / "out" / "docs" / "note.zh.txt",
        tmp_path / "out" / "images" / "sign.en.png",
    }
    assert (tmp_path / "out" / "docs" / "note.zh.txt").read_bytes() == b"[zh] hello\n"


def test_an_existing_image_result_is_replaced_only_when_asked(
    services: Services, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "a.en.png"
    mine.write_bytes(b"my own file")
    argv = ["image", "translate", URLS[0], "--to", "en", "--provider", "alibaba", "-o", str(out)]
    refused = invoke(argv)
    assert refused.exit_code == EXIT_CODES["input"]
    assert refused.stderr.strip() == (
        f"transhub: error: {mine}: already exists (use --overwrite to replace it)"
    )
    assert len(services.alibaba.log) == 0 and mine.read_bytes() == b"my own file"
    replaced = invoke([*argv, "--overwrite"])
    assert replaced.exit_code == 0, replaced.stderr
    assert mine.read_bytes().startswith(b"\x89PNG")


def test_two_documents_with_one_output_name_never_overwrite_each_other(
    services: Services, tmp_path: Path
) -> None:
    for folder, text in (("a", "alpha\n"), ("b", "beta\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.txt").write_text(text)
    argv = ["doc", "translate", "a/r.txt", "b/r.txt", "--to", "zh", "--provider", "fanyigou"]
    result = invoke([*argv, "-o", "out", "-j", "1"])
    out = tmp_path / "out"
    saved = sorted(p.read_text() for p in out.iterdir()) if out.exists() else []
    refused_before_paying = (
        result.exit_code == EXIT_CODES["input"] and len(services.fanyigou.log) == 0
    )
    assert refused_before_paying or saved == ["[zh] alpha\n", "[zh] beta\n"], (result, saved)


def test_a_file_created_at_the_output_path_meanwhile_is_not_replaced(
    services: Services, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("hello\n")
    destination = tmp_path / "out" / "note.zh.txt"
    held = services.fanyigou.faults.hold("downloadFile", timeout=30)

    def meanwhile() -> None:
        if held.arrived.wait(30):
            destination.parent.mkdir(exist_ok=True)
            destination.write_text("written by someone else meanwhile")
        held.release()

    worker = threading.Thread(target=meanwhile)
    worker.start()
    try:
        invoke(["doc", "translate", str(note), "--to", "zh", "--provider", "fanyigou", "-o", "out"])
    finally:
        worker.join(30)
    assert destination.read_text() == "written by someone else meanwhile"


# -- TLS ------------------------------------------------------------------------------------


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ssl.SSLContext, Path]:
    """A server context whose certificate a throw-away CA signed (a CA nobody trusts),
    and that CA's bundle.  One attempt per request: a certificate does not get better
    by asking again."""
    import trustme  # the test extra installs it

    monkeypatch.setenv("TRANSHUB_RETRIES", "0")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return context, bundle


#: What a user might try to turn verification off with; none may do it silently.
TURN_OFF_ATTEMPTS = [
    ([], {}),
    (["--insecure"], {}),
    (["-c", "verify=false", "-c", "fanyigou.verify=false", "-c", "alibaba.verify=false"], {}),
    ([], {"TRANSHUB_VERIFY": "false", "TRANSHUB_FANYIGOU_VERIFY": "0", "CURL_CA_BUNDLE": ""}),
    ([], {"REQUESTS_CA_BUNDLE": "", "TRANSHUB_ALIBABA_VERIFY": "false"}),
]


def _no_such_setting(flags: list[str], app: Any) -> bool:
    """``-c verify=false``: there is no such setting, so the run is refused as a usage
    error before anything is sent."""
    if "-c" not in flags:
        return False
    result = invoke([*flags, "providers"])
    assert result.exit_code == EXIT_CODES["usage"], result.stderr
    assert "unknown setting 'verify'" in result.stderr
    assert len(app.log) == 0
    return True


@pytest.mark.parametrize(
    ("flags", "variables"), TURN_OFF_ATTEMPTS, ids=["plain", "insecure", "-c", "env", "env2"]
)
def test_fanyigou_never_skips_certificate_verification(
    tls: tuple[ssl.SSLContext, Path],
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    variables: dict[str, str],
) -> None:
    context, bundle = tls
    app = FanyigouEmulator(FanyigouOptions(task_seconds=0.05))
    with EmulatorServer(app, ssl_context=context) as server:
        for key, value in {**fanyigou_environment(server.url), **variables}.items():
            monkeypatch.setenv(key, value)
        if _no_such_setting(flags, app):
            return
        refused = invoke([*flags, "account", "--provider", "fanyigou"])
        assert refused.exit_code == EXIT_CODES["transient"], refused.stderr
        assert refused.stderr.strip() == (
            "transhub: error: fanyigou: getAccount failed: TLS certificate verification "
            "failed — check the endpoint, or the CA bundle (REQUESTS_CA_BUNDLE)"
        )
        assert len(app.log) == 0
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))  # trusting it explicitly works
        trusted = invoke([*flags, "account", "--provider", "fanyigou"])
        assert trusted.exit_code == 0, trusted.stderr
        assert app.log.count("getAccount") == 4  # one per balance kind
    app.close()


@pytest.mark.parametrize(
    ("flags", "variables"), TURN_OFF_ATTEMPTS, ids=["plain", "insecure", "-c", "env", "env2"]
)
def test_alibaba_never_skips_certificate_verification(
    tls: tuple[ssl.SSLContext, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    flags: list[str],
    variables: dict[str, str],
) -> None:
    context, bundle = tls
    app = create_emulator(AlibabaOptions(task_seconds=0.0))
    with EmulatorServer(app, ssl_context=context) as server:
        for key, value in {**alibaba_environment(server.url), **variables}.items():
            monkeypatch.setenv(key, value)
        argv = [*flags, "image", "translate", URLS[0], "--to", "en", "--provider", "alibaba"]
        if _no_such_setting(flags, app):
            return
        refused = invoke([*argv, "-o", "refused"])
        # One image: the exit code of its own class of failure, as for one document.
        assert refused.exit_code == EXIT_CODES["transient"], refused.stderr
        (row,) = [line for line in refused.lines if line.startswith("https://")]
        assert "failed" in row and "TLS certificate verification failed" in row, row
        assert len(app.log) == 0 and not (tmp_path / "refused").exists()
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        trusted = invoke([*argv, "-o", "trusted"])
        assert trusted.exit_code == 0, trusted.stderr
        assert (tmp_path / "trusted" / "a.en.png").read_bytes().startswith(b"\x89PNG")


# -- fuzzing what the plugins' fuzz tests do not reach ---------------------------------------

FUZZ = settings(max_examples=200, deadline=None)


class _Answer:
    """Just what :func:`transhub.http.parse_json` reads of a response."""

    def __init__(self, body: bytes, content_type: str, status: int) -> None:
        self.headers = {"Content-Type": content_type}
        self.status_code = status
        self.text = body.decode("utf-8", "replace")


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
            max_leaves=10,
        ).map(lambda v: json.dumps(v).encode()),
    ),
    content_type=st.sampled_from(["application/json", "text/html", "", "text/plain; x=\n"]),
    status=st.integers(100, 599),
)
def test_reading_any_answer_gives_json_or_one_readable_line(
    body: bytes, content_type: str, status: int
) -> None:
    from transhub.http import parse_json

    try:
        parse_json(_Answer(body, content_type, status), "fuzz", "call")  # type: ignore[arg-type]
    except ResponseFormatError as exc:
        message = str(exc)
        assert message.startswith("fuzz: call answered ") and f"(HTTP {status})" in message
        assert "\n" not in message and "\r" not in message and len(message) < 200


@FUZZ
@given(
    st.text(max_size=40)
    | st.sampled_from(["3", "-1", "1e400", "-inf", "nan", "Wed, 21 Oct 2015 07:28:00 GMT"])
    | st.datetimes().map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT"))
)
def test_any_retry_after_gives_a_bounded_delay(value: str) -> None:
    from transhub.http import HttpOptions, parse_retry_after

    assert 0 <= HttpOptions(max_backoff=30).delay(0, parse_retry_after(value)) <= 30


def test_a_nan_retry_after_is_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("429 Too Many Requests", [("Retry-After", "nan")])
        return [b"slow down"]

    monkeypatch.setenv("TRANSHUB_RETRIES", "1")
    with EmulatorServer(busy) as server:
        for key, value in fanyigou_environment(server.url).items():
            monkeypatch.setenv(key, value)
        result = invoke(["account", "--provider", "fanyigou"])
    assert "internal error" not in result.stderr, result.stderr
    assert result.exit_code in (EXIT_CODES["rate-limit"], EXIT_CODES["provider"])


RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}
RESERVED |= {f"lpt{i}" for i in range(1, 10)}


def _assert_safe_name(name: str, folder: Path) -> None:
    assert name and name not in (".", "..") and not name.startswith(".")
    assert not any(c in name for c in "/\\\x00") and all(ord(c) >= 32 for c in name), name
    assert name.split(".", 1)[0].lower() not in RESERVED, name
    assert len(name.encode("utf-8")) <= 200
    assert (folder / name).resolve().parent == folder.resolve()


@FUZZ
@given(st.text(max_size=300))
def test_any_untrusted_text_becomes_a_name_inside_the_folder(text: str) -> None:
    from transhub.files import safe_filename

    _assert_safe_name(safe_filename(text, fallback="image"), Path("/srv/out"))


@FUZZ
@given(
    stem=st.text(max_size=40),
    artifact=st.sampled_from(["image", "inpainting", "template"]) | st.text(max_size=12),
    reference=st.text(max_size=80) | st.builds(lambda p: f"https://cdn.example/{p}", st.text()),
)
def test_a_result_reference_never_moves_an_output_out_of_its_folder(
    stem: str, artifact: str, reference: str
) -> None:
    from transhub.api import output_name
    from transhub.files import safe_filename

    folder = Path("/srv/out")
    path = output_name(folder, Path(safe_filename(stem, fallback="image")).stem or "image",
                       "en", artifact, reference)  # fmt: skip
    assert path.parent == folder
    _assert_safe_name(path.name, folder)


@FUZZ
@given(st.text(max_size=60) | st.binary(max_size=60).map(lambda b: b.decode("latin-1")))
def test_fanyigou_detected_language_header_gives_text_or_nothing(value: str) -> None:
    from transhub_fanyigou.client import _header_text

    read = _header_text(value)
    assert read is None or (isinstance(read, str) and read == read.strip() and read)


def test_an_image_whose_name_is_not_utf8_gets_a_safe_output_name(
    services: Services, tmp_path: Path
) -> None:
    raw = os.fsdecode(b"\xe9tiquette.png")  # Latin-1 bytes, as a file from an old archive
    image = make_image(tmp_path / raw, 64, 32)
    argv = ["image", "translate", str(image), "--to", "en", "--provider", "fanyigou"]
    result = invoke([*argv, "-o", "out"])
    assert result.exit_code == 0, result.stderr
    (saved,) = (tmp_path / "out").iterdir()
    _assert_safe_name(saved.name, tmp_path / "out")
