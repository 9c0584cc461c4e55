# Runs first at every reset. Outputs are safe before main.py starts: MicroPython leaves GPIOs
# as inputs, the MCP23017s power up as inputs (locks unpowered), and main.py writes their
# output latches low before it makes any pin an output.
import gc

gc.collect()
