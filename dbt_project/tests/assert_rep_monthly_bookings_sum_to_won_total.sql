-- Money identity: bookings summed over all rep-months equal the amount of all
-- won opportunities in the opportunities mart (no won deal lost or counted
-- twice by the month spine, the owner join or the close-month cap).
-- Returns a row (= failure) when they differ.
with

by_rep_month as (
    select coalesce(sum(bookings), 0) as total, sum(n_won) as n from {{ ref('rep_monthly_kpis') }}
),

by_opportunity as (
    select coalesce(sum(amount_reporting), 0) as total, count(*) as n
    from {{ ref('opportunities') }}
    where is_won
),

sums as (
    select by_rep_month.total as rep_month_total, by_opportunity.total as opportunity_total,
           by_rep_month.n as rep_month_n, by_opportunity.n as opportunity_n
    from by_rep_month cross join by_opportunity
)

select * from sums
where rep_month_total <> opportunity_total or rep_month_n <> opportunity_n
