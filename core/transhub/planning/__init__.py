"""Preparing work: validated, routed plans (nothing sent).  One module per kind of
input, each a part of :class:`~transhub.hub.Hub`."""
