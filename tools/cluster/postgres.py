"""The cluster's two PostgreSQL databases: created when missing, dropped by tests after use."""

from __future__ import annotations

from typing import Any

import psycopg2
from psycopg2 import sql

ADMIN_DATABASE = "postgres"


def _admin_connection(server: str) -> Any:  # psycopg2 has no type hints
    connection = psycopg2.connect(f"{server}/{ADMIN_DATABASE}", connect_timeout=3)
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    return connection


def reachable(server: str) -> str | None:
    """None when PostgreSQL answers at ``server``; otherwise why not (for a skip reason)."""
    try:
        _admin_connection(server).close()
    except psycopg2.Error as error:
        return f"PostgreSQL at {server} is not reachable: {str(error).strip().splitlines()[0]}"
    return None


def ensure_database(server: str, name: str) -> None:
    connection = _admin_connection(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def drop_database(server: str, name: str) -> None:
    """Drop a database the tests made, closing connections that a killed process left open."""
    connection = _admin_connection(server)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        connection.close()
