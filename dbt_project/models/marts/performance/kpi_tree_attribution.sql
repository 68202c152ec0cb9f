-- KPI tree of bookings, one row per node x period as of the as-of date
-- (period mtd / qtd / ytd of the fiscal calendar, compared with the same
-- period one year earlier up to the same day; node_type company,
-- business_unit, region, team, rep, grouped by the rep's hierarchy on the
-- as-of date so both years are compared in today's structure):
--   bookings = leads x lead_conversion x win_rate x avg_deal_size
--   leads            leads created in the window (owner)
--   lead_conversion  opportunities created / leads created
--   win_rate         opportunities won / opportunities created   (a flow ratio; by close date)
--   avg_deal_size    bookings / opportunities won
-- The identity holds exactly (the ratios telescope). Variance attribution:
-- LMDI (logarithmic mean Divisia index): effect_i = L(B1, B0) x ln(x_i,1 / x_i,0)
-- with L(a, b) = (a - b) / (ln a - ln b) (= a when a = b). Because the log
-- ratios of the four drivers add up to ln(B1 / B0), the effects add up to
-- B1 - B0 exactly in exact arithmetic; the first three are rounded to the cent
-- and the deal-size effect takes the remainder, so the parts sum exactly to
-- the variance in every row. When a driver is 0 in either year LMDI is
-- undefined: the whole variance is `unexplained_effect` (is_decomposable false).
-- Logs are taken in double precision (ANSI `double precision`: 8 bytes on DuckDB
-- and PostgreSQL alike; dbt.type_float() is a 4-byte float on DuckDB).
with

as_of as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ as_of_month() }} as as_of_month,
        {{ fiscal_month_of(as_of_date()) }} as fiscal_month

),

periods as (

    select 'mtd' as period, as_of_month as period_start from as_of
    union all
    select 'qtd', {{ add_months('as_of_month', '- mod(fiscal_month - 1, 3)') }} from as_of
    union all
    select 'ytd', {{ add_months('as_of_month', '1 - fiscal_month') }} from as_of

),

windows as (

    select periods.period, 'current' as year_label, periods.period_start as window_start, as_of.as_of_date as window_end
    from periods cross join as_of
    union all
    select periods.period, 'prior', {{ add_months('periods.period_start', -12) }}, {{ add_months('as_of.as_of_date', -12) }}
    from periods cross join as_of

),

events as (

    select owner_user_id, {{ to_business_date('created_at') }} as event_date, 1 as n_leads, 0 as n_created, 0 as n_won,
        {{ to_money(0) }} as bookings
    from {{ ref('stg_crm__leads') }}
    union all
    select owner_user_id, created_date, 0, 1, 0, {{ to_money(0) }}
    from {{ ref('int_opportunities_as_of') }}
    union all
    select owner_user_id, least(close_date, {{ as_of_date() }}), 0, 0, 1, amount_reporting
    from {{ ref('int_opportunities_as_of') }}
    where is_won

),

hierarchy as (

    select user_id, user_name, team_id, team_name, region_id, region_name, business_unit_id, business_unit_name
    from (
        select
            *,
            row_number() over (partition by user_id order by valid_from_date desc, rep_assignment_id) as n
        from {{ ref('int_reps_assigned') }}
        where {{ as_of_date() }} between valid_from_date and valid_to_date
    ) as current_assignments
    where n = 1

),

windowed as (

    select
        windows.period,
        windows.year_label,
        events.owner_user_id,
        hierarchy.user_name,
        hierarchy.team_id,
        hierarchy.team_name,
        hierarchy.region_id,
        hierarchy.region_name,
        hierarchy.business_unit_id,
        hierarchy.business_unit_name,
        events.n_leads,
        events.n_created,
        events.n_won,
        events.bookings
    from events
    inner join windows
        on events.event_date between windows.window_start and windows.window_end
    left join hierarchy
        on hierarchy.user_id = events.owner_user_id

),

nodes as (

    {%- set levels = [
        ('rep', 'owner_user_id', 'user_name'),
        ('team', 'team_id', 'team_name'),
        ('region', 'region_id', 'region_name'),
        ('business_unit', 'business_unit_id', 'business_unit_name'),
    ] %}
    {%- for node_type, id_col, name_col in levels %}
    select
        '{{ node_type }}' as node_type,
        coalesce({{ id_col }}, '(unassigned)') as node_id,
        coalesce({{ name_col }}, '(unassigned)') as node_name,
        period, year_label, n_leads, n_created, n_won, bookings
    from windowed
    union all
    {%- endfor %}
    select 'company', 'company', 'Company', period, year_label, n_leads, n_created, n_won, bookings
    from windowed

),

pivoted as (

    select
        node_type,
        node_id,
        max(node_name) as node_name,
        period,
        sum(case when year_label = 'prior' then n_leads else 0 end) as leads_prior,
        sum(case when year_label = 'current' then n_leads else 0 end) as leads_current,
        sum(case when year_label = 'prior' then n_created else 0 end) as opps_created_prior,
        sum(case when year_label = 'current' then n_created else 0 end) as opps_created_current,
        sum(case when year_label = 'prior' then n_won else 0 end) as won_prior,
        sum(case when year_label = 'current' then n_won else 0 end) as won_current,
        sum(case when year_label = 'prior' then bookings else 0 end) as bookings_prior,
        sum(case when year_label = 'current' then bookings else 0 end) as bookings_current
    from nodes
    group by node_type, node_id, period

),

logs as (

    select
        pivoted.*,
        leads_prior > 0 and leads_current > 0 and opps_created_prior > 0 and opps_created_current > 0
            and won_prior > 0 and won_current > 0 and bookings_prior > 0 and bookings_current > 0 as is_decomposable
    from pivoted

),

weights as (

    select
        logs.*,
        case when is_decomposable then
            case
                when bookings_current = bookings_prior then cast(bookings_current as {{ type_double() }})
                else cast(bookings_current - bookings_prior as {{ type_double() }})
                    / (ln(cast(bookings_current as {{ type_double() }})) - ln(cast(bookings_prior as {{ type_double() }})))
            end
        end as log_mean
    from logs

),

effects as (

    select
        weights.*,
        {{ to_money('bookings_current - bookings_prior') }} as variance,
        case when is_decomposable then {{ to_money(
            'log_mean * ln(cast(leads_current as ' ~ type_double() ~ ') / leads_prior)') }} end as lead_effect,
        case when is_decomposable then {{ to_money(
            'log_mean * ln((cast(opps_created_current as ' ~ type_double() ~ ') / leads_current)'
            ~ ' / (cast(opps_created_prior as ' ~ type_double() ~ ') / leads_prior))') }} end as conversion_effect,
        case when is_decomposable then {{ to_money(
            'log_mean * ln((cast(won_current as ' ~ type_double() ~ ') / opps_created_current)'
            ~ ' / (cast(won_prior as ' ~ type_double() ~ ') / opps_created_prior))') }} end as win_rate_effect
    from weights

),

final as (

    select
        -- ids
        node_type || ':' || node_id || ':' || period as node_period_id,
        node_type,
        node_id,

        -- strings
        node_name,
        period,
        '{{ var("reporting_currency") }}' as reporting_currency,

        -- numerics: drivers, prior year and current
        cast(leads_prior as integer) as leads_prior,
        cast(leads_current as integer) as leads_current,
        {{ safe_divide('opps_created_prior', 'leads_prior', 'rate') }} as lead_conversion_prior,
        {{ safe_divide('opps_created_current', 'leads_current', 'rate') }} as lead_conversion_current,
        {{ safe_divide('won_prior', 'opps_created_prior', 'rate') }} as win_rate_prior,
        {{ safe_divide('won_current', 'opps_created_current', 'rate') }} as win_rate_current,
        {{ safe_divide('bookings_prior', 'won_prior', 'money') }} as avg_deal_size_prior,
        {{ safe_divide('bookings_current', 'won_current', 'money') }} as avg_deal_size_current,
        cast(opps_created_prior as integer) as opps_created_prior,
        cast(opps_created_current as integer) as opps_created_current,
        cast(won_prior as integer) as won_prior,
        cast(won_current as integer) as won_current,
        {{ to_money('bookings_prior') }} as bookings_prior,
        {{ to_money('bookings_current') }} as bookings_current,

        -- numerics: attribution (lead + conversion + win rate + deal size + unexplained = variance)
        variance,
        {{ to_money('coalesce(lead_effect, 0)') }} as lead_effect,
        {{ to_money('coalesce(conversion_effect, 0)') }} as conversion_effect,
        {{ to_money('coalesce(win_rate_effect, 0)') }} as win_rate_effect,
        {{ to_money('case when is_decomposable then variance - lead_effect - conversion_effect - win_rate_effect else 0 end') }}
            as deal_size_effect,
        {{ to_money('case when is_decomposable then 0 else variance end') }} as unexplained_effect,

        -- booleans
        is_decomposable,

        -- dates
        {{ as_of_date() }} as as_of_date

    from effects

)

select * from final
