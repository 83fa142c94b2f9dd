"""Throwaway PostgreSQL and Redis servers of a test's own, to kill and restart at will (the
shared servers of tests/support/services.py carry other runs' databases and must not go down).

Each listens on 127.0.0.1 at a free port with its files in a temp folder, and is stopped at
the end. Redis keeps nothing on disk, so a killed Redis comes back empty, as a lost instance
would. PostgreSQL runs as the `postgres` user when the tests run as root (initdb refuses root).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port} after {seconds} s")


class OwnRedis:
    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self._binary = binary
        self._dir = tempfile.mkdtemp(prefix="visitline-own-redis-")
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        self._process = subprocess.Popen(
            [self._binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self._dir], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        _wait_for_port(self.port)
        return self

    def kill(self) -> None:
        """Gone at once, with everything it held."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait()
            self._process = None

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


class OwnPostgres:
    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
        self._bin = os.path.dirname(found[-1])
        self._dir = tempfile.mkdtemp(prefix="visitline-own-pg-")
        self._data = os.path.join(self._dir, "data")
        self.port = free_port()
        self._user = None
        if os.geteuid() == 0:
            self._user = pwd.getpwnam("postgres")
            os.chown(self._dir, self._user.pw_uid, self._user.pw_gid)
        self._run("initdb", "-A", "trust", "-U", "postgres", "-D", self._data, "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> "OwnPostgres":
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self._dir} "
                   "-c fsync=off -c max_connections=100")
        self._run("pg_ctl", "-D", self._data, "-o", options, "-l",
                  os.path.join(self._dir, "log"), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """`fast` closes every connection and shuts down cleanly; `immediate` is a crash."""
        self._run("pg_ctl", "-D", self._data, "-m", mode, "-w", "stop", check=False)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self._dir, ignore_errors=True)

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [os.path.join(self._bin, tool), *args]
        if self._user is not None:
            command = ["setpriv", f"--reuid={self._user.pw_uid}", f"--regid={self._user.pw_gid}",
                       "--init-groups", *command]
        subprocess.run(command, check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=self._dir)


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.close()


@pytest.fixture
def own_postgres():
    server = OwnPostgres().start()
    yield server
    server.close()
