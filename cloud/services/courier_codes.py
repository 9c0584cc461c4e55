"""Courier codes: drawn by the cloud (never chosen by a person), given out once, and long
enough that one keypad guess opens a courier session with a chance of at most 1 in GUESS_ODDS,
the bound PINs keep (docs/protocol.md, "Courier codes").

Every courier code has wire.COURIER_CODE_MIN (10) digits or more and every PIN fewer
(credentials.py refuses a longer PIN), so a keypad guess tries either PINs or courier codes,
never both: each kind keeps the bound on its own, and the board counts wrong courier codes
apart (its `courier_guessing` report).

One courier's code serves every locker on their route, and which couriers a locker knows
changes with the routes. So a new code's length follows the number of live codes in the whole
fleet (active couriers whose code boards get), which no locker's list can exceed whatever the
routes do: `pin_length_for(live, COURIER_CODE_MIN)`, the PINs' rule. A code keeps its length
for life, and a code of some length is only drawn while at most 1 in GUESS_ODDS codes of that
length would be live; so at every moment, at every locker, the live codes of each length are
within the bound. (A board holds at most wire.MAX_LIST codes besides: 500 in 10^10.)
"""

import secrets
import uuid
from datetime import datetime
from random import Random

from sqlmodel import Session, col, func, select

from cloud.core import security
from cloud.core.config import Settings, get_settings
from cloud.models import Courier
from cloud.services import audit
from cloud.services.credentials import DIGITS, pin_length_for
from cloud.services.errors import Conflict
from protocol.wire import COURIER_CODE_MIN

MAX_DRAWS = 50  # at most 1 in GUESS_ODDS codes is taken: one draw nearly always does
SYSTEM_RANDOM = secrets.SystemRandom()  # the OS's CSPRNG; tests pass a scripted source


def register_courier(
    session: Session,
    name: str,
    now: datetime,
    *,
    actor: str,
    settings: Settings | None = None,
    rng: Random = SYSTEM_RANDOM,
) -> tuple[Courier, str]:
    """A new active courier, on no route yet (no board knows the code until one is set), and
    their code: drawn here and given out by the caller once; the cloud keeps it only hashed
    and sealed (couriers.py)."""
    settings = settings or get_settings()
    code = draw_code(session, live_codes(session) + 1, settings=settings, rng=rng)
    courier = Courier(name=name, active=True, created_at=now, **stored_code(settings, code))
    session.add(courier)
    session.flush()
    audit.record(
        session,
        actor,
        "courier_registered",
        f"courier:{courier.id}",
        now,
        name=name,
        digits=len(code),
    )
    return courier, code


def code_length_for(live_after: int) -> int:
    """The digits of a new courier code when `live_after` codes are live with it."""
    return pin_length_for(live_after, COURIER_CODE_MIN)


def live_codes(session: Session, *, besides: uuid.UUID | None = None) -> int:
    """How many couriers have a code boards get (active, not waiting for a new code), not
    counting `besides`."""
    query = (
        select(func.count())
        .select_from(Courier)
        .where(col(Courier.active).is_(True), col(Courier.needs_new_code).is_(False))
    )
    if besides is not None:
        query = query.where(Courier.id != besides)
    return session.exec(query).one()


def draw_code(session: Session, live_after: int, *, settings: Settings, rng: Random) -> str:
    """A code of code_length_for(live_after) random digits that no courier, past or present,
    has had (each is looked up by its hash)."""
    length = code_length_for(live_after)
    for _ in range(MAX_DRAWS):
        code = "".join(rng.choice(DIGITS) for _ in range(length))
        code_hash = security.courier_code_hash(settings.pepper, code)
        if session.exec(select(Courier.id).where(Courier.code_hash == code_hash)).first() is None:
            return code
    raise Conflict("courier_codes_exhausted", f"no unused courier code of {length} digits found")


def stored_code(settings: Settings, code: str) -> dict[str, str]:
    """What the cloud keeps of a code: the keyed hash it is found by, and the sealed copy each
    board's verifier is made from."""
    return {
        "code_hash": security.courier_code_hash(settings.pepper, code),
        "code_sealed": security.seal(settings.pepper, code),
    }
