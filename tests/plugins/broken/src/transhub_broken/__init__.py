"""A plugin package whose hook module cannot be imported."""
