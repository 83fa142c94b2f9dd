"""What each texted command does (the text is read into a Command by sms.flow).

The sender is known by their number: every visitor whose phone it is. Only a number that belongs
to a visitor on a booking can cancel it; to anyone else the answer is the same as for a
reference that does not exist, so a refusal reveals nothing about the booking.

Where the provider answers a keyword itself (STOP, HELP, START, ...; `provider_keywords` on),
the line records what it means and answers nothing, so nobody is answered twice. A cancellation
or a booking made by text is confirmed by the text the change itself writes to the outbox (with
every detail); the reply is left empty then, so the visitor does not get two texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from . import catalogue
from .actor import SMS, Actor
from .cancel import cancel_booking
from .clock import Clock
from .errors import Refused
from .feedback import record_feedback, valid_rating
from .find import find_booking_by_reference, upcoming_visits, visitor_is_in_booking
from .inbound import (BOOK, CANCEL, CANCEL_HOW, DECLINE, HELP, OPT_IN, OPT_OUT, OPTED_OUT, TEXT,
                      VISITS, YES, Command, Handled)
from .models import Booking, Feedback, OutboundMessage, Visitor
from .models.messages import DELIVERED, SENT
from .optouts import record_opt_in, record_opt_out
from .phones import to_e164
from .reference import written
from .sms_form import for_sms, segments
from .uow import UnitOfWork
from .waiting_list import accept_offer, decline_offer

FEEDBACK_WINDOW = timedelta(days=7)
FEEDBACK_TEXTS_PER_REQUEST = 3
VISITS_LISTED = 3


@dataclass(frozen=True)
class Sender:
    uow: UnitOfWork
    clock: Clock
    phone: str                   # E.164 when it is a valid number, else as received
    visitors: list[Visitor]
    language: str
    provider_keywords: bool

    def say(self, code: str, **params) -> str:
        return for_sms(catalogue.render(code, self.language, **params), self.language)

    def refusal(self, refused: Refused) -> str:
        return for_sms(refused.message(self.language), self.language)

    @property
    def visitor_ids(self) -> set[int]:
        return {v.id for v in self.visitors}


def handle_command(uow: UnitOfWork, clock: Clock, *, from_phone: str, command: Command,
                   provider_keywords: bool) -> Handled:
    phone = to_e164(from_phone)
    visitors = list(uow.session.scalars(
        select(Visitor).where(Visitor.phone == phone).order_by(Visitor.id))) if phone else []
    language = command.language or (visitors[0].language if visitors else "en")
    sender = Sender(uow, clock, phone or from_phone, visitors, language, provider_keywords)
    return _HANDLERS[command.kind](sender, command)


def _silent(sender: Sender, command: Command) -> bool:
    return command.provider_keyword and sender.provider_keywords


def opt_out(sender: Sender, command: Command) -> Handled:
    record_opt_out(sender.uow.session, sender.clock, sender.phone, command.word)
    sender.uow.commit()
    return Handled(OPTED_OUT, "" if _silent(sender, command) else sender.say("reply_opted_out"))


def opt_in(sender: Sender, command: Command) -> Handled:
    record_opt_in(sender.uow.session, sender.clock, sender.phone, command.word)
    sender.uow.commit()
    return Handled("opted_in", "" if _silent(sender, command) else sender.say("reply_opted_in"))


def yes(sender: Sender, command: Command) -> Handled:
    """A bare YES is an opt-in keyword to the provider, and takes a place on offer if any."""
    opted_in = opt_in(sender, command)
    if not sender.visitors:
        return opted_in
    try:
        accept_offer(sender.uow, sender.clock, phone=sender.phone)
    except Refused as refused:
        if refused.reason == "no_offer":
            return opted_in
        return Handled(f"offer_{refused.reason}", sender.refusal(refused))
    return Handled("offer_accepted")


def help_(sender: Sender, command: Command) -> Handled:
    return Handled("help", "" if _silent(sender, command) else sender.say("reply_help"))


def cancel_how(sender: Sender, command: Command) -> Handled:
    return Handled("cancel_how", sender.say("reply_cancel_how"))


def cancel(sender: Sender, command: Command) -> Handled:
    session = sender.uow.session
    try:
        booking = find_booking_by_reference(session, command.reference)
    except Refused as refused:
        if refused.reason != "invalid_reference":
            refused = Refused("booking_not_found")
        return Handled(f"cancel_{refused.reason}", sender.refusal(refused))
    if not visitor_is_in_booking(booking, sender.visitor_ids):
        return Handled("cancel_not_theirs", sender.refusal(Refused("booking_not_found")))
    member = next(m.visitor_id for m in booking.party if m.visitor_id in sender.visitor_ids)
    try:
        done = cancel_booking(sender.uow, sender.clock, booking_id=booking.id,
                              actor=Actor.visitor(member, SMS))
    except Refused as refused:
        return Handled(f"cancel_{refused.reason}", sender.refusal(refused))
    if not done.changed:
        return Handled("cancel_already", sender.say("reply_already_ended",
                                                    reference=written(done.reference)))
    if booking.lead_visitor.phone == sender.phone:
        return Handled(f"cancel_{done.status}")      # the outbox text confirms it
    code = "reply_withdrawn" if done.status == "withdrawn" else "reply_cancelled"
    return Handled(f"cancel_{done.status}", sender.say(code, reference=written(done.reference)))


def book(sender: Sender, command: Command) -> Handled:
    try:
        accept_offer(sender.uow, sender.clock, phone=sender.phone)
    except Refused as refused:
        return Handled(f"offer_{refused.reason}", sender.refusal(refused))
    return Handled("offer_accepted")               # the outbox text confirms it


def decline(sender: Sender, command: Command) -> Handled:
    try:
        decline_offer(sender.uow, sender.clock, phone=sender.phone)
    except Refused as refused:
        return Handled(f"offer_{refused.reason}", sender.refusal(refused))
    return Handled("offer_declined", sender.say("offer_declined"))


def visits(sender: Sender, command: Command) -> Handled:
    if not sender.visitors:
        return Handled("visits_unknown_number", sender.say("reply_unknown_number"))
    found: dict[int, Booking] = {}
    for visitor_id in sorted(sender.visitor_ids):
        for booking in upcoming_visits(sender.uow.session, sender.clock, visitor_id):
            found[booking.id] = booking
    if not found:
        return Handled("visits_none", sender.say("reply_no_visits"))
    ordered = sorted(found.values(), key=lambda b: b.slot.starts_at)
    items = [_visit_item(sender, b) for b in ordered[:VISITS_LISTED]]
    return Handled("visits", visits_text(sender.say, items, len(ordered)))


def visits_text(say, items: list[str], total: int) -> str:
    """The soonest visits that fit one text (at least one), and how many more there are."""
    def listing(shown: int) -> str:
        parts = items[:shown]
        if total > shown:
            parts = [*parts, say("reply_visits_more", count=total - shown)]
        return say("reply_visits", visits="; ".join(parts))
    shown = len(items)
    while shown > 1 and segments(listing(shown)) > 1:
        shown -= 1
    return listing(shown)


def _visit_item(sender: Sender, booking: Booking) -> str:
    code = "reply_request_item" if booking.status == "requested" else "reply_visit_item"
    slot = booking.slot
    return sender.say(code, day=catalogue.day_text(slot.date, sender.language),
                      time=catalogue.time_text(slot.starts_at), prison=slot.prison.name,
                      reference=written(booking.reference))


def text(sender: Sender, command: Command) -> Handled:
    """Anything else: feedback if the number was just asked for it, else a short help."""
    request = _feedback_request(sender)
    if request is None:
        return Handled("not_understood", sender.say("reply_not_understood"))
    if command.rating is None and command.text.strip().isdigit():
        return Handled("feedback_bad_rating", sender.say("reply_rating_range"))
    if not valid_rating(command.rating) or (command.rating is None and not command.text.strip()):
        return Handled("not_understood", sender.say("reply_not_understood"))
    record_feedback(sender.uow, sender.clock, rating=command.rating, comment=command.text,
                    channel=SMS, visitor_id=request.visitor_id, booking_id=request.booking_id)
    if command.rating is not None and not command.text.strip():
        return Handled("feedback", sender.say("reply_feedback_rating_thanks"))
    return Handled("feedback", sender.say("reply_feedback_thanks"))


def _feedback_request(sender: Sender) -> OutboundMessage | None:
    """The latest feedback request this number was sent lately, if not yet answered in full."""
    session = sender.uow.session
    request = session.scalars(select(OutboundMessage).where(
        OutboundMessage.to_phone == sender.phone, OutboundMessage.kind == "feedback_request",
        OutboundMessage.status.in_((SENT, DELIVERED)),
        OutboundMessage.created_at >= sender.clock.now() - FEEDBACK_WINDOW)
        .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())).first()
    if request is None:
        return None
    given = session.scalar(select(func.count(Feedback.id)).where(
        Feedback.booking_id == request.booking_id, Feedback.visitor_id == request.visitor_id,
        Feedback.channel == SMS))
    return request if given < FEEDBACK_TEXTS_PER_REQUEST else None


_HANDLERS = {OPT_OUT: opt_out, OPT_IN: opt_in, YES: yes, HELP: help_, CANCEL: cancel,
             CANCEL_HOW: cancel_how, BOOK: book, DECLINE: decline, VISITS: visits, TEXT: text}
