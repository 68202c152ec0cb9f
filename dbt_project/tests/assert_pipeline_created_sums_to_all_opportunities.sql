-- Money identity: pipeline created summed over rep-months equals the amount of
-- every opportunity in the opportunities mart (each counted once, in its
-- created month).
with

by_rep_month as (
    select coalesce(sum(pipeline_created), 0) as total, sum(n_opps_created) as n from {{ ref('rep_monthly_kpis') }}
),

by_opportunity as (
    select coalesce(sum(amount_reporting), 0) as total, count(*) as n from {{ ref('opportunities') }}
)

select *
from by_rep_month cross join by_opportunity
where by_rep_month.total <> by_opportunity.total or by_rep_month.n <> by_opportunity.n
