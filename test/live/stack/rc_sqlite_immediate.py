"""Make every SQLite transaction of a Cinder process start with BEGIN IMMEDIATE.

Imported by the Cinder console-script wrappers (STATE/cinder/bin/cinder-*) before
Cinder's main(); NEVER load it into Keystone, which nests a second connection
inside a request and would deadlock on itself with BEGIN IMMEDIATE.

Why: cinder-api, -scheduler, -volume and -backup share one SQLite file. oslo.db
opens transactions with a deferred BEGIN; a transaction that reads and then
writes while another process writes (a service heartbeat, say) fails at the
lock upgrade with "database is locked" at once, because SQLite's busy timeout
does not apply to lock upgrades. BEGIN IMMEDIATE takes the write lock up front,
where the busy timeout (?timeout=30 on the URL) does apply. Together with WAL
journal mode (set once after db sync) this removes the lock errors.

How: a class-level "begin" listener on Engine runs before oslo.db's per-engine
listener. It marks the connection with conn.info["in_transaction"]; oslo.db's
own listener checks the same marker, skips its deferred BEGIN, and its
commit/rollback listeners remove the marker again.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "begin")
def _rc_begin_immediate(conn):
    if conn.dialect.name == "sqlite" and "in_transaction" not in conn.info:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.info["in_transaction"] = True
