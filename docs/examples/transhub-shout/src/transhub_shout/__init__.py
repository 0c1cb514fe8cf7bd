"""transhub-shout: a provider plugin for the made-up Shout translation service.

The tutorial in ``docs/plugins/writing.md`` builds it step by step.
"""
