"""The event journal: seq numbers never reused, entries kept until acknowledged."""

from firmware.core.journal import JOURNAL_CAPACITY, Journal


def test_the_capacity_is_256():
    assert JOURNAL_CAPACITY == 256
    assert Journal().capacity == 256


def test_append_numbers_events_from_one():
    journal = Journal()
    assert [journal.append({"type": "x"}) for _ in range(3)] == [1, 2, 3]
    assert journal.next_seq == 4


def test_append_writes_the_seq_into_the_body():
    journal = Journal()
    journal.append({"type": "x"})
    assert journal.pending() == [{"type": "x", "seq": 1}]


def test_a_restored_journal_goes_on_from_its_next_seq():
    assert Journal(next_seq=42).append({}) == 42


def test_ack_removes_entries_and_pending_stays_in_seq_order():
    journal = Journal()
    for n in range(5):
        journal.append({"n": n})
    journal.ack([4, 1, 2])
    assert [b["seq"] for b in journal.pending()] == [3, 5]


def test_unknown_and_repeated_acks_are_ignored():
    journal = Journal()
    journal.append({})
    journal.ack([1])
    journal.ack([1, 7])
    assert journal.pending() == []


def test_seqs_are_never_reused_after_an_ack():
    journal = Journal()
    journal.append({})
    journal.ack([1])
    assert journal.append({}) == 2


def test_full_when_capacity_unacknowledged_entries_are_held():
    journal = Journal(capacity=2)
    journal.append({})
    assert journal.room() == 1
    journal.append({})
    assert journal.room() == 0


def test_an_ack_makes_room():
    journal = Journal(capacity=2)
    journal.append({})
    journal.append({})
    journal.ack([1])
    assert journal.room() == 1


def test_append_never_drops_an_unacknowledged_entry():
    journal = Journal(capacity=1)
    journal.append({})
    journal.append({})
    assert [b["seq"] for b in journal.pending()] == [1, 2]
