"""What every admin view needs: the container, who is signed in, the prison they are looking
at, reading form fields, and the filters templates use."""
from __future__ import annotations

import secrets
from datetime import date, datetime, time

from flask import abort, current_app, g, request, session

from core.clock import LONDON, local_today
from core.errors import Refused
from core.find import get_booking
from core.models import Booking, Prison
from core.staff import Access, Invalid, NotAllowed, visible_prisons

EXTENSION = "visitline"


def container():
    return current_app.extensions[EXTENSION]


def access() -> Access:
    found = getattr(g, "access", None)
    if found is None:       # the guard runs first; this is the belt to its braces
        abort(403)
    return found


def admin_only() -> Access:
    who = access()
    who.check_admin()
    return who


def visible_booking(db, booking_id: int) -> Booking:
    """A booking at one of this member of staff's prisons; any other is as if it did not exist."""
    try:
        found = get_booking(db, booking_id)
    except Refused:
        raise NotAllowed("no such booking") from None
    access().check_prison(found.prison_id)
    return found


def chosen_prison(db) -> tuple[Prison, list[Prison]]:
    """The prison named by ?prison=CODE (or the form), else the first this person may see."""
    who = access()
    prisons = visible_prisons(db, who)
    code = (request.values.get("prison") or "").strip().upper()
    if code:
        prison = next((p for p in prisons if p.code == code), None)
        if prison is None:
            raise NotAllowed("not your prison")
        return prison, prisons
    if not prisons:
        raise NotAllowed("no prisons")
    return prisons[0], prisons


def start_session(who: Access) -> None:
    """A new session on sign-in: nothing from before survives."""
    session.clear()
    session["staff_id"] = who.staff_id
    session["generation"] = who.generation
    session["sid"] = secrets.token_urlsafe(16)
    session["seen"] = container().clock.now().timestamp()


def today() -> date:
    return local_today(container().clock)


def form_text(name: str, limit: int = 300) -> str:
    return (request.form.get(name) or "").strip()[:limit]


def form_bool(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "yes", "true")


def parse_date(text: str | None, field: str, *, required: bool = True) -> date | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise Invalid("Give a date.", field)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Give a real date, as year-month-day (e.g. 2026-12-03).", field) from None


def parse_time(text: str | None, field: str) -> time | None:
    try:
        return time.fromisoformat((text or "").strip()) if (text or "").strip() else None
    except ValueError:
        raise Invalid("Give a time as hours:minutes (e.g. 14:00).", field) from None


def parse_int(text: str | None, field: str, *, required: bool = True) -> int | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise Invalid("Give a whole number.", field)
        return None
    if not text.isdigit() or len(text) > 9:
        raise Invalid("Give a whole number.", field)
    return int(text)


def query_date(name: str = "date") -> date:
    """A date from the query string, today if none; a bad one is a 400 with a message."""
    raw = request.args.get(name)
    if not raw:
        return today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, "not a date")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site's admin pages: never an open redirect."""
    if target and target.startswith("/admin/") and not target.startswith("//") \
            and "\\" not in target and "://" not in target:
        return target
    return None


def install_filters(bp) -> None:
    @bp.app_template_filter("london_time")
    def london_time(moment: datetime | None) -> str:
        return moment.astimezone(LONDON).strftime("%H:%M") if moment else ""

    @bp.app_template_filter("london_datetime")
    def london_datetime(moment: datetime | None) -> str:
        return moment.astimezone(LONDON).strftime("%d %b %Y %H:%M") if moment else ""

    @bp.app_template_filter("long_date")
    def long_date(day: date | None) -> str:
        return day.strftime("%A %-d %B %Y") if day else ""

    @bp.app_context_processor
    def signed_in():
        return {"who": getattr(g, "access", None)}
