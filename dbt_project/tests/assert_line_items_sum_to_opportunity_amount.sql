-- Money identity of the CRM: for every (non-deleted) opportunity with line
-- items, the lines' total_price sums exactly to the opportunity's current
-- amount (the CRM rolls lines up into Amount). Fails with one row per
-- opportunity that differs.
with

lines as (
    select opportunity_id, sum(total_price) as lines_total
    from {{ ref('stg_crm__opportunity_line_items') }}
    group by opportunity_id
)

select o.opportunity_id, o.amount, lines.lines_total
from {{ ref('stg_crm__opportunities') }} as o
inner join lines on lines.opportunity_id = o.opportunity_id
where not o.is_deleted
  and o.amount <> lines.lines_total
