# Drivers: one class per file, pins/UARTs/I2C buses handed in ready-made, time passed in as
# now_ms (the board loop's ticks_ms). They turn hardware into the core's events and carry out
# its actions; no business logic lives here, and nothing imports machine or time.
