import pytest

from bridge import topics
from protocol.wire import WireError


def test_a_lone_worker_subscribes_to_all_events_and_statuses():
    assert topics.subscriptions() == [
        "lockers/+/events",
        "lockers/+/status",
        "lockers/+/telemetry",
        "lockers/+/inventory",
    ]


def test_workers_in_a_share_group_split_events_but_all_see_status():
    assert topics.subscriptions("bridge") == [
        "$share/bridge/lockers/+/events",
        "lockers/+/status",
        "$share/bridge/lockers/+/telemetry",
        "$share/bridge/lockers/+/inventory",
    ]


def test_routes_events_and_status():
    assert topics.route("lockers/L-1/events") == ("events", "L-1")
    assert topics.route("lockers/L-1/status") == ("status", "L-1")


def test_routes_telemetry():
    assert topics.route("lockers/L-1/telemetry") == ("telemetry", "L-1")
    assert topics.route("lockers/L-1/inventory") == ("inventory", "L-1")


@pytest.mark.parametrize("topic", ["lockers/L-1/commands", "lockers/L-1/x", "elsewhere/L-1/events"])
def test_refuses_topics_it_does_not_serve(topic):
    with pytest.raises(WireError):
        topics.route(topic)
