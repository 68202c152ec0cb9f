-- Stage entries of an opportunity tile its history without gaps: each entry
-- is exited exactly when the next one is entered, and only the last entry is current.
with

entries as (
    select
        opportunity_id,
        stage_entry_number,
        exited_at,
        is_current_stage,
        lead(entered_at) over (partition by opportunity_id order by stage_entry_number) as next_entered_at,
        max(stage_entry_number) over (partition by opportunity_id) as last_entry_number
    from {{ ref('int_opportunity_stages_sequenced') }}
)

select *
from entries
where (stage_entry_number < last_entry_number and (exited_at is null or exited_at <> next_entered_at or is_current_stage))
   or (stage_entry_number = last_entry_number and (exited_at is not null or not is_current_stage))
