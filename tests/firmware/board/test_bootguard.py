"""BootGuard on a real directory: normal for the first boots, safe once SAFE_AFTER boots in a
row never became stable, normal again after stable(); whatever is in its file, no crash."""

import pytest

from firmware.board.bootguard import SAFE_AFTER, BootGuard


def boot(directory):
    return BootGuard(str(directory)).enter()


def test_the_first_boots_are_normal(tmp_path):
    assert [boot(tmp_path) for _ in range(SAFE_AFTER)] == ["normal"] * SAFE_AFTER


def test_safe_after_safe_after_boots_that_never_became_stable(tmp_path):
    for _ in range(SAFE_AFTER):
        boot(tmp_path)
    assert boot(tmp_path) == "safe"
    assert boot(tmp_path) == "safe"  # and it stays safe while it keeps failing


def test_a_stable_boot_ends_the_streak(tmp_path):
    for _ in range(SAFE_AFTER + 2):
        guard = BootGuard(str(tmp_path))
        guard.enter()
    guard.stable()  # the safe-mode boot ran stable_ms
    assert [boot(tmp_path) for _ in range(SAFE_AFTER)] == ["normal"] * SAFE_AFTER
    assert boot(tmp_path) == "safe"


def test_a_stable_boot_in_between_keeps_the_board_normal(tmp_path):
    for _ in range(3 * SAFE_AFTER):
        guard = BootGuard(str(tmp_path))
        assert guard.enter() == "normal"
        if guard.boots == SAFE_AFTER - 1:
            guard.stable()


GARBAGE = {
    "empty": b"",
    "binary": bytes(range(256)),
    "a list": b"[5]",
    "a string": b'"boots"',
    "no boots": b'{"starts": 9}',
    "text boots": b'{"boots": "many"}',
    "null boots": b'{"boots": null}',
    "infinite boots": b'{"boots": 1e999}',
    "negative boots": b'{"boots": -1000000}',
}


@pytest.mark.parametrize("content", GARBAGE.values(), ids=list(GARBAGE))
def test_a_garbage_file_counts_as_no_bad_boots(tmp_path, content):
    (tmp_path / "boots.json").write_bytes(content)
    assert [boot(tmp_path) for _ in range(SAFE_AFTER)] == ["normal"] * SAFE_AFTER
    assert boot(tmp_path) == "safe"
