-- One row per rep (CRM user) x business month up to the as-of month: the
-- rep's target of the month (int_targets_resolved: the published target-ledger
-- version in force on the month, summed over product lines, or the CRM quota
-- where no published version covers the month; target_source says which)
-- against bookings from rep_monthly_kpis, with year-to-date figures over the
-- fiscal year (var fiscal_year_start_month). The column keeps its name `quota`.
-- attainment = bookings / quota, null when the quota is 0 or missing.
-- gap = quota - bookings (positive = still to book).
-- Team / region / business unit are the rep's hierarchy valid on the month's
-- last day (the as-of date for the current month; the nearest assignment for
-- months before a rep's first or after their last), so BI can roll up.
-- Money in var('reporting_currency'); targets converted at the month's rate.
with

kpis as (

    select user_id, user_name, month_start, bookings, is_known_user, is_partial_month
    from {{ ref('rep_monthly_kpis') }}

),

months as (

    select * from {{ ref('int_months_spined') }}

),

quotas as (

    select
        rep_id as user_id,
        month_start,
        sum(target) as quota,
        max(target_source) as target_source,
        max(plan_version) as plan_version
    from {{ ref('int_targets_resolved') }}
    where month_start <= {{ as_of_month() }}
    group by rep_id, month_start

),

rep_months as (

    select user_id, month_start from kpis
    union
    select user_id, month_start from quotas

),

reps as (

    select * from {{ ref('int_reps_assigned') }}

),

monthly as (

    select
        rep_months.user_id,
        kpis.user_name,
        rep_months.month_start,
        months.fiscal_year,
        months.fiscal_quarter,
        months.fiscal_month,
        coalesce(kpis.is_known_user, true) as is_known_user,
        rep_months.month_start = {{ as_of_month() }} and months.month_end > {{ as_of_date() }} as is_partial_month,
        least(months.month_end, {{ as_of_date() }}) as hierarchy_date,
        quotas.quota,
        quotas.target_source,
        quotas.plan_version,
        coalesce(kpis.bookings, {{ to_money(0) }}) as bookings
    from rep_months
    inner join months
        on months.month_start = rep_months.month_start
    left join kpis
        on kpis.user_id = rep_months.user_id
        and kpis.month_start = rep_months.month_start
    left join quotas
        on quotas.user_id = rep_months.user_id
        and quotas.month_start = rep_months.month_start

),

ytd as (

    select
        *,
        sum(quota) over (
            partition by user_id, fiscal_year order by month_start
            rows between unbounded preceding and current row
        ) as ytd_quota,
        sum(bookings) over (
            partition by user_id, fiscal_year order by month_start
            rows between unbounded preceding and current row
        ) as ytd_bookings
    from monthly

),

-- the rep's assignment valid on the month's last day (as-of date in the current
-- month); before a rep's first / after their last assignment, the nearest one
-- (macros/hierarchy.sql)
hierarchy as (

    select *
    from (
        select
            ytd.month_start,
            reps.*,
            row_number() over (
                partition by ytd.user_id, ytd.month_start
                order by {{ hierarchy_preference('ytd.hierarchy_date', 'reps') }}
            ) as preference
        from ytd
        inner join reps
            on reps.user_id = ytd.user_id
    ) as ranked
    where preference = 1

),

final as (

    select
        -- ids
        ytd.user_id || '-' || cast(ytd.month_start as {{ dbt.type_string() }}) as rep_month_id,
        ytd.user_id,
        reps.manager_user_id,
        reps.team_id,
        reps.region_id,
        reps.business_unit_id,
        reps.company_id,

        -- strings
        coalesce(ytd.user_name, reps.user_name) as user_name,
        reps.manager_name,
        reps.team_name,
        reps.region_name,
        reps.business_unit_name,
        reps.company_name,
        '{{ var("reporting_currency") }}' as reporting_currency,
        ytd.target_source,

        -- calendar
        ytd.month_start,
        ytd.fiscal_year,
        ytd.fiscal_quarter,
        ytd.fiscal_month,

        -- numerics: month
        {{ to_money('ytd.quota') }} as quota,
        ytd.bookings,
        {{ safe_divide('ytd.bookings', 'ytd.quota') }} as attainment,
        {{ to_money('ytd.quota - ytd.bookings') }} as gap,

        -- numerics: fiscal year to date
        {{ to_money('ytd.ytd_quota') }} as ytd_quota,
        {{ to_money('ytd.ytd_bookings') }} as ytd_bookings,
        {{ safe_divide('ytd.ytd_bookings', 'ytd.ytd_quota') }} as ytd_attainment,
        {{ to_money('ytd.ytd_quota - ytd.ytd_bookings') }} as ytd_gap,
        ytd.plan_version,

        -- booleans
        ytd.quota is not null as has_quota,
        ytd.is_known_user,
        ytd.is_partial_month,

        -- dates
        {{ as_of_date() }} as as_of_date

    from ytd
    left join hierarchy as reps
        on reps.user_id = ytd.user_id
        and reps.month_start = ytd.month_start

)

select * from final
