"""Stores on the test PostgreSQL server, opened as different database roles (analysts)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from psycopg import sql

from store import Store
from store.postgres_backend import PostgresBackend


class PostgresStores:
    """One fresh schema; :meth:`open` connects to it as a role named after the analyst."""

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.schema = schema
        self.admin = PostgresBackend(url, schema=schema)  # creates the schema and its tables

    def open(self, user: str | None = None) -> Store:
        """A new connection to the store, as the role ``user`` (made and granted if needed)."""
        if user is None:
            return Store(PostgresBackend(self.url, schema=self.schema))
        store = Store(PostgresBackend(self.role_url(user), schema=self.schema))
        store.user = user
        return store

    def role_url(self, user: str) -> str:
        """The server's URL as the role ``user``, made and granted everything in the schema."""
        conn = self.admin.conn
        conn.execute(
            sql.SQL("DO $$ BEGIN CREATE ROLE {} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$").format(
                sql.Identifier(user)
            )
        )
        schema = sql.Identifier(self.schema)
        role = sql.Identifier(user)
        conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema, role))
        conn.execute(sql.SQL("GRANT ALL ON ALL TABLES IN SCHEMA {} TO {}").format(schema, role))
        conn.execute(sql.SQL("GRANT ALL ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, role))
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{user}@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))

    def drop(self) -> None:
        """Remove the schema."""
        self.admin.drop()
        self.admin.close()
