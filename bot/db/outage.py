"""Whether a failure means the database cannot be reached right now (an outage), as opposed to a statement that
fails because of what it was given (an integer past a column's range, a constraint, a bug).

An outage is worth waiting out: the same work succeeds once the database is back.  Anything else fails again
however often it is tried, so a channel answers the person and moves on (bot/dialogs/telegram/app.py).

- no connection could be made: the socket was refused or timed out (OSError, before any driver error), or the
  driver refused to connect (a DBAPIError without a statement: the server shut down, no connections allowed,
  too many connections, the database's CONNECT privilege revoked);
- an open connection was lost: SQLAlchemy invalidated it (`connection_invalidated`), or the driver's error is a
  network error (an OSError beneath it);
- PostgreSQL said so (SQLSTATE classes 08 connection exception, 53 insufficient resources, 57P operator
  intervention, 58 system error; and 40001/40P01, a serialization failure or deadlock, which the same
  statement survives when tried again);
- SQLite said so: the file is busy or locked by another process, cannot be opened, or an I/O error or a full
  disk.

Not an outage: DataError (a value out of range), IntegrityError, ProgrammingError on a statement, OverflowError
from the SQLite driver, and everything else.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

__all__ = ["unreachable"]

#: SQLSTATE classes and codes of PostgreSQL that mean the server cannot serve now
_PG_CLASSES = ("08", "53", "57P", "58")
_PG_CODES = frozenset({"40001", "40P01"})
#: SQLite result codes (primary, by name) that mean the file cannot be used now
_SQLITE_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL",
                 "SQLITE_PROTOCOL")


def _network(exc: BaseException | None) -> bool:
    """A socket-level failure: refused, reset, unreachable, timed out (not a missing file or a permission)."""
    if exc is None:
        return False
    return isinstance(exc, ConnectionError | TimeoutError) or type(exc) is OSError or (
        isinstance(exc, OSError) and exc.__class__.__module__ == "socket")


def _driver_says_unreachable(orig: BaseException | None) -> bool:
    if orig is None:
        return False
    if _network(orig) or _network(orig.__cause__):
        return True
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str) and (sqlstate.startswith(_PG_CLASSES) or sqlstate in _PG_CODES):
        return True
    name = getattr(orig, "sqlite_errorname", None)
    return isinstance(name, str) and name.startswith(_SQLITE_NAMES)


def unreachable(exc: BaseException) -> bool:
    """The database is unavailable for now (see the module docstring)."""
    if isinstance(exc, DBAPIError):
        return exc.statement is None or exc.connection_invalidated or _driver_says_unreachable(exc.orig)
    if isinstance(exc, DisconnectionError | PoolTimeout):
        return True
    return _network(exc)
