"""The booking core as the phone line uses it: each method one unit of work, answering plain
values (no database rows outlive their session). Refusals from the core pass through."""
from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from core import choices
from core.actor import PHONE, Actor
from core.availability import SlotOffer, available_slots
from core.booking import confirm_booking
from core.cancel import Cancelled, cancel_booking
from core.clock import local_today
from core.errors import Refused
from core.escalations import (StaffedHours, attach_recording, caller_left_queue,
                              record_escalation)
from core.find import upcoming_visits
from core.holds import hold_table, release_hold
from core.identify import confirm_caller
from core.models import REQUESTED, ApprovedVisitor, Prison, Prisoner, Visitor, VisitSlot
from core.optouts import can_be_texted
from core.phones import to_e164
from core.waiting_list import join_waiting_list

MAX_DATES = 3


@dataclass(frozen=True)
class Confirmed:
    reference: str
    requested: bool         # a request for staff, not yet a booking
    id_requirements: str
    texted: bool            # whether the confirmation text can reach the caller's number


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    name: str
    language: str
    professional: bool


@dataclass(frozen=True)
class Greeting:
    """What the greeting needs: whether the number is a registered visitor's, the language to
    greet them in, and the prison a per-prison number belongs to (id, name, language)."""
    known: bool
    language: str
    prison: tuple[int, str, str] | None


@dataclass(frozen=True)
class PrisonerChoice:
    id: int
    name: str
    prison: str
    prison_id: int
    prison_language: str


@dataclass(frozen=True)
class Held:
    hold_id: int
    minutes: int
    tables: int
    closed_because: str
    uses_vo: bool
    request_reason: str


@dataclass(frozen=True)
class Visit:
    id: int
    reference: str
    day: date
    starts_at: datetime
    prisoner: str
    prison: str
    requested: bool


class Services:
    def __init__(self, container, reading: Connection | None = None):
        self._container = container
        self._reading_on = reading      # the greeting's: it reads on the connection that keeps it
        self.clock = container.clock
        self.settings = container.settings

    def uow(self):
        return self._container.uow()

    def today(self) -> date:
        return local_today(self.clock)

    # Who is calling
    def greeting(self, phone: str, prison_code: str = "") -> Greeting:
        """Every call starts here, so it is one short read: the caller (the first of
        core.identify.callers_for_number) with the language of the prison of the first prisoner
        core.choices.approved_prisoners lists for them, and the prison of a per-prison number."""
        e164 = _e164(phone)
        with self._reading() as connection:
            caller = connection.execute(_CALLER, {"phone": e164}).first() if e164 else None
            prison = connection.execute(_PRISON, {"code": prison_code.upper()[:8]}).first() \
                if prison_code else None
        language = "en"
        if caller is not None:
            language = "cy" if "cy" in (caller.language, caller.prison_language) \
                else caller.language
        return Greeting(caller is not None, language, tuple(prison) if prison else None)

    @contextmanager
    def _reading(self):
        """A connection to read from: the greeting's own, which keeps the call once the greeting
        is worked out, else a unit of work's."""
        if self._reading_on is not None:
            yield self._reading_on
            return
        with self.uow() as uow:
            yield uow.session.connection()

    def identify(self, phone: str, *, pin: str | None = None,
                 born: date | None = None) -> Person:
        with self.uow() as uow:
            return _person(confirm_caller(uow, self.clock, self._container.hasher, phone=phone,
                                          pin=pin, date_of_birth=born))

    # What to book
    def prisoners_for(self, visitor_id: int) -> list[PrisonerChoice]:
        with self.uow() as uow:
            return [_prisoner(p) for p in choices.approved_prisoners(uow.session, visitor_id)]

    def prisoners_by_number(self, typed: str) -> list[PrisonerChoice]:
        with self.uow() as uow:
            return [_prisoner(p) for p in choices.prisoners_by_number_digits(uow.session, typed)]

    def prisoner(self, prisoner_id: int) -> PrisonerChoice:
        with self.uow() as uow:
            prisoner = uow.session.get(Prisoner, prisoner_id)
            if prisoner is None or prisoner.prison_id is None:
                raise Refused("prisoner_not_here")
            return _prisoner(prisoner)

    def companions(self, lead_id: int, prisoner_id: int) -> list[Person]:
        with self.uow() as uow:
            return [_person(v) for v in choices.companions(uow.session, lead_id=lead_id,
                                                           prisoner_id=prisoner_id)]

    def names(self, visitor_ids: list[int]) -> list[str]:
        with self.uow() as uow:
            found = {v.id: v.name for v in (uow.session.get(Visitor, i) for i in visitor_ids) if v}
            return [found[i] for i in visitor_ids if i in found]

    def soonest_dates(self, prisoner_id: int, party: list[int]) -> list[date]:
        """The first few dates with a place, soonest first. Availability stops at `limit`
        offers, so only the first days of the window are assessed unless they are full."""
        limit = MAX_DATES * 3
        while True:
            with self.uow() as uow:
                offers = available_slots(uow.session, self.clock, prisoner_id=prisoner_id,
                                         visitor_ids=party, limit=limit)
                uow.commit()    # slots may have been made for days newly in the window
            days = list(dict.fromkeys(offer.date for offer in offers))
            if len(days) >= MAX_DATES or len(offers) < limit:
                return days[:MAX_DATES]
            limit *= 4

    def sessions_on(self, prisoner_id: int, party: list[int], day: date) -> list[SlotOffer]:
        with self.uow() as uow:
            offers = available_slots(uow.session, self.clock, prisoner_id=prisoner_id,
                                     visitor_ids=party, on_date=day)
            uow.commit()
            return offers

    def full_sessions(self, prisoner_id: int, professional: bool, day: date) -> list[SlotOffer]:
        with self.uow() as uow:
            prisoner = uow.session.get(Prisoner, prisoner_id)
            return [SlotOffer(s.id, s.date, s.starts_at, s.ends_at, False, 1, 0, "")
                    for s in choices.full_sessions(uow.session, self.clock, prisoner=prisoner,
                                                   professional=professional, on_date=day)]

    def slot_times(self, slot_id: int) -> tuple[date, datetime, datetime]:
        with self.uow() as uow:
            slot = uow.session.get(VisitSlot, slot_id)
            return slot.date, slot.starts_at, slot.ends_at

    # Holding, booking, cancelling
    def hold(self, *, slot_id: int, prisoner_id: int, party: list[int]) -> Held:
        with self.uow() as uow:
            held = hold_table(uow, self.clock, slot_id=slot_id, prisoner_id=prisoner_id,
                              visitor_ids=party, actor=Actor.visitor(party[0], PHONE))
            # Rounded up: a table held for 10 minutes a moment ago is still "10 minutes".
            minutes = max(1, math.ceil((held.expires_at - self.clock.now()).total_seconds() / 60))
            a = held.assessment
            return Held(held.hold_id, minutes, a.tables, a.closed_because, a.uses_vo,
                        a.request_reason)

    def release(self, hold_id: int, visitor_id: int | None) -> None:
        with self.uow() as uow:
            actor = Actor.visitor(visitor_id, PHONE) if visitor_id else Actor.system(PHONE)
            release_hold(uow, self.clock, hold_id=hold_id, actor=actor)

    def confirm(self, hold_id: int, visitor_id: int) -> Confirmed:
        with self.uow() as uow:
            booking = confirm_booking(uow, self.clock, hold_id=hold_id,
                                      actor=Actor.visitor(visitor_id, PHONE))
            return Confirmed(booking.reference, booking.status == REQUESTED,
                             booking.slot.prison.id_wording(booking.lead_visitor.language),
                             can_be_texted(uow.session, booking.lead_visitor.phone))

    def upcoming(self, visitor_id: int) -> list[Visit]:
        with self.uow() as uow:
            return [Visit(b.id, b.reference, b.slot.date, b.slot.starts_at, b.prisoner.name,
                          b.slot.prison.name, b.status == REQUESTED)
                    for b in upcoming_visits(uow.session, self.clock, visitor_id)[:5]]

    def cancel(self, booking_id: int, visitor_id: int) -> Cancelled:
        with self.uow() as uow:
            return cancel_booking(uow, self.clock, booking_id=booking_id,
                                  actor=Actor.visitor(visitor_id, PHONE))

    def join_waiting_list(self, *, slot_id: int, prisoner_id: int, party: list[int]) -> None:
        with self.uow() as uow:
            join_waiting_list(uow, self.clock, slot_id=slot_id, prisoner_id=prisoner_id,
                              visitor_ids=party, actor=Actor.visitor(party[0], PHONE))

    def give_feedback(self, *, visitor_id: int | None, prison_id: int | None, rating: int,
                      comment: str) -> None:
        from core.feedback import record_feedback
        with self.uow() as uow:
            record_feedback(uow, self.clock, visitor_id=visitor_id, prison_id=prison_id,
                            rating=rating, comment=comment, channel=PHONE)

    # Staff
    def staffed_hours(self) -> StaffedHours:
        s = self.settings
        return StaffedHours(s.staffed_from, s.staffed_until, tuple(s.staffed_days), s.timezone)

    def staffed_now(self) -> bool:
        return self.staffed_hours().staffed_at(self.clock.now())

    def escalate(self, *, kind: str, call_sid: str, from_phone: str, visitor_id: int | None,
                 prison_id: int | None, reason: str) -> None:
        with self.uow() as uow:
            record_escalation(uow, self.clock, kind=kind, call_sid=call_sid,
                              from_phone=from_phone, visitor_id=visitor_id,
                              prison_id=prison_id, reason=reason)

    def left_queue(self, call_sid: str, *, answered: bool) -> None:
        with self.uow() as uow:
            caller_left_queue(uow, self.clock, call_sid=call_sid, answered=answered)

    def attach_recording(self, call_sid: str, url: str) -> None:
        with self.uow() as uow:
            attach_recording(uow, call_sid=call_sid, recording_url=url)


# The greeting's read (Services.greeting): the caller's language and their first prisoner's
# prison's, in one statement.
_FIRST_PRISONERS_PRISON = (
    select(Prison.language).select_from(Prisoner)
    .join(ApprovedVisitor, ApprovedVisitor.prisoner_id == Prisoner.id)
    .join(Prison, Prison.id == Prisoner.prison_id)
    .where(ApprovedVisitor.visitor_id == Visitor.id, ApprovedVisitor.approved.is_(True))
    .order_by(Prisoner.last_name, Prisoner.first_name).limit(1)
    .correlate(Visitor).scalar_subquery())
_CALLER = (select(Visitor.language, _FIRST_PRISONERS_PRISON.label("prison_language"))
           .where(Visitor.phone == bindparam("phone"), Visitor.anonymised_at.is_(None))
           .order_by(Visitor.date_of_birth).limit(1))
_PRISON = select(Prison.id, Prison.name, Prison.language).where(Prison.code == bindparam("code"))

# A caller's number in E.164: parsing one takes tens of microseconds, on every call, and the same
# numbers call again and again.
_e164 = lru_cache(maxsize=4096)(to_e164)


def _person(visitor: Visitor) -> Person:
    return Person(visitor.id, visitor.first_name, visitor.name, visitor.language,
                  visitor.is_professional)


def _prisoner(prisoner: Prisoner) -> PrisonerChoice:
    prison = prisoner.prison
    return PrisonerChoice(prisoner.id, prisoner.name, prison.name, prison.id, prison.language)
