"""Dispatch waves at their cut-offs: the cloud's maintenance loop plans each one once.

At a depot's cut-off (local time) the parcels pre-advised since the last wave are planned.
A cloud started after several cut-offs of the day plans only the latest, once."""

import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from cloud.core.config import Settings
from cloud.db import transaction
from cloud.models import Depot, RoutePlan
from cloud.models.depot import parse_cutoffs
from cloud.planning import hours
from cloud.planning.run import plan_depot
from cloud.services.errors import DomainError

log = logging.getLogger(__name__)


def due_waves(session: Session, now: datetime) -> list[tuple[str, str]]:
    """(depot id, cut-off) of every wave whose cut-off has passed today and has no plan yet."""
    due = []
    for depot in session.exec(select(Depot).order_by(Depot.id)).all():
        day = hours.local_day(now, depot.timezone)
        passed = [
            cutoff
            for cutoff in parse_cutoffs(depot.cutoffs)
            if hours.utc_at(day, cutoff, depot.timezone) <= now
        ]
        if not passed:
            continue
        planned = session.exec(
            select(RoutePlan.id).where(
                RoutePlan.depot_id == depot.id, RoutePlan.day == day, RoutePlan.wave == passed[-1]
            )
        ).first()
        if planned is None:
            due.append((depot.id, passed[-1]))
    return due


def plan_due_waves(engine: Engine, now: datetime, settings: Settings) -> int:
    """Plan every wave that is due; how many were planned. The maintenance loop's job."""
    with transaction(engine, now=now) as session:
        due = due_waves(session, now)
    planned = 0
    for depot_id, cutoff in due:
        try:
            plan_depot(
                engine,
                depot_id,
                now,
                actor="system",
                wave=cutoff,
                seconds=settings.routing_wave_seconds,
                settings=settings,
            )
            planned += 1
        except DomainError as refusal:
            log.warning("wave %s %s not planned: %s", depot_id, cutoff, refusal.message)
    return planned
