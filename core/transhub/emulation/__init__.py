"""What every provider emulator shares: a loopback server, a request log, and fault
injection.  A plugin's emulator is a WSGI application that holds only the service's
own behaviour; wrap it in :class:`FaultInjector` and run it with :class:`EmulatorServer`.

Needs the ``sandbox`` extra (werkzeug).
"""

from transhub.emulation.faults import EmulatorApp, Fault, FaultInjector, Faults, Hold
from transhub.emulation.log import LoggedRequest, RequestLog
from transhub.emulation.server import EmulatorServer

__all__ = [
    "EmulatorApp",
    "EmulatorServer",
    "Fault",
    "FaultInjector",
    "Faults",
    "Hold",
    "LoggedRequest",
    "RequestLog",
]
