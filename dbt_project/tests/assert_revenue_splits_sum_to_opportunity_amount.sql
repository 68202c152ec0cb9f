-- Money identity for crediting: the Revenue splits of an opportunity total
-- 100% and their split_amount sums exactly to the opportunity's amount
-- (Overlay splits are extra credit and are not checked). Fails with one row
-- per opportunity that differs.
with

revenue as (
    select opportunity_id, sum(split_fraction) as total_fraction, sum(split_amount) as total_amount
    from {{ ref('stg_crm__opportunity_splits') }}
    where split_type = 'Revenue'
    group by opportunity_id
)

select o.opportunity_id, o.amount, revenue.total_fraction, revenue.total_amount
from revenue
inner join {{ ref('stg_crm__opportunities') }} as o on o.opportunity_id = revenue.opportunity_id
where not o.is_deleted
  and (revenue.total_fraction <> 1 or revenue.total_amount <> o.amount)
