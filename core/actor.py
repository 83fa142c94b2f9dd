"""Who made a change and through which channel: recorded in the audit log and on bookings."""
from __future__ import annotations

from dataclasses import dataclass

PHONE, SMS, ADMIN, JOB, LOADER = "phone", "sms", "admin", "job", "loader"


@dataclass(frozen=True)
class Actor:
    kind: str          # visitor | staff | system
    id: int | None
    channel: str

    @classmethod
    def visitor(cls, visitor_id: int, channel: str) -> "Actor":
        return cls("visitor", visitor_id, channel)

    @classmethod
    def staff(cls, staff_id: int) -> "Actor":
        return cls("staff", staff_id, ADMIN)

    @classmethod
    def system(cls, channel: str = JOB) -> "Actor":
        return cls("system", None, channel)

    @property
    def label(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"
