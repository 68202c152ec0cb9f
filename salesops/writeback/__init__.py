"""Writeback (reverse ETL): push warehouse results back to operational systems.

Plain functions, no Dagster imports at module level:

* `engine`     records with a stable external key, diff against the target's current state,
               dry-run by default, per-row results, the audit log in the warehouse;
* `sinks`      SQL sinks: the CRM's `forecasting_quota` table and the payroll input table;
* `salesforce` Salesforce `ForecastingQuota` through REST sObject Collections upsert;
* `quotas`, `payroll`  the records to push, built from `planning.targets` / `compensation.payouts`;
* `gate`       nothing is pushed unless the last nightly run succeeded with no blocking check failed;
* `service`    the pushes as the CLI and the Dagster assets run them.
"""
