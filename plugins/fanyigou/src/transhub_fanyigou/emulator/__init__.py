"""A faithful emulator of the Fanyigou open platform, for tests and sandbox mode.

It checks tokens (101), appids (103), the MD5 against the bytes (303), file types and
sizes (302, 301, 311, image limits), runs each task through 313 → 314 over a
configurable duration with rising percent and a page count, enforces the channel
limit (320), refuses a second ``submitForDetectDoc`` of one tid (326), charges pages
against balances (304 when short), serves results only when done, posts signed
callbacks when configured and accepts the upload under any multipart field name.
Results are labelled as emulator output.

It is an independent witness: the reference's facts it checks against are its own copy
(:mod:`~transhub_fanyigou.emulator.facts`), never the client's tables.  Modules:
``facts`` (the reference), ``checks`` (the answer envelope and input checks),
``model`` (options, tasks), ``service`` (the calls), ``results`` (progress and result
files), ``inspection`` (what it reads from uploads), ``outputs`` (labelled documents),
``dictionary``, ``app`` (HTTP).  Needs the ``sandbox`` extra (werkzeug)::

    from transhub.emulation import EmulatorServer
    from transhub_fanyigou.emulator import EmulatorOptions, create_app

    app = create_app(EmulatorOptions(task_seconds=0.2))
    with EmulatorServer(app) as server:
        endpoint = server.url + "/TranslateApi/api"
"""

from transhub_fanyigou.emulator.app import BASE_PATH, FanyigouEmulator, create_app
from transhub_fanyigou.emulator.model import TEST_APPID, TEST_PRIVATE_KEY, EmulatorOptions
from transhub_fanyigou.emulator.service import FanyigouService

__all__ = [
    "BASE_PATH",
    "TEST_APPID",
    "TEST_PRIVATE_KEY",
    "EmulatorOptions",
    "FanyigouEmulator",
    "FanyigouService",
    "create_app",
]
