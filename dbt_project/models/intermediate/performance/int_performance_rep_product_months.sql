-- One row per rep x product line x month that has a target or bookings, from
-- the first fact month to the end of the as-of fiscal year: target (ledger or
-- CRM fallback, int_targets_resolved) and bookings (int_bookings_allocated_to_product_lines),
-- with the fiscal calendar and the rep's hierarchy valid on the month's last
-- day (the as-of date for the as-of month; for later months the as-of date),
-- so every node (rep, manager/team, region, business unit, product line,
-- company) is a plain group-by of this table.
with

targets as (

    select rep_id, product_line, month_start, target, target_source, plan_id, plan_version
    from {{ ref('int_targets_resolved') }}

),

bookings as (

    select owner_user_id as rep_id, product_line, month_start, sum(bookings) as bookings
    from {{ ref('int_bookings_allocated_to_product_lines') }}
    where owner_user_id is not null
    group by owner_user_id, product_line, month_start

),

keys as (

    select rep_id, product_line, month_start from targets
    union
    select rep_id, product_line, month_start from bookings

),

calendar as (

    select
        keys.*,
        cast(mod(cast(extract(month from keys.month_start) as integer) - {{ var('fiscal_year_start_month') }} + 12, 12) + 1
            as integer) as fiscal_month,
        cast(
            cast(extract(year from keys.month_start) as integer)
            + case when {{ var('fiscal_year_start_month') }} > 1
                and cast(extract(month from keys.month_start) as integer) >= {{ var('fiscal_year_start_month') }} then 1 else 0 end
            as integer
        ) as fiscal_year,
        least({{ add_days(add_months('keys.month_start', 1), -1) }}, {{ as_of_date() }}) as hierarchy_date
    from keys

),

as_of_calendar as (

    select
        cast(
            cast(extract(year from {{ as_of_date() }}) as integer)
            + case when {{ var('fiscal_year_start_month') }} > 1
                and cast(extract(month from {{ as_of_date() }}) as integer) >= {{ var('fiscal_year_start_month') }} then 1 else 0 end
            as integer
        ) as as_of_fiscal_year

),

in_scope as (

    select calendar.*
    from calendar
    cross join as_of_calendar
    where calendar.fiscal_year <= as_of_calendar.as_of_fiscal_year

),

reps as (

    select * from {{ ref('int_reps_assigned') }}

),

hierarchy as (

    select *
    from (
        select
            in_scope.rep_id as fact_rep_id,
            in_scope.product_line as fact_product_line,
            in_scope.month_start as fact_month_start,
            reps.*,
            row_number() over (
                partition by in_scope.rep_id, in_scope.product_line, in_scope.month_start
                order by {{ hierarchy_preference('in_scope.hierarchy_date', 'reps') }}
            ) as preference
        from in_scope
        inner join reps
            on reps.user_id = in_scope.rep_id
    ) as ranked
    where preference = 1

),

final as (

    select
        -- ids
        in_scope.rep_id || ':' || in_scope.product_line || ':' || cast(in_scope.month_start as {{ dbt.type_string() }})
            as rep_product_month_id,
        in_scope.rep_id,
        hierarchy.manager_user_id,
        hierarchy.team_id,
        hierarchy.region_id,
        hierarchy.business_unit_id,

        -- strings
        hierarchy.user_name as rep_name,
        hierarchy.manager_name,
        hierarchy.team_name,
        hierarchy.region_name,
        hierarchy.business_unit_name,
        in_scope.product_line,
        targets.target_source,
        targets.plan_id,

        -- calendar
        in_scope.month_start,
        in_scope.fiscal_year,
        cast(case when in_scope.fiscal_month <= 3 then 1 when in_scope.fiscal_month <= 6 then 2
            when in_scope.fiscal_month <= 9 then 3 else 4 end as integer) as fiscal_quarter,
        in_scope.fiscal_month,

        -- numerics
        targets.plan_version,
        targets.target,
        {{ to_money('coalesce(bookings.bookings, 0)') }} as bookings

    from in_scope
    left join targets
        on targets.rep_id = in_scope.rep_id
        and targets.product_line = in_scope.product_line
        and targets.month_start = in_scope.month_start
    left join bookings
        on bookings.rep_id = in_scope.rep_id
        and bookings.product_line = in_scope.product_line
        and bookings.month_start = in_scope.month_start
    left join hierarchy
        on hierarchy.fact_rep_id = in_scope.rep_id
        and hierarchy.fact_product_line = in_scope.product_line
        and hierarchy.fact_month_start = in_scope.month_start

)

select * from final
