"""Live updates: server-sent events at /admin/events whenever the fleet's picture changes.

The database is the one source every API and bridge worker writes to, so the stream polls it
(about once a second) for a small snapshot (links, compartment states, open alarms) and sends
a `change` event when the snapshot differs; the pages' htmx fragments reload on it.
"""

import asyncio
import hashlib
import json
import time

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session, col, func, select
from starlette.concurrency import run_in_threadpool

from cloud.admin.auth import AdminViewer
from cloud.models import Alarm, Compartment, Locker
from cloud.services import alarms as alarm_service
from cloud.services import site_scope
from cloud.services.site_scope import Sites
from cloud.web.deps import SessionDep

router = APIRouter()
POLL_S = 1.0
STREAM_LIFETIME_S = 300  # then the browser's EventSource reconnects: no stream lives forever
RETRY_MS = 1000
# The snapshot goes out again this often even when nothing changed, so a page that missed an
# update (a fragment request lost while another was in flight, a tab asleep) catches up.
RESEND_S = 10.0


@router.get("/events")
async def events(request: Request, user: AdminViewer, session: SessionDep):
    """`change` events carrying the snapshot (open alarms and lockers online among them) of the
    operator's sites, if scoped."""
    # The request's session (it found the operator) would live as long as the stream: let its
    # connection go now, or on SQLite its transaction would lock every writer out for minutes.
    session.close()
    engine = request.app.state.engine
    return StreamingResponse(
        _stream(request, engine, user.sites),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(request: Request, engine, sites: Sites):
    yield f"retry: {RETRY_MS}\n\n"
    last, sent_at, ends = None, 0.0, time.monotonic() + STREAM_LIFETIME_S
    while time.monotonic() < ends and not await request.is_disconnected():
        current = await run_in_threadpool(snapshot, engine, sites)
        if current != last or time.monotonic() - sent_at > RESEND_S:
            yield "event: change\ndata: " + json.dumps(current, sort_keys=True) + "\n\n"
            last, sent_at = current, time.monotonic()
        await asyncio.sleep(POLL_S)


def snapshot(engine, sites: Sites = None) -> dict:
    """What the pages show that the boards and other operators change (at the `sites`'
    lockers, if given)."""
    links = select(Locker.id, Locker.online).order_by(col(Locker.id))
    by_state = select(Compartment.locker_id, Compartment.state, func.count()).group_by(
        col(Compartment.locker_id), col(Compartment.state)
    )
    open_alarms = select(Alarm.id, Alarm.count).where(alarm_service.is_open())
    with Session(engine) as session:
        online = session.exec(site_scope.within(links, Locker.id, sites)).all()
        states = session.exec(site_scope.within(by_state, Compartment.locker_id, sites)).all()
        alarms = session.exec(
            site_scope.within(open_alarms, Alarm.locker_id, sites).order_by(col(Alarm.id))
        ).all()
    return {
        "lockers": len(online),
        "online": sum(1 for _, up in online if up),
        "offline": [locker_id for locker_id, up in online if not up],
        "open_alarms": len(alarms),
        "version": _digest(online, sorted(map(tuple, states)), alarms),
    }


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]
