"""`locker boards`: which serial ports look like MicroPython boards, by their USB ids."""

from fleet.install.ports import board_ports


class ListedPort:
    """What pyserial's list_ports gives for one port (a ListPortInfo's fields)."""

    def __init__(self, device, vid=None, pid=None, description="n/a"):
        self.device, self.vid, self.pid, self.description = device, vid, pid, description


def test_boards_are_found_by_their_usb_ids():
    ports = [
        ListedPort("/dev/ttyUSB1", 0x1A86, 0x7523, "USB Serial"),
        ListedPort("/dev/ttyACM0", 0x2E8A, 0x0005, "Board in FS mode"),
        ListedPort("/dev/ttyS0"),  # the PC's own UART: no USB id
        ListedPort("/dev/ttyACM1", 0x046D, 0xC52B, "a mouse receiver"),
        ListedPort("/dev/ttyUSB0", 0x10C4, 0xEA60, "CP2102"),
        ListedPort("/dev/ttyUSB2", 0x10C4, 0x8A2A, "another Silicon Labs device"),
        ListedPort("/dev/ttyACM2", 0x303A, 0x1001, "ESP32-S3"),
    ]
    found = board_ports(ports)
    assert [(p.device, p.usb_id) for p in found] == [
        ("/dev/ttyACM0", "2E8A:0005"),
        ("/dev/ttyACM2", "303A:1001"),
        ("/dev/ttyUSB0", "10C4:EA60"),
        ("/dev/ttyUSB1", "1A86:7523"),
    ]
    assert found[0].chip.startswith("Raspberry Pi")


def test_no_ports_no_boards():
    assert board_ports([]) == []
