"""Attendance (DESIGN.md states: booked -> attended | no-show): staff record, once the session
has started, whether a booked visit's party came, and correct a mis-click for a short while
after. A no-show keeps its visiting order used, as HMPPS does, and is not asked for feedback."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from .actor import Actor
from .audit import record
from .clock import LONDON, Clock, local_today
from .delivery import SENDABLE, UNKNOWN_OUTCOME
from .delivery_rules import FEEDBACK_REQUEST
from .errors import Refused
from .find import get_booking
from .models import ATTENDED, BOOKED, NO_SHOW, AuditEvent, Booking, OutboundMessage
from .models.messages import WITHDRAWN
from .outbox import withdraw_scheduled_texts
from .scheduling import feedback_window, write_feedback_request
from .uow import UnitOfWork

OUTCOMES = (ATTENDED, NO_SHOW)
# What a correction did to the visitor's feedback request (Attendance.feedback_request).
WRITTEN, FEEDBACK_WITHDRAWN, ALREADY_SENT = "written", "withdrawn", "already_sent"


@dataclass(frozen=True)
class Attendance:
    booking_id: int
    reference: str
    changed: bool      # False: this outcome was already recorded, and nothing was done again
    status: str
    feedback_request: str = ""   # corrections only: WRITTEN, FEEDBACK_WITHDRAWN or ALREADY_SENT


def record_attendance(uow: UnitOfWork, clock: Clock, *, booking_id: int, outcome: str,
                      actor: Actor) -> Attendance:
    """Record that a booked visit's party came (`attended`) or did not (`no_show`). Recording
    the same outcome again changes nothing; a visit ended any other way cannot be recorded."""
    session = uow.session
    booking = _booking_for_staff(session, booking_id, outcome, actor)
    if booking.status == outcome:
        return Attendance(booking.id, booking.reference, False, outcome)
    if booking.status != BOOKED:
        raise Refused("attendance_not_booked")
    if booking.slot.starts_at > clock.now():
        raise Refused("attendance_too_early")
    if not _mark(session, booking, BOOKED, outcome):
        session.refresh(booking)     # recorded meanwhile by someone else
        return _after_race(booking, outcome)
    if outcome == NO_SHOW:
        withdraw_scheduled_texts(session, booking.id)
        _withdraw_unsent_feedback_request(session, clock, booking.id)
    record(session, clock, actor, "booking", booking.id, outcome,
           before={"status": BOOKED}, after={"status": outcome})
    uow.commit()
    return Attendance(booking.id, booking.reference, True, outcome)


def _booking_for_staff(session, booking_id: int, outcome: str, actor: Actor) -> Booking:
    if outcome not in OUTCOMES:
        raise ValueError(f"not an attendance outcome: {outcome!r}")
    if not actor.is_staff:
        raise Refused("attendance_staff_only")
    return get_booking(session, booking_id)


def _mark(session, booking: Booking, was: str, outcome: str) -> bool:
    # Guarded on the status read, so of two members of staff pressing at once (to record or to
    # correct) only one changes it.
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == was)
        .values(status=outcome).execution_options(synchronize_session=False)).rowcount == 1
    if changed:
        session.refresh(booking)
    return changed


def _after_race(booking: Booking, outcome: str) -> Attendance:
    if booking.status != outcome:
        raise Refused("attendance_not_booked")
    return Attendance(booking.id, booking.reference, False, outcome)


def last_days_to_correct(session, visit_day: date, booking_ids) -> dict[int, date]:
    """The last day (London) on which each of these recorded visits on visit_day can have its
    attendance corrected: the one rule both correct_attendance and the visits list go by.

    Until the end of the day after the visit: a mis-click on an evening session is often only
    seen when the list is checked the next morning, or when the family calls the next day;
    later than that, memories of who came are unreliable and the record should stand.

    Attendance recorded later than that (from a paper list, days on) can still be corrected until
    the end of the day it was recorded (when, the audit log says): the correction exists for the
    mis-click, which is seen when the list is read back that same day; a longer window would only
    let a record already made from memory be changed from memory again. Whole London days keep
    the rule one a refusal can name ("until the end of Saturday 5 December"). A correction to
    attended that late asks for feedback only inside scheduling.FEEDBACK_UNTIL, as a record of
    attended made then would."""
    booking_ids = list(booking_ids)
    on_time = visit_day + timedelta(days=1)
    recorded_on = {booking_id: at.astimezone(LONDON).date()
                   for booking_id, at in _recorded_at(session, booking_ids).items()}
    return {booking_id: max(on_time, recorded_on.get(booking_id, on_time))
            for booking_id in booking_ids}


def still_correctable(clock: Clock, last_day: date) -> bool:
    """Whether it is not yet past the end (London midnight) of last_day."""
    return local_today(clock) <= last_day


def _recorded_at(session, booking_ids) -> dict[int, datetime]:
    """When each booking's attendance was recorded (the last `attended`/`no_show` audit event;
    corrections are audited as `attendance_corrected` and do not move it)."""
    if not booking_ids:
        return {}
    return dict(session.execute(
        select(AuditEvent.entity_id, func.max(AuditEvent.at))
        .where(AuditEvent.entity == "booking", AuditEvent.entity_id.in_(booking_ids),
               AuditEvent.action.in_(OUTCOMES))
        .group_by(AuditEvent.entity_id)).all())


def correct_attendance(uow: UnitOfWork, clock: Clock, *, booking_id: int, outcome: str,
                       actor: Actor) -> Attendance:
    """Correct a recorded attendance to the other outcome (attended <-> no-show), audited from
    what to what. Correcting to what is already recorded changes nothing; a visit whose
    attendance was not recorded, or a correction after its last day (last_days_to_correct), is
    refused.
    The feedback request follows the outcome: written for a visit now attended if it is due, and
    withdrawn from a visit now a no-show if it has not been sent yet."""
    session = uow.session
    booking = _booking_for_staff(session, booking_id, outcome, actor)
    if booking.status == outcome:
        return Attendance(booking.id, booking.reference, False, outcome)
    if booking.status not in OUTCOMES:
        raise Refused("attendance_not_recorded")
    last_day = last_days_to_correct(session, booking.slot.date, [booking.id])[booking.id]
    if not still_correctable(clock, last_day):
        raise Refused("attendance_correction_too_late", last_day=last_day)
    was = booking.status
    if not _mark(session, booking, was, outcome):
        session.refresh(booking)     # corrected meanwhile by someone else
        if booking.status != outcome:
            raise Refused("attendance_not_recorded")
        return Attendance(booking.id, booking.reference, False, outcome)
    feedback = _feedback_after_correction(uow, clock, booking, outcome)
    record(session, clock, actor, "booking", booking.id, "attendance_corrected",
           before={"status": was},
           after={"status": outcome} | ({"feedback_request": feedback} if feedback else {}))
    uow.commit()
    return Attendance(booking.id, booking.reference, True, outcome, feedback)


def _feedback_after_correction(uow: UnitOfWork, clock: Clock, booking: Booking,
                               outcome: str) -> str:
    session = uow.session
    if outcome == NO_SHOW:
        withdraw_scheduled_texts(session, booking.id)
        if _withdraw_unsent_feedback_request(session, clock, booking.id):
            return FEEDBACK_WITHDRAWN
        return ALREADY_SENT if _feedback_requests(session, booking.id, _MAY_HAVE_GONE) else ""
    return WRITTEN if _request_feedback_if_due(uow, clock, booking) else ""


# A text handed to the provider, or whose hand-off has an unknown outcome: it may have gone.
_MAY_HAVE_GONE = OutboundMessage.provider_sid.is_not(None) | OutboundMessage.error_code.in_(
    UNKNOWN_OUTCOME)
_NOT_SENT = (OutboundMessage.status.in_(SENDABLE) & OutboundMessage.provider_sid.is_(None)
             & OutboundMessage.error_code.not_in(UNKNOWN_OUTCOME))


def _withdraw_unsent_feedback_request(session, clock: Clock, booking_id: int) -> bool:
    """A no-show is not asked for feedback: a request not yet handed to the provider is
    withdrawn (the send job then leaves it). One that may have gone is left as it is, and any
    reply to it is kept like any other feedback."""
    return session.execute(
        update(OutboundMessage).where(OutboundMessage.booking_id == booking_id,
                                      OutboundMessage.kind == FEEDBACK_REQUEST, _NOT_SENT)
        .values(status=WITHDRAWN, status_updated_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount > 0


def _request_feedback_if_due(uow: UnitOfWork, clock: Clock, booking: Booking) -> bool:
    """The request scheduling.request_feedback would have written had the visit been recorded
    attended, if it is due now (not yet due, the scheduler writes it as usual) and no earlier one
    stands (sent, sending or skipped). One withdrawn by an earlier no-show holds the usual dedupe
    key, so the new one takes the next suffix."""
    session = uow.session
    ended_after, ended_by = feedback_window(clock.now())
    if not ended_after < booking.slot.ends_at <= ended_by:
        return False
    if _feedback_requests(session, booking.id, OutboundMessage.status != WITHDRAWN):
        return False
    withdrawn = _feedback_requests(session, booking.id, OutboundMessage.status == WITHDRAWN)
    return write_feedback_request(uow, clock, booking,
                                  suffix=f"-{withdrawn + 1}" if withdrawn else "") is not None


def _feedback_requests(session, booking_id: int, condition) -> int:
    return session.scalar(select(func.count(OutboundMessage.id)).where(
        OutboundMessage.booking_id == booking_id, OutboundMessage.kind == FEEDBACK_REQUEST,
        condition))
