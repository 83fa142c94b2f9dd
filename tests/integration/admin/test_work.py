"""Callbacks, prisoner notices, feedback and operations (failed texts and jobs, with retry)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from config.app import create_app
from config.container import Container
from config.settings import from_environment
from core.escalations import LEFT_QUEUE
from core.models import AuditEvent, Escalation, Feedback, OutboundMessage, PrisonerNotice

from .helpers import Browser, reread, text


def test_callbacks_oldest_first_and_marked_called_back(leeds_staff, session, clock, world):
    newer = Escalation(kind="callback", from_phone="+447400000002", prison_id=world.leeds.id,
                       visitor_id=world.lead.id, created_at=clock.now(), reason="callback")
    older = Escalation(kind="queued", from_phone="+447400000001", prison_id=None,
                       created_at=clock.now() - timedelta(hours=1),
                       recording_url="https://api.twilio.com/rec/1")
    session.add_all([newer, older])
    session.commit()
    page = text(leeds_staff.get("/admin/escalations"))
    assert page.index("+447400000001") < page.index("+447400000002")
    assert "Sarah Hughes" in page and "Listen to the recording" in page
    response = leeds_staff.post(f"/admin/escalations/{newer.id}/called-back", {"outcome": ""})
    assert response.status_code == 400 and "Say what came of the call" in text(response)
    assert reread(session, newer).status == "open"
    leeds_staff.post(f"/admin/escalations/{newer.id}/called-back",
                     {"outcome": "rebooked for Thursday"})
    done = reread(session, newer)
    assert done.status == "done" and done.outcome == "rebooked for Thursday"
    assert done.handled_by.startswith("staff:")
    assert "+447400000002" not in text(leeds_staff.get("/admin/escalations"))
    again = leeds_staff.post(f"/admin/escalations/{newer.id}/called-back", {"outcome": "x"})
    assert again.status_code == 400 and "already dealt with" in text(again)


def test_a_caller_who_left_the_queue_is_shown_for_a_call_back_not_as_waiting(
        leeds_staff, session, clock, world):
    waiting = Escalation(kind="queued", from_phone="+447400000001", prison_id=world.leeds.id,
                         created_at=clock.now(), call_sid="CAwaiting")
    left = Escalation(kind="queued", from_phone="+447400000002", prison_id=world.leeds.id,
                      created_at=clock.now(), call_sid="CAleft", outcome=LEFT_QUEUE)
    session.add_all([waiting, left])
    session.commit()
    page = text(leeds_staff.get("/admin/escalations"))
    assert "Caller waiting – +447400000001" in page
    assert "Caller left the queue – +447400000002" in page and LEFT_QUEUE in page


def test_prisoner_notices_are_marked_delivered(leeds_staff, session, world, leeds_booking):
    leeds_staff.post(f"/admin/bookings/{leeds_booking.id}/cancel", {"reason": "ill"})
    page = text(leeds_staff.get("/admin/notices"))
    assert "B-2-014" in page and "Sarah Hughes" in page
    notice = session.scalar(select(PrisonerNotice))
    assert leeds_staff.post(f"/admin/notices/{notice.id}/delivered").status_code == 302
    assert reread(session, notice).delivered_at is not None
    assert "Every notice has been delivered" in text(leeds_staff.get("/admin/notices"))


def test_feedback_by_month_and_comments_newest_first(leeds_staff, session, clock, world):
    for ago, rating, comment in ((timedelta(days=40), 2, "old comment"),
                                 (timedelta(hours=2), 4, "newer comment"), (timedelta(0), 5, "")):
        session.add(Feedback(prison_id=world.leeds.id, rating=rating, comment=comment,
                             channel="phone", created_at=clock.now() - ago))
    session.add(Feedback(prison_id=world.cardiff.id, rating=1, comment="cardiff comment",
                         channel="sms", created_at=clock.now()))
    session.commit()
    page = text(leeds_staff.get("/admin/feedback"))
    assert "2026-12" in page and "2026-10" in page and "4.5" in page
    assert page.index("newer comment") < page.index("old comment")
    assert "cardiff comment" not in page
    october = text(leeds_staff.get("/admin/feedback?month=2026-10"))
    assert "old comment" in october and "newer comment" not in october


def _failed_text(session, clock, world) -> OutboundMessage:
    message = OutboundMessage(dedupe_key="confirmation-x", kind="confirmation",
                              to_phone=world.lead.phone, visitor_id=world.lead.id,
                              body="Visit booked", status="failed", error_code="30006",
                              send_after=clock.now(), created_at=clock.now())
    session.add(message)
    session.commit()
    return message


def test_a_failed_text_is_sent_again_once(administrator, session, clock, world, notifier):
    failed = _failed_text(session, clock, world)
    assert "30006" in text(administrator.get("/admin/operations"))
    assert administrator.post(f"/admin/operations/messages/{failed.id}/retry").status_code == 302
    twice = administrator.post(f"/admin/operations/messages/{failed.id}/retry")
    assert twice.status_code == 400 and "already been sent again" in text(twice)
    again = session.scalars(select(OutboundMessage).where(
        OutboundMessage.dedupe_key == f"retry-of-{failed.id}")).all()
    assert len(again) == 1 and again[0].status == "pending" and again[0].body == "Visit booked"
    assert again[0].id in notifier.ready
    assert reread(session, failed).status == "failed"
    assert "30006" not in text(administrator.get("/admin/operations"))
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "message")) \
        == "resent"


def test_a_text_that_did_not_fail_cannot_be_retried(administrator, session, clock, world):
    failed = _failed_text(session, clock, world)
    failed.status = "delivered"
    session.commit()
    response = administrator.post(f"/admin/operations/messages/{failed.id}/retry")
    assert response.status_code == 400 and "not one that failed" in text(response)


def test_failed_jobs_are_listed_and_retried_through_rq(engine, session_factory, clock, hasher,
                                                       notifier, redis_url, tmp_path, world):
    from rq import Queue, SimpleWorker
    from rq.registry import FailedJobRegistry
    from config.queueing import QUEUE, redis_connection
    settings = from_environment({
        "VISITLINE_ENV": "test", "DATABASE_URL": "sqlite:///unused.sqlite",
        "REDIS_URL": redis_url, "SECRET_KEY": "x" * 40}, instance=tmp_path)
    app = create_app(container=Container(settings=settings, engine=engine,
                                         session_factory=session_factory, clock=clock,
                                         hasher=hasher, notifier=notifier))
    connection = redis_connection(redis_url)
    queue = Queue(QUEUE, connection=connection)
    job = queue.enqueue("math.sqrt", -1, job_id="sqrt-of-minus-one", description="a bad sum")
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert job.id in FailedJobRegistry(queue=queue).get_job_ids()
    boss = Browser(app.test_client())
    boss.sign_in("boss")
    page = text(boss.get("/admin/operations"))
    assert "sqrt-of-minus-one" in page and "math domain error" in page
    assert boss.post("/admin/operations/jobs/retry",
                     {"job_id": "sqrt-of-minus-one"}).status_code == 302
    assert job.id in queue.get_job_ids()
    assert boss.post("/admin/operations/jobs/retry",
                     {"job_id": "sqrt-of-minus-one"}).status_code == 400
    queue.empty()
