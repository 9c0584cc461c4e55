"""What the demo prints of plans, re-plans and routing KPIs: short lines, local times."""

from datetime import UTC
from zoneinfo import ZoneInfo


def local(moment, zone):
    """A naive UTC moment as the depot's clock shows it ("07:42")."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).strftime("%H:%M")


def plan_lines(plan, zone):
    """The plan in a few lines: totals, one line per route, what was left out, vs doorstep."""
    lines = [
        "[planner] plan %s of %s (%s wave) from %s: %d routes, %d stops, %d parcels, %.1f km, "
        "%.1f kg CO2 (solved in %.1f s%s)"
        % (
            str(plan.id)[:8],
            plan.day,
            plan.wave,
            local(plan.starts_at, zone),
            len(plan.routes),
            plan.stops,
            plan.parcels,
            plan.km,
            plan.co2_g / 1000,
            plan.solver_seconds,
            "" if plan.feasible else ", NOT feasible",
        )
    ]
    lines += [route_line(route, zone) for route in plan.routes]
    lines += unrouted_lines(plan.unrouted)
    if plan.doorstep is not None and plan.doorstep.km > 0:
        lines.append(doorstep_line(plan.doorstep))
    return lines


def unrouted_lines(unrouted):
    """Parcels left out, one line per reason: which lockers, how many."""
    by_reason = {}
    for parcel in unrouted:
        by_reason.setdefault(parcel.reason, []).append(parcel.locker_id)
    return [
        "          %s %s (at %s)"
        % (_parcels(len(lockers)), reason, ", ".join(sorted(set(lockers))))
        for reason, lockers in by_reason.items()
    ]


def _parcels(count):
    return "1 parcel" if count == 1 else "%d parcels" % count


def route_line(route, zone):
    return "          %-14s %-13s %-19s %s-%s %3d stops %4d parcels %6.1f km %6.2f kg CO2" % (
        route.vehicle_id,
        route.vehicle_type,
        route.courier_name or "(no courier yet)",
        local(route.departs_at, zone),
        local(route.returns_at, zone),
        route.stops,
        route.parcels,
        route.km,
        route.co2_g / 1000,
    )


def doorstep_line(doorstep):
    return (
        "          vs doorstep: %.1f km, %.1f kg CO2, %.1f failed first attempts -> "
        "lockers save %.1f km, %.1f kg CO2, %.1f failed attempts"
        % (
            doorstep.km,
            doorstep.co2_g / 1000,
            doorstep.failed_attempts,
            doorstep.km_saved,
            doorstep.co2_saved_g / 1000,
            doorstep.failed_attempts_avoided,
        )
    )


def changes_lines(changes):
    """A re-plan's `changes`: parcels moved, counted by where from and where to; the rest."""
    if not changes:
        return ["          changes: none reported"]
    moves = {}
    for move in changes.get("moved", []):
        key = (move["from"], move["to"])
        moves[key] = moves.get(key, 0) + 1
    lines = [
        "          moved %s from %s to %s" % (_parcels(n), a, b) for (a, b), n in moves.items()
    ]
    if changes.get("added"):
        lines.append("          added: " + _brief(changes["added"]))
    if "km_before" in changes:
        lines.append(
            "          km of the plan: %.1f before, %.1f after"
            % (changes["km_before"], changes["km_after"])
        )
    return lines


def figures_lines(plan):
    """Per parcel, as the wave was planned: lockers vs each parcel to its own door."""
    if not plan.parcels or plan.doorstep is None:
        return ["[figures] no parcels planned"]
    door = plan.doorstep
    return [
        "[figures] the %s wave as planned, %d parcels: lockers vs doorstep"
        % (plan.wave, plan.parcels),
        "[figures]   km per parcel:   lockers %.3f, doorstep %.3f"
        % (plan.km / plan.parcels, door.km / plan.parcels),
        "[figures]   CO2 per parcel:  lockers %.1f g, doorstep %.1f g"
        % (plan.co2_g / plan.parcels, door.co2_g / plan.parcels),
        "[figures]   failed first attempts avoided: %.1f" % door.failed_attempts_avoided,
    ]


def kpi_lines(kpis):
    def ratio(value, unit="", scale=1.0, digits=2):
        return "n/a" if value is None else "%.*f%s" % (digits, value * scale, unit)

    return [
        "[kpis]    plans %d, stops %d planned / %d done, on time %s, %.1f km, "
        "%s km per stop, %s parcels per stop, cost %s per delivery"
        % (
            kpis.plans,
            kpis.stops_planned,
            kpis.stops_done,
            ratio(kpis.on_time_rate, "%", 100, 0),
            kpis.km,
            ratio(kpis.km_per_stop),
            ratio(kpis.parcels_per_stop, digits=1),
            ratio(kpis.cost_per_delivery),
        ),
        "[kpis]    km per parcel:   lockers %s, doorstep %s"
        % (ratio(kpis.km_per_parcel, digits=3), ratio(kpis.doorstep_km_per_parcel, digits=3)),
        "[kpis]    CO2 per parcel:  lockers %s, doorstep %s"
        % (
            ratio(kpis.co2_g_per_parcel, " g", digits=1),
            ratio(kpis.doorstep_co2_g_per_parcel, " g", digits=1),
        ),
    ]


def _brief(what):
    if isinstance(what, list):
        shown = ", ".join(str(item) for item in what[:6])
        return "%d (%s%s)" % (len(what), shown, ", ..." if len(what) > 6 else "")
    return str(what)
