-- One row per opportunity-history change known on the as-of date, numbered in
-- time order per opportunity. "Known" = recorded on or before var('as_of')
-- (business date) and not soft-deleted by then, for an opportunity that
-- existed (created, not yet deleted) on that date. Ties on changed_at are
-- broken by the history id so the order is deterministic.
-- The SQL is the macro opportunity_changes_ordered (macros/opportunity_changes.sql).
-- Incremental per opportunity (issue 3, docs/incremental.md): the pre_hook deletes
-- the changes of every opportunity whose CRM rows may have changed since the last
-- build (macro delete_changed_opportunities; everything when the as-of date moved
-- backwards), and the model renumbers the opportunities without rows.
-- computed_as_of_date / computed_load_id are that bookkeeping.
-- depends_on (incremental branch): {{ ref('stg_crm__opportunities') }} {{ ref('stg_crm__opportunity_history') }}
{{
    config(
        materialized=incremental_unless_spark(),
        incremental_strategy='delete+insert',
        unique_key='opportunity_history_id',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_opportunities() }}"
    )
}}
with

-- incremental: only the opportunities without rows are numbered
changes as (

    {{ opportunity_changes_ordered(
        incremental_missing_keys('source_opportunities.opportunity_id', 'opportunity_id') if is_incremental() else none
    ) }}

),

watermark as (

    {{ landed_opportunities_load_id() }}

)

select
    changes.*,
    -- incremental bookkeeping (see the header)
    {{ as_of_date() }} as computed_as_of_date,
    watermark.load_id as computed_load_id
from changes
cross join watermark
