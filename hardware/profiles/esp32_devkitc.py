# Espressif ESP32-DevKitC with an ESP32-WROOM-32 module. GPIO numbers only; the names are
# hardware/profiles/logical.py's. Rows and columns 0-2 run down the left header in order.
# A WROVER module would need another map: its PSRAM takes GPIO16 and 17.
NAME = "ESP32-DevKitC (ESP32-WROOM-32)"
CHIP = "esp32"
UART_ID = 2  # UART0 is the USB REPL
I2C_ID = 0

PINS = {
    "keypad_row_0": 32,
    "keypad_row_1": 33,
    "keypad_row_2": 25,
    "keypad_row_3": 26,
    "keypad_col_0": 27,
    "keypad_col_1": 14,
    "keypad_col_2": 13,
    "keypad_col_3": 23,
    "scanner_tx": 17,
    "scanner_rx": 34,  # input-only and no internal pull: 10k to 3V3 on the board
    "i2c_sda": 21,  # the ESP32's usual I2C pins
    "i2c_scl": 22,
    "buzzer": 18,
    "status_led": 19,
    "expander_int": 16,  # GPIO4 is free but latched at reset: left alone
}

# The wired link to `locker gateway` when the bank has no WiFi ("link": {"kind": "serial",
# "port": "uart"} in config.json): UART1, e.g. to an RS-485 transceiver. The only GPIOs left:
# GPIO4 (not a strapping pin, but an input until the UART starts: 10k pull-up on the
# transceiver's DI) and input-only GPIO35 (driven by the transceiver's RO). A DevKitC on USB to
# the gateway's PC needs none of it ("port": "usb").
LINK_UART_ID = 1
LINK_PINS = {"tx": 4, "rx": 35}
