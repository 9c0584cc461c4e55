"""Route planning in the cloud: a depot's dispatch wave read from the database, planned on
the routing model (cloud/routing), kept as a plan of routes and stops, re-planned during the
day, fed to the couriers' codes, and measured against doorstep delivery."""

from cloud.planning.couriers import assign_courier
from cloud.planning.kpis import routing_kpis
from cloud.planning.replan import replan
from cloud.planning.run import plan_depot
from cloud.planning.views import latest_plan, manifest, plan_view, plans_of

__all__ = [
    "assign_courier",
    "latest_plan",
    "manifest",
    "plan_depot",
    "plan_view",
    "plans_of",
    "replan",
    "routing_kpis",
]
