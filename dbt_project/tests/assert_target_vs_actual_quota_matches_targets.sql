-- Money identity: quota in target_vs_actual equals the resolved targets
-- (ledger version in force, CRM quota fallback) up to the as-of month, the
-- CRM-fallback part equals the CRM's all-product quotas of the months no
-- published version covers (converted at the month's rate), and its bookings
-- equal rep_monthly_kpis' (no rep-month duplicated by the hierarchy join).
with

mart as (
    select coalesce(sum(quota), 0) as quota, coalesce(sum(bookings), 0) as bookings from {{ ref('target_vs_actual') }}
),

targets as (
    select
        coalesce(sum(target), 0) as quota,
        coalesce(sum(case when target_source = 'crm_quota' then target else 0 end), 0) as crm_part
    from {{ ref('int_targets_resolved') }}
    where month_start <= {{ as_of_month() }}
),

ledger_months as (
    select distinct month_start from {{ ref('int_targets_resolved') }} where target_source = 'ledger'
),

crm as (
    select coalesce(sum({{ to_money('q.quota_amount * fx.rate_to_reporting') }}), 0) as quota
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = q.currency and fx.rate_month = q.quota_month
    where q.product_family is null
      and q.quota_month <= {{ as_of_month() }}
      and q.quota_owner_user_id is not null
      and q.quota_month not in (select month_start from ledger_months)
),

kpis as (
    select coalesce(sum(bookings), 0) as bookings from {{ ref('rep_monthly_kpis') }}
)

select mart.quota as mart_quota, targets.quota as target_quota, targets.crm_part, crm.quota as crm_quota,
    mart.bookings as mart_bookings, kpis.bookings as kpi_bookings
from mart cross join targets cross join crm cross join kpis
where mart.quota <> targets.quota or targets.crm_part <> crm.quota or mart.bookings <> kpis.bookings
