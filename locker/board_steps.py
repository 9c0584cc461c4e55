"""What a person does at a simulated board, shared by the demo's city and the scenario tests."""

WAIT_S = 20.0


class ScenarioFailed(AssertionError):
    pass


def open_take_close(board, keys, compartment, who, wait_s=WAIT_S):
    """Type `keys`, expect `compartment`'s door to open, open it and shut it again."""
    pulses = len(board.pulsed)
    board.press(keys)
    opened = board.wait_for_pulse(after=pulses, timeout=wait_s)
    if opened != compartment:
        raise ScenarioFailed("%s: door %s opened, expected %s" % (who, opened, compartment))
    if not board.open_door(opened):
        raise ScenarioFailed("%s: door %d stayed locked" % (who, opened))
    board.close_door(opened)
    return opened
