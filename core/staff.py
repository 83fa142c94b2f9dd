"""Staff accounts: creating them, disabling and enabling them, resetting passwords, and what
each may see. Signing in is core.sign_in.

Two roles: staff, for some prisons or all, and administrators (every prison, plus the prison
settings and staff accounts). Every admin view asks `Access` before it shows or changes
anything; nothing is allowed by default. Disabling an account or resetting its password ends
every session it has (the account's session generation moves on).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update

from .actor import Actor
from .audit import record
from .clock import Clock
from .models import Prison, StaffPrison, StaffUser
from .ports import PinHasher
from .uow import UnitOfWork

STAFF, ADMIN = "staff", "admin"
ROLES = (STAFF, ADMIN)
MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


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
    generation: int             # the account's session generation this access was given under

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


def access_for(session, staff_id: int | None, generation: int | None) -> Access | None:
    """What a member of staff signed in under this session generation may do now (None if the
    account is gone or disabled, or its sessions were ended since)."""
    user = session.get(StaffUser, staff_id) if staff_id else None
    if user is None or not user.active or user.role not in ROLES \
            or user.session_generation != generation:
        return None
    return Access(user.id, user.username, user.role, user.all_prisons,
                  frozenset(link.prison_id for link in user.prisons), user.session_generation)


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
                     all_prisons=all_prisons or role == ADMIN, active=True,
                     session_generation=0)
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
    _check_password(password)
    if role not in ROLES:
        raise Invalid("The role must be staff or administrator.", "role")
    if role == STAFF and not all_prisons and not prison_ids:
        raise Invalid("Choose the prisons this member of staff works for, or all prisons.",
                      "prisons")
    known = session.scalar(select(func.count(Prison.id)).where(Prison.id.in_(set(prison_ids))))
    if known != len(set(prison_ids)):
        raise Invalid("One of those prisons does not exist.", "prisons")


def staff_accounts(session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def staff_account(session, access: Access, staff_id: int) -> StaffUser:
    access.check_admin()
    user = session.get(StaffUser, staff_id)
    if user is None:
        raise NotAllowed("no such account")
    return user


def set_active(uow: UnitOfWork, clock: Clock, access: Access, *, staff_id: int,
               active: bool) -> StaffUser:
    """Disable an account (it cannot sign in, and its sessions end at their next request) or
    enable it again (its old sessions stay ended). Nobody disables their own account, so an
    administrator is always left."""
    session = uow.session
    user = staff_account(session, access, staff_id)
    if not active and user.id == access.staff_id:
        raise Invalid("You cannot disable your own account. Ask another administrator.")
    changed = session.execute(
        update(StaffUser).where(StaffUser.id == staff_id, StaffUser.active == (not active))
        .values(active=active, session_generation=StaffUser.session_generation + 1)
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Invalid(f"That account is already {'enabled' if active else 'disabled'}.")
    record(session, clock, access.actor, "staff", staff_id,
           "staff_enabled" if active else "staff_disabled",
           before={"active": not active}, after={"active": active})
    uow.commit()
    session.refresh(user)
    return user


def reset_password(uow: UnitOfWork, clock: Clock, hasher: PinHasher, access: Access, *,
                   staff_id: int, password: str) -> StaffUser:
    """A new password for an account, set by an administrator; every session the account has
    ends (whoever knew the old password is signed out)."""
    session = uow.session
    user = staff_account(session, access, staff_id)
    _check_password(password)
    session.execute(update(StaffUser).where(StaffUser.id == staff_id)
                    .values(password_hash=hasher.hash(password),
                            session_generation=StaffUser.session_generation + 1)
                    .execution_options(synchronize_session=False))
    record(session, clock, access.actor, "staff", staff_id, "staff_password_reset",
           after={"sessions_ended": True})
    uow.commit()
    session.refresh(user)
    return user


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise Invalid(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", "password")
