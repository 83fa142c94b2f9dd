"""Identifying a caller: the number they call from finds them; a PIN or date of birth confirms.
Repeated failures lock phone self-service for a while (staff can reset it)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from .actor import Actor
from .audit import record
from .clock import LONDON, Clock
from .errors import Refused
from .models import IdentificationAttempt, Visitor
from .phones import to_e164
from .ports import PinHasher
from .uow import UnitOfWork

FAILURES_BEFORE_LOCK = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(hours=1)


def callers_for_number(session, phone: str | None) -> list[Visitor]:
    """Everyone registered on this number (a family may share one), oldest first."""
    e164 = to_e164(phone)
    if e164 is None:
        return []
    return list(session.scalars(select(Visitor).where(
        Visitor.phone == e164, Visitor.anonymised_at.is_(None))
        .order_by(Visitor.date_of_birth)))


def confirm_caller(uow: UnitOfWork, clock: Clock, hasher: PinHasher, *, phone: str | None,
                   pin: str | None = None, date_of_birth: date | None = None) -> Visitor:
    """The visitor on this number whose PIN or date of birth matches. A wrong PIN and a wrong
    date of birth get the same answer, so a caller learns nothing about which was wrong."""
    session = uow.session
    callers = callers_for_number(session, phone)
    if not callers:
        raise Refused("unknown_caller")
    now = clock.now()
    locked = [v for v in callers if v.phone_locked_until and v.phone_locked_until > now]
    if locked and len(locked) == len(callers):
        until = max(v.phone_locked_until for v in locked).astimezone(LONDON).strftime("%H:%M")
        raise Refused("self_service_locked", until=until)
    for visitor in callers:
        if visitor in locked:
            continue
        if _matches(hasher, visitor, pin, date_of_birth):
            session.add(IdentificationAttempt(visitor_id=visitor.id, at=now, succeeded=True))
            uow.commit()
            return visitor
    for visitor in callers:
        _record_failure(uow, clock, visitor)
    uow.commit()
    raise Refused("identity_not_confirmed")


def reset_lockout(uow: UnitOfWork, clock: Clock, *, visitor_id: int, actor: Actor) -> None:
    visitor = uow.session.get(Visitor, visitor_id)
    if visitor is None:
        raise Refused("unknown_caller")
    before = visitor.phone_locked_until
    visitor.phone_locked_until = None
    uow.session.add(IdentificationAttempt(visitor_id=visitor_id, at=clock.now(), succeeded=True))
    record(uow.session, clock, actor, "visitor", visitor_id, "lockout_reset",
           before={"phone_locked_until": before}, after={"phone_locked_until": None})
    uow.commit()


def _matches(hasher: PinHasher, visitor: Visitor, pin: str | None, born: date | None) -> bool:
    if pin is not None:
        return bool(visitor.pin_hash) and hasher.verify(visitor.pin_hash, pin)
    return born is not None and born == visitor.date_of_birth


def _record_failure(uow: UnitOfWork, clock: Clock, visitor: Visitor) -> None:
    session = uow.session
    now = clock.now()
    session.add(IdentificationAttempt(visitor_id=visitor.id, at=now, succeeded=False))
    session.flush()
    last_success = session.scalar(select(func.max(IdentificationAttempt.at)).where(
        IdentificationAttempt.visitor_id == visitor.id, IdentificationAttempt.succeeded.is_(True)))
    since = max(now - FAILURE_WINDOW, last_success) if last_success else now - FAILURE_WINDOW
    failures = session.scalar(select(func.count(IdentificationAttempt.id)).where(
        IdentificationAttempt.visitor_id == visitor.id, IdentificationAttempt.at > since,
        IdentificationAttempt.succeeded.is_(False)))
    if failures >= FAILURES_BEFORE_LOCK:
        visitor.phone_locked_until = now + LOCK_FOR
        record(session, clock, Actor.system("phone"), "visitor", visitor.id, "phone_locked",
               after={"phone_locked_until": visitor.phone_locked_until})
