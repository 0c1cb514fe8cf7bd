"""The module layout (issue 11): every source module of the core and of each provider
plugin stays small — at most 500 lines — so a module holds one thing, named after it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 500


def source_modules() -> list[Path]:
    """The core's modules and every plugin's source modules (tests are not counted)."""
    found = [*ROOT.glob("core/transhub/**/*.py"), *ROOT.glob("plugins/*/src/**/*.py")]
    return sorted(p for p in found if "tests" not in p.relative_to(ROOT).parts)


def lines(path: Path) -> int:
    """``path``'s length in lines, as ``wc -l`` counts them (a last line without a
    newline counts too)."""
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_scan_sees_the_core_and_every_plugin():
    # A moved tree must not make the limit below pass on nothing.
    modules = source_modules()
    assert ROOT / "core/transhub/cli/doc.py" in modules
    plugins = {p.name for p in (ROOT / "plugins").iterdir() if (p / "src").is_dir()}
    seen = {p.relative_to(ROOT).parts[1] for p in modules if p.parts[len(ROOT.parts)] == "plugins"}
    assert plugins <= seen
    assert len(plugins) >= 4


def test_no_source_module_exceeds_the_limit():
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in source_modules()
        if (count := lines(path)) > LIMIT
    }
    assert not too_long, "modules over {} lines (split them along their seams): {}".format(
        LIMIT, ", ".join(f"{name} ({count} lines)" for name, count in sorted(too_long.items()))
    )


def test_lines_counts_as_wc_does(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text("a = 1\nb = 2\n")
    assert lines(module) == 2
    module.write_text("a = 1\nb = 2")
    assert lines(module) == 2
