"""Which device topics the bridge listens to, and what a topic means: pure functions."""

from protocol import wire

EVENTS, STATUS, TELEMETRY, INVENTORY = "events", "status", "telemetry", "inventory"


def subscriptions(share_group=None):
    """The bridge's subscriptions; with a share group, workers split the events between them."""
    shared = ["lockers/+/" + EVENTS, "lockers/+/" + TELEMETRY, "lockers/+/" + INVENTORY]
    if share_group:
        shared = ["$share/%s/%s" % (share_group, topic) for topic in shared]
    # Status is retained and cheap: every worker keeps the online flags current.
    return [shared[0], "lockers/+/" + STATUS, shared[1], shared[2]]


def route(topic):
    """(channel, locker_id) for a device topic; WireError for any topic the bridge does not
    serve."""
    locker_id, channel = wire.parse_topic(topic)
    if channel not in (EVENTS, STATUS, TELEMETRY, INVENTORY):
        raise wire.WireError("not a device topic: " + channel)
    return channel, locker_id
