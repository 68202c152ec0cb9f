"""The pushes as the CLI and the Dagster assets run them: gate -> records -> sink -> engine -> audit."""

from __future__ import annotations

from typing import Literal

from salesops.settings import Settings, redact_url
from salesops.writeback.engine import PushResult, Sink, push, warehouse_audit
from salesops.writeback.gate import NightlyStatus, check_gate

QuotaTarget = Literal["crm", "salesforce"]


def crm_writeback_url(settings: Settings) -> str:
    return settings.crm_writeback_url or settings.source_url("crm")


def payroll_url(settings: Settings) -> str:
    return settings.payroll_url or settings.source_url("hr")


def quota_sink(settings: Settings, target: QuotaTarget, *, session=None) -> Sink:
    if target == "crm":
        from salesops.writeback.sinks import CrmQuotaSink

        return CrmQuotaSink(crm_writeback_url(settings))
    if target == "salesforce":
        from salesops.writeback.salesforce import SalesforceCredentials, SalesforceQuotaSink

        return SalesforceQuotaSink(SalesforceCredentials.from_env(), session=session)
    raise ValueError(f"unknown quota target {target!r}: crm or salesforce")


def payroll_sink(settings: Settings) -> Sink:
    from salesops.writeback.sinks import PayrollSink

    # the demo HR database gets the table on first use (older demo files were generated without it)
    return PayrollSink(payroll_url(settings), create_if_missing=not (settings.payroll_url or settings.hr_url))


def push_quotas(settings: Settings, nightly: NightlyStatus | None, *, target: QuotaTarget = "crm", apply: bool = False,
                include_total: bool = True, sink: Sink | None = None) -> PushResult:
    """Quotas of the published target ledger to the CRM (SQL) or Salesforce (REST). Dry run unless apply."""
    from salesops.writeback.quotas import load_target_rows, quota_records

    check_gate(nightly)
    records, version = quota_records(load_target_rows(settings), include_total=include_total)
    sink = sink or quota_sink(settings, target)
    return push(records, sink, apply=apply, version=version, audit=warehouse_audit(settings))


def push_payroll(settings: Settings, nightly: NightlyStatus | None, *, period: str | None = None, apply: bool = False,
                 sink: Sink | None = None) -> PushResult:
    """Approved payouts to the payroll input table (one period, or every approved period). Dry run unless apply."""
    from salesops.writeback.payroll import load_payroll_inputs, payroll_records

    check_gate(nightly)
    payouts, periods, identity = load_payroll_inputs(settings, period)
    records, version = payroll_records(payouts, periods, identity, period=period)
    sink = sink or payroll_sink(settings)
    return push(records, sink, apply=apply, version=version, audit=warehouse_audit(settings))


def target_label(settings: Settings, target: str) -> str:
    """Where a push goes, safe for logs (no passwords)."""
    if target == "crm":
        return redact_url(crm_writeback_url(settings))
    if target == "payroll":
        return redact_url(payroll_url(settings))
    return "Salesforce (SALESOPS_SALESFORCE_URL)"
