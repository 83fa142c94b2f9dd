"""Visitor feedback (spec row 7): a rating from 1 to 5 and a comment, by phone or by text."""
from __future__ import annotations

from .clock import Clock
from .models import Booking, Feedback
from .uow import UnitOfWork

RATINGS = range(1, 6)
COMMENT_LIMIT = 1000


def valid_rating(rating: int | None) -> bool:
    """A rating is a whole number from 1 (poor) to 5 (very good); a comment alone has none."""
    return rating is None or (isinstance(rating, int) and not isinstance(rating, bool)
                              and rating in RATINGS)


def record_feedback(uow: UnitOfWork, clock: Clock, *, rating: int | None, comment: str,
                    channel: str, visitor_id: int | None = None, booking_id: int | None = None,
                    prison_id: int | None = None) -> Feedback:
    """Store one piece of feedback and commit. A rating outside 1-5 is a ValueError."""
    if not valid_rating(rating):
        raise ValueError(f"a rating is 1 to 5, not {rating!r}")
    comment = (comment or "").strip()[:COMMENT_LIMIT]
    if rating is None and not comment:
        raise ValueError("feedback needs a rating or a comment")
    if prison_id is None and booking_id is not None:
        booking = uow.session.get(Booking, booking_id)
        prison_id = booking.prison_id if booking is not None else None
    feedback = Feedback(rating=rating, comment=comment, channel=channel, visitor_id=visitor_id,
                        booking_id=booking_id, prison_id=prison_id, created_at=clock.now())
    uow.session.add(feedback)
    uow.commit()
    return feedback
