"""transhub plugin for Alibaba Cloud Machine Translation's asynchronous image batch
translation (``TranslateImageBatch`` / ``GetTranslateImageBatchResult``).

The core finds it through the ``transhub`` entry point (:mod:`transhub_alibaba.plugin`);
nothing is imported here so that loading the entry point stays cheap.
"""

__version__ = "0.1.0"
