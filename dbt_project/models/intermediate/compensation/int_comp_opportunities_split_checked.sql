-- One row per opportunity (not deleted): the total of its revenue splits and
-- whether it can be credited (no revenue splits, or revenue splits totalling
-- exactly 100 %). Feeds comp_credit_exceptions and the split-total test.
with

revenue_totals as (

    select opportunity_id, sum(split_fraction) as revenue_split_total, count(*) as n_revenue_splits
    from {{ ref('stg_crm__opportunity_splits') }}
    where split_type = 'Revenue'
    group by 1

)

select
    opportunities.opportunity_id,
    opportunities.owner_user_id,
    coalesce(revenue_totals.n_revenue_splits, 0) as n_revenue_splits,
    cast(revenue_totals.revenue_split_total as decimal(9,6)) as revenue_split_total,
    coalesce(revenue_totals.revenue_split_total = 1, true) as is_creditable
from {{ ref('stg_crm__opportunities') }} as opportunities
left join revenue_totals
    on revenue_totals.opportunity_id = opportunities.opportunity_id
where not opportunities.is_deleted
