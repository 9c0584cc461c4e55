"""The login throttle's rules (cloud/services/login_throttle.py), with time passed in: lock-outs
that double up to a cap, quiet time that forgets, a right password that takes its count back,
trusted sources, the alarm and the pruning of what nobody needs."""

from datetime import timedelta

import pytest
from sqlmodel import select

from cloud.models import Alarm, LoginThrottle
from cloud.services import login_throttle
from cloud.services.errors import RateLimited
from cloud.services.login_throttle import Limit, Policy

POLICY = Policy(
    account=Limit(3, 60, 600),
    source=Limit(5, 60, 3600),
    quiet_s=3600,
    trust_s=86400,
    alarm_after_lockouts=2,
)


def check(session, now, right=False, account="alice", source="192.0.2.1"):
    """One password check through the throttle: True if it was let through to be checked."""
    try:
        attempt = login_throttle.admit(session, account, source, now, POLICY)
    except RateLimited:
        session.rollback()
        return False
    session.commit()
    login_throttle.settle(session, attempt, now, POLICY, succeeded=right)
    session.commit()
    return True


def retry_after(session, now, **who):
    with pytest.raises(RateLimited) as refused:
        login_throttle.admit(
            session, who.get("account", "alice"), who.get("source", "192.0.2.1"), now, POLICY
        )
    session.rollback()
    return refused.value.retry_after_s


def test_lockouts_double_up_to_the_cap():
    assert [Limit(5, 60, 900).lock_s(n) for n in range(6)] == [60, 120, 240, 480, 900, 900]
    assert Limit(5, 60, 900).lock_s(10**6) == 900  # no overflow however long the streak


def test_the_limit_th_failure_starts_a_lockout_and_each_after_it_a_longer_one(session, now):
    assert [check(session, now) for _ in range(4)] == [True, True, True, False]
    assert retry_after(session, now) == 60
    later = now + timedelta(seconds=61)
    assert check(session, later) and retry_after(session, later) == 120
    later += timedelta(seconds=121)
    assert check(session, later) and retry_after(session, later) == 240


def test_quiet_time_after_the_lockout_forgets_the_streak(session, now):
    for _ in range(3):
        check(session, now)
    quiet = now + timedelta(seconds=60 + 3600)
    assert [check(session, quiet) for _ in range(4)] == [True, True, True, False]
    assert retry_after(session, quiet) == 60  # the first lock-out again, not a doubled one


def test_the_right_password_forgets_the_accounts_count_but_not_the_sources(session, now):
    check(session, now, account="bob")
    check(session, now, account="bob")
    check(session, now, right=True, account="bob")
    rows = {r.scope: r for r in session.exec(select(LoginThrottle)).all()}
    assert rows["source"].failures == 2  # the right one was taken back, the wrong ones stay
    assert "account" not in rows or rows["account"].failures == 0
    assert rows["pair"].trusted_until == now + timedelta(days=1)


def test_a_right_password_that_reached_the_limit_lifts_the_lockout_it_started(session, now):
    check(session, now)
    check(session, now)
    assert check(session, now, right=True)  # the third: it started a lock-out, then was right
    assert check(session, now)


def test_a_trusted_source_is_counted_apart_from_strangers(session, now):
    check(session, now, right=True, source="198.51.100.2")  # the owner's usual address
    for n in range(4):
        check(session, now, source="192.0.2.%d" % n)
    assert retry_after(session, now, source="192.0.2.99") == 60  # the account, to strangers
    assert check(session, now, right=True, source="198.51.100.2")
    for _ in range(3):
        check(session, now, source="198.51.100.2")  # the owner's own count still has a limit
    assert retry_after(session, now, source="198.51.100.2") == 60


def test_the_second_lockout_raises_one_alarm_and_later_ones_bump_it(session, now):
    sources = ("192.0.2.%d" % n for n in range(10))  # the account's count alone reaches its limits
    for _ in range(3):
        check(session, now, source=next(sources))
    assert session.exec(select(Alarm)).all() == []
    later = now
    for lock_s in (60, 120, 240):
        later += timedelta(seconds=lock_s + 1)
        check(session, later, source=next(sources))
    [alarm] = session.exec(select(Alarm)).all()
    assert (alarm.kind, alarm.locker_id, alarm.count) == ("login_guessing", None, 3)
    assert "alice" in alarm.detail and "lock-out 4" in alarm.detail


def test_what_nobody_needs_is_pruned(session, now):
    for n in range(10):
        check(session, now, account="typo-%d" % n, source="192.0.2.%d" % n)
    check(session, now + timedelta(hours=2), right=True, account="carol", source="198.51.100.9")
    left = {(r.scope, r.account) for r in session.exec(select(LoginThrottle)).all()}
    assert left == {("pair", "carol"), ("source", "")}
