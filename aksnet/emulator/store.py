"""The emulator's state: resources and operations in SQLite, shared by threads and processes."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnet.emulator import ids

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, parent TEXT NOT NULL,
    body TEXT NOT NULL, meta TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS resources_type ON resources(type);
CREATE INDEX IF NOT EXISTS resources_parent ON resources(parent);
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY, resource TEXT NOT NULL, status TEXT NOT NULL, end REAL NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS operations_due ON operations(status, end);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class Row:
    """One stored resource: its id as created, ARM type, response body and private bookkeeping."""

    id: str
    type: str
    body: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    created: float = 0.0


def _row(record: tuple[str, str, str, str, float]) -> Row:
    rid, rtype, body, meta, created = record
    return Row(rid, rtype, json.loads(body), json.loads(meta), created)


_COLUMNS = "id, type, body, meta, created"


class Tx:
    """The queries a handler may run inside one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, resource_id: str) -> Row | None:
        cur = self._conn.execute(f"SELECT {_COLUMNS} FROM resources WHERE key = ?", (ids.key(resource_id),))
        record = cur.fetchone()
        return _row(record) if record else None

    def put(self, row: Row) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO resources VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ids.key(row.id),
                row.id,
                row.type.lower(),
                ids.key(ids.parent_of(row.id)),
                json.dumps(row.body),
                json.dumps(row.meta),
                row.created,
            ),
        )

    def delete(self, resource_id: str) -> None:
        self._conn.execute("DELETE FROM resources WHERE key = ?", (ids.key(resource_id),))

    def children(self, parent_id: str, arm_type: str) -> list[Row]:
        cur = self._conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE parent = ? AND type = ? ORDER BY created, key",
            (ids.key(parent_id), arm_type.lower()),
        )
        return [_row(r) for r in cur.fetchall()]

    def of_type(self, arm_type: str) -> list[Row]:
        cur = self._conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE type = ? ORDER BY created, key", (arm_type.lower(),)
        )
        return [_row(r) for r in cur.fetchall()]

    def under(self, scope: str) -> list[Row]:
        """Every resource strictly below `scope`."""
        prefix = ids.key(scope) + "/"
        cur = self._conn.execute(
            f"SELECT {_COLUMNS} FROM resources WHERE substr(key, 1, ?) = ? ORDER BY created, key",
            (len(prefix), prefix),
        )
        return [_row(r) for r in cur.fetchall()]

    def op_get(self, op_id: str) -> dict[str, Any] | None:
        record = self._conn.execute("SELECT doc FROM operations WHERE id = ?", (op_id,)).fetchone()
        return json.loads(record[0]) if record else None

    def op_put(self, doc: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO operations VALUES (?, ?, ?, ?, ?)",
            (doc["id"], ids.key(doc["resource"]), doc["status"], doc["end"], json.dumps(doc)),
        )

    def ops_due(self, now: float) -> list[dict[str, Any]]:
        cur = self._conn.execute(
            "SELECT doc FROM operations WHERE status = 'InProgress' AND end <= ? ORDER BY end", (now,)
        )
        return [json.loads(r[0]) for r in cur.fetchall()]

    def ops_running(self, resource_id: str) -> list[dict[str, Any]]:
        cur = self._conn.execute(
            "SELECT doc FROM operations WHERE status = 'InProgress' AND resource = ? ORDER BY end",
            (ids.key(resource_id),),
        )
        return [json.loads(r[0]) for r in cur.fetchall()]

    def kv_get(self, name: str) -> str | None:
        record = self._conn.execute("SELECT value FROM kv WHERE key = ?", (name,)).fetchone()
        return str(record[0]) if record else None

    def kv_set(self, name: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (name, value))


class Store:
    """One SQLite file (WAL): short write transactions, serialised by a lock within the process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self.transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            # IMMEDIATE takes the write lock up front, so another process waits instead of failing.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
