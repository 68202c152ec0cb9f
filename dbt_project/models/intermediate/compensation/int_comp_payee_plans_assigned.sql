-- One row per CRM user x HR assignment period x eligible plan: the
-- compensation plan of the user from valid_from_date to valid_to_date (the
-- intersection of the HR assignment and the plan eligibility). The HR role and
-- level decide the plan; for one assignment, level-specific eligibility rows
-- win over role-wide ones (level null) -- the same rule as the compensation
-- engine (salesops.compensation.plans.eligible_plan_spans). Two plans still
-- matching the same day are both kept: int_comp_credits_planned treats such a
-- credit as ambiguous (an exception), never picks one silently.
{{ config(materialized='table') }}

with

assignments as (

    select user_id, sales_role, job_level, valid_from_date, valid_to_date
    from {{ ref('int_reps_assigned') }}
    where sales_role is not null

),

eligibility as (

    select * from {{ ref('stg_config__comp_plan_eligibility') }}

),

matched as (

    select
        assignments.user_id,
        assignments.sales_role,
        assignments.job_level,
        assignments.valid_from_date as assignment_from_date,
        eligibility.plan_id,
        eligibility.job_level is not null as is_level_specific,
        case when eligibility.valid_from_date > assignments.valid_from_date
            then eligibility.valid_from_date else assignments.valid_from_date end as valid_from_date,
        case when eligibility.valid_to_date < assignments.valid_to_date
            then eligibility.valid_to_date else assignments.valid_to_date end as valid_to_date
    from assignments
    inner join eligibility
        on eligibility.sales_role = assignments.sales_role
        and (eligibility.job_level is null or eligibility.job_level = assignments.job_level)
        and eligibility.valid_from_date <= assignments.valid_to_date
        and eligibility.valid_to_date >= assignments.valid_from_date

),

preferred as (

    select
        matched.*,
        max(case when is_level_specific then 1 else 0 end) over (
            partition by user_id, assignment_from_date
        ) as has_level_specific
    from matched

)

select
    user_id || '-' || cast(valid_from_date as {{ dbt.type_string() }}) || '-' || plan_id as payee_plan_id,
    user_id,
    plan_id,
    sales_role,
    job_level,
    valid_from_date,
    valid_to_date
from preferred
where is_level_specific or has_level_specific = 0
