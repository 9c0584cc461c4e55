# Raspberry Pi Pico W (RP2040). GPIO numbers only; the names are
# hardware/profiles/logical.py's. GP23, 24, 25 and 29 belong to the wireless chip.
NAME = "Raspberry Pi Pico W"
CHIP = "rp2040"
UART_ID = 0  # the REPL is on USB, so UART0 is free
I2C_ID = 0

PINS = {
    "scanner_tx": 0,  # UART0
    "scanner_rx": 1,
    "i2c_sda": 4,  # I2C0
    "i2c_scl": 5,
    "keypad_row_0": 6,
    "keypad_row_1": 7,
    "keypad_row_2": 8,
    "keypad_row_3": 9,
    "keypad_col_0": 10,
    "keypad_col_1": 11,
    "keypad_col_2": 12,
    "keypad_col_3": 13,
    "buzzer": 14,
    "status_led": 15,  # the on-board LED hangs off the wireless chip, so an external one
    "expander_int": 22,
}

# The wired link to `locker gateway` when the bank has no WiFi ("link": {"kind": "serial",
# "port": "uart"} in config.json): UART1, e.g. to an RS-485 transceiver. A Pico W on USB to the
# gateway's PC needs none of it ("port": "usb").
LINK_UART_ID = 1
LINK_PINS = {"tx": 20, "rx": 21}  # physical pins 26 and 27
