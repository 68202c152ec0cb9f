-- One row per rep x product line x month with a target: the leaf rows
-- (level 'month') of the published target-ledger version in force on the
-- month, or the CRM quota for months no published version covers.
-- Version in force on month m: int_target_versions_in_force (the latest
-- published version effective in or before m; the rule the quota push and
-- comp_quotas use too). A mid-year re-plan (version 2
-- effective from July) therefore takes over from July on, and earlier months
-- keep version 1: the year's target is prorated by construction.
-- The switch is per month for the whole company (no mixing of ledger and CRM
-- rows in one month). CRM quotas (all-product, product_family null) get
-- product_line '(all products)'. Months after the as-of month are kept (full
-- quarter / year targets); amounts are converted to the reporting currency at
-- the month's rate (the as-of month's rate for later months).
with

ledger as (

    select *
    from {{ ref('stg_planning__targets') }}
    where is_published
      and target_level = 'month'
      and month_start is not null
      -- a new hire's unramped share is held at the manager's node (method ramp_hold, no rep):
      -- reps are measured on the quota they carry
      and rep_id is not null
      and {{ month_start('effective_from') }} <= month_start

),

version_in_force as (

    -- the rule shared with comp_quotas and the quota push
    select month_start, plan_id, version from {{ ref('int_target_versions_in_force') }}

),

fx as (

    select currency, rate_month, rate_to_reporting from {{ ref('int_fx_rates_filled') }}

),

ledger_targets as (

    select
        ledger.rep_id,
        coalesce(ledger.product_line, '(all products)') as product_line,
        ledger.month_start,
        'ledger' as target_source,
        ledger.plan_id,
        ledger.version as plan_version,
        ledger.currency,
        ledger.target_amount
    from ledger
    inner join version_in_force as v
        on v.month_start = ledger.month_start
        and v.plan_id = ledger.plan_id
        and v.version = ledger.version

),

crm_targets as (

    select
        quotas.quota_owner_user_id as rep_id,
        '(all products)' as product_line,
        quotas.quota_month as month_start,
        'crm_quota' as target_source,
        cast(null as {{ dbt.type_string() }}) as plan_id,
        cast(null as integer) as plan_version,
        quotas.currency,
        quotas.quota_amount as target_amount
    from {{ ref('stg_crm__forecasting_quotas') }} as quotas
    where quotas.product_family is null
      and quotas.quota_owner_user_id is not null
      and not exists (select 1 from version_in_force as v where v.month_start = quotas.quota_month)

),

unioned as (

    select * from ledger_targets
    union all
    select * from crm_targets

),

final as (

    select
        -- ids
        unioned.rep_id || ':' || unioned.product_line || ':' || cast(unioned.month_start as {{ dbt.type_string() }})
            as rep_product_month_id,
        unioned.rep_id,

        -- strings
        unioned.product_line,
        unioned.target_source,
        unioned.plan_id,
        '{{ var("reporting_currency") }}' as reporting_currency,

        -- numerics
        unioned.plan_version,
        {{ to_money('sum(unioned.target_amount * fx.rate_to_reporting)') }} as target,
        cast(count(*) as integer) as n_target_rows,

        -- dates
        unioned.month_start

    from unioned
    left join fx
        on fx.currency = unioned.currency
        and fx.rate_month = least(unioned.month_start, {{ as_of_month() }})
    group by unioned.rep_id, unioned.product_line, unioned.month_start, unioned.target_source, unioned.plan_id,
        unioned.plan_version

)

select * from final
