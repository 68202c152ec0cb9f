"""Writeback assets (group `writeback`): quotas to the CRM / Salesforce, approved payouts to payroll.

Thin wrappers around `salesops.writeback.service`. Each run is a dry run unless its config says
`apply: true`, and refuses to push (the step fails) unless the latest `nightly` run in this Dagster
instance succeeded with no blocking check failed. Not part of the nightly job: jobs `push_quotas`
and `push_payroll` (orchestration/writeback_jobs.py) run them.
"""

from typing import Literal

import dagster as dg

from assets.ingest import WAREHOUSE_POOL
from orchestration.resources import SettingsResource

TARGETS_KEY = dg.AssetKey(["planning", "targets"])
PAYOUTS_KEY = dg.AssetKey(["compensation", "payouts"])
QUOTAS_KEY = dg.AssetKey(["writeback", "crm_quotas"])
PAYROLL_KEY = dg.AssetKey(["writeback", "payroll"])


class QuotaPushConfig(dg.Config):
    apply: bool = False  # dry run unless true
    target: Literal["crm", "salesforce"] = "crm"
    include_total: bool = True  # also push the all-product quota (ProductFamily null) per owner-month


class PayrollPushConfig(dg.Config):
    apply: bool = False  # dry run unless true
    period: str | None = None  # YYYY-MM; default: every approved period (unchanged ones send nothing)


def _metadata(result, where: str) -> dict:
    return {
        "push_id": result.push_id, "target": where, "dry_run": result.dry_run, "status": result.status,
        "version": result.version, "inserted": result.inserted, "updated": result.updated,
        "unchanged": result.unchanged, "rejected": result.rejected, "seconds": round(result.seconds, 3),
        "rejected_rows": dg.MetadataValue.md("\n".join(f"- `{r.key}`: {r.reason}" for r in result.rows
                                                       if r.action == "reject")[:20000] or "none"),
    }


def _gated(context, fn, *args, **kwargs):
    from salesops.writeback.gate import PushBlocked, latest_nightly_status
    from salesops.writeback.payroll import PeriodNotApproved

    try:
        return fn(*args, latest_nightly_status(context.instance), **kwargs)
    except (PushBlocked, PeriodNotApproved) as exc:
        raise dg.Failure(description=str(exc)) from None


def _no_rejected_rows(key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec("no_rejected_rows", asset=key, description="Every record was accepted (or unchanged); "
                             "rejected rows and their reasons are in the metadata and writeback.audit_rows.")


def _result(result, where: str) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata=_metadata(result, where), check_results=[dg.AssetCheckResult(
        check_name="no_rejected_rows", passed=result.rejected == 0, severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": result.rejected, "push_id": result.push_id})])


@dg.asset(key=QUOTAS_KEY, group_name="writeback", deps=[TARGETS_KEY], pool=WAREHOUSE_POOL,
          check_specs=[_no_rejected_rows(QUOTAS_KEY)],
          description="Quotas of the published target ledger pushed to the CRM's forecasting_quota (or Salesforce "
                      "ForecastingQuota): keyed upsert, diff-only, dry run unless config apply: true.")
def crm_quotas(context: dg.AssetExecutionContext, config: QuotaPushConfig,
               settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.writeback.service import push_quotas, target_label

    s = settings.get()
    result = _gated(context, push_quotas, s, target=config.target, apply=config.apply,
                    include_total=config.include_total)
    context.log.info(f"{'dry run: would change' if result.dry_run else 'changed'} {result.inserted} inserted, "
                     f"{result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected")
    return _result(result, target_label(s, config.target))


@dg.asset(key=PAYROLL_KEY, group_name="writeback", deps=[PAYOUTS_KEY], pool=WAREHOUSE_POOL,
          check_specs=[_no_rejected_rows(PAYROLL_KEY)],
          description="Approved payouts pushed to the payroll input table (payee x period x pay code): keyed "
                      "upsert, diff-only, approved periods only, dry run unless config apply: true.")
def payroll(context: dg.AssetExecutionContext, config: PayrollPushConfig,
            settings: SettingsResource) -> dg.MaterializeResult:
    from salesops.writeback.service import push_payroll, target_label

    s = settings.get()
    result = _gated(context, push_payroll, s, period=config.period, apply=config.apply)
    context.log.info(f"{'dry run: would change' if result.dry_run else 'changed'} {result.inserted} inserted, "
                     f"{result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected")
    return _result(result, target_label(s, "payroll"))


writeback_assets = [crm_quotas, payroll]
