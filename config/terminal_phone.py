"""A phone to try the line with: a simulated call that follows TwiML as Twilio does.

It posts every request signed with X-Twilio-Signature, says what <Say> says, and follows
<Gather> (numDigits, finishOnKey, timeout with no input, actionOnEmptyResult, input types),
<Redirect>, <Dial> (with its action), <Enqueue> (asking its waitUrl once), <Record>, <Hangup>,
and the end of a document (Twilio hangs up), then sends the call's status callback.
`visitline phone` drives it from a terminal; the tests drive it too (tests/support/call_walker).
"""
from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32


class WalkerError(RuntimeError):
    """The line answered something Twilio could not follow (an HTTP error or bad TwiML)."""


@dataclass(frozen=True)
class Heard:
    text: str
    voice: str
    language: str


class FlaskTransport:
    """Requests through a Flask test client (the app in-process)."""

    def __init__(self, client, auth_token: str, base_url: str = "http://localhost"):
        self.client, self.auth_token, self.base_url = client, auth_token, base_url

    def post(self, url: str, params: dict) -> tuple[int, str]:
        full = urllib.parse.urljoin(self.base_url + "/", url)
        signature = RequestValidator(self.auth_token).compute_signature(full, params)
        parts = urllib.parse.urlsplit(full)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.client.post(path, data=params, base_url=self.base_url,
                                    headers={"X-Twilio-Signature": signature})
        return response.status_code, response.get_data(as_text=True)


class HttpTransport:
    """Requests over HTTP to a running line."""

    def __init__(self, base_url: str, auth_token: str, timeout: float = 15):
        self.base_url, self.auth_token, self.timeout = base_url.rstrip("/"), auth_token, timeout

    def post(self, url: str, params: dict) -> tuple[int, str]:
        full = urllib.parse.urljoin(self.base_url + "/", url)
        signature = RequestValidator(self.auth_token).compute_signature(full, params)
        request = urllib.request.Request(
            full, data=urllib.parse.urlencode(params).encode(), method="POST",
            headers={"X-Twilio-Signature": signature,
                     "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


@dataclass
class CallWalker:
    transport: object
    from_phone: str
    to_phone: str = "+447400000999"
    entry: str = "/ivr/voice"
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    dial_outcome: str = "no-answer"      # what a <Dial> ends with: completed, busy, no-answer
    heard: list[Heard] = field(default_factory=list)
    requests: list[tuple[str, dict]] = field(default_factory=list)
    ended: bool = False
    dialled: list[str] = field(default_factory=list)
    queued: str = ""
    _queue_action: str = ""          # where Twilio reports how the caller left the queue
    _pending: ET.Element | None = None
    _rest: list = field(default_factory=list)
    _url: str = ""
    _new: int = 0

    # What the caller does
    def start(self) -> list[str]:
        return self._follow(self.entry, {})

    def press(self, keys: str) -> list[str]:
        gather = self._waiting("Gather")
        if "dtmf" not in gather.get("input", "dtmf"):
            return self.wait()
        finish = gather.get("finishOnKey", "#")
        digits = keys.split(finish)[0] if finish and finish in keys else keys
        if gather.get("numDigits", "").isdigit():
            digits = digits[:int(gather.get("numDigits"))]
        return self._answer(gather, {"Digits": digits})

    def say(self, words: str) -> list[str]:
        gather = self._waiting("Gather")
        if "speech" not in gather.get("input", "dtmf"):
            return self.wait()
        return self._answer(gather, {"SpeechResult": words, "Confidence": "0.92"})

    def wait(self) -> list[str]:
        """No input until the timeout: the action only if actionOnEmptyResult, else on."""
        element = self._waiting()
        self._new = len(self.heard)
        self._pending = None
        if element.tag == "Record" or element.get("actionOnEmptyResult") == "true":
            return self._answer(element, {}, fresh=False)
        return self._run(self._rest, self._url)

    def record(self, seconds: int = 5) -> list[str]:
        element = self._waiting("Record")
        url = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/RE{secrets.token_hex(16)}"
        return self._answer(element, {"RecordingUrl": url, "RecordingDuration": str(seconds),
                                      "Digits": "#"})

    def hang_up(self) -> None:
        if not self.ended:
            self._end()

    def answered_by_staff(self) -> list[str]:
        """Staff take the caller from the queue (Twilio reports it to the <Enqueue> action)."""
        action, self._queue_action = self._queue_action, ""
        if not action:
            raise WalkerError("the caller is not waiting in a queue")
        return self._follow(action, {"QueueResult": "bridged", "QueueTime": "45"})

    @property
    def waiting_for(self) -> str:
        """"Gather", "Record" or "" (the call has ended or is with staff)."""
        return self._pending.tag if self._pending is not None else ""

    @property
    def last_gather(self) -> ET.Element | None:
        return self._pending

    def said(self) -> str:
        return " ".join(h.text for h in self.heard)

    # How Twilio follows TwiML
    def _waiting(self, tag: str | None = None) -> ET.Element:
        if self._pending is None or (tag and self._pending.tag != tag):
            raise WalkerError(f"the line is not waiting for {tag or 'input'} now")
        return self._pending

    def _answer(self, element: ET.Element, params: dict, fresh: bool = True) -> list[str]:
        if fresh:
            self._new = len(self.heard)
        self._pending = None
        action = element.get("action") or self._url
        return self._follow(urllib.parse.urljoin(self._url, action), params, keep_new=True)

    def _follow(self, url: str, params: dict, keep_new: bool = False) -> list[str]:
        if not keep_new:
            self._new = len(self.heard)
        root = self._post(url, params)
        return self._run(list(root), url)

    def _post(self, url: str, params: dict) -> ET.Element:
        body = {"CallSid": self.call_sid, "AccountSid": ACCOUNT_SID, "From": self.from_phone,
                "To": self.to_phone, "CallStatus": "in-progress", "Direction": "inbound",
                "ApiVersion": "2010-04-01", **params}
        self.requests.append((url, body))
        status, text = self.transport.post(url, body)
        if status == 403:
            raise WalkerError(f"{url} refused the call's signature (HTTP 403): the phone and the "
                              "line must sign with the same TWILIO_AUTH_TOKEN, or in development "
                              "without one, the same SECRET_KEY")
        if status != 200:
            raise WalkerError(f"{url} answered HTTP {status}: {text[:200]}")
        try:
            root = ET.fromstring(text)
        except ET.ParseError as error:
            raise WalkerError(f"{url} answered something that is not TwiML: {error}") from None
        if root.tag != "Response":
            raise WalkerError(f"{url} answered <{root.tag}>, not <Response>")
        return root

    def _run(self, verbs: list, url: str) -> list[str]:
        self._url = url
        while verbs:
            verb = verbs.pop(0)
            if verb.tag == "Say":
                self._hear(verb)
            elif verb.tag == "Gather":
                for inner in verb:
                    if inner.tag == "Say":
                        self._hear(inner)
                self._pending, self._rest = verb, verbs
                return self._latest()
            elif verb.tag == "Record":
                self._pending, self._rest = verb, verbs
                return self._latest()
            elif verb.tag == "Redirect":
                root = self._post(urllib.parse.urljoin(url, (verb.text or "").strip()), {})
                verbs, url = list(root), urllib.parse.urljoin(url, (verb.text or "").strip())
                self._url = url
            elif verb.tag == "Dial":
                verbs, url = self._dial(verb, verbs, url)
            elif verb.tag == "Enqueue":
                self._enqueue(verb, url)
                return self._latest()
            elif verb.tag in ("Hangup", "Reject"):
                self._end()
                return self._latest()
        self._end()       # the document ran out: Twilio hangs up
        return self._latest()

    def _dial(self, verb: ET.Element, verbs: list, url: str):
        number = "".join(verb.itertext()).strip()
        self.dialled.append(number)
        if not verb.get("action"):
            return verbs, url
        action = urllib.parse.urljoin(url, verb.get("action"))
        root = self._post(action, {"DialCallStatus": self.dial_outcome})
        self._url = action
        return list(root), action

    def _enqueue(self, verb: ET.Element, url: str) -> None:
        self.queued = (verb.text or "").strip()
        if verb.get("action"):
            self._queue_action = urllib.parse.urljoin(url, verb.get("action"))
        if verb.get("waitUrl"):
            wait = self._post(urllib.parse.urljoin(url, verb.get("waitUrl")),
                              {"QueuePosition": "1", "QueueSid": "QU" + "0" * 32,
                               "QueueTime": "0", "AvgQueueTime": "0", "CurrentQueueSize": "1"})
            for inner in wait:
                if inner.tag == "Say":
                    self._hear(inner)

    def _hear(self, say: ET.Element) -> None:
        self.heard.append(Heard((say.text or "").strip(), say.get("voice", ""),
                                say.get("language", "")))

    def _latest(self) -> list[str]:
        return [h.text for h in self.heard[self._new:]]

    def _end(self) -> None:
        if self.ended:
            return
        self.ended = True
        self._pending = None
        if self._queue_action:
            # A caller who hangs up in the queue: Twilio requests the <Enqueue> action first.
            action, self._queue_action = self._queue_action, ""
            self._post(action, {"QueueResult": "hangup", "QueueTime": "30"})
        self._post_status()

    def _post_status(self) -> None:
        body = {"CallSid": self.call_sid, "AccountSid": ACCOUNT_SID, "From": self.from_phone,
                "To": self.to_phone, "CallStatus": "completed", "Direction": "inbound",
                "ApiVersion": "2010-04-01", "CallDuration": "60"}
        self.requests.append(("/ivr/status", body))
        status, text = self.transport.post("/ivr/status", body)
        if status != 200:
            raise WalkerError(f"/ivr/status answered HTTP {status}: {text[:200]}")
