-- One row per owner (and one company row, level = 'company') x fiscal quarter
-- (the as-of date's quarter and the next): pipeline coverage on var('as_of').
--   quota         CRM all-product quotas (forecasting_quota, product_family null) of the
--                 quarter's months, in the reporting currency (rate of the quota month,
--                 capped at the as-of month)
--   closed_won    won by the as-of date with closed_date in the quarter
--   open_pipeline open on the as-of date with close_date in the quarter (valid amounts)
--   remaining     quota - closed_won
--   coverage      open_pipeline / remaining (null when remaining <= 0: quota already met)
-- The manager is the owner's manager on the as-of date (int_reps_assigned).
with

quarters as (

    select
        {{ fiscal_quarter_start(as_of_date()) }} as quarter_start_date,
        'current' as quarter_label
    union all
    select
        {{ add_months(fiscal_quarter_start(as_of_date()), 3) }},
        'next'

),

opportunities as (

    select o.*
    from {{ ref('opportunities') }} as o
    inner join {{ ref('int_opportunities_quality_flagged') }} as f
        on f.opportunity_id = o.opportunity_id
    where not f.is_excluded_from_amounts

),

quotas as (

    select
        q.quota_owner_user_id as owner_user_id,
        {{ fiscal_quarter_start('q.quota_month') }} as quarter_start_date,
        sum({{ to_money('q.quota_amount * fx.rate_to_reporting') }}) as quota
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = q.currency
        and fx.rate_month = least(q.quota_month, {{ as_of_month() }})
    where q.product_family is null
    group by q.quota_owner_user_id, {{ fiscal_quarter_start('q.quota_month') }}

),

facts as (

    select
        o.owner_user_id,
        quarters.quarter_start_date,
        sum(case when o.is_won and o.closed_date >= quarters.quarter_start_date
                 and o.closed_date < {{ add_months('quarters.quarter_start_date', 3) }} then o.amount_reporting else 0 end) as closed_won,
        sum(case when o.is_open and o.close_date >= quarters.quarter_start_date
                 and o.close_date < {{ add_months('quarters.quarter_start_date', 3) }} then o.amount_reporting else 0 end) as open_pipeline,
        sum(case when o.is_open and o.close_date >= quarters.quarter_start_date
                 and o.close_date < {{ add_months('quarters.quarter_start_date', 3) }} then o.weighted_amount_reporting else 0 end) as weighted_pipeline,
        sum(case when o.is_open and o.forecast_category = 'Commit' and o.close_date >= quarters.quarter_start_date
                 and o.close_date < {{ add_months('quarters.quarter_start_date', 3) }} then o.amount_reporting else 0 end) as commit_amount
    from opportunities as o
    cross join quarters
    group by o.owner_user_id, quarters.quarter_start_date

),

keys as (

    select quotas.owner_user_id, quotas.quarter_start_date
    from quotas
    inner join quarters on quarters.quarter_start_date = quotas.quarter_start_date

    union

    select owner_user_id, quarter_start_date
    from facts
    where closed_won <> 0 or open_pipeline <> 0

),

by_owner as (

    select
        keys.owner_user_id,
        keys.quarter_start_date,
        quarters.quarter_label,
        quotas.quota,
        coalesce(facts.closed_won, 0) as closed_won,
        coalesce(facts.open_pipeline, 0) as open_pipeline,
        coalesce(facts.weighted_pipeline, 0) as weighted_pipeline,
        coalesce(facts.commit_amount, 0) as commit_amount
    from keys
    inner join quarters
        on quarters.quarter_start_date = keys.quarter_start_date
    left join quotas
        on quotas.owner_user_id = keys.owner_user_id
        and quotas.quarter_start_date = keys.quarter_start_date
    left join facts
        on facts.owner_user_id = keys.owner_user_id
        and facts.quarter_start_date = keys.quarter_start_date

),

levels as (

    select 'rep' as level, owner_user_id, quarter_start_date, quarter_label, quota, closed_won, open_pipeline, weighted_pipeline, commit_amount
    from by_owner

    union all

    select 'company', null, quarter_start_date, quarter_label, sum(quota), sum(closed_won), sum(open_pipeline), sum(weighted_pipeline), sum(commit_amount)
    from by_owner
    group by quarter_start_date, quarter_label

),

managers as (

    select user_id, manager_user_id, manager_name, user_name
    from {{ ref('int_reps_assigned') }}
    where {{ as_of_date() }} between valid_from_date and valid_to_date

),

final as (

    select
        levels.level || ':' || coalesce(levels.owner_user_id, 'all') || ':' || cast(levels.quarter_start_date as {{ dbt.type_string() }})
            as coverage_id,
        levels.level,
        levels.owner_user_id,
        managers.user_name as owner_name,
        managers.manager_user_id,
        managers.manager_name,
        levels.quarter_label,
        levels.quarter_start_date,
        {{ add_days(add_months('levels.quarter_start_date', 3), -1) }} as quarter_end_date,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('levels.quota') }} as quota,
        {{ to_money('levels.closed_won') }} as closed_won,
        {{ to_money('levels.quota - levels.closed_won') }} as remaining_quota,
        {{ to_money('levels.open_pipeline') }} as open_pipeline,
        {{ to_money('levels.weighted_pipeline') }} as weighted_pipeline,
        {{ to_money('levels.commit_amount') }} as commit_amount,
        cast(case when levels.quota - levels.closed_won > 0
            then {{ safe_divide('levels.open_pipeline', 'levels.quota - levels.closed_won') }}
        end as {{ type_ratio() }}) as coverage,
        {{ as_of_date() }} as as_of_date
    from levels
    left join managers
        on managers.user_id = levels.owner_user_id

)

select * from final
