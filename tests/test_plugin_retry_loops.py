"""No provider plugin keeps a retry or wait loop of its own: retrying is the core's
(:func:`transhub.retrying.call_with_retries`, :func:`transhub.polling.retry_while_busy`,
:func:`transhub.polling.wait_for`).  The check reads every plugin's client code (the
emulators, which serve rather than call, are not clients) and proves on the loops the
plugins once had that it would have caught them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The shapes of the loops removed from the plugins (DeepL's, Fanyigou's), verbatim.
OLD_LOOPS = {
    "while True with a counter": """
attempt = 0
while True:
    response = self.http.request("POST", url, idempotent=True)
    if response.status_code == 529 and attempt < self.http.options.retries:
        attempt += 1
        continue
    break
""",
    "for attempt in range": """
for attempt in range(attempts):
    try:
        return self.http.save(response, destination)
    except TransientError:
        if attempt + 1 >= attempts:
            raise
""",
    "a sleep between tries": """
def again(self):
    self.http.sleep(self.http.options.delay(0))
""",
}


def loops_in(source: str) -> list[str]:
    """Where ``source`` retries or waits by itself: ``while`` loops, ``for`` loops
    over a ``range`` that catch errors, counters named attempt(s), and sleeps."""
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.While):
            found.append(f"{where}: while loop")
        elif isinstance(node, ast.For) and any(isinstance(n, ast.Try) for n in ast.walk(node)):
            iterated = node.iter
            if isinstance(iterated, ast.Call) and getattr(iterated.func, "id", "") == "range":
                found.append(f"{where}: for over range() catching errors")
        elif isinstance(node, ast.AugAssign) and "attempt" in ast.unparse(node.target):
            found.append(f"{where}: attempt counter")
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("sleep"):
            found.append(f"{where}: sleep")
    return found


def client_modules() -> list[Path]:
    """Every provider plugin's source module, emulators left out."""
    return [
        path
        for path in sorted(ROOT.glob("plugins/*/src/*/**/*.py"))
        if "emulator" not in path.relative_to(ROOT).parts[3:]
    ]


def test_the_check_catches_the_loops_the_plugins_had() -> None:
    for name, source in OLD_LOOPS.items():
        assert loops_in(source), name


def test_no_plugin_source_has_a_retry_loop_of_its_own() -> None:
    modules = client_modules()
    plugins = {path.relative_to(ROOT).parts[1] for path in modules}
    assert {"alibaba", "deepl", "fanyigou"} <= plugins
    scanned = {path.name for path in modules}
    assert {"client.py", "answers.py", "codes.py"} <= scanned and len(modules) > 30
    offenders = {
        str(path.relative_to(ROOT)): hits
        for path in modules
        if (hits := loops_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
