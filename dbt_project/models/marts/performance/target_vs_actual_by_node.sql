-- One row per node of the sales hierarchy x business month up to the as-of
-- month, node_type in (rep, team, region, business_unit, company): quota and
-- bookings summed over the reps mapped to the node in that month (hierarchy
-- valid on the month's last day, see target_vs_actual), attainment on the
-- sums, and fiscal-year-to-date figures accumulated at the node (a rep who
-- moves teams mid-year adds to each team only the months spent there).
-- Reps without an HR assignment roll up to an '(unassigned)' team / region /
-- business unit, and every rep rolls up to the company node.
with

rep_months as (

    select * from {{ ref('target_vs_actual') }}

),

company as (

    select
        coalesce(min(org_unit_id), 'company') as company_id,
        coalesce(min(org_unit_name), 'Company') as company_name
    from {{ ref('int_org_units_flattened') }}
    where unit_type = 'company'

),

nodes as (

    {%- set levels = [
        ('rep', 'user_id', 'user_name'),
        ('team', 'team_id', 'team_name'),
        ('region', 'region_id', 'region_name'),
        ('business_unit', 'business_unit_id', 'business_unit_name'),
    ] %}
    {%- for node_type, id_col, name_col in levels %}
    select
        '{{ node_type }}' as node_type,
        coalesce(rep_months.{{ id_col }}, '(unassigned)') as node_id,
        coalesce(rep_months.{{ name_col }}, '(unassigned)') as node_name,
        rep_months.month_start,
        rep_months.fiscal_year,
        rep_months.fiscal_quarter,
        rep_months.fiscal_month,
        rep_months.quota,
        rep_months.bookings
    from rep_months
    union all
    {%- endfor %}
    select
        'company' as node_type,
        company.company_id as node_id,
        company.company_name as node_name,
        rep_months.month_start,
        rep_months.fiscal_year,
        rep_months.fiscal_quarter,
        rep_months.fiscal_month,
        rep_months.quota,
        rep_months.bookings
    from rep_months
    cross join company

),

monthly as (

    select
        node_type,
        node_id,
        max(node_name) as node_name,
        month_start,
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        sum(quota) as quota,
        sum(bookings) as bookings,
        cast(count(*) as integer) as n_reps
    from nodes
    group by node_type, node_id, month_start, fiscal_year, fiscal_quarter, fiscal_month

),

ytd as (

    select
        *,
        sum(quota) over (
            partition by node_type, node_id, fiscal_year order by month_start
            rows between unbounded preceding and current row
        ) as ytd_quota,
        sum(bookings) over (
            partition by node_type, node_id, fiscal_year order by month_start
            rows between unbounded preceding and current row
        ) as ytd_bookings
    from monthly

),

final as (

    select
        node_type || ':' || node_id || ':' || cast(month_start as {{ dbt.type_string() }}) as node_month_id,
        node_type,
        node_id,
        node_name,
        month_start,
        fiscal_year,
        fiscal_quarter,
        fiscal_month,
        n_reps,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('quota') }} as quota,
        {{ to_money('bookings') }} as bookings,
        {{ safe_divide('bookings', 'quota') }} as attainment,
        {{ to_money('quota - bookings') }} as gap,
        {{ to_money('ytd_quota') }} as ytd_quota,
        {{ to_money('ytd_bookings') }} as ytd_bookings,
        {{ safe_divide('ytd_bookings', 'ytd_quota') }} as ytd_attainment,
        {{ to_money('ytd_quota - ytd_bookings') }} as ytd_gap,
        {{ as_of_date() }} as as_of_date
    from ytd

)

select * from final
