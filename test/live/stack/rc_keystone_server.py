#!/usr/bin/python3
"""Serve Keystone's public WSGI app on HOST:PORT with a threaded stdlib server.

Usage: OS_KEYSTONE_CONFIG_FILES=STATE/keystone/keystone.conf rc_keystone_server.py HOST PORT

Why not keystone-wsgi-public --port: its wsgiref server handles one request at a
time, and a test client plus Cinder's keystonemiddleware (validating that
client's token) must be served at the same time.

This process must NOT import rc_sqlite_immediate: Keystone nests a second DB
connection inside a request and deadlocks on itself with BEGIN IMMEDIATE. WAL on
keystone.sqlite (set by start.sh) is all Keystone needs.
"""

import signal
import socketserver
import sys
from wsgiref import simple_server


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    host, port = sys.argv[1], int(sys.argv[2])
    # Keystone's oslo.config parses sys.argv: leave it nothing to trip over.
    del sys.argv[1:]

    from keystone.server import wsgi as keystone_wsgi

    app = keystone_wsgi.initialize_public_application()

    class ThreadedWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
        daemon_threads = True
        allow_reuse_address = True

    httpd = simple_server.make_server(host, port, app, server_class=ThreadedWSGIServer)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"keystone listening on http://{host}:{port}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
