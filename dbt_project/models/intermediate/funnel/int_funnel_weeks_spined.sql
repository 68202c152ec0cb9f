-- One row per business week (Monday..Sunday, named by its Sunday week_end_date)
-- from the week of the first opportunity-history change to the last week that
-- has ENDED on or before var('as_of') (a snapshot is taken at week end), with
-- the fiscal quarter the week end falls in (var fiscal_year_start_month) and
-- the week's position in that quarter (week_of_quarter 1 = the week whose
-- Sunday is the quarter's first Sunday).
with

bounds as (

    select min({{ to_business_date('changed_at') }}) as first_date
    from {{ ref('stg_crm__opportunity_history') }}
    where {{ to_business_date('changed_at') }} <= {{ as_of_date() }}

),

first_sunday as (

    select
        {{ add_days('first_date', '(7 - ' ~ iso_day_of_week('first_date') ~ ') % 7') }} as first_week_end
    from bounds

),

weeks as (

    select {{ add_days('first_sunday.first_week_end', '7 * (series.generated_number - 1)') }} as week_end_date
    from first_sunday
    cross join ({{ dbt.generate_series(2600) }}) as series
    where {{ add_days('first_sunday.first_week_end', '7 * (series.generated_number - 1)') }} <= {{ as_of_date() }}

),

calendar as (

    select
        weeks.week_end_date,
        months.fiscal_year,
        months.fiscal_quarter,
        {{ add_months('months.fiscal_year_start', '3 * (months.fiscal_quarter - 1)') }} as quarter_start_date
    from weeks
    inner join {{ ref('int_months_spined') }} as months
        on months.month_start = {{ month_start('weeks.week_end_date') }}

),

final as (

    select
        week_end_date,
        {{ add_days('week_end_date', -6) }} as week_start_date,
        {{ add_days('week_end_date', -7) }} as previous_week_end_date,
        fiscal_year,
        fiscal_quarter,
        quarter_start_date,
        {{ add_days(add_months('quarter_start_date', 3), -1) }} as quarter_end_date,
        cast(floor(({{ dbt.datediff('quarter_start_date', 'week_end_date', 'day') }}) / 7) + 1 as integer) as week_of_quarter
    from calendar

)

select * from final
