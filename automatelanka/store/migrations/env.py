"""Alembic environment. Migrations run only through :mod:`automatelanka.store.migrate`,
which passes an open connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from automatelanka.store.schema import managed_by_migrations, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with automatelanka.store.migrate (al db upgrade)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=managed_by_migrations,
)
with context.begin_transaction():
    context.run_migrations()
