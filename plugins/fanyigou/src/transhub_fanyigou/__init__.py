"""transhub provider plugin for Fanyigou (翻译狗).

The plugin module (:mod:`transhub_fanyigou.plugin`) registers the capabilities lazily;
:mod:`transhub_fanyigou.emulator` serves a faithful emulator of the service (needs
the ``sandbox`` extra); :mod:`transhub_fanyigou.callbacks` receives its callbacks.
"""

__version__ = "0.1.0"
