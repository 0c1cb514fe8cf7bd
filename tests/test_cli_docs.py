"""The generated documentation: the CLI reference shows real defaults and "required",
whole summaries and no escaped pipes; docstrings' Sphinx roles are rendered; the JSON
schemas cover every command; the home page has the install and try-it snippet.  (nox -s
docs builds the site strictly and runs docs/hooks/check_site.py on it.)"""

from __future__ import annotations

import importlib.util
import inspect
import re
import sys
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _hook(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def reference(monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou,alibaba")
    from transhub.cli.root import cli

    return _hook("cli_reference").render(cli, "transhub")


def _rows(reference: str, command: str) -> list[list[str]]:
    section = reference.split(f"`{command}` {{ #{command.replace(' ', '-')} }}")[1]
    section = section.split("\n#")[0]
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def test_defaults_are_real_and_required_options_say_so(reference):
    assert "Sentinel" not in reference and "UNSET" not in reference
    rows = {row[0]: row for row in _rows(reference, "transhub doc translate")}
    assert rows["`--to`"][2] == "**required**"
    assert rows["`-j`, `--jobs`"][2] == "`4`"
    assert rows["`-o`, `--output-dir`"][2] == "current folder"
    assert rows["`--bilingual`"][2] == ""  # a flag that is off
    serve = {row[0]: row for row in _rows(reference, "transhub sandbox serve")}
    assert serve["`--host`"][2] == "`127.0.0.1`" and serve["`--duration`"][2] == "`2.0`"
    arguments = _rows(reference, "transhub text")
    assert ["`[TEXT]`", "optional"] in arguments


def test_every_required_option_of_every_command_is_marked(reference, monkeypatch):
    monkeypatch.setenv("TRANSHUB_PLUGINS", "fanyigou,alibaba")
    from transhub.cli.root import cli

    def walk(command, path):
        yield command, path
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), f"{path} {name}")

    checked = 0
    for command, path in walk(cli, "transhub"):
        rows = {row[0].split(",")[0]: row for row in _rows(reference, path)}
        for option in command.params:
            if isinstance(option, click.Option) and option.required:
                assert rows[f"`{option.opts[0]}`"][2] == "**required**", (path, option.opts)
                checked += 1
    assert checked >= 3


def test_subcommand_summaries_are_whole_first_paragraphs(reference):
    from transhub.cli.root import cli

    ctx = click.Context(cli)
    for name in ("account", "install", "languages"):
        help_text = inspect.cleandoc(cli.get_command(ctx, name).help)
        first = " ".join(help_text.split("\n\n")[0].split())
        assert f"| [`{name}`](#transhub-{name}) | {first} |" in reference
        assert first.endswith(".")


def test_no_table_in_the_docs_escapes_a_pipe_with_a_backslash(reference):
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("|") and page.name != "README.md":
                assert "\\|" not in line, f"{page.relative_to(ROOT)}:{number}"
    assert "\\|" not in reference


def test_every_sphinx_role_in_the_docstrings_is_rendered():
    plain = _hook("griffe_roles").plain
    assert plain("see :class:`~transhub.http.HttpOptions`") == "see `HttpOptions`"
    assert plain(":meth:`Hub.close` and :mod:`transhub.emulation`") == (
        "`Hub.close` and `transhub.emulation`"
    )
    role = re.compile(r":[a-z]+:`")
    for path in (ROOT / "core" / "transhub").rglob("*.py"):
        left = role.findall(plain(path.read_text(encoding="utf-8")))
        assert not left, f"{path.relative_to(ROOT)} has a role the docs would show raw: {left}"


def test_the_json_page_has_a_schema_for_every_command():
    from transhub.cli.schemas import COMMANDS

    page = _hook("json_schemas").render()
    for command in COMMANDS:
        assert f"### `transhub {command} --json`" in page
    assert '"exit_code"' in page


def test_new_pages_are_in_the_nav_and_the_home_page_has_the_snippet():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in ("json.md", "completion.md", "cli.md", "api.md"):
        assert page in nav
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "pip install ./ './plugins/fanyigou[sandbox]' './plugins/alibaba[sandbox]'" in home
    assert 'transhub --sandbox doc translate "$(transhub sandbox sample)" --to zh' in home


def test_help_lists_whole_summaries(cli):
    import click
    from transhub.cli.root import cli as root

    ctx = click.Context(root)
    groups = [
        [name]
        for name in root.list_commands(ctx)
        if isinstance(root.get_command(ctx, name), click.Group)
    ]
    assert {"config", "sandbox", "doc", "jobs", "image", "glossary"} <= {g[0] for g in groups}
    for argv in ([], *groups):
        result = cli(*argv, "--help")
        commands = result.stdout.split("Commands:")[1]
        assert "..." not in commands, argv
    assert "(document pages, text characters, images, conversion pages)" in " ".join(
        cli("--help").stdout.split()
    )


def test_the_module_shortcuts_have_the_hubs_signatures():
    import transhub
    from transhub.api import Hub

    for name in (
        "translate_document", "count_pages", "convert_document", "translate_images",
        "recognize_text", "lookup_word", "translate_text", "account_balance", "run_batch",
    ):  # fmt: skip
        shortcut = getattr(transhub, name)
        parameters = list(inspect.signature(shortcut).parameters.values())
        assert all(p.kind is not p.VAR_KEYWORD for p in parameters), name
        method = list(inspect.signature(getattr(Hub, name)).parameters.values())[1:]
        assert parameters == method, name
        assert (
            inspect.signature(shortcut).return_annotation
            == inspect.signature(getattr(Hub, name)).return_annotation
        )
