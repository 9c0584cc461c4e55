# What each supported microcontroller allows, so a board file can be checked before it is
# flashed. Plain data: it runs on MicroPython as well.

ESP32 = {
    "name": "ESP32 (ESP32-WROOM-32 module)",
    "gpios": tuple(range(0, 20)) + (21, 22, 23, 25, 26, 27) + tuple(range(32, 40)),
    "forbidden": (
        1,
        3,  # UART0 TX/RX: the USB-serial REPL and boot log
        6,
        7,
        8,
        9,
        10,
        11,  # wired to the module's SPI flash: touching them crashes the chip
    ),
    "strapping": (0, 2, 5, 12, 15),  # sampled at reset: a load here can stop it booting
    "input_only": (34, 35, 36, 37, 38, 39),  # no output driver
    "no_pull": (34, 35, 36, 37, 38, 39),  # no internal pull-up or pull-down either
    "uart_ids": (0, 1, 2),
    "console_uart": 0,  # MicroPython's REPL
    "i2c_ids": (0, 1),
    "uart_pins": None,  # the GPIO matrix routes UARTs and I2C to any GPIO
    "i2c_pins": None,
}

RP2040 = {
    "name": "RP2040 (Raspberry Pi Pico W)",
    "gpios": tuple(range(0, 30)),
    "forbidden": (
        23,  # WL_ON: powers the CYW43439 wireless chip
        24,  # WL_D: the wireless chip's SPI data and IRQ
        25,  # WL_CS: its chip select (the plain Pico's LED pin)
        29,  # WL_CLK, shared with VSYS/3 sensing on ADC3
    ),
    "strapping": (),  # the RP2040 boots from BOOTSEL, not from GPIO levels
    "input_only": (),
    "no_pull": (),
    "uart_ids": (0, 1),
    "console_uart": None,  # the REPL is on USB
    "i2c_ids": (0, 1),
    # fixed pin functions: {peripheral id: {signal: GPIOs that can carry it}}
    "uart_pins": {
        0: {"tx": (0, 12, 16, 28), "rx": (1, 13, 17, 29)},
        1: {"tx": (4, 8, 20, 24), "rx": (5, 9, 21, 25)},
    },
    "i2c_pins": {
        0: {"sda": (0, 4, 8, 12, 16, 20, 24, 28), "scl": (1, 5, 9, 13, 17, 21, 25, 29)},
        1: {"sda": (2, 6, 10, 14, 18, 22, 26), "scl": (3, 7, 11, 15, 19, 23, 27)},
    },
}

CHIPS = {"esp32": ESP32, "rp2040": RP2040}
