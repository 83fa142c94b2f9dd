"""The day-to-day work on the staff pages that is not a booking: calling people back, telling
prisoners, feedback, and texts that did not get through."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select, true, update

from .audit import record
from .clock import LONDON, Clock
from .escalations import DONE, OPEN
from .models import (REQUESTED, Booking, Escalation, Feedback, OutboundMessage,
                     PrisonerNotice, Visitor, VisitSlot, WaitingListEntry)
from .models.messages import FAILED, UNDELIVERED
from .outbox import RESEND_PREFIX, copy_to_send_again, sent_again
from .staff import Access, Invalid, NotAllowed
from .uow import UnitOfWork
from .visitors_admin import linked_to



def escalations_for(session, access: Access, *, include_done: bool = False) -> list[Escalation]:
    """Callers waiting, put through, or asking to be called back, oldest first."""
    query = select(Escalation).where(_seen_by(access)).order_by(Escalation.created_at,
                                                                Escalation.id)
    if not include_done:
        query = query.where(Escalation.status == OPEN)
    return list(session.scalars(query.limit(500)))


def _seen_by(access: Access):
    """Which escalations a member of staff sees. One made on a prison's own number, or once the
    caller chose a prisoner, belongs to that prison. A known caller on the general number goes to
    the staff who may see them (the prisons of their approved prisoners and bookings), so no
    prison hears another's visitor's name, number or message; so does a call from a visitor's
    number not yet confirmed by PIN. A caller the line does not know, or a visitor linked to no
    prison yet, belongs to no prison: every member of staff sees them, so someone calls back."""
    if access.sees_every_prison():
        return true()
    mine = access.prison_ids or {-1}
    return or_(Escalation.prison_id.in_(mine), and_(
        Escalation.prison_id.is_(None),
        or_(_caller_linked_to(mine), ~_caller_linked_to(None))))


def _caller_linked_to(prison_ids):
    """The escalation's visitor, or one whose number it came from, is linked to these prisons."""
    by_number = select(Visitor.id).where(Visitor.phone == Escalation.from_phone,
                                         linked_to(Visitor.id, prison_ids))
    return or_(and_(Escalation.visitor_id.is_not(None),
                    linked_to(Escalation.visitor_id, prison_ids)),
               and_(Escalation.visitor_id.is_(None), by_number.exists()))


def mark_called_back(uow: UnitOfWork, clock: Clock, access: Access, *, escalation_id: int,
                     outcome: str) -> Escalation:
    session = uow.session
    escalation = session.scalar(select(Escalation).where(Escalation.id == escalation_id,
                                                         _seen_by(access)))
    if escalation is None:
        raise NotAllowed("no such escalation for you")
    outcome = (outcome or "").strip()
    if not outcome or len(outcome) > 300:
        raise Invalid("Say what came of the call (up to 300 letters).", "outcome")
    changed = session.execute(
        update(Escalation).where(Escalation.id == escalation_id, Escalation.status == OPEN)
        .values(status=DONE, outcome=outcome, handled_by=access.actor.label,
                handled_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise Invalid("Someone has already dealt with this one.", "outcome")
    record(session, clock, access.actor, "escalation", escalation_id, "called_back",
           after={"outcome": outcome})
    uow.commit()
    session.refresh(escalation)
    return escalation


def undelivered_notices(session, prison_id: int) -> list[PrisonerNotice]:
    return list(session.scalars(select(PrisonerNotice).where(
        PrisonerNotice.prison_id == prison_id, PrisonerNotice.delivered_at.is_(None))
        .order_by(PrisonerNotice.location, PrisonerNotice.created_at)))


def mark_notice_delivered(uow: UnitOfWork, clock: Clock, access: Access, *,
                          notice_id: int) -> PrisonerNotice:
    session = uow.session
    notice = session.get(PrisonerNotice, notice_id)
    if notice is None or not access.can_see(notice.prison_id):
        raise NotAllowed("no such notice for you")
    if notice.delivered_at is None:
        notice.delivered_at, notice.delivered_by = clock.now(), access.actor.label
        record(session, clock, access.actor, "prisoner_notice", notice.id, "delivered")
        uow.commit()
    return notice


def pending_requests(session, prison_id: int) -> list[Booking]:
    return list(session.scalars(select(Booking).join(VisitSlot, VisitSlot.id == Booking.slot_id)
                                .where(Booking.prison_id == prison_id,
                                       Booking.status == REQUESTED)
                                .order_by(VisitSlot.starts_at, Booking.id)))


def waiting_list_for(session, prison_id: int, day: date) -> list[WaitingListEntry]:
    return list(session.scalars(
        select(WaitingListEntry).join(VisitSlot, VisitSlot.id == WaitingListEntry.slot_id)
        .where(VisitSlot.prison_id == prison_id, VisitSlot.date == day)
        .order_by(VisitSlot.starts_at, WaitingListEntry.created_at, WaitingListEntry.id)))


@dataclass(frozen=True)
class MonthScore:
    month: str           # "2026-12"
    ratings: int
    average: float | None
    counts: tuple[int, int, int, int, int]   # how many 1s .. 5s


def feedback_scores(session, prison_id: int, months: int = 12) -> list[MonthScore]:
    """Ratings by month, newest month first (months counted in London time)."""
    rows = session.execute(select(Feedback.created_at, Feedback.rating).where(
        Feedback.prison_id == prison_id, Feedback.rating.is_not(None))).all()
    by_month: dict[str, list[int]] = {}
    for created, rating in rows:
        by_month.setdefault(f"{created.astimezone(LONDON):%Y-%m}", []).append(rating)
    scores = [MonthScore(month, len(r), round(sum(r) / len(r), 2),
                         tuple(r.count(n) for n in range(1, 6)))
              for month, r in by_month.items()]
    return sorted(scores, key=lambda s: s.month, reverse=True)[:months]


def feedback_comments(session, prison_id: int, month: str | None = None,
                      limit: int = 200) -> list[Feedback]:
    query = select(Feedback).where(Feedback.prison_id == prison_id, Feedback.comment != "")
    comments = session.scalars(query.order_by(Feedback.created_at.desc(), Feedback.id.desc())
                               .limit(limit * 4 if month else limit)).all()
    if month:
        comments = [c for c in comments if f"{c.created_at.astimezone(LONDON):%Y-%m}" == month]
    return list(comments)[:limit]


def undelivered_messages(session, limit: int = 200) -> list[OutboundMessage]:
    """Texts that failed or were not delivered and have not been sent again."""
    retried = select(OutboundMessage.dedupe_key).where(
        OutboundMessage.dedupe_key.like(f"{RESEND_PREFIX}%"))
    retried_ids = {int(key[len(RESEND_PREFIX):]) for key in session.scalars(retried)}
    found = session.scalars(select(OutboundMessage).where(
        OutboundMessage.status.in_((FAILED, UNDELIVERED)))
        .order_by(OutboundMessage.created_at.desc()).limit(limit + len(retried_ids)))
    return [m for m in found if m.id not in retried_ids][:limit]


def retry_message(uow: UnitOfWork, clock: Clock, access: Access, *, message_id: int) -> int:
    """Send a failed text again, as a new outbox row (the failed one stays as it was, so the
    record is true); the new text's id. Retrying twice writes one new row. Administrators only."""
    access.check_admin()
    session = uow.session
    message = session.get(OutboundMessage, message_id)
    if message is None or message.status not in (FAILED, UNDELIVERED):
        raise Invalid("That text is not one that failed.", "message")
    if sent_again(session, message):
        raise Invalid("That text has already been sent again.", "message")
    again = copy_to_send_again(session, clock, message, send_after=clock.now())
    uow.message_written(again.id)
    record(session, clock, access.actor, "message", message.id, "resent",
           after={"new_message": again.id})
    uow.commit()
    return again.id
