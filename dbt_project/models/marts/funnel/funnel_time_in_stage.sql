-- One row per open funnel stage x dimension (company / segment / region / rep)
-- x dimension value: time in stage of the stage visits EXITED in the trailing
-- window (var('funnel_window_months') full months before the as-of month),
-- median and 75th percentile (interpolated), mean, and the share of visits that
-- broke the stage's SLA (max_days_in_stage). Every visit counts (a regression
-- re-enters the stage); jumps over a stage have no visit. dimension_value is
-- '(unknown)' where the opportunity has no segment / region.
{%- set window_start = add_months(as_of_month(), -1 * var('funnel_window_months', 12)) %}
{%- set dimensions = {'company': "'all'", 'segment': 'segment', 'region': 'region_name', 'rep': 'owner_user_id'} %}
with

visits as (

    select *
    from {{ ref('funnel_stage_history') }}
    where not is_closed_stage
      and is_known_stage
      and exited_date is not null
      and exited_date >= {{ window_start }}
      and exited_date < {{ as_of_month() }}

),

by_dimension as (

    {%- for dimension, expr in dimensions.items() %}
    select
        stage_name,
        stage_order,
        '{{ dimension }}' as dimension,
        coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)') as dimension_value,
        cast(count(*) as integer) as n_exited,
        {{ percentile_cont('days_in_stage', 0.5) }} as median_days_in_stage,
        {{ percentile_cont('days_in_stage', 0.75) }} as p75_days_in_stage,
        {{ safe_divide('sum(days_in_stage)', 'count(*)') }} as mean_days_in_stage,
        cast(sum(case when is_over_sla then 1 else 0 end) as integer) as n_over_sla,
        max(max_days_in_stage) as max_days_in_stage
    from visits
    group by stage_name, stage_order, coalesce(cast({{ expr }} as {{ dbt.type_string() }}), '(unknown)')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        dimension || ':' || dimension_value || ':' || stage_name as stage_dimension_id,
        stage_name,
        stage_order,
        dimension,
        dimension_value,
        n_exited,
        median_days_in_stage,
        p75_days_in_stage,
        cast(mean_days_in_stage as {{ type_days() }}) as mean_days_in_stage,
        max_days_in_stage,
        n_over_sla,
        {{ safe_divide('n_over_sla', 'n_exited') }} as over_sla_share,
        {{ window_start }} as window_start_month,
        {{ as_of_date() }} as as_of_date
    from by_dimension

)

select * from final
