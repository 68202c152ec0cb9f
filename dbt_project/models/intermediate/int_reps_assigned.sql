-- One row per CRM user x effective-dated HR assignment period: the hierarchy
-- (team -> region -> business unit -> company), manager, title, level and
-- sales role valid from valid_from_date to valid_to_date (both inclusive).
-- The identity link is stg_crm__users.employee_id (CRM user.employee_number)
-- -> HR employee. A user with no matching HR employee, or an employee with no
-- assignment, is kept with one open-ended row (1900-01-01 .. 9999-12-31) and
-- null hierarchy, flagged by has_hr_employee / has_assignment -- never dropped.
-- Roll-ups join on "transaction date between valid_from_date and valid_to_date".
-- Caveat: HR rows are current (not historised), so a past as-of date sees
-- today's corrections of past periods.
with

users as (

    select user_id, user_name, employee_id, is_active
    from {{ ref('stg_crm__users') }}

),

employees as (

    select employee_id, full_name, hire_date, termination_date
    from {{ ref('stg_hr__employees') }}

),

assignments as (

    select * from {{ ref('stg_hr__job_assignments') }}

),

org as (

    select * from {{ ref('int_org_units_flattened') }}

),

-- the CRM user of each employee (the first by user_id if several share one employee number)
employee_users as (

    select employee_id, user_id, user_name
    from (
        select
            employee_id,
            user_id,
            user_name,
            row_number() over (partition by employee_id order by user_id) as n
        from users
        where employee_id is not null
    ) as ranked
    where n = 1

),

linked as (

    select
        users.user_id,
        users.user_name,
        users.is_active,
        users.employee_id,
        employees.employee_id is not null as has_hr_employee,
        employees.hire_date,
        employees.termination_date,
        assignments.job_assignment_id,
        assignments.job_assignment_id is not null as has_assignment,
        coalesce(assignments.effective_from_date, cast('1900-01-01' as date)) as valid_from_date,
        coalesce(assignments.effective_to_date, cast('9999-12-31' as date)) as valid_to_date,
        assignments.org_unit_id,
        assignments.manager_employee_id,
        assignments.job_title,
        assignments.job_level,
        assignments.sales_role
    from users
    left join employees
        on employees.employee_id = users.employee_id
    left join assignments
        on assignments.employee_id = employees.employee_id

),

final as (

    select
        -- ids
        linked.user_id || '-' || cast(linked.valid_from_date as {{ dbt.type_string() }}) as rep_assignment_id,
        linked.user_id,
        linked.employee_id,
        linked.job_assignment_id,
        linked.org_unit_id,
        org.team_id,
        org.region_id,
        org.business_unit_id,
        org.company_id,
        linked.manager_employee_id,
        managers.user_id as manager_user_id,

        -- strings
        linked.user_name,
        coalesce(managers.user_name, manager_employees.full_name) as manager_name,
        org.team_name,
        org.region_name,
        org.business_unit_name,
        org.company_name,
        linked.job_title,
        linked.job_level,
        linked.sales_role,

        -- booleans
        linked.is_active,
        linked.has_hr_employee,
        linked.has_assignment,

        -- dates
        linked.hire_date,
        linked.termination_date,
        linked.valid_from_date,
        linked.valid_to_date

    from linked
    left join org
        on org.org_unit_id = linked.org_unit_id
    left join employee_users as managers
        on managers.employee_id = linked.manager_employee_id
    left join employees as manager_employees
        on manager_employees.employee_id = linked.manager_employee_id

)

select * from final
