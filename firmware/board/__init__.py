# The board runtime: wires drivers, the pure core, the MQTT client and the flash store
# together as asyncio tasks. Nothing here imports `machine`: firmware/main.py hands in the pins.
