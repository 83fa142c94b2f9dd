"""What happens to bookings, as log records an operator can follow and count: each carries the
booking's reference (so the line joins the story of the call or text that made it) or the
refusal's reason, and nothing about the people. config.metrics counts them."""
from __future__ import annotations

import logging

LOGGER = "visitline.bookings"
REFUSED = "refused"
log = logging.getLogger(LOGGER)


def changed(reference: str, outcome: str) -> None:
    """A booking was made (booked, requested) or ended (cancelled, withdrawn, rejected, ...)."""
    log.info("booking %s", outcome, extra={"booking_reference": reference,
                                           "booking_outcome": outcome})


def refused(reason: str) -> None:
    log.info("booking refused: %s", reason, extra={"booking_outcome": REFUSED,
                                                   "refusal": reason})
