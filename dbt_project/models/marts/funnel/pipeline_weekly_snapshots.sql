{{
    config(
        materialized=incremental_unless_spark(),
        incremental_strategy='delete+insert',
        unique_key='week_end_date',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where {{ snapshot_weeks_rebuilt() }}{% endif %}"
    )
}}
-- One row per opportunity OPEN at the end of a business week (Sunday) x week,
-- for every week that ended on or before var('as_of'): the state the CRM
-- history shows at that week end, reconstructed point in time -- the latest
-- history change recorded on or before the week end (business date) that had
-- not been deleted by then, of an opportunity created by then and not deleted
-- by then. A week's rows depend only on history up to its Sunday, so the model
-- is incremental on the week: a night adds the weeks that ended since the last
-- run, a run with an earlier as-of date first deletes the weeks after it, and
-- --full-refresh rebuilds the same rows. A backfill of months (the Dagster job
-- `snapshot_backfill`, one partition per month) passes vars rebuild_weeks_from /
-- rebuild_weeks_to and rebuilds exactly the weeks ending in that window.
-- Amounts in the reporting currency at the average rate of the week-end month.
-- is_amount_valid = false (amount missing or negative, no FX rate): the row is
-- kept for the record but left out of every pipeline amount (waterfall,
-- forecast); rows in a stage outside the funnel standard are not open pipeline
-- and are left out (both reported in data_quality_findings).
{%- set nothing_to_add = is_incremental() and not var('rebuild_weeks_from', none) and not snapshot_has_weeks_to_add() %}
with

weeks as (

    select week_end_date
    from {{ ref('int_funnel_weeks_spined') }}
    {%- if is_incremental() and var('rebuild_weeks_from', none) %}
    where {{ snapshot_weeks_rebuilt() }}
    {%- elif is_incremental() %}
    where week_end_date > (select coalesce(max(week_end_date), cast('1900-01-01' as date)) from {{ this }})
    {%- endif %}

),

opportunities as (

    select
        opportunity_id,
        owner_user_id,
        currency,
        {{ to_business_date('created_at') }} as created_date,
        {{ to_business_date('deleted_at') }} as deleted_date
    from {{ ref('stg_crm__opportunities') }}

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
        {{ to_business_date('changed_at') }} as changed_date,
        case
            when {{ to_business_date('deleted_at') }} <= {{ as_of_date() }} then {{ to_business_date('deleted_at') }}
        end as deleted_date
    from {{ ref('stg_crm__opportunity_history') }}
    where {{ to_business_date('changed_at') }} <= {{ as_of_date() }}

),

stages as (

    select * from {{ ref('stg_config__funnel_stages') }}

),

-- after its last event (change or deletion) an opportunity's state no longer changes:
-- closed opportunities need no weeks after it, open ones stay open until the as-of date
latest_known as (

    select opportunity_id, stage_name
    from (
        select
            opportunity_id,
            stage_name,
            row_number() over (partition by opportunity_id order by changed_at desc, opportunity_history_id desc) as recency
        from history
        where deleted_date is null
    ) as ranked
    where recency = 1

),

spans as (

    select
        history.opportunity_id,
        min(history.changed_date) as first_date,
        max(case when history.deleted_date > history.changed_date then history.deleted_date else history.changed_date end)
            as last_event_date
    from history
    group by history.opportunity_id

),

opportunity_weeks as (

    select spans.opportunity_id, weeks.week_end_date
    from spans
    left join latest_known on latest_known.opportunity_id = spans.opportunity_id
    left join stages on stages.stage_name = latest_known.stage_name
    inner join weeks
        on weeks.week_end_date >= spans.first_date
        and (weeks.week_end_date <= spans.last_event_date or not coalesce(stages.is_closed, false))

),

-- The state at a week end is the latest change recorded by then (changed_at, then id): the
-- last of a prefix of the opportunity's changes, since changed_date follows changed_at. So a
-- change is the state of the weeks from its changed_date until the next change's (exclusive):
-- an interval join, no ranking of every earlier change per week. A change soft-deleted by the
-- as-of date breaks the prefix (it counts only for the weeks before its deletion), so the few
-- opportunities that have one take the general path: rank the changes visible at each week end.
with_deletions as (

    select distinct opportunity_id
    from history
    where deleted_date is not null

),

intervals as (

    select
        history.*,
        lead(history.changed_date) over (
            partition by history.opportunity_id
            order by history.changed_at, history.opportunity_history_id
        ) as next_changed_date
    from history
    left join with_deletions on with_deletions.opportunity_id = history.opportunity_id
    where with_deletions.opportunity_id is null

),

states_by_interval as (

    select
        opportunity_weeks.week_end_date,
        intervals.opportunity_id,
        intervals.stage_name,
        intervals.forecast_category,
        intervals.amount,
        intervals.probability,
        intervals.close_date,
        intervals.changed_at
    from opportunity_weeks
    inner join intervals
        on intervals.opportunity_id = opportunity_weeks.opportunity_id
        and intervals.changed_date <= opportunity_weeks.week_end_date
        and (intervals.next_changed_date is null or intervals.next_changed_date > opportunity_weeks.week_end_date)

),

states_by_ranking as (

    select week_end_date, opportunity_id, stage_name, forecast_category, amount, probability, close_date, changed_at
    from (
        select
            opportunity_weeks.week_end_date,
            history.*,
            row_number() over (
                partition by opportunity_weeks.opportunity_id, opportunity_weeks.week_end_date
                order by history.changed_at desc, history.opportunity_history_id desc
            ) as recency
        from opportunity_weeks
        inner join with_deletions on with_deletions.opportunity_id = opportunity_weeks.opportunity_id
        inner join history
            on history.opportunity_id = opportunity_weeks.opportunity_id
            and history.changed_date <= opportunity_weeks.week_end_date
            and (history.deleted_date is null or history.deleted_date > opportunity_weeks.week_end_date)
    ) as ranked
    where recency = 1

),

states as (

    select * from states_by_interval
    union all
    select * from states_by_ranking

),

open_states as (

    select
        states.week_end_date,
        states.opportunity_id,
        opportunities.owner_user_id,
        states.stage_name,
        stages.stage_order,
        states.forecast_category,
        states.probability,
        states.close_date,
        opportunities.currency,
        states.amount,
        opportunities.created_date,
        states.changed_at as last_changed_at
    from states
    inner join stages
        on stages.stage_name = states.stage_name
        and not stages.is_closed
    inner join opportunities
        on opportunities.opportunity_id = states.opportunity_id
        and opportunities.created_date <= states.week_end_date
        and (opportunities.deleted_date is null or opportunities.deleted_date > states.week_end_date)

),

final as (

    select
        -- varchar, the contract's type: on PostgreSQL a text column would make the next incremental
        -- run fail its schema check against the varchar table (dbt.cast: Spark has no unsized
        -- varchar, macros/spark.sql casts to string there)
        {{ dbt.cast("open_states.opportunity_id || '-' || cast(open_states.week_end_date as " ~ dbt.type_string() ~ ")", "varchar") }}
            as snapshot_id,
        open_states.week_end_date,
        open_states.opportunity_id,
        open_states.owner_user_id,
        open_states.stage_name,
        open_states.stage_order,
        open_states.forecast_category,
        open_states.probability,
        open_states.close_date,
        open_states.currency,
        open_states.amount,
        {{ dbt.cast("'" ~ var("reporting_currency") ~ "'", "varchar") }} as reporting_currency,
        {{ to_money('open_states.amount * fx.rate_to_reporting') }} as amount_reporting,
        {{ to_money(to_money('open_states.amount * fx.rate_to_reporting') ~ ' * open_states.probability') }}
            as weighted_amount_reporting,
        coalesce(open_states.amount >= 0 and fx.rate_to_reporting is not null, false) as is_amount_valid,
        open_states.created_date,
        open_states.last_changed_at
    from open_states
    left join {{ ref('int_fx_rates_filled') }} as fx
        on fx.currency = open_states.currency
        and fx.rate_month = {{ month_start('open_states.week_end_date') }}

)

select * from final
{%- if nothing_to_add %}
-- no week ended since the last run: no rows (the planner prunes the whole query)
where false
{%- endif %}
