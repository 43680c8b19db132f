#!/usr/bin/python3
"""Small helpers for start.sh/stop.sh that are awkward in bash.

Standard library only, so it runs before and without the OpenStack packages.
Every address is 127.0.0.1; nothing here talks to anything off the machine.

Subcommands (see main()):
  ports-free PORT...                     exit 1 and name the busy ports
  wait-port PORT TIMEOUT                 until 127.0.0.1:PORT accepts TCP
  http-status URL                        print the status code (0 if no answer)
  wait-http URL STATUS TIMEOUT           until GET URL answers STATUS
  children PID                           print the child PIDs of PID
  privsep-pids CONF                      PIDs of privsep-helper started with --config-file CONF
  keystone-token                         print "TOKEN PROJECT_ID" for the OS_* password env
  keystone-register                      register Cinder in Keystone (idempotent), print shell vars
  wait-ready ...                         Cinder readiness (services up and pools reported)
  set-quotas ...                         raise the project quotas the tests need
"""

import argparse
import errno
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"


# ---------------------------------------------------------------- plumbing

def http(method, url, body=None, headers=None, timeout=10):
    """Return (status, headers, parsed-json-or-text). Never raises on HTTP errors."""
    data = None
    hdrs = {"Accept": "application/json"}
    if headers:
        hdrs.update(headers)
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, rh, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        status, rh, raw = exc.code, exc.headers, exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, rh, parsed


def status_of(url, timeout=5):
    try:
        return http("GET", url, timeout=timeout)[0]
    except (OSError, urllib.error.URLError):
        return 0


def port_open(port):
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- processes

def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                rest = f.read().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        # rest[0] is the state (field 3), rest[1] the parent PID (field 4)
        if rest[1] == str(pid) and rest[0] != "Z":
            out.append(int(entry))
    return sorted(out)


def privsep_pids(conf):
    """privsep-helper processes of this state dir only: never match by name alone."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
        except OSError:
            continue
        if not any(os.path.basename(a) == "privsep-helper" for a in argv[:2]):
            continue
        for i, a in enumerate(argv):
            if (a == "--config-file" and i + 1 < len(argv) and argv[i + 1] == conf) or a == f"--config-file={conf}":
                out.append(int(entry))
                break
    return sorted(out)


# ---------------------------------------------------------------- keystone

def keystone_token(auth_url, user, password, project, user_domain="Default", project_domain="Default"):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": user_domain}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"name": project_domain}}}}}
    status, headers, parsed = http("POST", auth_url.rstrip("/") + "/auth/tokens", body, timeout=30)
    if status != 201:
        die(f"keystone: password auth for {user} failed: HTTP {status} {parsed}")
    return headers["X-Subject-Token"], parsed["token"]["project"]["id"]


class Keystone:
    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.headers = {"X-Auth-Token": token}

    def call(self, method, path, body=None, ok=(200, 201, 204)):
        status, _, parsed = http(method, self.url + path, body, self.headers, timeout=30)
        if status not in ok:
            die(f"keystone: {method} {path} -> HTTP {status} {parsed}")
        return parsed

    def find_or_create(self, collection, key, query, body):
        found = self.call("GET", f"/{collection}?{query}")[collection]
        if found:
            return found[0]["id"]
        return self.call("POST", f"/{collection}", {key: body})[key]["id"]


def keystone_register(a):
    ks_url = f"http://{HOST}:{a.keystone_port}/v3"
    token, admin_project = keystone_token(ks_url, "admin", a.admin_password, "admin")
    ks = Keystone(ks_url, token)
    roles = {r: ks.find_or_create("roles", "role", f"name={r}", {"name": r})
             for r in ("admin", "member", "reader", "service")}
    projects = {p: ks.find_or_create("projects", "project", f"name={p}&domain_id=default",
                                     {"name": p, "domain_id": "default", "enabled": True,
                                      "description": f"osbs live tests: {p}"})
                for p in ("service", "demo")}
    users = {u: ks.find_or_create("users", "user", f"name={u}&domain_id=default",
                                  {"name": u, "domain_id": "default", "enabled": True,
                                   "password": a.service_password})
             for u in ("cinder", "demo")}
    for project, user, role in (("service", "cinder", "admin"), ("service", "cinder", "service"),
                                ("demo", "demo", "member")):
        ks.call("PUT", f"/projects/{projects[project]}/users/{users[user]}/roles/{roles[role]}")
    # Region: bootstrap creates it, but be explicit so another region name also works.
    regions = ks.call("GET", "/regions")["regions"]
    if not any(r["id"] == a.region for r in regions):
        ks.call("POST", "/regions", {"region": {"id": a.region}})
    url = f"http://{HOST}:{a.cinder_port}/v3/%(project_id)s"
    # The SDK's catalog code must find Cinder under both service types.
    for name, stype in (("cinderv3", "volumev3"), ("block-storage", "block-storage")):
        services = ks.call("GET", f"/services?type={stype}")["services"]
        if services:
            sid = services[0]["id"]
        else:
            sid = ks.call("POST", "/services", {"service": {
                "name": name, "type": stype, "enabled": True,
                "description": "Cinder Volume Service"}})["service"]["id"]
        for iface in ("public", "internal", "admin"):
            eps = ks.call("GET", f"/endpoints?service_id={sid}&interface={iface}")["endpoints"]
            if eps:
                ep = eps[0]
                if ep["url"] != url or ep.get("region_id") != a.region or not ep.get("enabled", True):
                    ks.call("PATCH", f"/endpoints/{ep['id']}", {"endpoint": {
                        "url": url, "region_id": a.region, "enabled": True}})
            else:
                ks.call("POST", "/endpoints", {"endpoint": {
                    "service_id": sid, "interface": iface, "url": url,
                    "region_id": a.region, "enabled": True}})
    print(f"ADMIN_PROJECT_ID={admin_project}")
    print(f"DEMO_PROJECT_ID={projects['demo']}")
    print(f"SERVICE_PROJECT_ID={projects['service']}")


# ---------------------------------------------------------------- cinder

def cinder_headers(token):
    return {"X-Auth-Token": token, "OpenStack-API-Version": "volume 3.0"}


def wait_ready(a):
    """Services up AND every expected pool reported (recipe §7); API answering is not enough."""
    deadline = time.monotonic() + a.timeout
    base = f"{a.url}/v3/{a.project}"
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            st, _, svc = http("GET", base + "/os-services", headers=cinder_headers(a.token))
            if st == 200:
                up = {(s["binary"], s["host"]) for s in svc["services"] if s.get("state") == "up"}
                missing = [e for e in a.service if tuple(e.split("@", 1)) not in up]
                if missing:
                    last = "services not up yet: " + ", ".join(missing)
                else:
                    st, _, pools = http("GET", base + "/scheduler-stats/get_pools",
                                        headers=cinder_headers(a.token))
                    names = {p["name"] for p in (pools or {}).get("pools", [])} if st == 200 else set()
                    lacking = [p for p in a.pool if p not in names]
                    if st == 200 and names and not lacking:
                        print(" ".join(sorted(names)))
                        return
                    last = f"pools so far: {sorted(names)} (HTTP {st})"
            else:
                last = f"os-services HTTP {st}"
        except (OSError, urllib.error.URLError, ValueError, KeyError, TypeError) as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.3)
    die(f"cinder not ready after {a.timeout}s: {last}")


def set_quotas(a):
    body = {"quota_set": {"volumes": a.volumes, "snapshots": a.snapshots, "backups": a.backups,
                          "gigabytes": a.gigabytes, "groups": a.groups}}
    for target in a.target:
        st, _, parsed = http("PUT", f"{a.url}/v3/{a.project}/os-quota-sets/{target}", body,
                             cinder_headers(a.token), timeout=30)
        if st != 200:
            die(f"quota update for {target} failed: HTTP {st} {parsed}")


# ---------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(prog="rc_stack.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("ports-free"); s.add_argument("ports", nargs="+", type=int)
    s = sub.add_parser("wait-port"); s.add_argument("port", type=int); s.add_argument("timeout", type=float)
    s = sub.add_parser("http-status"); s.add_argument("url")
    s = sub.add_parser("wait-http"); s.add_argument("url"); s.add_argument("status", type=int)
    s.add_argument("timeout", type=float)
    s = sub.add_parser("children"); s.add_argument("pid", type=int)
    s = sub.add_parser("privsep-pids"); s.add_argument("conf")
    sub.add_parser("keystone-token")
    s = sub.add_parser("keystone-register")
    s.add_argument("--keystone-port", type=int, required=True)
    s.add_argument("--cinder-port", type=int, required=True)
    s.add_argument("--region", required=True)
    s.add_argument("--admin-password", required=True)
    s.add_argument("--service-password", required=True)
    for name in ("wait-ready", "set-quotas"):
        s = sub.add_parser(name)
        s.add_argument("--url", required=True)
        s.add_argument("--project", required=True)
        s.add_argument("--token", required=True)
        if name == "wait-ready":
            s.add_argument("--service", action="append", default=[], help="binary@host")
            s.add_argument("--pool", action="append", default=[])
            s.add_argument("--timeout", type=float, default=120)
        else:
            s.add_argument("--target", action="append", required=True)
            for q, d in (("volumes", 200), ("snapshots", 200), ("backups", 200),
                         ("gigabytes", 1000), ("groups", 50)):
                s.add_argument(f"--{q}", type=int, default=d)
    a = p.parse_args()

    if a.cmd == "ports-free":
        busy = []
        for port in a.ports:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((HOST, port))
                except OSError as exc:
                    if exc.errno != errno.EADDRINUSE:
                        raise
                    busy.append(str(port))
        if busy:
            die("busy ports on 127.0.0.1: " + " ".join(busy))
    elif a.cmd == "wait-port":
        deadline = time.monotonic() + a.timeout
        while not port_open(a.port):
            if time.monotonic() > deadline:
                die(f"127.0.0.1:{a.port} not listening after {a.timeout}s")
            time.sleep(0.3)
    elif a.cmd == "http-status":
        print(status_of(a.url))
    elif a.cmd == "wait-http":
        deadline = time.monotonic() + a.timeout
        while (st := status_of(a.url)) != a.status:
            if time.monotonic() > deadline:
                die(f"GET {a.url}: wanted {a.status}, last {st}, after {a.timeout}s")
            time.sleep(0.3)
    elif a.cmd == "children":
        print(" ".join(map(str, children(a.pid))))
    elif a.cmd == "privsep-pids":
        print(" ".join(map(str, privsep_pids(a.conf))))
    elif a.cmd == "keystone-token":
        e = os.environ
        token, project = keystone_token(e["OS_AUTH_URL"], e["OS_USERNAME"], e["OS_PASSWORD"],
                                        e["OS_PROJECT_NAME"], e.get("OS_USER_DOMAIN_NAME", "Default"),
                                        e.get("OS_PROJECT_DOMAIN_NAME", "Default"))
        print(token, project)
    elif a.cmd == "keystone-register":
        keystone_register(a)
    elif a.cmd == "wait-ready":
        wait_ready(a)
    elif a.cmd == "set-quotas":
        set_quotas(a)


if __name__ == "__main__":
    main()
