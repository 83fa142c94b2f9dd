"""Texts the line receives: stored first, keyed by the provider's unique MessageSid, then handled.

Storing is one INSERT that ignores a duplicate MessageSid (not check-then-insert), so a text the
provider delivers twice, even twice at the same moment, is handled once; the repeat is answered
with the first one's reply. What each command does is in core.sms_commands.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from .clock import Clock
from .delivery_rules import ANSWER, reason_not_to_answer
from .locks import one_at_a_time
from .models import InboundMessage, OutboundMessage, Visitor
from .models.messages import SENT
from .outbox import queue_text
from .phones import to_e164
from .uow import UnitOfWork

# Twilio gives a webhook 15 seconds: a text stored longer ago than this and not yet handled was
# dropped by a web process that died (or lost its database) between storing and handling it.
ABANDONED_AFTER = timedelta(minutes=1)
LATE = "late"          # the outcome while a late handling is under way
OPTED_OUT = "opted_out"  # the outcome of an opt-out keyword (core.sms_commands)

# Command kinds (sms.flow reads them from a text).
OPT_OUT, OPT_IN, HELP = "opt_out", "opt_in", "help"
CANCEL, CANCEL_HOW = "cancel", "cancel_how"
BOOK, YES, DECLINE = "book", "yes", "decline"
VISITS, TEXT = "visits", "text"

BODY_LIMIT = 1600   # the longest text a provider delivers


@dataclass(frozen=True)
class Command:
    kind: str
    word: str = ""                 # the keyword as texted (upper case), e.g. "STOP", "CANSLO"
    language: str = ""             # the keyword's language; "" when the text had none
    provider_keyword: bool = False  # exactly a keyword the provider answers itself
    reference: str = ""            # CANCEL: the reference as typed
    rating: int | None = None      # TEXT: a leading 1-5
    text: str = ""                 # TEXT: the whole text (a comment)


@dataclass(frozen=True)
class Handled:
    outcome: str
    reply: str = ""                # "" : no answer (the provider answers, or a text follows)


def store_inbound(uow: UnitOfWork, clock: Clock, *, message_sid: str, from_phone: str,
                  to_phone: str, body: str, received_at: datetime | None = None) -> int | None:
    """Keep a text as received (now, or when the provider says it was sent, for one found
    late) and commit. Returns its id, or None if this MessageSid was stored before."""
    session = uow.session
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(InboundMessage)
                 .values(message_sid=message_sid[:64], from_phone=from_phone[:32],
                         to_phone=to_phone[:32], body=body[:BODY_LIMIT],
                         received_at=received_at or clock.now(), outcome="", reply="")
                 .on_conflict_do_nothing(index_elements=["message_sid"])
                 .returning(InboundMessage.id))
    stored = session.execute(statement).scalar()
    uow.commit()
    return stored


def finish_inbound(uow: UnitOfWork, clock: Clock, message_id: int, handled: Handled, *,
                   sender: str, daily_cap: int) -> str:
    """Record what was done, and return the answer to give now: the reply, where the rules for
    every text the line sends allow it (core.delivery_rules), else "". An answer given is
    recorded as a text sent, so it counts in the number's daily cap. Once: a text already
    finished, or taken for late handling (which answers by the outbox), gets "" here."""
    session = uow.session
    phone = to_e164(sender) or sender[:16]
    one_at_a_time(session, "visitline-answer", phone)    # parallel texts pass the cap one by one
    reply = handled.reply
    if reply and reason_not_to_answer(session, clock, phone, daily_cap=daily_cap,
                                      confirms_opt_out=handled.outcome == OPTED_OUT):
        reply = ""
    finished = session.execute(
        update(InboundMessage).where(InboundMessage.id == message_id,
                                     InboundMessage.handled_at.is_(None))
        .values(handled_at=clock.now(), outcome=handled.outcome[:40], reply=reply)
        .execution_options(synchronize_session=False)).rowcount == 1
    if finished and reply:
        now = clock.now()
        session.add(OutboundMessage(
            dedupe_key=f"{ANSWER}-{message_id}", kind=ANSWER, to_phone=phone, body=reply,
            status=SENT, send_after=now, created_at=now, sent_at=now))
    uow.commit()
    return reply if finished else ""


def earlier_reply(uow: UnitOfWork, message_sid: str) -> Handled | None:
    """The answer given to an earlier delivery of this text; None while it is still handled."""
    row = uow.session.execute(
        select(InboundMessage.handled_at, InboundMessage.outcome, InboundMessage.reply)
        .where(InboundMessage.message_sid == message_sid[:64])).first()
    if row is None or row.handled_at is None:
        return None
    return Handled(row.outcome, row.reply)


@dataclass(frozen=True)
class StoredText:
    id: int
    from_phone: str
    body: str


def abandoned_texts(uow: UnitOfWork, clock: Clock, limit: int = 100) -> list[StoredText]:
    """Texts stored but never handled (see ABANDONED_AFTER), oldest first."""
    rows = uow.session.execute(
        select(InboundMessage.id, InboundMessage.from_phone, InboundMessage.body)
        .where(InboundMessage.handled_at.is_(None),
               InboundMessage.received_at <= clock.now() - ABANDONED_AFTER)
        .order_by(InboundMessage.id).limit(limit))
    return [StoredText(*row) for row in rows]


def claim_abandoned(uow: UnitOfWork, clock: Clock, message_id: int) -> bool:
    """Take an abandoned text for late handling; False if someone else already has. At most
    once: a crash after this leaves the text marked late, never handled twice."""
    won = uow.session.execute(
        update(InboundMessage).where(InboundMessage.id == message_id,
                                     InboundMessage.handled_at.is_(None))
        .values(handled_at=clock.now(), outcome=LATE)
        .execution_options(synchronize_session=False)).rowcount == 1
    uow.commit()
    return won


def finish_late(uow: UnitOfWork, clock: Clock, text: StoredText, handled: Handled) -> None:
    """Record a late handling. The webhook that would have carried the reply is long gone, so
    the reply goes as a text, to a registered visitor's number only."""
    session = uow.session
    session.execute(
        update(InboundMessage).where(InboundMessage.id == text.id, InboundMessage.outcome == LATE)
        .values(outcome=handled.outcome[:40], reply=handled.reply)
        .execution_options(synchronize_session=False))
    visitor = session.scalars(select(Visitor).where(Visitor.phone == text.from_phone)
                              .order_by(Visitor.id).limit(1)).first()
    if handled.reply and visitor is not None:
        queue_text(uow, clock, key=f"late-reply-{text.id}", kind="reply", visitor=visitor,
                   code="sms_late_reply", params={"reply": handled.reply})
    uow.commit()
