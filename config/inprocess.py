"""Jobs without Redis (the embedded default, `visitline serve` with no REDIS_URL): texts are sent
by a background thread of the line's own process right after each change commits, and the
periodic pass (config.jobs.tick, and once a day config.jobs.daily) runs on a timer thread.

The database stays the source of truth exactly as with RQ: rows are claimed by the same relay,
and a row left 'queued' when the process stopped is sent after the next start. Texts waiting
together are sent together (config.jobs_sms.deliver_many); one that could not be sent is handed
on again by the next periodic pass, and given up after MAX_ATTEMPTS."""
from __future__ import annotations

import importlib
import logging
import queue
import threading
from datetime import datetime, timezone

from sqlalchemy import update

from core.clock import LONDON
from core.models import OutboundMessage
from core.models.messages import FAILED, QUEUED

from . import jobs
from .container import Container
from .relay import SEND_BATCH, Relay, RelayNotifier
from .worker import DAILY_HOUR, TICK_SECONDS

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class LocalDispatch:
    """The relay's hand-off to the sending thread."""

    def __init__(self) -> None:
        self.waiting: queue.Queue[int] = queue.Queue()
        self._known: set[int] = set()
        self._lock = threading.Lock()

    def dispatch(self, message_ids: list[int]) -> None:
        with self._lock:
            fresh = [mid for mid in message_ids if mid not in self._known]
            self._known.update(fresh)
        for mid in fresh:
            self.waiting.put(mid)

    def lost(self, message_ids: list[int]) -> list[int]:
        with self._lock:
            return [mid for mid in message_ids if mid not in self._known]

    def done(self, message_id: int) -> None:
        with self._lock:
            self._known.discard(message_id)


class InProcessJobs:
    def __init__(self, container: Container, every: int = TICK_SECONDS):
        self.container = container
        self.dispatch = LocalDispatch()
        self._every = every
        self._attempts: dict[int, int] = {}
        self._stop = threading.Event()
        self._last_daily = None

    def wire(self) -> None:
        """Texts written by the line's changes now go to this process's sender."""
        jobs.use(self.container)
        self.container.relay = Relay(self.container.session_factory, self.container.clock,
                                     self.dispatch)
        self.container.notifier = RelayNotifier(self.container.relay)

    def start(self) -> None:
        self.wire()
        for target, name in ((self._send_loop, "visitline-sender"),
                             (self._periodic_loop, "visitline-periodic")):
            threading.Thread(target=target, name=name, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self.dispatch.waiting.put(0)

    def send_one(self, message_id: int) -> None:
        send = importlib.import_module("config.jobs_sms").send_message
        try:
            send(message_id)
            self._attempts.pop(message_id, None)
        except Exception:  # noqa: BLE001 - retried by the next periodic pass
            self._failed(message_id)
        finally:
            self.dispatch.done(message_id)

    def send_many(self, message_ids: list[int]) -> None:
        deliver_many = importlib.import_module("config.jobs_sms").deliver_many
        try:
            done = deliver_many(self.container, message_ids)
        except Exception:  # noqa: BLE001 - retried by the next periodic pass
            log.exception("sending messages %s failed", message_ids)
            retry = list(message_ids)
        else:
            retry = done.retry
            for message_id in retry:
                log.warning("message %s: %s", message_id, done.outcomes[message_id].detail)
        try:
            for message_id in message_ids:
                if message_id in retry:
                    self._failed(message_id, quiet=True)
                else:
                    self._attempts.pop(message_id, None)
        finally:
            for message_id in message_ids:
                self.dispatch.done(message_id)

    def _failed(self, message_id: int, quiet: bool = False) -> None:
        attempts = self._attempts[message_id] = self._attempts.get(message_id, 0) + 1
        if not quiet:
            log.exception("message %s: send attempt %d failed", message_id, attempts)
        if attempts >= MAX_ATTEMPTS:
            self._give_up(message_id)

    def run_periodic(self, moment: datetime | None = None) -> dict:
        moment = moment or datetime.now(timezone.utc)
        done = {"tick": jobs.tick()}
        today = moment.astimezone(LONDON)
        if today.hour >= DAILY_HOUR and self._last_daily != today.date():
            self._last_daily = today.date()
            done["daily"] = jobs.daily()
        return done

    def _send_loop(self) -> None:
        while not self._stop.is_set():
            waiting = [self.dispatch.waiting.get()]
            while len(waiting) < SEND_BATCH:
                try:
                    waiting.append(self.dispatch.waiting.get_nowait())
                except queue.Empty:
                    break
            waiting = [message_id for message_id in waiting if message_id]   # 0: stop
            if len(waiting) == 1:
                self.send_one(waiting[0])
            elif waiting:
                self.send_many(waiting)

    def _periodic_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_periodic()
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("periodic jobs failed")
            self._stop.wait(self._every)

    def _give_up(self, message_id: int) -> None:
        with self.container.session() as session, session.begin():
            session.execute(update(OutboundMessage).where(
                OutboundMessage.id == message_id, OutboundMessage.status == QUEUED)
                .values(status=FAILED, error_code="gave_up",
                        status_updated_at=self.container.clock.now()))
        self._attempts.pop(message_id, None)


def start_in_process(container: Container) -> InProcessJobs:
    runner = InProcessJobs(container)
    runner.start()
    log.info("jobs run in-process (no REDIS_URL)")
    return runner
