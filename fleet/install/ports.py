"""`locker boards`: the serial ports that look like MicroPython boards, by their USB ids."""

# USB vendor id -> what sits behind it; a product id where the vendor makes other things too
MICROPYTHON_USB = {
    0x303A: ("Espressif (native USB)", None),
    0x10C4: ("Silicon Labs CP210x", {0xEA60}),
    0x1A86: ("WCH CH340/CH9102", None),
    0x0403: ("FTDI", None),
    0x2E8A: ("Raspberry Pi RP2040 (MicroPython)", None),
}


class BoardPort:
    """One serial port that looks like a board: its device path, what chip, USB ids."""

    def __init__(self, device, chip, vid, pid, description=""):
        self.device, self.chip, self.vid, self.pid = device, chip, vid, pid
        self.description = description

    @property
    def usb_id(self):
        return "%04X:%04X" % (self.vid, self.pid)


def board_ports(ports):
    """The ports (pyserial list_ports records: .device, .vid, .pid, .description) whose USB
    ids are a MicroPython board's or its USB-serial chip's, by device name."""
    found = []
    for port in ports:
        known = MICROPYTHON_USB.get(getattr(port, "vid", None))
        if known is None:
            continue
        chip, products = known
        if products is not None and port.pid not in products:
            continue
        found.append(BoardPort(port.device, chip, port.vid, port.pid, port.description or ""))
    return sorted(found, key=lambda p: p.device)


def system_ports():
    """The host's serial ports, as pyserial lists them."""
    from serial.tools.list_ports import comports

    return comports()
