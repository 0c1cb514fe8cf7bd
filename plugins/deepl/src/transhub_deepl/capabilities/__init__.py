"""DeepL capability implementations: one module per capability."""
