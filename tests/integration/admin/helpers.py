"""Helpers for the admin page tests: a browser-like client and short ways to book."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from core.actor import Actor
from core.booking import book_visit
from core.models import Prison, VisitSlot
from core.slots import ensure_visit_slots

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
THU_3_DEC = date(2026, 12, 3)


class Browser:
    """The Flask test client used like a browser: every form carries the page's CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def get(self, path: str, **kwargs):
        response = self.client.get(path, **kwargs)
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict | None = None, **kwargs):
        if not self.token:
            self.get("/admin/sign-in")
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        response = self.client.post(path, data=data, **kwargs)
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return response

    def sign_in(self, username: str, password: str = PASSWORD):
        self.get("/admin/sign-in")
        response = self.post("/admin/sign-in", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.get("/admin/visitors")      # a token for this new session
        return response


def text(response) -> str:
    return response.get_data(as_text=True)


def slot_on(session, clock, prison: Prison, day: date = THU_3_DEC):
    ensure_visit_slots(session, prison, clock)
    session.commit()
    return session.scalars(select(VisitSlot).where(VisitSlot.prison_id == prison.id,
                                                   VisitSlot.date == day)).first()


def book(uow_factory, clock, slot, prisoner, visitors):
    with uow_factory() as uow:
        return book_visit(uow, clock, slot_id=slot.id, prisoner_id=prisoner.id,
                          visitor_ids=[v.id for v in visitors],
                          actor=Actor.visitor(visitors[0].id, "phone"))


def reread(session, obj):
    session.expire_all()
    return session.get(type(obj), obj.id)
