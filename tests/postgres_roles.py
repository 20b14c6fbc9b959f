"""Stores on the test PostgreSQL server, opened as different database roles (analysts)."""

from __future__ import annotations

import uuid
from urllib.parse import quote, urlsplit, urlunsplit

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


class PostgresServer:
    """A fresh database on the test server, holding a store in the default schema, and roles.

    For what the default schema is used by (the command line and the app open it), without
    touching another test's store. Roles are made with unique names and dropped afterwards;
    dropping the database (``WITH (FORCE)``) takes their privileges with it.
    """

    def __init__(self, url: str) -> None:
        from store.postgres_connection import connect

        self.root = connect(url)
        self.database = f"dossier_access_{uuid.uuid4().hex[:12]}"
        self.root.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        parts = urlsplit(url)
        self.url = urlunsplit((parts.scheme, parts.netloc, f"/{self.database}", parts.query, ""))
        self.roles: list[str] = []

    def role(self, name: str = "analyst", *, login: bool = True) -> str:
        """A new role named ``name`` plus a unique suffix (within PostgreSQL's 63 bytes)."""
        role = f"{name}_{uuid.uuid4().hex[:8]}"
        option = sql.SQL("LOGIN" if login else "NOLOGIN")
        self.root.execute(sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(role), option))
        self.roles.append(role)
        return role

    def url_as(self, role: str) -> str:
        """The database's URL for connecting as ``role`` (trust authentication: no password)."""
        parts = urlsplit(self.url)
        netloc = f"{quote(role, safe='')}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))

    def close(self) -> None:
        """Drop the database, then the roles."""
        self.root.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database)))
        for role in self.roles:
            self.root.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        self.root.close()
