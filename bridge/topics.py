"""Which device topics the bridge listens to, and what a topic means: pure functions."""
from firmware.core import wire

EVENTS, STATUS = "events", "status"


def subscriptions(share_group=None):
    """The bridge's subscriptions; with a share group, workers split the events between them."""
    events = "lockers/+/" + EVENTS
    if share_group:
        events = "$share/%s/%s" % (share_group, events)
    # Status is retained and cheap: every worker keeps the online flags current.
    return [events, "lockers/+/" + STATUS]


def route(topic):
    """(channel, locker_id) for a device topic; WireError for any topic the bridge does not serve."""
    locker_id, channel = wire.parse_topic(topic)
    if channel not in (EVENTS, STATUS):
        raise wire.WireError("not a device topic: " + channel)
    return channel, locker_id
