"""The boards' side of `locker chaos` (locker/chaos/): a fleet of simulated lockers and the
faults done to them, without the cloud.

Modules: proxy (per-board network that can be cut), fleet (boards that can be power-cycled),
workload (couriers and recipients), faults (the schedule), many_sockets (more sockets than
select() can watch).
"""
