{#-
    One row per recognition rule x person holding one of the rule's roles on the as-of date.
    YTD attainment = ytd_bookings / ytd_quota of the latest target_vs_actual month of the rule's
    fiscal year on or before the as-of date. Qualified when attainment >= min_ytd_attainment and the
    person has no disqualifying flag: a compliance flag (config/recognition.yml, if the rule says so) or
    a data-quality finding of a listed type on the person's CRM user id or HR employee id.
-#}
with

rules as (

    select
        *,
        coalesce(
            fiscal_year,
            (select max(fiscal_year) from {{ ref('target_vs_actual') }} where month_start = {{ as_of_month() }})
        ) as evaluated_fiscal_year
    from {{ ref('stg_config__recognition_rules') }}

),

criteria as (

    select * from {{ ref('stg_config__recognition_rule_criteria') }}

),

people as (

    select
        rules.rule_id,
        reps.user_id as payee_id,
        reps.employee_id,
        reps.user_name as payee_name,
        reps.sales_role,
        reps.region_name,
        reps.team_name
    from rules
    inner join {{ ref('int_reps_assigned') }} as reps
        on {{ as_of_date() }} between reps.valid_from_date and reps.valid_to_date
    where reps.user_id is not null
        and exists (
            select 1 from criteria
            where criteria.rule_id = rules.rule_id and criteria.dimension = 'role'
                and criteria.criterion_value = reps.sales_role
        )

),

ytd_months as (

    select
        rules.rule_id,
        tva.user_id,
        tva.ytd_quota,
        tva.ytd_bookings,
        row_number() over (partition by rules.rule_id, tva.user_id order by tva.month_start desc) as recency
    from rules
    inner join {{ ref('target_vs_actual') }} as tva
        on tva.fiscal_year = rules.evaluated_fiscal_year and tva.month_start <= {{ as_of_date() }}

),

ytd as (

    select * from ytd_months where recency = 1

),

flag_lines as (

    select people.rule_id, people.payee_id, flags.flag || case when flags.reason is null or flags.reason = ''
        then '' else ' (' || flags.reason || ')' end as flag_text
    from people
    inner join rules on people.rule_id = rules.rule_id
    inner join {{ ref('stg_config__compliance_flags') }} as flags on flags.payee_id = people.payee_id
    where rules.is_disqualified_by_flags

    union all

    select people.rule_id, people.payee_id, 'data quality: ' || findings.finding_type as flag_text
    from people
    inner join {{ ref('data_quality_findings') }} as findings
        on findings.record_id in (people.payee_id, people.employee_id)
    inner join criteria
        on criteria.rule_id = people.rule_id and criteria.dimension = 'finding_type'
            and criteria.criterion_value = findings.finding_type

),

flags as (

    select
        rule_id,
        payee_id,
        count(*) as n_flags,
        {{ dbt.listagg('flag_text', "'; '", 'order by flag_text') }} as flags
    from flag_lines
    group by rule_id, payee_id

),

measured as (

    select
        people.rule_id,
        rules.rule_name,
        cast(rules.evaluated_fiscal_year as integer) as fiscal_year,
        people.payee_id,
        people.payee_name,
        people.sales_role,
        people.region_name,
        people.team_name,
        {{ to_money('ytd.ytd_quota') }} as ytd_quota,
        {{ to_money('ytd.ytd_bookings') }} as ytd_bookings,
        {{ safe_divide('ytd.ytd_bookings', 'ytd.ytd_quota', 'rate') }} as ytd_attainment,
        rules.min_ytd_attainment,
        cast(coalesce(flags.n_flags, 0) as integer) as n_flags,
        flags.flags
    from people
    inner join rules on people.rule_id = rules.rule_id
    left join ytd on people.rule_id = ytd.rule_id and people.payee_id = ytd.user_id
    left join flags on people.rule_id = flags.rule_id and people.payee_id = flags.payee_id

),

final as (

    select
        rule_id || ':' || payee_id as recognition_id,
        *,
        case
            when ytd_attainment is null then 'no_ytd_quota'
            when ytd_attainment < min_ytd_attainment then 'below_minimum'
            else 'met'
        end as attainment_check,
        coalesce(ytd_attainment >= min_ytd_attainment, false) and n_flags = 0 as is_qualified,
        {{ as_of_date() }} as as_of_date
    from measured

)

select * from final
