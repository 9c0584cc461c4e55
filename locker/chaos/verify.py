"""The end of a run: what every courier, recipient and board did, against the database."""

import json
from collections import Counter

from sqlalchemy import func
from sqlmodel import Session, col, select

import cloud.models as models
from cloud.models import (
    Compartment,
    DeviceEvent,
    Notification,
    OutboxMessage,
    Parcel,
    PickupCredential,
)


def outbox_backlog(engine, locker_ids):
    with Session(engine) as session:
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                col(OutboxMessage.locker_id).in_(locker_ids),
                col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.dropped_at).is_(None),
            )
        )
        return session.exec(query).one()


def board_view(fb):
    """{cmp: (state, parcel code or None)} and the reservations, as the board holds them."""
    board = fb.board
    with board._lock:
        c = board.controller
        cmps = {
            n: (c.compartment(n).state, c.compartment(n).parcel) for n in c.compartment_numbers()
        }
        return cmps, c


def compare_compartments(engine, boards):
    """The compartments whose board and cloud disagree: a list of descriptions."""
    problems = []
    by_id = {b.locker_id: b for b in boards}
    with Session(engine) as session:
        rows = session.exec(
            select(Compartment).where(col(Compartment.locker_id).in_(list(by_id)))
        ).all()
        parcel_ids = {r.parcel_id for r in rows if r.parcel_id}
        codes = {}
        if parcel_ids:
            for p in session.exec(select(Parcel).where(col(Parcel.id).in_(parcel_ids))).all():
                codes[p.id] = p.tracking_code
        for row in rows:
            fb = by_id[row.locker_id]
            board = fb.board
            with board._lock:
                c = board.controller
                compartment = c.compartment(row.number)
                state, parcel = compartment.state, compartment.parcel
                cloud_code = codes.get(row.parcel_id)
                reserved_ok = cloud_code is None or c.has_reservation(cloud_code)
            if state != row.state:
                problems.append(
                    "%s/%d: board %s %s, cloud %s %s"
                    % (row.locker_id, row.number, state, parcel, row.state, cloud_code)
                )
            elif state == "occupied" and parcel != cloud_code:
                problems.append(
                    "%s/%d: board holds %s, cloud %s"
                    % (row.locker_id, row.number, parcel, cloud_code)
                )
            elif state == "reserved" and not reserved_ok:
                problems.append(
                    "%s/%d: cloud reserved it for %s, the board has no such reservation"
                    % (row.locker_id, row.number, cloud_code)
                )
    return problems


def verify(engine, boards, transactions):
    locker_ids = [b.locker_id for b in boards]
    problems = []
    with Session(engine) as session:
        inbox = session.exec(
            select(DeviceEvent).where(col(DeviceEvent.locker_id).in_(locker_ids))
        ).all()
        parcels = session.exec(select(Parcel).where(col(Parcel.locker_id).in_(locker_ids))).all()
        parcel_ids = [p.id for p in parcels]
        notes = (
            Counter(
                n.parcel_id
                for n in session.exec(
                    # The pickup notice: once per deposit, whatever the chaos (a parcel's
                    # "on its way" notice at pre-advice is the API's, not an event's).
                    select(Notification).where(
                        col(Notification.parcel_id).in_(parcel_ids), Notification.kind == "pickup"
                    )
                ).all()
            )
            if parcel_ids
            else Counter()
        )
        creds = (
            Counter(
                c.parcel_id
                for c in session.exec(
                    select(PickupCredential).where(col(PickupCredential.parcel_id).in_(parcel_ids))
                ).all()
            )
            if parcel_ids
            else Counter()
        )
        alarms = 0
        alarm_model = getattr(models, "Alarm", None)
        if alarm_model is not None:
            query = select(func.count()).select_from(alarm_model)
            if hasattr(alarm_model, "locker_id"):
                query = query.where(col(alarm_model.locker_id).in_(locker_ids))
            alarms = session.exec(query).one()

    # --- events lost: every seq a board ever gave out must be in the inbox -------------------
    seqs = {}
    for row in inbox:
        seqs.setdefault(row.locker_id, []).append(row.seq)
    lost = pending_total = journaled = 0
    for fb in boards:
        next_seq = fb.next_seq()
        pending = set(fb.pending_seqs())
        have = set(seqs.get(fb.locker_id, ()))
        journaled += next_seq - 1
        pending_total += len(pending)
        missing = set(range(1, next_seq)) - have
        if missing:  # still in the journal after the drain, or acknowledged and never stored
            lost += len(missing)
            problems.append(
                "%s: seqs %s not in the inbox (%d still in the board's journal)"
                % (fb.locker_id, sorted(missing)[:10], len(missing & pending))
            )
        foreign = have - set(range(1, next_seq))
        if foreign:
            problems.append(
                "%s: inbox holds seqs the board never gave out: %s"
                % (fb.locker_id, sorted(foreign)[:10])
            )

    # --- events applied twice ---------------------------------------------------------------
    rows_per_key = Counter((row.locker_id, row.seq) for row in inbox)
    twice = sum(n - 1 for n in rows_per_key.values() if n > 1)
    transitions = Counter()
    for row in inbox:
        if row.outcome == "applied" and row.type in ("deposited", "collected"):
            transitions[(row.locker_id, row.type, json.loads(row.body).get("parcel"))] += 1
    for key, n in transitions.items():
        if n > 1:
            twice += n - 1
            problems.append("%s %s %s applied %d times" % (key[0], key[1], key[2], n))
    for parcel in parcels:
        extra = max(0, notes[parcel.id] - 1) + max(0, creds[parcel.id] - 1)
        if extra:
            twice += extra
            problems.append(
                "parcel %s: %d notifications, %d credentials"
                % (parcel.tracking_code, notes[parcel.id], creds[parcel.id])
            )

    # --- order: a higher seq of a locker stored before a lower one (two workers raced) -------
    out_of_order = 0
    by_locker = {}
    for row in sorted(inbox, key=lambda r: r.id):
        by_locker.setdefault(row.locker_id, []).append(row)
    for locker_id, rows in by_locker.items():
        highest = None
        for row in rows:
            if highest is not None and row.seq < highest.seq:
                out_of_order += 1
                if len([p for p in problems if "out of order" in p]) < 5:
                    problems.append(
                        "%s: seq %d (%s) stored after seq %d (%s): applied out of order"
                        % (locker_id, row.seq, row.type, highest.seq, highest.type)
                    )
            if highest is None or row.seq > highest.seq:
                highest = row

    # --- what people did against what the cloud holds ---------------------------------------
    state = {p.tracking_code: p.state for p in parcels}
    deposits_lost = pickups_lost = phantom = 0
    for tx in transactions:
        cloud_state = state.get(tx.code)
        if tx.collected and cloud_state != "collected":
            pickups_lost += 1
            problems.append(
                "%s collected at %s, cloud says %s" % (tx.code, tx.locker_id, cloud_state)
            )
        elif tx.deposited and not tx.collected and cloud_state != "deposited":
            deposits_lost += 1
            problems.append(
                "%s deposited at %s, cloud says %s" % (tx.code, tx.locker_id, cloud_state)
            )
        elif not tx.deposited and cloud_state in ("deposited", "collected"):
            phantom += 1
            problems.append("%s never deposited, cloud says %s" % (tx.code, cloud_state))

    inconsistent = compare_compartments(engine, boards)
    problems += inconsistent
    return {
        "transactions_attempted": len(transactions),
        "transactions_completed": sum(
            1 for tx in transactions if tx.collected and state.get(tx.code) == "collected"
        ),
        "deposits_completed": sum(1 for tx in transactions if tx.deposited),
        "events_journaled": journaled,
        "events_in_inbox": len(inbox),
        "events_lost": lost + deposits_lost + pickups_lost,
        "events_pending_at_end": pending_total,
        "events_applied_twice": twice + phantom,
        "compartments_inconsistent": len(inconsistent),
        "alarms_raised": alarms,
        "events_applied_out_of_order": out_of_order,
        "problems": problems[:40],
    }
