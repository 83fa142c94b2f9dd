"""Every table of visitline. Import models from here."""
from .base import Base, UTCDateTime
from .prison import PROFESSIONAL, SOCIAL, Closure, Prison, SessionTemplate, VisitSlot
from .people import CONVICTED, REMAND, ApprovedVisitor, NonAssociation, Prisoner, Visitor
from .booking import (ACTIVE_STATES, ATTENDED, BOOKED, CANCELLED, CONFIRMED, HELD, LAPSED,
                      NO_SHOW, REJECTED, RELEASED, REQUESTED, WITHDRAWN, Booking,
                      BookingVisitor, Hold, PrisonerNotice, WaitingListEntry)
from .messages import InboundMessage, OutboundMessage, PhoneOptOut
from .records import (AuditEvent, CallState, CallStepReply, Escalation, Feedback,
                      IdentificationAttempt, StaffPrison, StaffUser)

__all__ = [name for name in dir() if not name.startswith("_")]
