"""Whole calls in tests: the terminal phone's walker over the Flask test client, signed."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from config.terminal_phone import CallWalker, FlaskTransport

from .twiml_check import check_twiml
from .twilio_requests import AUTH_TOKEN


class CheckedTransport(FlaskTransport):
    """Every TwiML answer in every walked call is checked by structure as it arrives."""

    def post(self, url: str, params: dict) -> tuple[int, str]:
        status, text = super().post(url, params)
        if status == 200 and "<Response" in text:
            check_twiml(text)
        return status, text


def phone(client, from_phone: str, **options) -> CallWalker:
    return CallWalker(CheckedTransport(client, AUTH_TOKEN), from_phone=from_phone, **options)


def gather_step(walker: CallWalker) -> str:
    """The route the pending <Gather> posts to, without its turn: "menu", "confirm"..."""
    gather = walker.last_gather
    assert gather is not None, "the line is not asking anything"
    return gather.get("action").split("?")[0].rsplit("/", 1)[-1]


def parse(xml: str) -> ET.Element:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return root
