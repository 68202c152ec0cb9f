-- One row per CRM user x HR assignment period x eligible plan period: the
-- compensation plan of the user from valid_from_date to valid_to_date
-- (the intersection of the HR assignment and the plan eligibility). The HR
-- role (and level) decides the plan; a level-specific eligibility row wins
-- over a role-wide one (level null), then the lowest plan_id.
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

-- overlapping candidates: keep, for each day, the preferred one. Candidates are
-- ranked per user and start day; a lower-ranked candidate is dropped where a
-- preferred one covers the same assignment period.
ranked as (

    select
        matched.*,
        row_number() over (
            partition by user_id, valid_from_date
            order by case when is_level_specific then 0 else 1 end, plan_id
        ) as preference
    from matched

)

select
    user_id || '-' || cast(valid_from_date as {{ dbt.type_string() }}) as payee_plan_id,
    user_id,
    plan_id,
    sales_role,
    job_level,
    valid_from_date,
    valid_to_date
from ranked
where preference = 1
