"""What the on-call page shows: each site's rota, the operators who can be put on one (with
where pages reach them), and the pages sent lately (cloud/services/pager.py)."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from cloud.models import Alarm, Locker, OnCallEntry, Operator, Page
from cloud.services import site_scope
from cloud.services.site_scope import Sites

FLEET = "fleet"  # the name in paths and forms for the rota of lockers without a site ("")
PAGES_SHOWN = 100


@dataclass(frozen=True)
class SiteRota:
    site: str  # "" for the fleet's
    operators: list[str]  # usernames, first paged first; empty: the fleet's rota is paged

    @property
    def path_name(self) -> str:
        return self.site or FLEET


@dataclass(frozen=True)
class PageRow:
    page: Page
    operator: str
    alarm: Alarm


def site_rotas(session: Session, scope: Sites = None) -> list[SiteRota]:
    """Every site a locker or a rota names (within `scope`, if given), the fleet's first, each
    with its own rota only."""
    sites = {""} | set(session.exec(select(Locker.site)).all())
    sites |= set(session.exec(select(OnCallEntry.site)).all())
    query = (
        select(OnCallEntry.site, Operator.username)
        .join(Operator, col(Operator.id) == col(OnCallEntry.operator_id))
        .order_by(col(OnCallEntry.site), col(OnCallEntry.position))
    )
    rotas: dict[str, list[str]] = {site: [] for site in sorted(sites)}
    for site, username in session.exec(query):
        rotas[site].append(username)
    return [
        SiteRota(site, names) for site, names in rotas.items() if site_scope.covers(scope, site)
    ]


def operators(session: Session, sites: Sites = None) -> list[Operator]:
    """The active operators, by name: who can be put on a rota, and how they are reached; a
    site-scoped admin's, those scoped within their sites (no one else's phone)."""
    query = select(Operator).where(col(Operator.active)).order_by(col(Operator.username))
    return [o for o in session.exec(query) if site_scope.manages(sites, o)]


def recent_pages(session: Session, sites: Sites = None) -> list[PageRow]:
    """The pages sent lately (for alarms at the `sites`' lockers, if given), newest first,
    with whom they went to and what for."""
    query = (
        select(Page, Operator.username, Alarm)
        .join(Operator, col(Operator.id) == col(Page.operator_id))
        .join(Alarm, col(Alarm.id) == col(Page.alarm_id))
        .order_by(col(Page.id).desc())
        .limit(PAGES_SHOWN)
    )
    query = site_scope.within(query, Alarm.locker_id, sites)
    return [PageRow(page, name, alarm) for page, name, alarm in session.exec(query)]


def site_of(path_name: str) -> str:
    return "" if path_name == FLEET else path_name
