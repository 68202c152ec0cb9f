"""Compensation assets (thin: the rules are in salesops.compensation).

[config, comp_plan_components | comp_plan_eligibility | comp_plan_fx]
    the validated plan YAML (config/compensation/plans) for the crediting marts
[compensation, payouts | adjustments | periods]
    the engine's output from the crediting ledger (comp_credits), quotas (comp_quotas) and HR
"""

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource

PLAN_TABLES = ("comp_plan_components", "comp_plan_eligibility", "comp_plan_fx")
# Upstream dbt models by name; their keys are looked up in the dbt assets (default [marts, <name>]).
DBT_INPUTS = ("comp_credits", "comp_quotas", "stg_hr__job_assignments", "stg_hr__employees",
              "stg_hr__employee_salaries", "stg_crm__users")


def _dbt_key(name: str, dbt_keys: list[dg.AssetKey]) -> dg.AssetKey:
    for key in dbt_keys:
        if key.path[-1] == name:
            return key
    return dg.AssetKey(["staging" if name.startswith("stg_") else "marts", name])


def build_compensation_assets(*dbt_stages: dg.AssetsDefinition) -> list[dg.AssetsDefinition]:
    dbt_keys = [key for stage in dbt_stages for key in stage.keys]

    @dg.multi_asset(
        name="comp_plans",
        specs=[dg.AssetSpec(["config", t], group_name="compensation", kinds={"yaml"},
                            description=f"config.{t}: compensation plan metadata from config/compensation/plans/*.yml "
                            "(read by the crediting marts).") for t in PLAN_TABLES],
        pool=WAREHOUSE_POOL,
    )
    def comp_plans(settings: SettingsResource):
        from salesops.compensation.plans import load_plans, write_plan_tables

        counts = write_plan_tables(settings.get(), load_plans())
        for table, n in counts.items():
            yield dg.MaterializeResult(asset_key=["config", table], metadata={"rows": n})

    inputs = [*(_dbt_key(n, dbt_keys) for n in DBT_INPUTS), *(dg.AssetKey(["config", t]) for t in PLAN_TABLES)]

    @dg.multi_asset(
        name="compensation_payouts",
        specs=[
            dg.AssetSpec(["compensation", "payouts"], group_name="compensation", deps=inputs, skippable=True,
                         description="One row per payee x period x component: attainment, earned (YTD true-up), "
                         "adjustments, clawbacks, draws, net payable. Closed periods verbatim."),
            dg.AssetSpec(["compensation", "adjustments"], group_name="compensation", deps=inputs, skippable=True,
                         description="Prior-period adjustment lines, each pointing to the closed payout it corrects."),
            dg.AssetSpec(["compensation", "periods"], group_name="compensation", deps=inputs, skippable=True,
                         description="Period status (open / closed / approved) with the closed rows' sha256."),
            dg.AssetSpec(["compensation", "target_incentives"], group_name="compensation", deps=inputs, skippable=True,
                         description="RESTRICTED (derived from salary): payee x plan x fiscal year prorated target "
                         "incentive, for the aggregate bonus-budget and pay-for-performance marts."),
        ],
        pool=WAREHOUSE_POOL,
        check_specs=[dg.AssetCheckSpec(
            "no_held_payees", asset=["compensation", "payouts"],
            description="No payee is held back by an exception (compensation.exceptions): a held payee gets no "
            "open-period payouts, and no period can be closed until it is fixed.")],
    )
    def compensation_payouts(context: dg.AssetExecutionContext, settings: SettingsResource):
        from salesops.compensation.close import MissingInput, run_calculation
        from salesops.compensation.engine import CalculationFailed

        try:
            result = run_calculation(settings.get())
        except MissingInput as err:  # e.g. a warehouse without the crediting marts yet: skipped, not failed
            context.log.warning(f"compensation not calculated: {err}")
            yield dg.AssetCheckResult(check_name="no_held_payees", asset_key=["compensation", "payouts"], passed=False,
                                      severity=dg.AssetCheckSeverity.WARN, metadata={"not_calculated": str(err)})
            return
        for w in result.warnings[:50]:
            context.log.warning(w)
        if result.blocked:
            raise CalculationFailed(result.exceptions)  # listed in compensation.exceptions; nothing else written
        for e in result.exceptions[:50]:
            context.log.warning(f"held back: {e}")
        total = sum(r["net_payable"] for r in result.payouts)
        yield dg.MaterializeResult(asset_key=["compensation", "payouts"], metadata={
            "rows": len(result.payouts), "periods": len(result.periods), "net_payable_total": float(total),
            "warnings": len(result.warnings)})
        yield dg.MaterializeResult(asset_key=["compensation", "adjustments"], metadata={"rows": len(result.adjustments)})
        yield dg.MaterializeResult(asset_key=["compensation", "periods"], metadata={"periods": len(result.periods)})
        yield dg.MaterializeResult(asset_key=["compensation", "target_incentives"])
        held = sorted(result.held_payees)
        yield dg.AssetCheckResult(
            check_name="no_held_payees", asset_key=["compensation", "payouts"], passed=not held,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"held_payees": len(held), "exceptions": len(result.exceptions),
                      "first": dg.MetadataValue.text("; ".join(str(e) for e in result.exceptions[:5]))})

    return [comp_plans, compensation_payouts]
