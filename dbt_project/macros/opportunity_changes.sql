{#-
    Body of int_opportunity_changes_ordered (the rules are in that model's
    header). Its incremental build numbers the changes of only the opportunities
    it recomputes: `opportunity_filter` is a SQL predicate on
    `source_opportunities.opportunity_id`, applied before the window functions.
-#}
{% macro opportunity_changes_ordered(opportunity_filter=none) -%}
with

opportunities as (

    select source_opportunities.opportunity_id
    from {{ ref('stg_crm__opportunities') }} as source_opportunities
    where {{ to_business_date('created_at') }} <= {{ as_of_date() }}
      and (deleted_at is null or {{ to_business_date('deleted_at') }} > {{ as_of_date() }})
      {%- if opportunity_filter is not none %}
      and {{ opportunity_filter }}
      {%- endif %}

),

history as (

    select
        opportunity_history_id,
        opportunity_id,
        stage_name,
        forecast_category,
        amount,
        probability,
        close_date,
        changed_at,
        {{ to_business_date('changed_at') }} as changed_date
    from {{ ref('stg_crm__opportunity_history') }}
    where {{ to_business_date('changed_at') }} <= {{ as_of_date() }}
      and (deleted_at is null or {{ to_business_date('deleted_at') }} > {{ as_of_date() }})
      {%- if opportunity_filter is not none %}
      and opportunity_id in (select opportunity_id from opportunities)
      {%- endif %}

),

final as (

    select
        history.*,
        cast(row_number() over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_history_id
        ) as integer) as change_number,
        cast(count(*) over (partition by history.opportunity_id) as integer) as n_changes
    from history
    inner join opportunities
        on opportunities.opportunity_id = history.opportunity_id

)

select * from final
{%- endmacro %}
