"""The plugin as transhub sees it: listed without importing anything heavy, always
configured, and diagnosed by ``providers --doctor``."""

from __future__ import annotations

import json
import subprocess
import sys

from transhub.testing import invoke

HEAVY = ("onnxruntime", "rapidocr", "cv2", "numpy", "pydantic", "sqlite3")

PROBE = """
import json, sys
from transhub.cli.root import run
code = run(sys.argv[1:])
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(json.loads(%r)))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _imports(*argv: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE % json.dumps(HEAVY), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_listing_providers_imports_nothing_heavy():
    assert _imports("providers") == {"code": 0, "heavy": []}
    assert _imports("--help") == {"code": 0, "heavy": []}


def test_dict_help_does_not_load_the_engines():
    found = _imports("dict", "--help")
    assert found["code"] == 0
    assert not {"onnxruntime", "rapidocr", "cv2", "numpy"} & set(found["heavy"])  # type: ignore[arg-type]


def test_listed_as_configured_with_no_setting():
    (row,) = json.loads(invoke(["providers", "--json"]).stdout)
    assert row["name"] == "local"
    assert row["configured"] is True and row["missing"] == []
    assert {"ocr", "dictionary"} <= set(row["capabilities"])


def test_doctor_shows_models_dictionary_and_apertium():
    result = invoke(["providers", "--doctor", "--json"])
    findings = {f["check"]: f for f in json.loads(result.stdout) if f["subject"] == "local"}
    assert result.exit_code == 0, result.stdout
    assert findings["summary"]["ok"], findings["summary"]
    assert findings["ocr models"]["ok"]
    assert "rapidocr 3." in findings["ocr models"]["detail"]
    assert "PP-OCRv6_rec_small" in findings["ocr models"]["detail"]
    assert findings["dictionary"]["detail"].startswith("CC-CEDICT 20")
    assert "CC BY-SA 4.0" in findings["dictionary"]["detail"]
    apertium = findings["apertium"]
    assert apertium["ok"]
    assert "pairs " in apertium["detail"] or "apt-get install" in apertium["detail"]


def test_doctor_names_the_install_command_for_what_is_missing(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = invoke(["providers", "--doctor", "--json"])
    findings = {f["check"]: f for f in json.loads(result.stdout) if f["subject"] == "local"}
    assert findings["apertium"]["detail"] == (
        "not installed, so no text translation: sudo apt-get install apertium apertium-eng-spa"
    )
