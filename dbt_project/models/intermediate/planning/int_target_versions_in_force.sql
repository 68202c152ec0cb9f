-- One row per month that a published target version covers: the version in force.
-- The one rule that target-vs-actual (int_targets_resolved), the commission
-- quotas (comp_quotas) and the quota push (salesops/writeback/quotas.py) share:
-- among the published versions with leaf rows for the month that are effective
-- in or before it (a re-plan effective mid-month governs that whole month), the
-- latest effective_from, then the highest version, then the latest published_at,
-- then plan_id. Drafts never count. A month no version covers has no row: the
-- CRM's quotas apply there.
with

versions as (

    select distinct plan_id, version, effective_from, published_at, month_start
    from {{ ref('stg_planning__targets') }}
    where is_published
      and target_level = 'month'
      and month_start is not null
      and {{ month_start('effective_from') }} <= month_start

),

ranked as (

    select
        month_start,
        plan_id,
        version,
        effective_from,
        row_number() over (
            partition by month_start
            order by effective_from desc, version desc, published_at desc, plan_id desc
        ) as preference
    from versions

)

select month_start, plan_id, version, effective_from
from ranked
where preference = 1
