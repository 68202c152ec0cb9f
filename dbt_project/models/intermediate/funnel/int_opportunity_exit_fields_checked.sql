-- One row per opportunity open on the as-of date x field required (config
-- funnel_required_fields) to exit a stage BEFORE its current stage -- the
-- stages it has left or jumped over -- with whether the field is filled.
-- Amount, close date and forecast category are the as-of values; next step,
-- account, lead source and type come from the current CRM row (not
-- historised). The unpivoted columns are exactly salesops.funnel.standard.EXIT_FIELDS.
with

opportunities as (

    select
        as_of.opportunity_id,
        as_of.stage_order,
        cast(as_of.amount as {{ dbt.type_string() }}) as amount,
        cast(as_of.close_date as {{ dbt.type_string() }}) as close_date,
        current_row.next_step,
        current_row.account_id,
        current_row.lead_source,
        current_row.opportunity_type,
        as_of.forecast_category
    from {{ ref('int_opportunities_as_of') }} as as_of
    inner join {{ ref('stg_crm__opportunities') }} as current_row
        on current_row.opportunity_id = as_of.opportunity_id
    where not as_of.is_closed and as_of.stage_order is not null

),

fields as (

    {%- set exit_fields = ['amount', 'close_date', 'next_step', 'account_id', 'lead_source', 'opportunity_type', 'forecast_category'] %}
    {%- for field in exit_fields %}
    select opportunity_id, stage_order, '{{ field }}' as field_name, {{ field }} as field_value from opportunities
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

required as (

    select required.stage_name, required.field_name, stages.stage_order as required_stage_order
    from {{ ref('stg_config__funnel_required_fields') }} as required
    inner join {{ ref('stg_config__funnel_stages') }} as stages
        on stages.stage_name = required.stage_name

),

final as (

    select
        fields.opportunity_id || ':' || required.stage_name || ':' || required.field_name as opportunity_exit_field_id,
        fields.opportunity_id,
        required.stage_name as exited_stage_name,
        required.field_name,
        fields.field_value is not null and trim(fields.field_value) <> '' as is_filled
    from fields
    inner join required
        on required.field_name = fields.field_name
        and required.required_stage_order < fields.stage_order

)

select * from final
