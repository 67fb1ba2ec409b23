"""The database handle: async engine, sessions, migrations at start-up, per-member locks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/quizbot.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Inline SQLite writes leave checkpoints to the writer thread: one every this many commits (a
# try writes a few pages, so the WAL stays near SQLite's own 1000-page autocheckpoint size).
SQLITE_CHECKPOINT_EVERY = 200
# Any constant works; it only has to be the same for every bot process sharing one PostgreSQL.
_PG_MIGRATION_LOCK_KEY = 0x71756962  # "quib"
_BEGIN_OPTION = "quizbot_sqlite_begin"
# asyncpg connections for the answer hot path, beside SQLAlchemy's pool (5 + 10 overflow).
POSTGRES_HOT_POOL_SIZE = 5

# What failing to reach or open the database raises (SQLAlchemy wraps the drivers' errors in DBAPIError).
_CANNOT_CONNECT = (DBAPIError, OSError, sqlite3.Error, asyncpg.PostgresError, asyncpg.InterfaceError)

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class DatabaseUnavailable(Exception):
    """The database could not be opened; the message is one line naming it (password masked) and why."""


def _reason(exc: BaseException, password: str | None) -> str:
    """One line saying why a connection failed, with the password (if any) never in it."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    if isinstance(exc, ConnectionRefusedError) or "Connect call failed" in str(exc):
        reason = "the connection was refused (is the server running, on that host and port?)"
    elif isinstance(exc, socket.gaierror):
        reason = "the host name was not found"
    elif isinstance(exc, TimeoutError):
        reason = "no answer in time"
    elif isinstance(exc, (FileExistsError, NotADirectoryError)) and exc.filename:
        reason = f"{exc.filename} is a file, where a folder should be"
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    else:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if password:
        reason = reason.replace(password, "***")
    return reason


def normalize_url(url: str | URL) -> URL:
    """Accept the URLs people paste (`postgres://`, `postgresql://`, `sqlite:///`) and pick the async driver."""
    parsed = make_url(url)
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite+aiosqlite:///path "
            "or postgresql+asyncpg://user@host/db"
        )
    parsed = parsed.set(drivername=driver)
    if driver.startswith("sqlite") and parsed.database in (None, "", ":memory:"):
        # Each pooled connection would see its own empty in-memory database.
        raise ValueError("in-memory SQLite is not supported; give a file path, e.g. sqlite+aiosqlite:///x.db")
    return parsed


def asyncpg_dsn(url: str | URL) -> str:
    """A PostgreSQL URL as asyncpg's own connect() takes it (no `+asyncpg` driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def mask_url(url: str | URL) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(cursor: Any) -> None:
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")


class _SqliteWriter:
    """Runs a short write transaction (a few statements, no awaits inside) as one call.

    Inline on the event loop when the database is free: in WAL mode with synchronous=NORMAL a
    commit does not fsync, so a try's four statements take ~0.2 ms, less than handing them to a
    thread and back (aiosqlite crosses threads once per call, and SQLAlchemy's adapter makes four
    calls a statement). The inline connection never waits (busy_timeout 0) and never checkpoints:
    when another process holds the write lock the transaction goes to a writer thread that may
    wait, and WAL checkpoints run on that thread too."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quizbot-sqlite-writer")
        self._inline: sqlite3.Connection | None = None  # event-loop thread only
        self._threaded: sqlite3.Connection | None = None  # writer thread only
        self._inline_commits = 0

    def _connect(self, *, inline: bool) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        _sqlite_pragmas(connection)
        if inline:
            connection.execute("PRAGMA busy_timeout=0")
            connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    @staticmethod
    def _run(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T], *, begun: bool) -> T:
        if not begun:
            connection.execute("BEGIN IMMEDIATE")
        try:
            result = work(connection)
            connection.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (I/O error, a deferred constraint) leaves the transaction open: close
            # it, or every later write on this connection fails and the write lock stays held.
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return result

    def _on_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._threaded is None:
            self._threaded = self._connect(inline=False)
        return self._run(self._threaded, work, begun=False)

    def _checkpoint(self) -> None:
        try:
            if self._threaded is None:
                self._threaded = self._connect(inline=False)
            self._threaded.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # the next one will catch up
            log.warning("WAL checkpoint failed: %s", exc)

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._inline is None:
            self._inline = self._connect(inline=True)
        try:
            self._inline.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            # Another process is writing: wait for it on the writer thread, not on the event loop.
            return await asyncio.get_running_loop().run_in_executor(self._executor, self._on_thread, work)
        result = self._run(self._inline, work, begun=True)
        self._inline_commits += 1
        if self._inline_commits % SQLITE_CHECKPOINT_EVERY == 0:
            self._executor.submit(self._checkpoint)
        return result

    def _close_threaded(self) -> None:
        if self._threaded is not None:
            self._threaded.close()
            self._threaded = None

    async def close(self) -> None:
        if self._inline is not None:
            self._inline.close()
            self._inline = None
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_threaded)
        self._executor.shutdown(wait=True)


async def _rollback_if_open(conn: asyncpg.Connection) -> None:
    # Instead of asyncpg's full reset (a round trip per checkout): hot paths keep no session state.
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (the driver's implicit BEGIN comes too late to choose IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _sqlite_pragmas(cursor)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Write transactions take the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY (no waiting) when another process wrote in between.
        conn.exec_driver_sql(conn.get_execution_options().get(_BEGIN_OPTION, "BEGIN"))


def _is_folder(database_path: str) -> bool:
    return Path(database_path).expanduser().is_dir()


def _make_parent_folder(database_path: str) -> None:
    Path(database_path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration's revision id (what `upgrade("head")` leads to)."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def _upgrade(connection: Connection, revision: str = "head") -> None:
    if connection.dialect.name == "postgresql":
        # Two bot processes starting together must not both run the same migration.
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY})
    cfg = _alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    cfg = _alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, revision)


class Database:
    """One per process. `await Database.open(url)` connects and upgrades the schema to head.

    Use `async with db.session() as s:` for reads and `async with db.writing() as s:` for a
    transaction that writes (on SQLite it takes the write lock at BEGIN). Sessions do not expire
    objects on commit, so rows can be used after the session ends.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._read_sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        write_engine = engine
        if engine.dialect.name == "sqlite":
            write_engine = engine.execution_options(**{_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        self._write_sessions = async_sessionmaker(write_engine, class_=AsyncSession, expire_on_commit=False)
        self._write_engine = write_engine
        # SQLite has one writer at a time anyway: queueing writers here is far cheaper than letting
        # them busy-poll the file lock (busy_timeout still covers other processes).
        self._write_gate: asyncio.Lock | None = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._postgres_pool: asyncpg.Pool | None = None
        self._postgres_pool_lock = asyncio.Lock()
        self._sqlite_writer: _SqliteWriter | None = None
        if engine.dialect.name == "sqlite" and engine.url.database:
            self._sqlite_writer = _SqliteWriter(engine.url.database)
        # Locks live while someone holds or waits on them, then vanish: no unbounded dict.
        self._locks: weakref.WeakValueDictionary[tuple[Any, ...], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @classmethod
    async def open(cls, url: str | URL, *, migrate: bool = True) -> Database:
        """Raises DatabaseUnavailable (one line, password masked) when the database cannot be opened."""
        parsed = normalize_url(url)
        where = mask_url(parsed)
        try:
            if parsed.drivername.startswith("sqlite"):
                assert parsed.database is not None
                if await asyncio.to_thread(_is_folder, parsed.database):
                    raise DatabaseUnavailable(f"cannot open {where}: it is a folder; name a file in it")
                await asyncio.to_thread(_make_parent_folder, parsed.database)
            engine = create_async_engine(parsed, pool_pre_ping=parsed.drivername.startswith("postgresql"))
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot open {where}: {_reason(exc, parsed.password)}") from exc
        if engine.dialect.name == "sqlite":
            _install_sqlite_hooks(engine)
        db = cls(engine)
        try:
            try:
                # Connect once first: failing to reach the database is the operator's one line,
                # while a migration that fails stays a traceback (a bug to report).
                async with engine.connect():
                    pass
            except _CANNOT_CONNECT as exc:
                raise DatabaseUnavailable(f"cannot open {where}: {_reason(exc, parsed.password)}") from exc
            if migrate:
                await db.upgrade("head")
        except BaseException:
            await engine.dispose()
            raise
        log.info("database ready at %s", db.url)
        return db

    @property
    def url(self) -> str:
        """The URL with any password masked, for logs."""
        return mask_url(self._engine.url)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def session(self, *, write: bool = False) -> AsyncSession:
        """A session for `async with`. Prefer `writing()` for writes: it also queues SQLite writers."""
        return (self._write_sessions if write else self._read_sessions)()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A session for one write transaction; call `await s.commit()` (leaving without it rolls back)."""
        gate = self._write_gate if self._write_gate is not None else contextlib.nullcontext()
        async with gate, self._write_sessions() as session:
            yield session

    @contextlib.asynccontextmanager
    async def postgres_connection(self) -> AsyncIterator[asyncpg.Connection]:
        """PostgreSQL only: an asyncpg connection for a hot path that runs its own transaction.

        It comes from a small asyncpg pool beside SQLAlchemy's: checking out through SQLAlchemy
        (pool bookkeeping, a pre-ping round trip, the greenlet bridge) cost more than the
        transaction's own statements. Leave no session state behind (no SET, LISTEN or locks)."""
        pool = self._postgres_pool or await self._open_postgres_pool()
        async with pool.acquire() as conn:
            yield conn

    async def _open_postgres_pool(self) -> asyncpg.Pool:
        if self.dialect != "postgresql":
            raise RuntimeError(f"postgres_connection needs PostgreSQL, not {self.dialect}")
        async with self._postgres_pool_lock:
            if self._postgres_pool is None:
                dsn = asyncpg_dsn(self._engine.url)
                self._postgres_pool = await asyncpg.create_pool(
                    dsn, min_size=1, max_size=POSTGRES_HOT_POOL_SIZE, reset=_rollback_if_open
                )
        return self._postgres_pool

    async def sqlite_write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """SQLite only: run `work(connection)` inside one BEGIN IMMEDIATE ... COMMIT transaction
        (rolled back if it raises), queued behind this process's other writers. `work` must be
        short, plain sqlite3 calls and pure Python: it usually runs on the event loop itself."""
        if self._sqlite_writer is None:
            raise RuntimeError(f"sqlite_write needs an SQLite database, not {self.dialect}")
        assert self._write_gate is not None
        async with self._write_gate:
            return await self._sqlite_writer.transaction(work)

    def lock(self, *key: Any) -> asyncio.Lock:
        """An in-process lock for `key` (e.g. ("attempt", post_id, member_id)); hold a reference while using it."""
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def upgrade(self, revision: str = "head") -> None:
        async with self._write_engine.begin() as conn:
            await conn.run_sync(_upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        async with self._write_engine.begin() as conn:
            await conn.run_sync(_downgrade, revision)

    async def close(self) -> None:
        if self._postgres_pool is not None:
            await self._postgres_pool.close()
            self._postgres_pool = None
        if self._sqlite_writer is not None:
            await self._sqlite_writer.close()
        await self._engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
