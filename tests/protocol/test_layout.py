import pytest

from protocol.layout import parse_layout


def test_numbers_compartments_in_the_order_given():
    assert parse_layout("S2,L1") == [(1, "S"), (2, "S"), (3, "L")]


@pytest.mark.parametrize("layout", ["", "X4", "S", "S0", "S-1", "S4,,M2", "M1000"])
def test_refuses_a_bad_layout(layout):
    with pytest.raises(ValueError):
        parse_layout(layout)
