"""Site scope: an operator may be limited to some sites (Locker.site, the buildings a property
manager runs). What they list is filtered to those sites' lockers and what hangs off them
(compartments, parcels, alarms, door releases, pages); one thing outside answers 404, as if it
did not exist, so no other site's lockers leak; fleet-wide work (depots, vans, plans, couriers,
carriers, the audit trail) is refused with 403 `fleet_wide`.

A scope is None for the whole fleet (every operator until an admin scopes them, and every
carrier and recipient), else a frozenset of site codes. A locker without a site ("") is the
fleet's: only an operator of the whole fleet sees it.

Every route and admin page goes through these few functions, never a check of its own.
"""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from cloud.models import Alarm, Locker, Operator, Page
from cloud.services.errors import Forbidden, NotFound

Sites = frozenset[str] | None
FLEET_WIDE = "fleet_wide"


def sites_of(operator: Operator) -> Sites:
    """The operator's scope as stored (comma-separated codes), None for the whole fleet."""
    return frozenset(operator.sites.split(",")) if operator.sites else None


def stored(sites: Sites) -> str | None:
    """A scope as Operator.sites keeps it: sorted, so an unchanged scope reads the same."""
    return ",".join(sorted(sites)) if sites else None


def scope(codes: Iterable[str] | None) -> Sites:
    """A scope from the codes an admin sent: none (or an empty list) is the whole fleet."""
    sites = frozenset(codes or ())
    return sites or None


def covers(sites: Sites, site: str) -> bool:
    """Whether a locker of `site` is within the scope."""
    return sites is None or site in sites


def within(query: Any, locker_column: Any, sites: Sites) -> Any:
    """`query` narrowed to rows whose `locker_column` names a locker of the scope; unchanged for
    the whole fleet. A row naming no locker (NULL) is the fleet's."""
    if sites is None:
        return query
    in_scope = select(Locker.id).where(col(Locker.site).in_(sites))
    return query.where(col(locker_column).in_(in_scope))


def require_locker(session: Session, sites: Sites, locker_id: str | None, hidden: NotFound):
    """Raise `hidden` (the 404 of the thing asked for) unless `locker_id` names a locker of the
    scope: outside it, a thing is answered as if it did not exist."""
    if sites is None:
        return
    locker = session.get(Locker, locker_id) if locker_id else None
    if locker is None or locker.site not in sites:
        raise hidden


def require_alarm(session: Session, sites: Sites, alarm_id: int) -> None:
    """NotFound unless the alarm is about a locker of the scope (one about no locker, a login
    guessing alarm, is the fleet's)."""
    if sites is None:
        return
    alarm = session.get(Alarm, alarm_id)
    require_locker(session, sites, alarm.locker_id if alarm else None, NotFound("alarm", alarm_id))


def require_page(session: Session, sites: Sites, page_id: int) -> None:
    """NotFound unless the page was about an alarm at a locker of the scope."""
    if sites is None:
        return
    page = session.get(Page, page_id)
    alarm = session.get(Alarm, page.alarm_id) if page else None
    require_locker(session, sites, alarm.locker_id if alarm else None, NotFound("page", page_id))


def require_site(sites: Sites, site: str, what: str) -> None:
    """NotFound (of `what`) unless `site` is within the scope: another site's rota does not
    exist for a site-scoped operator."""
    if not covers(sites, site):
        raise NotFound(what, site or "fleet")


def refuse_site_outside(sites: Sites, site: str) -> None:
    """Forbidden to put something (a new locker) at a site outside the scope."""
    if not covers(sites, site):
        raise Forbidden(
            "site_out_of_scope",
            f"site {site or '(none: the fleet)'} is not one of yours: "
            f"you may act on {', '.join(sorted(sites or ()))} only",
        )


def refuse_fleet_wide(sites: Sites, what: str) -> None:
    """Forbidden for a site-scoped operator: `what` spans the whole fleet."""
    if sites is not None:
        raise Forbidden(
            FLEET_WIDE,
            f"{what} spans the whole fleet: only operators not scoped to sites may use it",
        )


def refuse_widening(granter: Sites, wanted: Sites) -> None:
    """Forbidden unless `wanted` lies within the granting admin's own scope: a site-scoped
    admin can hand out (and take for themselves) their sites or fewer, never more, and never
    the whole fleet."""
    if granter is not None and (wanted is None or not wanted <= granter):
        raise Forbidden(
            "scope_widened",
            f"you may grant sites within your own ({', '.join(sorted(granter))}) only, "
            "never the whole fleet",
        )


def manages(granter: Sites, operator: Operator) -> bool:
    """Whether an admin of the scope `granter` sees and manages the operator: the whole
    fleet's admin everyone, a site-scoped one those scoped within their sites."""
    if granter is None:
        return True
    sites = sites_of(operator)
    return sites is not None and sites <= granter


def require_operator(granter: Sites, operator: Operator | None, username: str) -> Operator:
    """The operator, if an admin of the scope `granter` manages them; NotFound otherwise (a
    site-scoped admin does not see the fleet's operators, nor other sites')."""
    if operator is None or not manages(granter, operator):
        raise NotFound("operator", username)
    return operator
