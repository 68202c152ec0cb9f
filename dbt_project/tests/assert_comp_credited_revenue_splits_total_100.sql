-- Crediting rule: an opportunity is credited through revenue splits only if
-- they total exactly 100 % (split_share sums to 1). Fails with one row per
-- opportunity whose credited split shares do not total 1, or that is credited
-- while marked not creditable.
with

credited as (

    select opportunity_id, sum(split_share) as total_share
    from {{ ref('int_comp_opportunity_payees') }}
    where credit_type = 'split'
    group by 1

)

select credited.opportunity_id, credited.total_share, checked.is_creditable
from credited
left join {{ ref('int_comp_opportunities_split_checked') }} as checked
    on checked.opportunity_id = credited.opportunity_id
where credited.total_share <> 1
   or not coalesce(checked.is_creditable, false)
