"""Login guessing, throttled in the database, so the limits hold across threads and API processes.

Password checks (a login, a password change) are counted three ways:
- per account (the username as typed, known or not: a lock-out tells nobody who exists), for
  attempts from sources the account has not logged in from;
- per account and source, once the account logged in from that source (trusted for
  `login_trusted_source_days`): its owner is counted apart from strangers, so strangers who lock
  the account out do not lock its owner out at the addresses the owner uses;
- per source (a client address, cloud/web/client_source.py) across all accounts: spraying.

An attempt is counted *before* its password is checked, as if it failed, and taken back if the
password was right. The attempt that reaches a limit starts the lock-out at once, and the rows
are locked while they are counted (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
serialises writers, cloud/db.py): however many attempts run in parallel, no more than the limit
get their password checked. While a count is locked out its attempts are refused (429 with
Retry-After) without checking the password at all, the right one included. Each failure after a
lock-out starts the next, twice as long, up to a cap (so no lock-out outlasts it); quiet time
after the last attempt and lock-out forgets the count; the right password forgets an account's.
Lock-outs are audited (`login_locked`); from the `login_alarm_lockouts`-th of a streak on they
raise the `login_guessing` alarm.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from cloud.core.config import Settings
from cloud.models import LoginThrottle
from cloud.models.login import SOURCE_LENGTH, THROTTLE_SCOPES
from cloud.services import alarms, audit
from cloud.services.errors import RateLimited

ACCOUNT, SOURCE, PAIR = THROTTLE_SCOPES
LOGIN_GUESSING = "login_guessing"
_PRUNED_AT_ONCE = 1000
Key = tuple[str, str, str]  # (scope, account, source): a row's primary key


@dataclass(frozen=True)
class Limit:
    after: int  # failures that start the first lock-out
    first_lock_s: int
    longest_lock_s: int

    def lock_s(self, lockouts: int) -> int:
        """How long the lock-out after `lockouts` earlier ones of the streak lasts."""
        return min(self.first_lock_s * 2 ** min(lockouts, 32), self.longest_lock_s)


@dataclass(frozen=True)
class Policy:
    account: Limit  # an account, and an account from a source it logged in from
    source: Limit
    quiet_s: int
    trust_s: int
    alarm_after_lockouts: int

    @classmethod
    def of(cls, settings: Settings) -> "Policy":
        first = settings.login_lockout_s
        return cls(
            Limit(settings.login_lockout_after, first, settings.login_lockout_max_s),
            Limit(settings.login_source_lockout_after, first, settings.login_source_lockout_max_s),
            settings.login_quiet_s,
            settings.login_trusted_source_days * 86400,
            settings.login_alarm_lockouts,
        )

    def limit(self, scope: str) -> Limit:
        return self.source if scope == SOURCE else self.account


@dataclass
class Attempt:
    """An admitted password check: the counts it was added to, and the lock-outs it started."""

    account: str
    source: str
    counted: list[Key]
    started: dict[Key, datetime] = field(default_factory=dict)

    @property
    def pair(self) -> Key:
        return (PAIR, self.account, self.source)


def admit(session: Session, account: str, source: str, now: datetime, policy: Policy) -> Attempt:
    """Count one password check of `account` from `source`; RateLimited, counting nothing,
    while one of its counts is locked out. The caller commits before checking the password."""
    account, source = account[:64], source[:SOURCE_LENGTH]
    pair = _locked_rows(session, [(PAIR, account, source)], create=False)
    trusted = bool(pair) and pair[0].trusted_until is not None and pair[0].trusted_until > now
    counted = [(PAIR, account, source) if trusted else (ACCOUNT, account, ""), (SOURCE, "", source)]
    rows = _locked_rows(session, counted, create=True)
    for row in rows:
        _forget_if_quiet(row, now, policy.quiet_s)
    locked = [row.locked_until for row in rows if _locked(row, now)]
    if locked:
        retry_s = math.ceil((max(locked) - now).total_seconds())
        raise RateLimited(
            "login_locked", f"too many failed logins: try again in {retry_s} s", retry_s
        )
    attempt = Attempt(account, source, counted)
    for row in rows:
        until = _count_failure(row, now, policy.limit(row.scope))
        if until is not None:
            attempt.started[_key(row)] = until
    return attempt


def settle(
    session: Session, attempt: Attempt, now: datetime, policy: Policy, *, succeeded: bool
) -> None:
    """After the check: a right password takes its count back (and forgets the account's, and
    trusts its source for the account); a wrong one keeps it, and the lock-outs it started are
    audited and, past the alarm threshold, raise the alarm."""
    keys = [attempt.pair] + [key for key in attempt.counted if key != attempt.pair]  # lock order
    rows = {_key(row): row for row in _locked_rows(session, keys, create=succeeded)}
    if succeeded:
        _take_back(session, rows, attempt, now, policy)
        _prune(session, now, policy)
        return
    for key, until in attempt.started.items():
        row = rows.get(key)
        if row is not None and row.locked_until == until:  # not forgotten by a success since
            _record_lockout(session, row, now, policy)


def _take_back(
    session: Session,
    rows: dict[Key, LoginThrottle],
    attempt: Attempt,
    now: datetime,
    policy: Policy,
) -> None:
    for key, row in rows.items():
        if key[0] == SOURCE:  # a source is not forgiven by one right password: count it out
            row.failures = max(0, row.failures - 1)
            if row.locked_until is not None and row.locked_until == attempt.started.get(key):
                row.locked_until, row.lockouts = None, max(0, row.lockouts - 1)
        elif key[0] == ACCOUNT:  # the right password: the account's count is forgotten
            session.delete(row)
        else:  # the account from this source: forgotten, and the source trusted for it
            row.failures, row.lockouts, row.locked_until = 0, 0, None
            row.trusted_until = now + timedelta(seconds=policy.trust_s)


def _count_failure(row: LoginThrottle, now: datetime, limit: Limit) -> datetime | None:
    """Count one more failure; when the lock-out it starts ends, if it starts one."""
    row.failures += 1
    row.last_attempt_at = now
    if row.failures < limit.after:
        return None
    row.locked_until = now + timedelta(seconds=limit.lock_s(row.lockouts))
    row.lockouts += 1
    return row.locked_until


def _forget_if_quiet(row: LoginThrottle, now: datetime, quiet_s: int) -> None:
    """No attempt and no lock-out for `quiet_s`: the streak is over."""
    last = max(row.last_attempt_at or datetime.min, row.locked_until or datetime.min)
    if last <= now - timedelta(seconds=quiet_s):
        row.failures, row.lockouts, row.locked_until = 0, 0, None


def _locked(row: LoginThrottle, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _record_lockout(session: Session, row: LoginThrottle, now: datetime, policy: Policy) -> None:
    locked_s = math.ceil((row.locked_until - now).total_seconds())
    subject = "source:" + row.source if row.scope == SOURCE else "operator:" + row.account
    audit.record(
        session,
        "system",
        "login_locked",
        subject,
        now,
        scope=row.scope,
        source=row.source or None,
        failures=row.failures,
        lockouts=row.lockouts,
        locked_until=row.locked_until,
    )
    if row.lockouts >= policy.alarm_after_lockouts:
        alarms.raise_fleet_alarm(session, LOGIN_GUESSING, _describe(row, locked_s), now)
    _prune(session, now, policy)


def _describe(row: LoginThrottle, locked_s: int) -> str:
    who = {
        ACCOUNT: f"account {row.account!r} from sources it never logged in from",
        PAIR: f"account {row.account!r} from {row.source}, where it logged in before",
        SOURCE: f"source {row.source}, across accounts",
    }[row.scope]
    return (
        f"{row.failures} failed logins of {who}: locked out for {locked_s} s "
        f"(lock-out {row.lockouts} of this streak)"
    )


def _locked_rows(session: Session, keys: list[Key], *, create: bool) -> list[LoginThrottle]:
    """The rows of `keys` that exist (all of them with `create`), locked, in the order given:
    every caller locks pair, then account, then source rows, so none waits for another in a
    circle."""
    if create:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            insert(LoginThrottle)
            .values(
                [
                    {"scope": s, "account": a, "source": src, "failures": 0, "lockouts": 0}
                    for s, a, src in keys
                ]
            )
            .on_conflict_do_nothing()
        )
    rows = (
        session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        for key in keys
    )
    return [row for row in rows if row is not None]


def _prune(session: Session, now: datetime, policy: Policy) -> None:
    """Forget rows nobody needs any more; rows another attempt holds are left for later."""
    quiet = now - timedelta(seconds=policy.quiet_s)
    row = LoginThrottle
    stale = (
        select(row.scope, row.account, row.source)
        .where(
            col(row.last_attempt_at).is_(None) | (col(row.last_attempt_at) < quiet),
            col(row.locked_until).is_(None) | (col(row.locked_until) < quiet),
            col(row.trusted_until).is_(None) | (col(row.trusted_until) < now),
        )
        .limit(_PRUNED_AT_ONCE)
        .with_for_update(skip_locked=True)
    )
    session.exec(delete(row).where(tuple_(row.scope, row.account, row.source).in_(stale)))


def _key(row: LoginThrottle) -> Key:
    return (row.scope, row.account, row.source)
