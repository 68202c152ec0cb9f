-- One row per lead-creation month (business month, up to the as-of month) x
-- lead source: the lead funnel lead -> converted -> opportunity -> won, as of
-- var('as_of'). A lead counts as converted when converted_date <= as-of date;
-- its opportunity counts when it exists in `opportunities` (created by the
-- as-of date); won / lost are the opportunity's as-of state. Rates are shares
-- of the previous step (conversion_rate = converted / leads, ...) and of all
-- leads (lead_to_win_rate). Caveat: lead status is not historised, so a lead
-- converted after the as-of date counts as not (yet) converted, whatever its
-- status was then.
with

leads as (

    select
        lead_id,
        coalesce(lead_source, '(none)') as lead_source,
        {{ month_start(to_business_date('created_at')) }} as month_start,
        is_converted and converted_date <= {{ as_of_date() }} as is_converted,
        case when is_converted and converted_date <= {{ as_of_date() }} then converted_opportunity_id end as opportunity_id
    from {{ ref('stg_crm__leads') }}
    where {{ to_business_date('created_at') }} <= {{ as_of_date() }}

),

opportunities as (

    select opportunity_id, is_won, is_lost, amount_reporting
    from {{ ref('opportunities') }}

),

aggregated as (

    select
        leads.month_start,
        leads.lead_source,
        count(*) as n_leads,
        sum(case when leads.is_converted then 1 else 0 end) as n_converted,
        sum(case when opportunities.opportunity_id is not null then 1 else 0 end) as n_opportunities,
        sum(case when opportunities.is_won then 1 else 0 end) as n_won,
        sum(case when opportunities.is_lost then 1 else 0 end) as n_lost,
        sum(case when opportunities.is_won then opportunities.amount_reporting else 0 end) as won_amount
    from leads
    left join opportunities
        on opportunities.opportunity_id = leads.opportunity_id
    group by leads.month_start, leads.lead_source

),

final as (

    select
        lead_source || ':' || cast(month_start as {{ dbt.type_string() }}) as lead_funnel_id,
        month_start,
        lead_source,
        cast(n_leads as integer) as n_leads,
        cast(n_converted as integer) as n_converted,
        cast(n_opportunities as integer) as n_opportunities,
        cast(n_won as integer) as n_won,
        cast(n_lost as integer) as n_lost,
        {{ safe_divide('n_converted', 'n_leads') }} as conversion_rate,
        {{ safe_divide('n_opportunities', 'n_converted') }} as opportunity_rate,
        {{ safe_divide('n_won', 'n_won + n_lost') }} as win_rate,
        {{ safe_divide('n_won', 'n_leads') }} as lead_to_win_rate,
        '{{ var("reporting_currency") }}' as reporting_currency,
        {{ to_money('coalesce(won_amount, 0)') }} as won_amount_reporting,
        {{ as_of_date() }} as as_of_date
    from aggregated

)

select * from final
