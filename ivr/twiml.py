"""Replies as TwiML, built with twilio's VoiceResponse. Every attribute here is one Twilio
documents; values are given as the strings Twilio expects (the builder str()s whatever it is
handed, and turns a misspelled keyword into an attribute without a word)."""
from __future__ import annotations

from functools import lru_cache

from twilio.twiml.voice_response import VoiceResponse

from .reply import Reply, Said

VOICES = {"en": ("Polly.Amy", "en-GB"), "cy": ("Polly.Gwyneth", "cy-GB")}
STAFF_QUEUE = "visitline-staff"
PREFIX = "/ivr"
# Most answers are the same few menus (every call's greeting is one of a handful): building a
# document with the builder costs more than the step's database work, so each is built once.
RENDERED = 512


def step_url(step: str, turn: int | None = None) -> str:
    return f"{PREFIX}/{step}" + (f"?t={turn}" if turn is not None else "")


@lru_cache(maxsize=RENDERED)
def render(reply: Reply, turn: int | None) -> str:
    response = VoiceResponse()
    for said in reply.said:
        _say(response, said)
    if reply.ask is not None:
        ask = reply.ask
        gather = response.gather(
            input="dtmf speech" if ask.speech else "dtmf", action=step_url(ask.step, turn),
            method="POST", timeout=str(ask.timeout), action_on_empty_result="true",
            language=VOICES[ask.language][1],
            **_digits(ask.num_digits), **_speech(ask))
        for said in ask.prompt:
            _say(gather, said)
    elif reply.dial:
        dial = response.dial(action=step_url("dial_done", turn), method="POST", timeout="30")
        dial.number(reply.dial)
    elif reply.enqueue:
        response.enqueue(reply.enqueue, action=step_url("queue_done", turn), method="POST",
                         wait_url=step_url("queue_wait"), wait_url_method="POST")
    elif reply.record_step:
        response.record(action=step_url(reply.record_step, turn), method="POST",
                        max_length="60", timeout="5", finish_on_key="#", play_beep="true",
                        trim="trim-silence")
    elif reply.redirect:
        response.redirect(step_url(reply.redirect, turn), method="POST")
    if reply.hangup:
        response.hangup()
    return str(response)


def queue_wait(said: list[Said]) -> str:
    """What a caller waiting for staff hears between the hold music's silences."""
    response = VoiceResponse()
    for line in said:
        _say(response, line)
    response.pause(length="20")
    return str(response)


def empty() -> str:
    return str(VoiceResponse())


def _say(parent, said: Said) -> None:
    voice, language = VOICES.get(said.language, VOICES["en"])
    parent.say(said.text, voice=voice, language=language)


def _digits(num_digits: int | None) -> dict:
    if num_digits is None:
        return {"finish_on_key": "#"}
    return {"num_digits": str(num_digits), "finish_on_key": "#"}


def _speech(ask) -> dict:
    if not ask.speech:
        return {}
    extra = {"speech_timeout": "auto"}
    if ask.hints:
        extra["hints"] = ask.hints
    return extra
