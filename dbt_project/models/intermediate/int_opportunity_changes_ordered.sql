-- One row per opportunity-history change known on the as-of date, numbered in
-- time order per opportunity. "Known" = recorded on or before var('as_of')
-- (business date) and not soft-deleted by then, for an opportunity that
-- existed (created, not yet deleted) on that date. Ties on changed_at are
-- broken by the history id so the order is deterministic.
-- The SQL is the macro opportunity_changes_ordered (macros/opportunity_changes.sql),
-- also used by the incremental build of int_opportunity_stages_sequenced.
{{ opportunity_changes_ordered() }}
