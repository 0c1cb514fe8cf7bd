"""transhub plugin for the DeepL API: documents, text, glossaries, languages and usage.

The core finds it through the ``transhub`` entry point (:mod:`transhub_deepl.plugin`);
nothing is imported here so that loading the entry point stays cheap.
"""

__version__ = "0.1.0"
