"""Logging for web, worker and command line: one JSON object per line in production, a console
line in development; each record carries the ids that join a story (request, call, text,
booking, job), and no phone number is ever written whole.

Ids are bound for the duration of a request or job (`bound(...)`), so any log call on the way,
in core or an adapter, carries them without being passed them. PINs, dates of birth and text
bodies are never logged by the line's own code (a review rule); masking catches the one kind of
personal data that could still slip in through an exception or a library's message: numbers.
"""
from __future__ import annotations

import logging
import re
import sys
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from pythonjsonlogger.json import JsonFormatter

IDS = ("request_id", "call_sid", "message_sid", "booking_reference", "job_id")
_context: ContextVar[dict[str, str]] = ContextVar("visitline_log_ids", default={})
# An E.164 number, or a UK one written from 0: 10-14 digits, spaces allowed between groups.
_PHONE = re.compile(r"(?<![\w+])(\+|00)?(\d[ \-]?){9,13}\d(?!\w)")
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(ids)s"


# SQLAlchemy's error messages quote the statement's values (a number, a text's body): dropped
# whole, as the engines' hide_parameters does, in case an error comes from elsewhere.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)


def redact(text: str) -> str:
    """What may be written of a message: no statement's values, no whole phone number."""
    return mask_numbers(_SQL_PARAMETERS.sub("[parameters hidden]", text))


def mask_numbers(text: str) -> str:
    """'+447400300146' -> '+44*******146': enough to tell texts apart, not enough to call."""
    def hide(match: re.Match) -> str:
        number = match.group(0)
        digits = [c for c in number if c.isdigit()]
        if len(digits) < 10 or not (number.startswith(("+", "00", "0"))):
            return number       # a reference, a count, an id: not a phone number
        return number[:3] + "*" * (len(number) - 6) + number[-3:]
    return _PHONE.sub(hide, text)


@contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """These ids on every log record until the block ends (one request, one job)."""
    token = _context.set({**_context.get(), **{k: v for k, v in ids.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def bind(**ids: str | None) -> None:
    """Add ids to those already bound for this request or job (e.g. a booking's reference)."""
    _context.set({**_context.get(), **{k: v for k, v in ids.items() if v}})


def new_request_id() -> str:
    return uuid.uuid4().hex


class StoryIds(logging.Filter):
    """Puts the bound ids on the record, and masks numbers in its message and fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = dict(_context.get())
        if "job_id" not in ids:
            job_id = _current_job_id()
            if job_id:
                ids["job_id"] = job_id
        for key, value in ids.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if isinstance(value, str) and key not in ("msg", "name", "pathname", "filename"):
                setattr(record, key, redact(value))
        return True


def _current_job_id() -> str | None:
    try:
        from rq import get_current_job
        job = get_current_job()
    except Exception:  # noqa: BLE001 - outside a worker there is no job
        return None
    return job.id if job is not None else None


class MaskedJsonFormatter(JsonFormatter):
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return redact(super().formatException(ei))


def json_formatter() -> logging.Formatter:
    return MaskedJsonFormatter("%(levelname)s %(name)s %(message)s",
                               rename_fields={"levelname": "level", "message": "event",
                                              "name": "logger"},
                               timestamp="time")


class MaskedConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.ids = "".join(f" {k}={getattr(record, k)}" for k in IDS if hasattr(record, k))
        return redact(super().format(record))


class _StandardError(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test runner swaps it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(*, json_lines: bool, level: int = logging.INFO, stream=None) -> None:
    """The process's one handler, on the root logger: every library's records pass the same
    filter and formatter."""
    handler = logging.StreamHandler(stream) if stream else _StandardError()
    handler.addFilter(StoryIds())
    handler.setFormatter(json_formatter() if json_lines else MaskedConsoleFormatter(CONSOLE_FORMAT))
    handler.visitline = True
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "visitline", False)]:
        root.removeHandler(old)     # ours from an earlier call; others' (a test's) stay
    root.addHandler(handler)
    root.setLevel(level)


def configure_for(environment: str, *, log_format: str = "") -> None:
    """JSON unless in development, or as LOG_FORMAT says."""
    json_lines = (log_format or ("console" if environment == "development" else "json")) == "json"
    configure_logging(json_lines=json_lines)
