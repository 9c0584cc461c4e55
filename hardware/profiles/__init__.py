# Board profiles, ESPHome-style: logical.py names every signal once; each board file only
# assigns GPIO numbers to those names; chips.py says which GPIOs a chip may use.
