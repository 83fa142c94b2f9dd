from core.actor import Actor
from core.availability import available_slots
from core.booking import book_visit
from core.cancel import cancel_booking
from core.models import BOOKED, CANCELLED, OutboundMessage
from sqlalchemy import select


def test_a_visitor_books_and_cancels(world, uow_factory, clock):
    with uow_factory() as uow:
        offers = available_slots(uow.session, clock, prisoner_id=world.prisoner.id,
                                 visitor_ids=[world.lead.id, world.child.id])
        uow.commit()
    assert offers and offers[0].date.isoformat() == "2026-12-03"
    actor = Actor.visitor(world.lead.id, "phone")
    with uow_factory() as uow:
        booking = book_visit(uow, clock, slot_id=offers[0].slot_id, prisoner_id=world.prisoner.id,
                             visitor_ids=[world.lead.id, world.child.id], actor=actor)
    assert booking.status == BOOKED and len(booking.reference) == 9
    with uow_factory() as uow:
        result = cancel_booking(uow, clock, booking_id=booking.id, actor=actor)
        kinds = uow.session.scalars(select(OutboundMessage.kind)).all()
    assert result.changed and result.status == CANCELLED
    assert sorted(kinds) == ["cancellation", "confirmation", "reminder"]
