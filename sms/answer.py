"""Answering one stored text: read it (sms.flow), do it (core.sms_commands). The webhook does this
at once; the periodic pass does it late for a text whose webhook died after storing it."""
from __future__ import annotations

import logging
from typing import Callable

from core import catalogue
from core.clock import Clock
from core.inbound import (Handled, abandoned_texts, claim_abandoned, finish_late)
from core.sms_commands import handle_command
from core.uow import UnitOfWork

from . import flow

log = logging.getLogger(__name__)


def answer(uow_factory: Callable[[], UnitOfWork], clock: Clock, *, sender: str, body: str,
           provider_keywords: bool) -> Handled:
    command = flow.read(body)
    try:
        with uow_factory() as uow:
            return handle_command(uow, clock, from_phone=sender, command=command,
                                  provider_keywords=provider_keywords)
    except Exception:  # noqa: BLE001 - the visitor is answered whatever went wrong
        log.exception("could not handle a text (%s)", command.kind)
        return Handled("error", catalogue.render("reply_try_later", command.language or "en"))


def answer_abandoned(uow_factory: Callable[[], UnitOfWork], clock: Clock, *,
                     provider_keywords: bool) -> int:
    """Handle texts stored but never handled (a CANCEL among them still releases its place)."""
    with uow_factory() as uow:
        waiting = abandoned_texts(uow, clock)
    done = 0
    for text in waiting:
        with uow_factory() as uow:
            if not claim_abandoned(uow, clock, text.id):
                continue
        handled = answer(uow_factory, clock, sender=text.from_phone, body=text.body,
                         provider_keywords=provider_keywords)
        with uow_factory() as uow:
            finish_late(uow, clock, text, handled)
        log.warning("text %s handled late: %s", text.id, handled.outcome)
        done += 1
    return done
