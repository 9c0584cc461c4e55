"""The demo's morning in Kraków: two hundred parcels planned onto vans and a cargo bike, dropped
along the routes in ETA order, re-planned mid-morning (a van breaks down, a late parcel comes),
what that left behind planned in the 12:00 wave, parcels collected; then the routing KPIs.

The planner's clock is the city's morning (07:00 local, today): ETAs read like a morning
whatever the hour of the run, and the banks without firmware (locker/scripted_board.py) close
their doors at the ETAs. The one simulated board runs on the wall clock, as boards do."""

import time
from collections import namedtuple
from datetime import timedelta

import httpx
from sqlmodel import col, select

from cloud import planning
from cloud.core.clock import utcnow
from cloud.db import transaction
from cloud.models import Parcel, ParcelState
from cloud.models.plan_views import ReplanRequest
from cloud.planning import hours
from cloud.runtime.maintenance_loop import default_jobs
from locker import city, city_setup, plan_report
from locker.board_courier import BoardCourier
from locker.board_steps import ScenarioFailed
from locker.scripted_board import ScriptedBoard

Advised = namedtuple("Advised", "parcel_id compartment phone locker_id")
DEPOSIT_S = 40  # a courier's time per parcel at a bank's doors
COLLECTED_AT_BANKS = 6  # recipients shown collecting at banks without a running board


class CityMorning:
    plan_seconds = 3.0  # the solver's budget for the wave
    replan_seconds = 2.0

    def __init__(self, stack, start_board, headers, say=print, *, actor):
        """`start_board(locker_id, key)`: a running simulated board for the first site."""
        self.stack, self.engine, self.say, self.actor = stack, stack.engine, say, actor
        self.start_board, self.headers = start_board, headers
        self.api = httpx.Client(base_url=stack.api.url + "/api/v1", timeout=10, headers=headers)
        self.zone = city.ZONE
        # The morning of today's UTC date: the boards' courier lists are per UTC day, and the
        # cloud re-sends today's (by the wall clock) every minute.
        self.morning = hours.utc_at(utcnow().date(), city.MORNING, self.zone)
        self.board_site = city.SITES[0].id
        self.board, self.banks, self.couriers, self.keys = None, {}, [], {}
        self.parcels = {}  # tracking code -> Advised
        self.deposited = set()  # tracking codes
        self.plans = []  # each wave as planned, before any re-plan

    def run(self):
        self.set_up()
        self.carriers_preadvise()
        plan = self.plan_wave(self.morning, city.WAVES[0])
        midway = _median_eta(plan)
        self.deliver(plan, before=midway)
        plan = self.replan_at(midway, plan)
        self.deliver(plan, before=None)
        noon = hours.utc_at(self.morning.date(), city.WAVES[1], self.zone)
        self.deliver(self.plan_wave(noon, city.WAVES[1]), before=None)
        self._check_states(self.parcels, [ParcelState.DEPOSITED])  # all of them, late one too
        self.recipients_collect()
        self.report_kpis()

    def close(self):
        self.api.close()
        if self.board is not None:
            self.board.stop()

    # --- the morning, step by step -------------------------------------------------------------
    def set_up(self):
        city_setup.open_depot(self.api)
        keys = city_setup.register_sites(self.stack.api.url, self.headers, self.api)
        self.board = BoardCourier(self.start_board(self.board_site, keys[self.board_site]))
        for locker_id, key in keys.items():
            if locker_id != self.board_site:
                self.banks[locker_id] = ScriptedBoard(
                    self.engine, locker_id, key, self.stack.settings
                )
        self.couriers = city_setup.register_couriers(self.api)
        self.keys = city_setup.carrier_keys(self.api)
        self.board.comes_online(self.api)
        kinds = ", ".join("%d %s" % (n, kind) for kind, n in city.FLEET.items())
        self.say(
            "[cloud]   depot %s (%s) with %s; %d lockers in Kraków (%s with a running board, "
            "%d with shop hours); %d couriers registered"
            % (
                city.DEPOT["id"],
                city.DEPOT["address"],
                kinds,
                len(city.SITES),
                self.board_site,
                sum(site.access_hours != "24/7" for site in city.SITES),
                len(self.couriers),
            )
        )

    def carriers_preadvise(self):
        started = time.monotonic()
        for locker_id, specs in city.morning_parcels().items():
            for spec in specs:
                self._preadvise(spec, locker_id)
        self.say(
            "[carriers] %d parcels pre-advised over the API in %.1f s"
            % (len(self.parcels), time.monotonic() - started)
        )
        self.board.has_reservations(self.codes_at(self.board_site))

    def plan_wave(self, now, wave):
        """Plan what waits at the depot at `now`. The first wave's routes go to the couriers in
        order; a later wave's to whoever drove that vehicle before, if anyone did."""
        self.say("")
        plan_id = planning.plan_depot(
            self.engine,
            city.DEPOT["id"],
            now,
            actor=self.actor,
            wave=wave,
            seconds=self.plan_seconds,
            couriers=() if self.plans else [courier.id for courier in self.couriers],
            settings=self.stack.settings,
        )
        if self.plans:
            self._same_drivers(plan_id, now)
        plan = self._plan(plan_id)
        for line in plan_report.plan_lines(plan, self.zone):
            self.say(line)
        self.plans.append(plan)
        return plan

    def deliver(self, plan, before):
        """Every route's stops not yet done, all routes together in ETA order."""
        stops = [
            (stop, route)
            for route in plan.routes
            for stop in route.stops_list
            if stop.done_at is None and (before is None or stop.eta < before)
        ]
        for stop, route in sorted(stops, key=lambda pair: pair[0].eta):
            dropped = [
                parcel.tracking_code
                for parcel in stop.parcels
                if parcel.action == "deliver" and parcel.tracking_code not in self.deposited
            ]
            if dropped:
                self._drop(stop, route, dropped)

    def replan_at(self, now, plan):
        broken = _busiest_van(plan, now)
        spec = city.extra_parcel()
        self._preadvise(spec, self.board_site)
        self.say(
            "\n[%s]   %s breaks down; a late parcel %s is pre-advised for %s: re-plan"
            % (plan_report.local(now, self.zone), broken, spec.tracking_code, self.board_site)
        )
        request = ReplanRequest(seconds=self.replan_seconds, broken_down=[broken])
        new_id = planning.replan(
            self.engine, plan.id, now, actor=self.actor, request=request,
            settings=self.stack.settings,
        )  # fmt: skip
        replanned = self._plan(new_id)
        for line in plan_report.plan_lines(replanned, self.zone):
            self.say(line)
        for line in plan_report.changes_lines(replanned.changes):
            self.say(line)
        self.board.has_reservations([spec.tracking_code])
        return replanned

    def recipients_collect(self):
        at_board = self.codes_at(self.board_site)[:3]
        for code in at_board:
            parcel = self.parcels[code]
            self.board.recipient_collects(
                self.stack.notifications.notifier, parcel.phone, code, parcel.compartment
            )
            self._wait_state(parcel.parcel_id, "collected")
        evening = self.morning + timedelta(hours=10)
        at_banks = sorted(c for c in self.deposited if self.parcels[c].locker_id in self.banks)
        for n, code in enumerate(at_banks[:COLLECTED_AT_BANKS]):
            parcel = self.parcels[code]
            self.banks[parcel.locker_id].collected(
                code, parcel.compartment, evening + timedelta(minutes=n)
            )
        self._check_states(at_banks[:COLLECTED_AT_BANKS], [ParcelState.COLLECTED])
        self.say(
            "[lockers] recipients collected %d parcels at %s with their PINs (keypad) and %d "
            "at other lockers"
            % (len(at_board), self.board_site, len(at_banks[:COLLECTED_AT_BANKS]))
        )

    def report_kpis(self):
        day_start = hours.utc_at(self.morning.date(), "00:00", self.zone)
        with transaction(self.engine) as session:
            kpis = planning.routing_kpis(
                session, day_start, day_start + timedelta(days=1), city.DEPOT["id"]
            )
        self.say("")
        lines = plan_report.kpi_lines(kpis) + plan_report.figures_lines(self.plans[0])
        if kpis.on_time_rate is not None and kpis.on_time_rate < 1:
            lines.insert(
                1,
                "          (on time: the stops at %s count late or early, its board keeps the "
                "wall clock's time, not the morning's)" % self.board_site,
            )
        for line in lines:
            self.say(line)
        self.kpis = kpis

    # --- helpers -------------------------------------------------------------------------------
    def _drop(self, stop, route, codes):
        courier = next((c for c in self.couriers if c.id == route.courier_id), None)
        if stop.locker_id == self.board_site:
            if courier is None:
                raise ScenarioFailed("route %s has no courier to key in" % route.vehicle_id)
            self.board.deposits(courier.code, [(c, self.parcels[c].compartment) for c in codes])
            how = "keyed in at the board"
        else:
            bank = self.banks[stop.locker_id]
            for n, code in enumerate(codes):
                at = stop.eta + timedelta(seconds=n * DEPOSIT_S)
                bank.deposited(code, self.parcels[code].compartment, at)
            how = "doors closed"
        self.deposited.update(codes)
        self.say(
            "[%s]   %-14s stop %2d %-7s %-20s %2d parcels in (%s)"
            % (
                plan_report.local(stop.eta, self.zone),
                route.vehicle_id,
                stop.seq,
                stop.locker_id,
                stop.locker_name,
                len(codes),
                how,
            )
        )

    def _same_drivers(self, plan_id, now):
        drove = {r.vehicle_id: r.courier_id for plan in self.plans for r in plan.routes}
        idle = [c.id for c in self.couriers if c.id not in drove.values()]
        with transaction(self.engine, now=now) as session:
            for route in planning.plan_view(session, plan_id).routes:
                courier_id = drove.get(route.vehicle_id) or (idle.pop(0) if idle else None)
                if courier_id is not None:
                    planning.assign_courier(
                        session, plan_id, route.id, courier_id, now, actor=self.actor,
                        settings=self.stack.settings,
                    )  # fmt: skip

    def _preadvise(self, spec, locker_id):
        parcel = city_setup.preadvise(self.api, self.keys, spec, locker_id)
        self.parcels[spec.tracking_code] = Advised(
            parcel["id"], parcel["compartment"], spec.phone, locker_id
        )

    def codes_at(self, locker_id):
        """The tracking codes of the parcels pre-advised for the locker."""
        return [code for code, parcel in self.parcels.items() if parcel.locker_id == locker_id]

    def _check_states(self, codes, states):
        """ScenarioFailed unless every parcel of `codes` is in one of `states`."""
        query = select(Parcel.tracking_code, Parcel.state).where(
            col(Parcel.tracking_code).in_(list(codes))
        )
        with transaction(self.engine) as session:
            wrong = [(code, state) for code, state in session.exec(query) if state not in states]
        if wrong:
            raise ScenarioFailed("parcels not %s: %s" % ("/".join(states), wrong[:5]))

    def _plan(self, plan_id):
        with transaction(self.engine) as session:
            return planning.plan_view(session, plan_id)

    def _wait_state(self, parcel_id, state, wait_s=20.0):
        deadline = time.monotonic() + wait_s
        while self.api.get("/parcels/" + parcel_id).json()["state"] != state:
            if time.monotonic() > deadline:
                raise ScenarioFailed("timed out waiting for parcel %s %s" % (parcel_id, state))
            time.sleep(0.1)


def maintenance_jobs():
    """The cloud's maintenance jobs but the waves at cut-offs, for the stack the morning runs
    on: the morning plans its waves itself, on its own clock; the loop would on the wall's."""
    return [job for job in default_jobs() if job[0] != "plan_due_waves"]


def _median_eta(plan):
    etas = sorted(stop.eta for route in plan.routes for stop in route.stops_list)
    if not etas:
        raise ScenarioFailed("the plan has no stops: %s" % [u.reason for u in plan.unrouted])
    return etas[len(etas) // 2]


def _busiest_van(plan, now):
    """The van (not the bike) with the most parcels still aboard at `now`: it breaks down."""

    def aboard(route):
        return sum(s.deliveries for s in route.stops_list if s.eta >= now)

    vans = [r for r in plan.routes if r.vehicle_type_id != "bike"] or plan.routes
    return max(vans, key=aboard).vehicle_id
