"""The demo: three prisons (one in Wales), their sessions, prisoners and visitors, loaded from
demo_data.json through the same loader as any other file, so running it again changes nothing.
`seed_demo` returns a guide for a person trying the line: whom to phone as, and what each shows."""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from core.loader import LoadReport, load_file
from core.phones import to_e164

from .container import Container

DEMO_FILE = Path(__file__).with_name("demo_data.json")


@dataclass(frozen=True)
class DemoCaller:
    phone: str          # as a person would type it
    pin: str | None     # None: confirms with the date of birth instead
    name: str
    born: str           # day/month/year, as a caller keys it
    prisoner: str       # "A1234BC Daniel Hughes, HMP Brixton"
    shows: str

    @property
    def e164(self) -> str:
        return to_e164(self.phone)


CALLERS = (
    DemoCaller("07400 100001", "4821", "Sarah Hughes", "20/06/1991",
               "A1234BC Daniel Hughes, HMP Brixton (her husband)",
               "an ordinary social visit using one of his visiting orders; she can bring "
               "their daughter Mia (born 2019)"),
    DemoCaller("07400 100002", "1111", "Lee Cole", "08/08/1989",
               "A1234BC Daniel Hughes, HMP Brixton (a friend)",
               "a banned visitor: the line refuses and asks him to speak to staff"),
    DemoCaller("07400 100003", "7310", "Ruth Okafor", "02/11/1975",
               "any prisoner (she is a solicitor)",
               "a professional visit: professional sessions only (Brixton Tue and Thu 09:30, "
               "Leeds Mon and Fri 09:00, Cardiff Wed 10:00), no visiting order used"),
    DemoCaller("07624 312345", "1357", "Tom Reid", "11/02/1960",
               "B2345CD Marcus Reid, HMP Brixton (his son, on remand)",
               "a remand prisoner: no visiting order, at most 3 social visits a week; "
               "and an Isle of Man mobile"),
    DemoCaller("07400 100004", "2580", "Angela Blake", "09/05/1968",
               "C3456DE Jordan Blake, HMP Brixton (her son)",
               "a non-association: Jordan and Marcus Reid never have visits on the same day, "
               "so a day Tom books for Marcus is not offered to Angela; she also needs "
               "step-free access"),
    DemoCaller("07400 100005", "1122", "Donna Walsh", "15/03/1972",
               "L6789GH Kyle Walsh, HMP Leeds (her son)",
               "a large family: 3 adults (Donna, Gary, Chelsea) and 4 children (Kayden, Tyler, "
               "Lily, Ruby) need two tables at one session"),
    DemoCaller("07400 100006", None, "Gary Walsh", "01/09/1970",
               "L6789GH Kyle Walsh, HMP Leeds (his son)",
               "a visitor with no PIN: he confirms with his date of birth"),
    DemoCaller("07400 100007", "3344", "Carl Doyle", "23/11/1980",
               "L7890HJ Shaun Baxter, HMP Leeds (a friend)",
               "a public-protection flag: the visit is booked as a request for staff to approve"),
    DemoCaller("07400 100008", "5678", "Cerys Price", "07/07/1986",
               "W4567EF Owain Price, Carchar Caerdydd / HMP Cardiff (her husband)",
               "Welsh: the line and its texts in Welsh. At Cardiff anyone 10 or over counts as "
               "an adult at a table: with his mother Gwenllian, son Dylan (born 2013) and "
               "daughter Elin (born 2014) that is 4 adults, two tables, and Cardiff puts a "
               "two-table party to staff as a request"),
    DemoCaller("07400 100009", "9012", "Bethan Morgan", "29/01/1974",
               "W5678FG Rhys Morgan, Carchar Caerdydd / HMP Cardiff (her son, on remand)",
               "a Welsh-speaking visitor of a remand prisoner"),
)


def seed_demo(container: Container) -> str:
    """Load the demo (again: it changes nothing the second time) and say how to try it."""
    with container.uow() as uow:
        report = load_file(uow, container.clock, container.hasher, DEMO_FILE)
    return guide(report)


def command_name() -> str:
    """How whoever started us can run visitline again: the bare name only if it is on PATH
    (`scripts/demo` runs `.venv/bin/visitline`, which usually is not)."""
    launched = Path(sys.argv[0])
    if launched.name != "visitline" or shutil.which("visitline") == str(launched.resolve()):
        return "visitline"
    return os.path.relpath(launched) if launched.is_absolute() else str(launched)


def guide(report: LoadReport) -> str:
    lines = [
        f"Demo data loaded ({_counts(report)}).",
        "",
        "Prisons: HMP Brixton (BXI) and HMP Leeds (LEI) in England; Carchar Caerdydd / "
        "HMP Cardiff (CFI), Welsh-speaking, where 10-year-olds count as adults at a table.",
        "Visits can be booked from 2 days ahead (Cardiff: 1 working day) up to 28 days ahead.",
        "",
        f"Phone the line as one of these visitors:  {command_name()} phone --from <number>",
        "(add --url and the address `visitline serve` prints, to call the line it is running)",
        "When asked, key the PIN (or the date of birth, day month year).",
        "",
    ]
    for caller in CALLERS:
        secret = f"PIN {caller.pin}" if caller.pin else "no PIN"
        lines += [f"  {caller.phone}  {secret:8}  {caller.name} (born {caller.born})",
                  f"      visits {caller.prisoner}",
                  f"      shows {caller.shows}",
                  f"      {command_name()} phone --from {caller.e164}"]
    lines += ["", "Any other number is an unknown caller: it cannot book, but can reach staff "
                  "or leave a callback request."]
    return "\n".join(lines)


def _counts(report: LoadReport) -> str:
    created, updated = report.total("created"), report.total("updated")
    if not created and not updated:
        return "already there, nothing changed"
    return f"{created} records created, {updated} updated"
