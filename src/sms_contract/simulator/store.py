"""The simulator's state in SQLite: messages, callback attempts and accounts survive a restart."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    sid TEXT PRIMARY KEY, account TEXT NOT NULL, sender TEXT NOT NULL, recipient TEXT NOT NULL,
    body TEXT NOT NULL, encoding TEXT NOT NULL, created_at REAL NOT NULL,
    final_code INTEGER NOT NULL,
    forced_code INTEGER, forced_at REAL, status_callback TEXT, custom_field TEXT,
    click_callback TEXT, notified INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_account ON messages(account);
CREATE TABLE IF NOT EXISTS callback_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, sid TEXT NOT NULL, account TEXT NOT NULL,
    kind TEXT NOT NULL, url TEXT NOT NULL, attempt INTEGER NOT NULL, payload TEXT NOT NULL,
    status_code INTEGER, error TEXT, elapsed REAL, at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (sid TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class Message:
    sid: str
    account: str
    sender: str
    recipient: str
    body: str
    encoding: str
    created_at: float
    final_code: int
    forced_code: int | None
    forced_at: float | None
    status_callback: str | None
    custom_field: str | None
    click_callback: str | None
    notified: bool


class SqliteStore:
    """A thread-safe SQLite store (one connection, one lock: a simulator, not a database) whose
    tables `schema` creates; each provider's store is one."""

    def __init__(self, path: str, schema: str) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(schema)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _run(self, sql: str, args: tuple[Any, ...] = ()) -> None:
        with self._lock:
            self._db.execute(sql, args)


class Store(SqliteStore):
    """Exotel's messages, accounts and callback attempts."""

    def __init__(self, path: str) -> None:
        super().__init__(path, SCHEMA)

    @staticmethod
    def new_sid() -> str:
        return uuid.uuid4().hex

    def add_messages(self, messages: list[Message]) -> None:
        rows = [
            (
                m.sid,
                m.account,
                m.sender,
                m.recipient,
                m.body,
                m.encoding,
                m.created_at,
                m.final_code,
                m.status_callback,
                m.custom_field,
                m.click_callback,
            )
            for m in messages
        ]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO messages (sid, account, sender, recipient, body, encoding, created_at,"
                " final_code, status_callback, custom_field, click_callback)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            self._db.execute("COMMIT")

    def get(self, account: str, sid: str) -> Message | None:
        rows = self._all("SELECT * FROM messages WHERE account=? AND sid=?", (account, sid))
        return _message(rows[0]) if rows else None

    def messages(self, account: str | None = None) -> list[Message]:
        if account is None:
            return [_message(r) for r in self._all("SELECT * FROM messages ORDER BY created_at")]
        rows = self._all("SELECT * FROM messages WHERE account=? ORDER BY created_at", (account,))
        return [_message(r) for r in rows]

    def unnotified(self) -> list[Message]:
        rows = self._all("SELECT * FROM messages WHERE notified=0 AND status_callback IS NOT NULL")
        return [_message(r) for r in rows]

    def mark_notified(self, sid: str) -> None:
        self._run("UPDATE messages SET notified=1 WHERE sid=?", (sid,))

    def force(self, sid: str, code: int, at: float) -> None:
        self._run(
            "UPDATE messages SET forced_code=?, forced_at=?, notified=0 WHERE sid=?",
            (code, at, sid),
        )

    def record_attempt(self, **attempt: Any) -> None:
        keys = ", ".join(attempt)
        marks = ", ".join("?" for _ in attempt)
        self._run(
            f"INSERT INTO callback_attempts ({keys}) VALUES ({marks})", tuple(attempt.values())
        )

    def attempts(self, account: str | None = None) -> list[dict[str, Any]]:
        if account is None:
            rows = self._all("SELECT * FROM callback_attempts ORDER BY id")
        else:
            rows = self._all(
                "SELECT * FROM callback_attempts WHERE account=? ORDER BY id", (account,)
            )
        return [dict(r) for r in rows]

    def add_account(self, sid: str) -> None:
        self._run("INSERT OR IGNORE INTO accounts (sid) VALUES (?)", (sid,))

    def accounts(self) -> set[str]:
        return {r["sid"] for r in self._all("SELECT sid FROM accounts")}

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._db.execute("DELETE FROM messages")
                self._db.execute("DELETE FROM callback_attempts")
            else:
                self._db.execute("DELETE FROM messages WHERE account=?", (account,))
                self._db.execute("DELETE FROM callback_attempts WHERE account=?", (account,))


def _message(row: sqlite3.Row) -> Message:
    data = dict(row)
    data["notified"] = bool(data["notified"])
    return Message(**data)
