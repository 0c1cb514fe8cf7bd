"""Fanyigou's capability implementations, one module per kind of work."""
