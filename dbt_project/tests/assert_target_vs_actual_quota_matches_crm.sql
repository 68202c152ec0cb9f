-- Money identity: quota in target_vs_actual equals the CRM's all-product quotas
-- up to the as-of month converted at the month's rate, and its bookings equal
-- rep_monthly_kpis' (no rep-month duplicated by the hierarchy join).
with

mart as (
    select coalesce(sum(quota), 0) as quota, coalesce(sum(bookings), 0) as bookings from {{ ref('target_vs_actual') }}
),

crm as (
    select coalesce(sum({{ to_money('q.quota_amount * fx.rate_to_reporting') }}), 0) as quota
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = q.currency and fx.rate_month = q.quota_month
    where q.product_family is null
      and q.quota_month <= {{ as_of_month() }}
      and q.quota_owner_user_id is not null
),

kpis as (
    select coalesce(sum(bookings), 0) as bookings from {{ ref('rep_monthly_kpis') }}
)

select mart.quota as mart_quota, crm.quota as crm_quota, mart.bookings as mart_bookings, kpis.bookings as kpi_bookings
from mart cross join crm cross join kpis
where mart.quota <> crm.quota or mart.bookings <> kpis.bookings
