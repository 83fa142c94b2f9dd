"""Staff accounts: creating them, signing in (throttled, with a lockout), and what each may see.

Two roles: staff, for some prisons or all, and administrators (every prison, plus the prison
settings and staff accounts). Every admin view asks `Access` before it shows or changes
anything; nothing is allowed by default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .actor import Actor
from .audit import record
from .clock import Clock
from .models import Prison, StaffPrison, StaffUser
from .ports import PinHasher
from .uow import UnitOfWork

STAFF, ADMIN = "staff", "admin"
ROLES = (STAFF, ADMIN)
MIN_PASSWORD_LENGTH = 12
FAILURES_BEFORE_LOCK = 5
LOCK_FOR = timedelta(minutes=15)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
SIGN_IN_FAILED = ("The username or password is not right, or the account is locked after too "
                  "many tries. Try again in 15 minutes, or ask an administrator.")


class Invalid(ValueError):
    """Bad input a member of staff can correct; `field` names the form field at fault."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(Exception):
    """This member of staff may not see or change that."""


@dataclass(frozen=True)
class Access:
    staff_id: int
    username: str
    role: str
    all_prisons: bool
    prison_ids: frozenset[int]

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def actor(self) -> Actor:
        return Actor.staff(self.staff_id)

    def sees_every_prison(self) -> bool:
        return self.is_admin or self.all_prisons

    def can_see(self, prison_id: int | None) -> bool:
        return prison_id is not None and (self.sees_every_prison() or prison_id in self.prison_ids)

    def check_prison(self, prison_id: int | None) -> None:
        if not self.can_see(prison_id):
            raise NotAllowed("not your prison")

    def check_admin(self) -> None:
        if not self.is_admin:
            raise NotAllowed("administrators only")


def access_for(session, staff_id: int | None) -> Access | None:
    """What a signed-in member of staff may do now (None if the account is gone or disabled)."""
    user = session.get(StaffUser, staff_id) if staff_id else None
    if user is None or not user.active or user.role not in ROLES:
        return None
    return Access(user.id, user.username, user.role, user.all_prisons,
                  frozenset(link.prison_id for link in user.prisons))


def visible_prisons(session, access: Access) -> list[Prison]:
    query = select(Prison).order_by(Prison.name)
    if not access.sees_every_prison():
        query = query.where(Prison.id.in_(access.prison_ids or {-1}))
    return list(session.scalars(query))


def create_staff(uow: UnitOfWork, clock: Clock, hasher: PinHasher, *, username: str,
                 password: str, role: str = STAFF, prison_ids: list[int] = (),
                 all_prisons: bool = False, actor: Actor) -> StaffUser:
    session = uow.session
    username = (username or "").strip().lower()
    _check_new_account(session, username, password, role, prison_ids, all_prisons)
    user = StaffUser(username=username, password_hash=hasher.hash(password), role=role,
                     all_prisons=all_prisons or role == ADMIN, active=True, failed_sign_ins=0)
    user.prisons = [StaffPrison(prison_id=pid) for pid in sorted(set(prison_ids))]
    session.add(user)
    session.flush()
    record(session, clock, actor, "staff", user.id, "staff_created",
           after={"username": username, "role": role, "all_prisons": user.all_prisons,
                  "prisons": sorted(set(prison_ids))})
    uow.commit()
    return user


def _check_new_account(session, username: str, password: str, role: str, prison_ids,
                       all_prisons: bool) -> None:
    if not USERNAME.match(username):
        raise Invalid("A username is 3 to 80 lower-case letters, digits, dots, dashes or "
                      "underscores, starting with a letter or digit.", "username")
    if session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise Invalid("That username is taken.", "username")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if role not in ROLES:
        raise Invalid("The role must be staff or administrator.", "role")
    if role == STAFF and not all_prisons and not prison_ids:
        raise Invalid("Choose the prisons this member of staff works for, or all prisons.",
                      "prisons")
    known = session.scalar(select(func.count(Prison.id)).where(Prison.id.in_(set(prison_ids))))
    if known != len(set(prison_ids)):
        raise Invalid("One of those prisons does not exist.", "prisons")


def authenticate(uow: UnitOfWork, clock: Clock, hasher: PinHasher, *, username: str,
                 password: str, dummy_hash: str) -> Access:
    """The account these credentials open. Every failure gets the same answer (SIGN_IN_FAILED),
    takes as long (an unknown name is checked against `dummy_hash`), and counts: five in a row
    lock the account for 15 minutes."""
    session = uow.session
    now = clock.now()
    user = session.scalar(select(StaffUser).where(
        StaffUser.username == (username or "").strip().lower()))
    if user is None or not user.active:
        hasher.verify(dummy_hash, password or "")
        raise Invalid(SIGN_IN_FAILED)
    if _locked(user, now):
        raise Invalid(SIGN_IN_FAILED)
    if not hasher.verify(user.password_hash, password or ""):
        _count_failure(uow, clock, user)
        raise Invalid(SIGN_IN_FAILED)
    user.failed_sign_ins = 0
    user.locked_until = None
    record(session, clock, Actor.staff(user.id), "staff", user.id, "signed_in")
    uow.commit()
    return access_for(session, user.id)


def _locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _count_failure(uow: UnitOfWork, clock: Clock, user: StaffUser) -> None:
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if user.failed_sign_ins >= FAILURES_BEFORE_LOCK:
        user.failed_sign_ins = 0
        user.locked_until = clock.now() + LOCK_FOR
        record(uow.session, clock, Actor.system("admin"), "staff", user.id, "sign_in_locked",
               after={"locked_until": user.locked_until})
    uow.commit()


def staff_accounts(session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))
