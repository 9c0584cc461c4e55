# The one logical map, the same for every board: the names of the signals on the
# microcontroller's own GPIOs, which of them it drives, and where the 24 locks and 24 door
# sensors sit on the three MCP23017 expanders. Board files assign GPIO numbers to ON_CHIP.

# expander_int: the MCP23017s' INTA lines, open-drain and wired together. The drivers poll
# today; the wire is there so an interrupt-driven refresh needs no rewiring.
ON_CHIP = (
    "keypad_row_0",
    "keypad_row_1",
    "keypad_row_2",
    "keypad_row_3",
    "keypad_col_0",
    "keypad_col_1",
    "keypad_col_2",
    "keypad_col_3",  # col_3: 4x4 keypads only
    "scanner_tx",
    "scanner_rx",  # UART to the QR/barcode scanner, 3.3 V levels
    "i2c_sda",
    "i2c_scl",  # the expanders and the OLED
    "buzzer",
    "status_led",
    "expander_int",
)

# Driven by the microcontroller, so never on an input-only GPIO. I2C lines count: the
# controller drives them low (open-drain).
OUTPUTS = (
    "keypad_row_0",
    "keypad_row_1",
    "keypad_row_2",
    "keypad_row_3",
    "scanner_tx",
    "i2c_sda",
    "i2c_scl",
    "buzzer",
    "status_led",
)

# Inputs that rely on the chip's internal pull-up (no resistor on the board).
PULLED_UP = ("keypad_col_0", "keypad_col_1", "keypad_col_2", "keypad_col_3", "expander_int")

COMPARTMENTS = 24
EXPANDER_ADDRESSES = (0x20, 0x21, 0x22)  # A2 A1 A0 = 000, 001, 010: 8 compartments each


def _expander_map():
    # Per chip, compartments 1-4 on port A and 5-8 on port B; in each port bits 0-3 are the
    # four doors (inputs) and bits 4-7 the four locks (outputs): GPA7/GPB7 must be outputs.
    # Expander pin n: 0-7 = GPA0-7, 8-15 = GPB0-7 (firmware/drivers/mcp23017.py).
    pins = {}
    for i in range(COMPARTMENTS):
        chip = EXPANDER_ADDRESSES[i // 8]
        port = 8 * ((i % 8) // 4)
        pins["door_%d" % (i + 1)] = (chip, port + i % 4)
        pins["lock_%d" % (i + 1)] = (chip, port + 4 + i % 4)
    return pins


EXPANDER_PINS = _expander_map()  # {"lock_1": (0x20, 4), "door_1": (0x20, 0), ...}
