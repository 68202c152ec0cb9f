-- One row per opportunity x open funnel stage the opportunity entered or
-- skipped past, as of var('as_of'): the input of cohort stage conversion.
-- A stage jumped over counts as passed (DESIGN §3): an opportunity moving
-- Qualification (2) -> Proposal (4) gets an imputed row for Needs Analysis (3),
-- entered at the moment of the jump and reached-later by construction. Stages
-- before an opportunity's first stage are not imputed, and a move to Closed
-- Lost never imputes anything.
--   first_entered_at: first time the stage was entered (or jumped over).
--   has_reached_later: after that first entry the opportunity reached a stage
--                      with a higher stage_order that is not Closed Lost
--                      (a later open stage or Closed Won).
--   first_days_in_stage: days of the first actual visit, only when it has been
--                      exited (null when imputed or still in the stage).
-- Incremental per opportunity (issue 3, docs/incremental.md): an opportunity's
-- rows depend only on its own stage entries (never on the as-of date itself: days
-- count only for exited entries) and on the funnel standard. The pre_hook deletes
-- the rows of every opportunity whose CRM rows may have changed since the last
-- build, and everything when the as-of date moved backwards or the funnel standard
-- changed (computed_funnel_hash); the model recomputes the opportunities without rows.
-- depends_on (incremental branch): {{ ref('stg_crm__opportunities') }} {{ ref('stg_crm__opportunity_history') }}
{{
    config(
        materialized=incremental_unless_spark(),
        incremental_strategy='delete+insert',
        unique_key='opportunity_stage_id',
        on_schema_change='fail',
        pre_hook="{{ stages_passed_delete_changed() }}"
    )
}}
with

-- incremental: the entries of the opportunities without rows only
entries as (

    {{ rows_of_opportunities_to_recompute(ref('int_opportunity_stages_sequenced')) }}

),

watermark as (

    {{ landed_opportunities_load_id() }}

),

open_stages as (

    select stage_name, stage_order
    from {{ ref('stg_config__funnel_stages') }}
    where not is_closed

),

actual as (

    select
        entries.opportunity_id,
        entries.stage_name,
        entries.stage_order,
        entries.entered_at,
        -- position in the entry sequence; an imputed entry sorts just before the jump entry
        cast(entries.stage_entry_number as {{ type_days() }}) as entry_position,
        false as is_imputed,
        case when entries.exited_at is not null then entries.days_in_stage end as days_in_stage
    from entries
    inner join open_stages
        on open_stages.stage_name = entries.stage_name

),

imputed as (

    select
        entries.opportunity_id,
        open_stages.stage_name,
        open_stages.stage_order,
        entries.entered_at,
        cast(entries.stage_entry_number as {{ type_days() }}) - 0.5 as entry_position,
        true as is_imputed,
        cast(null as integer) as days_in_stage
    from entries
    inner join open_stages
        on open_stages.stage_order > entries.previous_stage_order
        and open_stages.stage_order < entries.stage_order
    where entries.is_skip

),

visits as (

    select * from actual
    union all
    select * from imputed

),

firsts as (

    select
        *,
        row_number() over (
            partition by opportunity_id, stage_name
            order by entry_position
        ) as visit_number
    from visits

),

first_visits as (

    select * from firsts where visit_number = 1

),

reached as (

    select
        first_visits.opportunity_id,
        first_visits.stage_name,
        max(case
            when entries.stage_order > first_visits.stage_order and not entries.is_lost_stage then 1 else 0
        end) as has_reached_later
    from first_visits
    inner join entries
        on entries.opportunity_id = first_visits.opportunity_id
        and entries.stage_entry_number > first_visits.entry_position
    group by first_visits.opportunity_id, first_visits.stage_name

),

final as (

    select
        first_visits.opportunity_id || '-' || cast(first_visits.stage_order as {{ dbt.type_string() }}) as opportunity_stage_id,
        first_visits.opportunity_id,
        first_visits.stage_name,
        first_visits.stage_order,
        first_visits.is_imputed as is_skipped,
        first_visits.entered_at as first_entered_at,
        {{ to_business_date('first_visits.entered_at') }} as first_entered_date,
        coalesce(reached.has_reached_later, 0) = 1 as has_reached_later,
        first_visits.days_in_stage as first_days_in_stage,

        -- incremental bookkeeping (see the header)
        {{ as_of_date() }} as computed_as_of_date,
        watermark.load_id as computed_load_id,
        {{ funnel_standard_hash() }} as computed_funnel_hash
    from first_visits
    left join reached
        on reached.opportunity_id = first_visits.opportunity_id
        and reached.stage_name = first_visits.stage_name
    cross join watermark

)

select * from final
