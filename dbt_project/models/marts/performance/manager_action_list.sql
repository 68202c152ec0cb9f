-- One row per diagnostic rule hit: a rep of a manager meets ALL the
-- conditions of a rule of config.diagnostic_rules (metric operator threshold,
-- evaluated on rep_kpi_scorecard; a missing metric never meets a condition).
-- Evidence: the rule's metrics with their values and thresholds, as columns
-- (first three conditions) and as a readable text. Ranked per manager by the
-- rule's severity, then by the rep's gap to the seasonality-weighted quarter
-- target (gap_qtd, larger first), then rep and rule. The push to managers
-- reads this table (one manager = the rows with its manager_user_id).
with

rules as (

    select * from {{ ref('stg_config__diagnostic_rules') }}

),

metrics as (

    select * from {{ ref('rep_kpi_scorecard') }}

),

evaluated as (

    select
        metrics.rep_id,
        rules.rule_name,
        rules.condition_no,
        rules.n_conditions,
        rules.metric,
        rules.operator,
        rules.threshold,
        metrics.metric_value,
        case
            when metrics.metric_value is null then false
            when rules.operator = '<' then metrics.metric_value < rules.threshold
            when rules.operator = '<=' then metrics.metric_value <= rules.threshold
            when rules.operator = '>' then metrics.metric_value > rules.threshold
            when rules.operator = '>=' then metrics.metric_value >= rules.threshold
            else false
        end as is_met
    from rules
    inner join metrics
        on metrics.metric = rules.metric

),

hits as (

    select rep_id, rule_name
    from evaluated
    group by rep_id, rule_name
    having sum(case when is_met then 1 else 0 end) = max(n_conditions)
        and count(*) = max(n_conditions)

),

evidence as (

    select
        evaluated.rep_id,
        evaluated.rule_name,
        max(case when evaluated.condition_no = 1 then evaluated.metric end) as metric_1,
        max(case when evaluated.condition_no = 1 then evaluated.metric_value end) as value_1,
        max(case when evaluated.condition_no = 1 then evaluated.threshold end) as threshold_1,
        max(case when evaluated.condition_no = 2 then evaluated.metric end) as metric_2,
        max(case when evaluated.condition_no = 2 then evaluated.metric_value end) as value_2,
        max(case when evaluated.condition_no = 2 then evaluated.threshold end) as threshold_2,
        max(case when evaluated.condition_no = 3 then evaluated.metric end) as metric_3,
        max(case when evaluated.condition_no = 3 then evaluated.metric_value end) as value_3,
        max(case when evaluated.condition_no = 3 then evaluated.threshold end) as threshold_3,
        {{ dbt.listagg(
            "evaluated.metric || ' = ' || cast(cast(evaluated.metric_value as decimal(18,2)) as " ~ dbt.type_string()
            ~ ") || ' (' || evaluated.operator || ' ' || cast(cast(evaluated.threshold as decimal(18,2)) as "
            ~ dbt.type_string() ~ ") || ')'",
            "'; '",
            "order by evaluated.condition_no"
        ) }} as evidence_text
    from evaluated
    inner join hits
        on hits.rep_id = evaluated.rep_id
        and hits.rule_name = evaluated.rule_name
    group by evaluated.rep_id, evaluated.rule_name

),

rule_heads as (

    select distinct rule_name, rule_title, severity, suggested_action, sort_order from rules

),

reps as (

    select
        rep_id,
        max(rep_name) as rep_name,
        max(manager_user_id) as manager_user_id,
        max(manager_name) as manager_name,
        max(team_name) as team_name,
        max(region_name) as region_name,
        max(business_unit_name) as business_unit_name,
        max(case when metric = 'gap_qtd' then metric_value end) as gap_qtd
    from metrics
    group by rep_id

),

final as (

    select
        -- ids
        hits.rep_id || ':' || hits.rule_name as action_id,
        coalesce(reps.manager_user_id, '(no manager)') as manager_user_id,
        hits.rep_id,

        -- strings
        reps.manager_name,
        reps.rep_name,
        reps.team_name,
        reps.region_name,
        reps.business_unit_name,
        hits.rule_name,
        rule_heads.rule_title,
        evidence.metric_1,
        evidence.metric_2,
        evidence.metric_3,
        evidence.evidence_text,
        rule_heads.suggested_action,

        -- numerics
        rule_heads.severity,
        cast(row_number() over (
            partition by coalesce(reps.manager_user_id, '(no manager)')
            order by rule_heads.severity desc, coalesce(reps.gap_qtd, 0) desc, hits.rep_id, rule_heads.sort_order
        ) as integer) as manager_rank,
        cast(row_number() over (
            order by rule_heads.severity desc, coalesce(reps.gap_qtd, 0) desc, hits.rep_id, rule_heads.sort_order
        ) as integer) as company_rank,
        cast(evidence.value_1 as {{ type_rate() }}) as value_1,
        cast(evidence.threshold_1 as {{ type_rate() }}) as threshold_1,
        cast(evidence.value_2 as {{ type_rate() }}) as value_2,
        cast(evidence.threshold_2 as {{ type_rate() }}) as threshold_2,
        cast(evidence.value_3 as {{ type_rate() }}) as value_3,
        cast(evidence.threshold_3 as {{ type_rate() }}) as threshold_3,
        {{ to_money('reps.gap_qtd') }} as gap_qtd,

        -- dates
        {{ as_of_date() }} as as_of_date

    from hits
    inner join evidence
        on evidence.rep_id = hits.rep_id
        and evidence.rule_name = hits.rule_name
    inner join rule_heads
        on rule_heads.rule_name = hits.rule_name
    inner join reps
        on reps.rep_id = hits.rep_id

)

select * from final
