"""`shequ serve DIR`: a local web app to review a run's flags (confirm, dismiss, note), kept in
the `reviews` table of `DIR/shequ.sqlite` across reruns, and to export the confirmed findings.

Modules: `keys` (the stable flag key), `db` (all SQL; read-only but for `reviews`), `app`
(the Starlette app and its templates), `export` and `excel` (XLSX/CSV of confirmed findings,
Excel-safe cells), `labels` (Chinese labels from corpora/labels.toml)."""
from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path

PASSWORD_ENV = "SHEQU_PASSWORD"


class ServeError(Exception):
    """A user error that stops the server from starting (one line, no traceback)."""


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build(out_dir: str | Path, host: str = "127.0.0.1", password: str | None = None, reviewer: str | None = None):
    """The app for `shequ serve`, after the checks that make it safe to start: a folder with a
    run's database, and a password whenever the address is reachable from other machines."""
    loopback = is_loopback(host)
    if not loopback and not password:
        raise ServeError(f"--host {host} makes the reviews reachable from other machines: give a password "
                         f"with --password or the {PASSWORD_ENV} environment variable")
    try:
        from .app import create_app
        from .db import StoreMissing
    except ImportError as e:
        raise ServeError(f"shequ serve needs its web packages ({e.name} is missing): pip install 'shequ[serve]'") from None
    try:
        from .app import LOOPBACK_HOSTS

        hosts = sorted(set(LOOPBACK_HOSTS) | {host, host.strip("[]")}) if loopback else ["*"]
        return create_app(out_dir, password=password, reviewer=reviewer, allowed_hosts=hosts)
    except StoreMissing as e:
        raise ServeError(str(e)) from None


def run(out_dir: str | Path, host: str = "127.0.0.1", port: int = 8000, password: str | None = None,
        reviewer: str | None = None) -> None:
    """Serve the review app until Ctrl+C."""
    app = build(out_dir, host, password, reviewer)
    import uvicorn

    try:  # a port in use is a user error, not a server traceback
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host.strip("[]"), port))
    except OSError as e:
        raise ServeError(f"cannot listen on {host}:{port} ({e.strerror}); choose another with --port") from None
    shown = f"[{host}]" if ":" in host else host
    if is_loopback(host):
        print(f"shequ serve: http://{shown}:{port}/ (this machine only; Ctrl+C stops)", file=sys.stderr)
    else:
        print(f"shequ serve: http://{shown}:{port}/ is reachable from other machines, behind a password "
              "(HTTP basic auth, any user name; without TLS it crosses the network readable); Ctrl+C stops",
              file=sys.stderr)
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", server_header=False)
