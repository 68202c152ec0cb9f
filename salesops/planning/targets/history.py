"""The one place the target decomposition reads the warehouse (dbt output), returning plain data.

Read (all built by dbt):
- `staging.stg_hr__org_units`            the org tree (company -> business unit -> region -> team)
- `intermediate.int_reps_assigned`       reps' effective-dated HR assignments (org unit, role, hire date)
- `marts.opportunities`                  won bookings (closed_date, amount in the reporting currency, the
                                         owner's hierarchy on the created date) and open pipeline
- `staging.stg_crm__opportunity_line_items` + `staging.stg_crm__products`  the product line of each amount
- `staging.stg_crm__accounts`            account potential (`potential_amount_c`) by owner
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from salesops.paths import CONFIG_DIR
from salesops.planning.targets.config import PlanConfig, load_potential_csv
from salesops.planning.targets.engine import Assignment, Fact, History, OrgUnit
from salesops.settings import Settings

# dbt relations read here (asset keys of the dbt models: the last part)
DBT_MODELS = ("stg_hr__org_units", "int_reps_assigned", "opportunities", "stg_crm__opportunity_line_items",
              "stg_crm__products", "stg_crm__accounts")


class HistoryUnavailable(RuntimeError):
    """The warehouse lacks a table the plan needs (the dbt models have not been built)."""


_AMOUNT_FACTS = """
select
    cast(date_trunc('month', o.{date_col}) as date) as month_start,
    o.owner_user_id as rep_id,
    o.business_unit_id,
    o.region_id,
    o.team_id,
    p.product_family as product_line,
    sum(case when li.opportunity_line_item_id is null then o.{amount_col}
             else li.total_price * o.fx_rate_to_reporting{weight} end) as amount
from marts.opportunities as o
left join staging.stg_crm__opportunity_line_items as li
    on li.opportunity_id = o.opportunity_id
left join staging.stg_crm__products as p
    on p.product_id = li.product_id
where {where}
group by 1, 2, 3, 4, 5, 6
"""


def _facts(conn, sql: str, params: dict) -> list[Fact]:
    import sqlalchemy as sa

    return [Fact(month_start=r.month_start, amount=Decimal(r.amount), rep_id=r.rep_id,
                 business_unit_id=r.business_unit_id, region_id=r.region_id, team_id=r.team_id,
                 product_line=r.product_line)
            for r in conn.execute(sa.text(sql), params) if r.amount is not None]


def load_history(settings: Settings, plan: PlanConfig, config_dir: Path | None = None) -> History:
    """Everything `engine.decompose` needs for `plan`, read in one transaction (CSV inputs from config_dir)."""
    import sqlalchemy as sa

    from salesops.warehouse import table_exists, transaction

    used = plan.methods_used()
    with transaction(settings) as conn:
        for schema, table in (("staging", "stg_hr__org_units"), ("intermediate", "int_reps_assigned"),
                              ("marts", "opportunities")):
            if not table_exists(conn, schema, table):
                raise HistoryUnavailable(f"the warehouse ({settings.warehouse_label()}) has no {schema}.{table}: "
                                         "build it first (`salesops run` or `salesops dbt build`)")
        org_units = [OrgUnit(r.org_unit_id, r.org_unit_name or r.org_unit_id, r.unit_type, r.parent_org_unit_id)
                     for r in conn.execute(sa.text(
                         "select org_unit_id, parent_org_unit_id, org_unit_name, unit_type from staging.stg_hr__org_units"))]
        assignments = [
            Assignment(r.user_id, r.user_name or r.user_id, r.org_unit_id, r.sales_role, r.hire_date,
                       r.valid_from_date, r.valid_to_date)
            for r in conn.execute(sa.text(
                "select user_id, user_name, org_unit_id, sales_role, hire_date, valid_from_date, valid_to_date "
                "from intermediate.int_reps_assigned"))
        ]
        bookings = _facts(conn, _AMOUNT_FACTS.format(date_col="closed_date", amount_col="amount_reporting", weight="",
                                                     where="o.is_won and o.closed_date is not null"), {})
        pipeline: list[Fact] = []
        if "pipeline" in used:
            weighted = any(lv.weighted_pipeline for lv in plan.levels if "pipeline" in lv.methods_used())
            cutoff: date = plan.cutoff
            pipeline = _facts(conn, _AMOUNT_FACTS.format(
                date_col="created_date",
                amount_col="weighted_amount_reporting" if weighted else "amount_reporting",
                weight=" * o.probability" if weighted else "",
                where="o.created_date < :cutoff and (o.closed_date is null or o.closed_date >= :cutoff)"),
                {"cutoff": cutoff})
        potential_by_rep: dict[str, Decimal] = {}
        if "potential" in used:
            potential_by_rep = {r.owner_user_id: Decimal(r.potential) for r in conn.execute(sa.text(
                "select owner_user_id, sum(potential_amount) as potential from staging.stg_crm__accounts "
                "where owner_user_id is not null and potential_amount is not null group by owner_user_id"))}
        product_lines = sorted(r.product_family for r in conn.execute(sa.text(
            "select distinct product_family from staging.stg_crm__products where product_family is not null")))
    potential_csv = {}
    for lv in plan.levels:
        if "potential" in lv.methods_used() and lv.potential.source == "csv":
            potential_csv.update(load_potential_csv((config_dir or CONFIG_DIR / "targets") / lv.potential.file))
    return History(org_units=org_units, assignments=assignments, bookings=bookings, pipeline=pipeline,
                   potential_by_rep=potential_by_rep, potential_csv=potential_csv, product_lines=product_lines,
                   currency=settings.reporting_currency, fiscal_year_start_month=settings.fiscal_year_start_month)
