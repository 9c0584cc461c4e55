"""`locker chaos`: a fleet of simulated lockers run through deposits and pickups against
Mosquitto and the bridge and cloud as separate processes, while faults are injected on a
schedule; at the end what everybody did is compared with what the database holds.

Here: processes (broker, cloud, bridge workers), verify (the final comparison against the
database), harness (all of it together, the JSON summary), run (the command). What drives the
boards and injects the faults lives in simulator/chaos/, which knows neither cloud nor CLI.
"""
