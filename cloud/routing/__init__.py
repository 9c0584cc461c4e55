"""Route planning for the vans that carry locker-bound parcels (PyVRP underneath).

`model` is the one modelling layer: the cloud's plans and the benchmark readers both build a
`Problem` and read a `Solution`; `solver` hands it to PyVRP; `check` proves a solution
feasible without the solver. Nothing here touches the database."""
