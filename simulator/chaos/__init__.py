"""`locker chaos`: a fleet of simulated lockers run through deposits and pickups against
Mosquitto and the bridge and cloud as separate processes, while faults are injected on a
schedule; at the end what everybody did is compared with what the database holds.

Modules: processes (broker, cloud, bridge workers), proxy (per-board network that can be cut),
fleet (boards that can be power-cycled), workload (couriers and recipients), faults (the
schedule), verify (the final comparison), harness (all of it together, the JSON summary).
"""
