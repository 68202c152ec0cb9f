-- Roll-up identity: for every period, each node level (rep, team, region,
-- business unit, product line) sums to the company node's target, target to
-- date and bookings, and the company's bookings YTD equal rep_monthly_kpis'.
with

levels as (
    select
        period,
        node_type,
        coalesce(sum(target_period), 0) as target_period,
        coalesce(sum(target_to_date), 0) as target_to_date,
        coalesce(sum(bookings_to_date), 0) as bookings_to_date
    from {{ ref('target_attainment') }}
    group by period, node_type
),

company as (
    select * from levels where node_type = 'company'
),

kpis as (
    select coalesce(sum(k.bookings), 0) as bookings
    from {{ ref('rep_monthly_kpis') }} as k
    inner join {{ ref('int_months_spined') }} as m
        on m.month_start = k.month_start
    where m.fiscal_year = (select fiscal_year from {{ ref('int_months_spined') }} where is_as_of_month)
)

select levels.*, company.bookings_to_date as company_bookings
from levels
inner join company on company.period = levels.period
where levels.target_period <> company.target_period
   or levels.target_to_date <> company.target_to_date
   or levels.bookings_to_date <> company.bookings_to_date
union all
select company.*, kpis.bookings
from company cross join kpis
where company.period = 'ytd' and company.bookings_to_date <> kpis.bookings
