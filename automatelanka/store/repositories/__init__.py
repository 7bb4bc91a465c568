"""Data access, one module per aggregate.

Functions take an open :class:`sqlalchemy.Connection` (the caller owns the transaction:
``with engine.begin() as conn: ...``), except batch pruning, which takes the Engine so each
batch commits on its own. Every function over tenant data takes ``workspace_id`` and every
statement it runs is filtered by it. The few look-ups that must work before the workspace is
known (API key, webhook path, invitation and e-mail tokens) are named ``resolve_*``/``find_*_by_*``
and return the owning workspace id with the row.
"""
