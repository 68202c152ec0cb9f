-- One row per stage entry of an opportunity as of var('as_of'): consecutive
-- history changes in the same stage (amount or close-date edits) collapse into
-- one entry. An entry lasts from its first change to the first change of the
-- next entry (exited_at; null for the current stage).
--   is_skip:       moved forward past at least one stage (stage_order jumps by
--                  more than 1), e.g. Qualification -> Proposal, or Needs
--                  Analysis -> Closed Won. Losing from any stage is not a skip,
--                  and an opportunity's first stage is never a skip.
--   is_regression: moved back to a lower stage_order (including a reopened
--                  Closed Lost/Won).
--   days_in_stage: business days between entry and exit dates; for the
--                  current open stage, days up to the as-of date; null for a
--                  closed stage the opportunity is still in.
-- Stages missing from the funnel standard get a null stage_order (a finding
-- in data_quality_findings) and are never skips or regressions.
-- Incremental per opportunity (issue 3): the pre_hook deletes the entries of
-- every opportunity that may have changed since the last build (macro
-- stages_sequenced_delete_changed: new / changed / deleted rows, rows that only
-- become visible with the new as-of date, open current stages whose days move
-- with it; everything when the as-of date moved backwards or the funnel
-- standard changed), and the model recomputes the opportunities without rows.
-- computed_as_of_date / computed_load_id are that bookkeeping.
-- depends_on (incremental branch): {{ ref('stg_crm__opportunities') }} {{ ref('stg_crm__opportunity_history') }}
{{
    config(
        materialized=incremental_unless_spark(),
        incremental_strategy='delete+insert',
        unique_key='stage_entry_id',
        on_schema_change='fail',
        pre_hook="{{ stages_sequenced_delete_changed() }}"
    )
}}
with

-- incremental: the changes of the opportunities without entries only
changes as (

    {{ rows_of_opportunities_to_recompute(ref('int_opportunity_changes_ordered')) }}

),

-- the latest load of the landed rows this build read: rows of later loads are new to the next build
watermark as (

    {{ landed_opportunities_load_id() }}

),

stages as (

    select stage_name, stage_order, is_closed, is_won
    from {{ ref('stg_config__funnel_stages') }}

),

flagged as (

    select
        opportunity_id,
        change_number,
        stage_name,
        changed_at,
        case
            when lag(stage_name) over (partition by opportunity_id order by change_number) = stage_name then 0
            else 1
        end as is_stage_start
    from changes

),

numbered as (

    select
        *,
        sum(is_stage_start) over (
            partition by opportunity_id order by change_number
            rows between unbounded preceding and current row
        ) as stage_entry_number
    from flagged

),

entries as (

    select
        opportunity_id,
        cast(stage_entry_number as integer) as stage_entry_number,
        stage_name,
        min(changed_at) as entered_at,
        cast(count(*) as integer) as n_changes_in_stage
    from numbered
    group by opportunity_id, stage_entry_number, stage_name

),

with_neighbours as (

    select
        entries.*,
        stages.stage_order,
        coalesce(stages.is_closed, false) as is_closed_stage,
        coalesce(stages.is_won, false) as is_won_stage,
        coalesce(stages.is_closed and not stages.is_won, false) as is_lost_stage,
        lead(entries.entered_at) over (partition by entries.opportunity_id order by entries.stage_entry_number) as exited_at,
        lag(entries.stage_name) over (partition by entries.opportunity_id order by entries.stage_entry_number) as previous_stage_name,
        lag(stages.stage_order) over (partition by entries.opportunity_id order by entries.stage_entry_number) as previous_stage_order
    from entries
    left join stages
        on stages.stage_name = entries.stage_name

),

final as (

    select
        -- ids
        opportunity_id || '-' || cast(stage_entry_number as {{ dbt.type_string() }}) as stage_entry_id,
        opportunity_id,
        stage_entry_number,

        -- stage
        stage_name,
        stage_order,
        previous_stage_name,
        previous_stage_order,
        is_closed_stage,
        is_won_stage,
        is_lost_stage,
        n_changes_in_stage,

        -- flags
        exited_at is null as is_current_stage,
        coalesce(not is_lost_stage and stage_order - previous_stage_order > 1, false) as is_skip,
        cast(case
            when not is_lost_stage and stage_order - previous_stage_order > 1 then stage_order - previous_stage_order - 1
            else 0
        end as integer) as n_skipped_stages,
        coalesce(stage_order < previous_stage_order, false) as is_regression,

        -- dates
        entered_at,
        exited_at,
        {{ to_business_date('entered_at') }} as entered_date,
        {{ to_business_date('exited_at') }} as exited_date,
        cast(case
            when exited_at is not null
                then {{ dbt.datediff(to_business_date('entered_at'), to_business_date('exited_at'), 'day') }}
            when not is_closed_stage
                then {{ dbt.datediff(to_business_date('entered_at'), as_of_date(), 'day') }}
        end as integer) as days_in_stage,

        -- incremental bookkeeping (see the header)
        {{ as_of_date() }} as computed_as_of_date,
        watermark.load_id as computed_load_id

    from with_neighbours
    cross join watermark

)

select * from final
