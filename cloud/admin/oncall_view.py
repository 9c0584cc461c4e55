"""What the on-call page shows: each site's rota, the operators who can be put on one (with
where pages reach them), and the pages sent lately (cloud/services/pager.py)."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from cloud.models import Alarm, Locker, OnCallEntry, Operator, Page

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


def site_rotas(session: Session) -> list[SiteRota]:
    """Every site a locker or a rota names, the fleet's first, each with its own rota only."""
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
    return [SiteRota(site, names) for site, names in rotas.items()]


def operators(session: Session) -> list[Operator]:
    """The active operators, by name: who can be put on a rota, and how they are reached."""
    query = select(Operator).where(col(Operator.active)).order_by(col(Operator.username))
    return list(session.exec(query))


def recent_pages(session: Session) -> list[PageRow]:
    """The pages sent lately, newest first, with whom they went to and what for."""
    query = (
        select(Page, Operator.username, Alarm)
        .join(Operator, col(Operator.id) == col(Page.operator_id))
        .join(Alarm, col(Alarm.id) == col(Page.alarm_id))
        .order_by(col(Page.id).desc())
        .limit(PAGES_SHOWN)
    )
    return [PageRow(page, name, alarm) for page, name, alarm in session.exec(query)]


def site_of(path_name: str) -> str:
    return "" if path_name == FLEET else path_name
