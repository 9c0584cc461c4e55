"""Signed tokens (cloud/core/tokens.py): a session token names its session; versions never pass
for each other."""

from datetime import datetime, timedelta

import pytest

from cloud.core import tokens

KEY = b"k" * 32
NOW = datetime(2030, 1, 1, 12, 0)
LATER = NOW + timedelta(hours=1)


def test_a_session_token_names_its_operator_and_session():
    token = tokens.sign_session(KEY, "alice", 42, LATER)
    assert token.startswith("v2.")
    assert tokens.verified_session(KEY, token, NOW) == ("alice", 42)
    assert tokens.verified_session(KEY, token, LATER) is None  # expired
    assert tokens.verified_session(b"x" * 32, token, NOW) is None


def test_versions_do_not_pass_for_each_other():
    v1, v2 = tokens.sign(KEY, "alice", LATER), tokens.sign_session(KEY, "alice", 42, LATER)
    assert tokens.verified_session(KEY, v1, NOW) is None
    assert tokens.verified_subject(KEY, v2, NOW) is None
    assert tokens.verified_session(KEY, "v2." + v1.split(".", 1)[1], NOW) is None


@pytest.mark.parametrize("sid", [0, -1, 2**31, 2**70, True, "42", 4.2, None])
def test_a_session_id_outside_the_columns_range_is_no_session(sid):
    token = tokens.sign_session(KEY, "alice", sid, LATER)  # signed, so only the id is wrong
    assert tokens.verified_session(KEY, token, NOW) is None


@pytest.mark.parametrize("garbage", ["", "v2", "v2..", "v2.e30.AAAA", "a.b.c.d", "v2.!!!.???"])
def test_garbage_is_no_token(garbage):
    assert tokens.verified_session(KEY, garbage, NOW) is None
