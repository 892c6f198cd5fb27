"""Mobizon messages and webhooks in SQLite (a table set of its own beside Exotel's)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sms_contract.simulator.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS mobizon_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id INTEGER NOT NULL, api_key TEXT NOT NULL,
    recipient TEXT NOT NULL, text TEXT NOT NULL, sender TEXT, created_at REAL NOT NULL,
    final_status TEXT NOT NULL, forced_status TEXT, forced_at REAL, segments INTEGER NOT NULL,
    notified INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS mobizon_webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, api_key TEXT NOT NULL, url TEXT NOT NULL,
    secret TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mobizon_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, event_id INTEGER NOT NULL, message_id INTEGER NOT NULL,
    webhook_id INTEGER NOT NULL, attempt INTEGER NOT NULL, payload TEXT NOT NULL,
    status_code INTEGER, error TEXT, at REAL NOT NULL
);
"""
# Message ids start here, so they look like the provider's (and never collide with small
# numbers a test might use as "unknown").
FIRST_ID = 169275400


@dataclass(frozen=True)
class MobizonMessage:
    id: int
    campaign_id: int
    api_key: str
    recipient: str
    text: str
    sender: str | None
    created_at: float
    final_status: str
    forced_status: str | None
    forced_at: float | None
    segments: int
    notified: bool


@dataclass(frozen=True)
class Webhook:
    id: int
    api_key: str
    url: str
    secret: str


class MobizonStore(SqliteStore):
    """Mobizon's messages and webhooks."""

    def __init__(self, path: str) -> None:
        super().__init__(path, SCHEMA)
        with self._lock:
            seeded = self._db.execute("SELECT COUNT(*) FROM mobizon_messages").fetchone()[0]
            if not seeded:
                self._db.execute(
                    "INSERT OR IGNORE INTO sqlite_sequence (name, seq) VALUES (?, ?)",
                    ("mobizon_messages", FIRST_ID),
                )

    def add(
        self,
        api_key: str,
        recipient: str,
        text: str,
        sender: str | None,
        created_at: float,
        final_status: str,
        segments: int,
    ) -> MobizonMessage:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO mobizon_messages (campaign_id, api_key, recipient, text, sender,"
                " created_at, final_status, segments) VALUES (0,?,?,?,?,?,?,?)",
                (api_key, recipient, text, sender, created_at, final_status, segments),
            )
            message_id = int(cursor.lastrowid or 0)
            # one campaign per single message (a "single campaign"), numbered apart
            self._db.execute(
                "UPDATE mobizon_messages SET campaign_id=? WHERE id=?",
                (message_id + 76180000, message_id),
            )
        found = self.get(api_key, message_id)
        assert found is not None
        return found

    def get(self, api_key: str, message_id: int) -> MobizonMessage | None:
        rows = self._all(
            "SELECT * FROM mobizon_messages WHERE api_key=? AND id=?", (api_key, message_id)
        )
        return _message(rows[0]) if rows else None

    def messages(self) -> list[MobizonMessage]:
        return [_message(r) for r in self._all("SELECT * FROM mobizon_messages ORDER BY id")]

    def unnotified(self) -> list[MobizonMessage]:
        rows = self._all("SELECT * FROM mobizon_messages WHERE notified=0 ORDER BY id")
        return [_message(r) for r in rows]

    def mark_notified(self, message_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE mobizon_messages SET notified=1 WHERE id=?", (message_id,))

    def force(self, message_id: int, status: str, at: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE mobizon_messages SET forced_status=?, forced_at=?, notified=0 WHERE id=?",
                (status, at, message_id),
            )

    def add_webhook(self, api_key: str, url: str, secret: str) -> Webhook:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO mobizon_webhooks (api_key, url, secret) VALUES (?,?,?)",
                (api_key, url, secret),
            )
        return Webhook(int(cursor.lastrowid or 0), api_key, url, secret)

    def drop_webhooks(self, api_key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM mobizon_webhooks WHERE api_key=?", (api_key,))

    def webhooks(self, api_key: str) -> list[Webhook]:
        rows = self._all("SELECT * FROM mobizon_webhooks WHERE api_key=? ORDER BY id", (api_key,))
        return [Webhook(r["id"], r["api_key"], r["url"], r["secret"]) for r in rows]

    def record_delivery(self, **delivery: Any) -> None:
        keys = ", ".join(delivery)
        marks = ", ".join("?" for _ in delivery)
        with self._lock:
            self._db.execute(
                f"INSERT INTO mobizon_deliveries ({keys}) VALUES ({marks})",
                tuple(delivery.values()),
            )

    def deliveries(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self._all("SELECT * FROM mobizon_deliveries ORDER BY id")]

    def next_event_id(self) -> int:
        rows = self._all("SELECT COALESCE(MAX(event_id), 0) + 1 AS n FROM mobizon_deliveries")
        return int(rows[0]["n"])

    def reset(self) -> None:
        with self._lock:
            for table in ("mobizon_messages", "mobizon_webhooks", "mobizon_deliveries"):
                self._db.execute(f"DELETE FROM {table}")


def _message(row: sqlite3.Row) -> MobizonMessage:
    data = dict(row)
    data["notified"] = bool(data["notified"])
    return MobizonMessage(**data)
