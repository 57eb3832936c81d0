"""The plan catalog (read-only: it is code, shared with the operator)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath

from consorcio_contract.plans import CATALOG, get_plan
from control_plane.auth.guards import admin_guard
from control_plane.auth.roles import Permission
from control_plane.plans.schemas import PlanView, plan_view
from control_plane.problems import NotFound


class PlanController(Controller):
    path = "/api/plans"
    tags = ("plans",)
    guards = (admin_guard,)

    @get("/", operation_id="listPlans", name="plans:list", opt={"permission": Permission.PLANS_READ})
    async def list_plans(self) -> list[PlanView]:
        """Every plan with price, included quotas, overage prices and sizing."""
        return [plan_view(plan) for plan in CATALOG.values()]

    @get("/{name:str}", operation_id="getPlan", name="plans:get", opt={"permission": Permission.PLANS_READ})
    async def get_plan(self, name: FromPath[str]) -> PlanView:
        try:
            return plan_view(get_plan(name))
        except KeyError as err:
            raise NotFound(str(err.args[0])) from None
