"""transhub.testing.witness: the checks that keep an emulator independent of the
client whose behaviour it witnesses — and that they can fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from transhub.testing.witness import client_imports, differences, rows, same


def package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "transhub_demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "transhub_demo" / "emulator"


def test_client_imports_finds_every_way_of_reaching_a_client_table(tmp_path: Path) -> None:
    emulator = package(
        tmp_path,
        {
            "__init__.py": "",
            "codes.py": "",
            "emulator/__init__.py": "from transhub_demo.emulator import facts\n",
            "emulator/facts.py": "import json\n",
            "emulator/service.py": (
                "from transhub_demo import signing\n"
                "from transhub_demo.codes import STATUSES\n"
                "from .. import limits\n"
                "def later():\n    import transhub_demo.languages\n"
            ),
        },
    )
    found = client_imports(emulator, "transhub_demo", ["transhub_demo.signing"])
    assert found == [
        "emulator/service.py imports transhub_demo.codes",
        "emulator/service.py imports transhub_demo.codes.STATUSES",
        "emulator/service.py imports transhub_demo.limits",
        "emulator/service.py imports transhub_demo.languages",
    ]


def test_an_emulator_with_its_own_facts_passes(tmp_path: Path) -> None:
    emulator = package(
        tmp_path,
        {"emulator/__init__.py": "from .facts import LIMIT\n", "emulator/facts.py": "LIMIT = 1\n"},
    )
    assert client_imports(emulator, "transhub_demo", []) == []


def test_differences_name_each_row() -> None:
    assert differences("codes", {1: "a", 2: "b", 3: "c"}, {1: "a", 2: "B", 4: "d"}) == [
        "codes[2]: emulator 'b', client 'B'",
        "codes[3]: emulator 'c', client (missing)",
        "codes[4]: emulator (missing), client 'd'",
    ]
    assert differences("pairs", rows([("en", "zh")]), rows([("zh", "en")])) == [
        "pairs[('en', 'zh')]: emulator True, client (missing)",
        "pairs[('zh', 'en')]: emulator (missing), client True",
    ]
    with pytest.raises(AssertionError, match=r"1 rows differ:\ncodes\[2\]"):
        same("codes", {2: "b"}, {2: "B"})
    same("codes", {2: "b"}, {2: "b"})
