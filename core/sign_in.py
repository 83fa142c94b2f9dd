"""Signing in to the staff pages, the throttle on failed sign-ins, and signing out.

The throttle (`sign_in_throttle`): at most five failed sign-ins in any 15 minutes for one
username, and as many from one client address. Once there are five, sign-in is refused, without
looking at the password, until the oldest of them is 15 minutes old: after a quick burst, for 15
minutes. Refused tries are not counted. A username nobody has counts like a real one, so being
refused says nothing about which accounts exist. A username's count starts again when its
account signs in; an address's does not (else signing in to your own account would reset the
count while guessing at others').

Signing out ends that one session for good (`sign_out`): its id is kept as ended, so a copy of
its cookie is refused, while the same account's sessions in other browsers carry on.
"""
from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from .actor import Actor
from .audit import record
from .clock import Clock
from .locks import one_at_a_time
from .models import StaffUser
from .models.records import EndedStaffSession, SignInFailure
from .ports import PinHasher
from .staff import Access, Invalid, access_for
from .uow import UnitOfWork

log = logging.getLogger(__name__)
FAILURES_ALLOWED = 5
WINDOW = timedelta(minutes=15)
KEEP_FAILURES = timedelta(days=1)
SIGN_IN_FAILED = "The username or password is not right."


class TooManyFailures(Invalid):
    """Sign-in refused for a while; `wait` is how long."""

    def __init__(self, wait: timedelta):
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        super().__init__(
            f"Too many failed sign-ins for this username or from this computer. Try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}, or ask an administrator to reset "
            f"your password.")
        self.wait = wait


def authenticate(uow: UnitOfWork, clock: Clock, hasher: PinHasher, *, username: str,
                 password: str, client_address: str, dummy_hash: str) -> Access:
    """The account these credentials open. A wrong password, an unknown name and a disabled
    account get the same answer (SIGN_IN_FAILED) and take as long (an unknown name is checked
    against `dummy_hash`); each counts towards the throttle."""
    session = uow.session
    username = (username or "").strip().lower()[:80]
    address = (client_address or "unknown")[:64]
    # Guesses sent in parallel for one username or address wait for each other.
    one_at_a_time(session, "visitline-sign-in", username, address)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    wait = sign_in_throttle(session, clock.now(), username=username, address=address,
                            signed_in_at=user.last_signed_in_at if user else None)
    if wait is not None:
        raise TooManyFailures(wait)
    if user is not None and not user.active:
        user = None                 # a disabled account opens no more than a missing one
    right = hasher.verify(user.password_hash if user else dummy_hash, password or "")
    if user is None or not right:
        _count_failure(uow, clock, username, address, user)
        raise Invalid(SIGN_IN_FAILED)
    user.last_signed_in_at = clock.now()
    record(session, clock, Actor.staff(user.id), "staff", user.id, "signed_in")
    uow.commit()
    return access_for(session, user.id, user.session_generation)


def sign_in_throttle(session, now: datetime, *, username: str, address: str,
                     signed_in_at: datetime | None = None) -> timedelta | None:
    """How long sign-in is refused for this username or from this address (None: it is not).
    `signed_in_at`: when the username's account last signed in."""
    waits = [oldest + WINDOW - now for oldest in (
        _fifth_latest(session, SignInFailure.username, username,
                      _counted_from(now, signed_in_at)),
        _fifth_latest(session, SignInFailure.client_address, address, _counted_from(now)))
        if oldest is not None]
    return max(waits, default=None)


def _counted_from(now: datetime, signed_in_at: datetime | None = None) -> datetime:
    """Failures after this count: those of the last WINDOW, and for a username only those since
    its account last signed in."""
    return max(now - WINDOW, signed_in_at) if signed_in_at else now - WINDOW


def _fifth_latest(session, column, value: str, since: datetime) -> datetime | None:
    """The oldest of the last FAILURES_ALLOWED failures after `since`, if there are that many:
    sign-in is refused until it is WINDOW old."""
    times = session.scalars(select(SignInFailure.at).where(column == value,
                                                           SignInFailure.at > since)
                            .order_by(SignInFailure.at.desc()).limit(FAILURES_ALLOWED)).all()
    return times[-1] if len(times) == FAILURES_ALLOWED else None


def _count_failure(uow: UnitOfWork, clock: Clock, username: str, address: str,
                   user: StaffUser | None) -> None:
    session = uow.session
    now = clock.now()
    session.add(SignInFailure(at=now, username=username, client_address=address))
    session.flush()
    if user is not None:
        oldest = _fifth_latest(session, SignInFailure.username, username,
                               _counted_from(now, user.last_signed_in_at))
        if oldest is not None:
            record(session, clock, Actor.system("admin"), "staff", user.id,
                   "sign_in_throttled", after={"refused_until": oldest + WINDOW})
    if _fifth_latest(session, SignInFailure.client_address, address, _counted_from(now)):
        log.warning("staff sign-in from %s refused for a while: too many failures", address)
    uow.commit()


def forget_old_sign_in_failures(uow: UnitOfWork, clock: Clock) -> int:
    """Failed sign-ins are kept a day (the throttle needs 15 minutes; a day is for anyone looking
    into an attack). Returns how many were forgotten."""
    forgotten = uow.session.execute(delete(SignInFailure).where(
        SignInFailure.at < clock.now() - KEEP_FAILURES)).rowcount
    uow.commit()
    return forgotten


def sign_out(uow: UnitOfWork, clock: Clock, access: Access, *, session_id: str,
             lapses_after: timedelta) -> None:
    """End this session (named by its random id) for good. `lapses_after`: the idle timeout, past
    which any cookie of the session taken before now is refused anyway."""
    session = uow.session
    if session.get(EndedStaffSession, session_id) is None:
        session.add(EndedStaffSession(session_id=session_id, staff_id=access.staff_id,
                                      expires_at=clock.now() + lapses_after))
        record(session, clock, access.actor, "staff", access.staff_id, "signed_out")
    uow.commit()


def session_ended(session, session_id: str | None) -> bool:
    """True for a session signed out, or one that has no id (every sign-in gives one)."""
    return not session_id or session.get(EndedStaffSession, session_id) is not None


def forget_ended_sessions(uow: UnitOfWork, clock: Clock) -> int:
    """Ended sessions past their expiry: the idle timeout refuses their cookies now. Returns
    how many were forgotten."""
    forgotten = uow.session.execute(delete(EndedStaffSession).where(
        EndedStaffSession.expires_at < clock.now())).rowcount
    uow.commit()
    return forgotten
