-- Roll-up identity: for every month, each node level (rep, team, region,
-- business unit, company) sums to the same quota and bookings as the rep level.
with

levels as (
    select
        month_start,
        node_type,
        coalesce(sum(quota), 0) as quota,
        coalesce(sum(bookings), 0) as bookings
    from {{ ref('target_vs_actual_by_node') }}
    group by month_start, node_type
),

reps as (
    select * from levels where node_type = 'rep'
)

select levels.*
from levels
inner join reps on reps.month_start = levels.month_start
where levels.quota <> reps.quota or levels.bookings <> reps.bookings
