-- One row per data-quality finding: a broken link or inconsistency in the
-- source data that the marts work around (keep and flag, never silently drop).
-- finding_id = finding_type:record_id is unique. severity: 'error' = a mart
-- number is affected (e.g. missing FX rate -> null amount), 'warning' = a
-- link or rule is broken but the numbers are still complete.
-- Findings about current source rows reflect the data as loaded; findings
-- about as-of state (opportunity without history, missing FX rate) use the as-of date.
{%- set as_of = as_of_date() %}
with

users as (select * from {{ ref('stg_crm__users') }}),
accounts as (select * from {{ ref('stg_crm__accounts') }}),
employees as (select * from {{ ref('stg_hr__employees') }}),
stages as (select * from {{ ref('stg_config__funnel_stages') }}),

live_opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}
    where not is_deleted

),

live_history as (

    select * from {{ ref('stg_crm__opportunity_history') }}
    where not is_deleted

),

findings as (

    -- an opportunity's owner is not a (non-deleted) CRM user
    select
        'opportunity_owner_unknown' as finding_type, 'warning' as severity, 'crm.opportunity' as source_table,
        o.opportunity_id as record_id,
        'owner_id ' || coalesce(o.owner_user_id, '(null)') || ' is not a known user' as detail
    from live_opportunities as o
    left join users as u on u.user_id = o.owner_user_id
    where u.user_id is null

    union all

    -- an opportunity's account does not exist
    select
        'opportunity_account_unknown', 'warning', 'crm.opportunity', o.opportunity_id,
        'account_id ' || coalesce(o.account_id, '(null)') || ' is not a known account'
    from live_opportunities as o
    left join accounts as a on a.account_id = o.account_id
    where a.account_id is null

    union all

    -- identity map: a CRM user without an HR employee
    select
        'user_without_hr_employee', 'warning', 'crm.user', u.user_id,
        case
            when u.employee_id is null then 'employee_number is empty'
            else 'employee_number ' || u.employee_id || ' is not an HR employee'
        end
    from users as u
    left join employees as e on e.employee_id = u.employee_id
    where e.employee_id is null

    union all

    -- identity map: one HR employee behind several CRM users
    select
        'employee_linked_to_several_users', 'warning', 'crm.user', u.user_id,
        'employee_number ' || u.employee_id || ' is shared by ' || cast(shared.n_users as {{ dbt.type_string() }}) || ' users'
    from users as u
    inner join (
        select employee_id, count(*) as n_users from users where employee_id is not null group by employee_id having count(*) > 1
    ) as shared on shared.employee_id = u.employee_id

    union all

    -- ERP customer not linked to a CRM account
    select
        'erp_customer_without_crm_account', 'warning', 'erp.customer', c.customer_id,
        case
            when c.account_id is null then 'crm_account_id is empty'
            else 'crm_account_id ' || c.account_id || ' is not a known account'
        end
    from {{ ref('stg_erp__customers') }} as c
    left join accounts as a on a.account_id = c.account_id
    where a.account_id is null

    union all

    -- ERP order pointing at an opportunity the CRM does not have
    select
        'sales_order_opportunity_unknown', 'warning', 'erp.sales_order', so.sales_order_id,
        'crm_opportunity_id ' || so.opportunity_id || ' is not a known opportunity'
    from {{ ref('stg_erp__sales_orders') }} as so
    left join live_opportunities as o on o.opportunity_id = so.opportunity_id
    where so.opportunity_id is not null and o.opportunity_id is null

    union all

    -- history out of order: a change recorded before its opportunity was created
    select
        'history_before_opportunity_created', 'warning', 'crm.opportunity_history', h.opportunity_history_id,
        'changed at ' || cast(h.changed_at as {{ dbt.type_string() }}) || ', opportunity created at '
            || cast(o.created_at as {{ dbt.type_string() }})
    from live_history as h
    inner join live_opportunities as o on o.opportunity_id = h.opportunity_id
    where h.changed_at < o.created_at

    union all

    -- history out of order: two stage changes of one opportunity at the same instant
    -- (their order is ambiguous; the marts order them by history id)
    select
        'history_stage_changes_at_same_time', 'warning', 'crm.opportunity_history', e.stage_entry_id,
        'opportunity ' || e.opportunity_id || ' entered ' || e.stage_name || ' and left it at the same instant '
            || cast(e.entered_at as {{ dbt.type_string() }}) || '; ordered by history id'
    from {{ ref('int_opportunity_stages_sequenced') }} as e
    where e.exited_at = e.entered_at

    union all

    -- a stage that is not in the funnel standard
    select
        'stage_not_in_funnel_standard', 'error', 'crm.opportunity_history', h.opportunity_history_id,
        'stage_name ''' || h.stage_name || ''' is not in the funnel standard (config/funnel.yml); the stage entry is '
            || 'left out of conversion, time in stage and skip/regression detection'
    from live_history as h
    left join stages as s on s.stage_name = h.stage_name
    where s.stage_name is null

    union all

    -- funnel bad input (int_opportunities_quality_flagged): what each flag does to the funnel marts
    select
        'opportunity_amount_missing', 'error', 'crm.opportunity_history', f.opportunity_id,
        'amount is empty on {{ as_of_value() }}; left out of pipeline, waterfall, forecast, coverage and win-rate-by-amount metrics'
    from {{ ref('int_opportunities_quality_flagged') }} as f
    where f.is_amount_missing

    union all

    select
        'opportunity_amount_negative', 'error', 'crm.opportunity_history', f.opportunity_id,
        'amount ' || cast(o.amount as {{ dbt.type_string() }}) || ' is negative on {{ as_of_value() }}; left out of pipeline, '
            || 'waterfall, forecast, coverage and win-rate-by-amount metrics'
    from {{ ref('int_opportunities_quality_flagged') }} as f
    inner join {{ ref('int_opportunities_as_of') }} as o on o.opportunity_id = f.opportunity_id
    where f.is_amount_negative

    union all

    select
        'close_date_before_created', 'error', 'crm.opportunity', f.opportunity_id,
        'close_date ' || cast(o.close_date as {{ dbt.type_string() }}) || ' is before the created date '
            || cast(o.created_date as {{ dbt.type_string() }}) || '; left out of cycle length and velocity'
    from {{ ref('int_opportunities_quality_flagged') }} as f
    inner join {{ ref('int_opportunities_as_of') }} as o on o.opportunity_id = f.opportunity_id
    where f.is_close_before_created

    union all

    select
        'opportunity_stage_not_in_funnel_standard', 'error', 'crm.opportunity_history', f.opportunity_id,
        'stage ''' || o.stage_name || ''' on {{ as_of_value() }} is not in the funnel standard (config/funnel.yml); '
            || 'left out of pipeline, waterfall, forecast, coverage and the open-deal lists'
    from {{ ref('int_opportunities_quality_flagged') }} as f
    inner join {{ ref('int_opportunities_as_of') }} as o on o.opportunity_id = f.opportunity_id
    where f.is_current_stage_unknown

    union all

    -- an opportunity that existed on the as-of date but has no history by then (left out of the marts)
    select
        'opportunity_without_history', 'error', 'crm.opportunity', o.opportunity_id,
        'no opportunity_history row on or before {{ as_of_value() }}; left out of the marts'
    from {{ ref('stg_crm__opportunities') }} as o
    left join {{ ref('int_opportunities_as_of') }} as known
        on known.opportunity_id = o.opportunity_id
    where {{ to_business_date('o.created_at') }} <= {{ as_of }}
      and (o.deleted_at is null or {{ to_business_date('o.deleted_at') }} > {{ as_of }})
      and known.opportunity_id is null

    union all

    -- the current opportunity row disagrees with its latest history row (checked for rows
    -- last modified on or before the as-of date, whose latest history is the as-of state)
    select
        'opportunity_differs_from_history', 'warning', 'crm.opportunity', o.opportunity_id,
        'current stage/amount ' || o.stage_name || ' / ' || coalesce(cast(o.amount as {{ dbt.type_string() }}), '(null)')
            || ', latest history ' || h.stage_name || ' / ' || coalesce(cast(h.amount as {{ dbt.type_string() }}), '(null)')
    from live_opportunities as o
    inner join {{ ref('int_opportunities_as_of') }} as h
        on h.opportunity_id = o.opportunity_id
    where {{ to_business_date('o.modified_at') }} <= {{ as_of }}
      and (o.stage_name <> h.stage_name or coalesce(o.amount, -1) <> coalesce(h.amount, -1))

    union all

    -- a won opportunity whose close date lies after the as-of date (booked in the as-of month)
    select
        'won_close_date_after_as_of', 'warning', 'crm.opportunity', o.opportunity_id,
        'won with close_date ' || cast(o.close_date as {{ dbt.type_string() }}) || ' after {{ as_of_value() }}'
    from {{ ref('int_opportunities_as_of') }} as o
    where o.is_won and o.close_date > {{ as_of }}

    union all

    -- no FX rate to convert an opportunity amount
    select
        'missing_fx_rate', 'error', 'crm.opportunity', o.opportunity_id,
        'no ' || '{{ var("fx_rate_type") }}' || ' rate for ' || o.currency || ' in or before '
            || cast(o.fx_month as {{ dbt.type_string() }}) || '; amount_reporting is null'
    from {{ ref('int_opportunities_as_of') }} as o
    where o.amount is not null and o.amount_reporting is null

    union all

    -- quotas: unknown owner
    select
        'quota_owner_unknown', 'warning', 'crm.forecasting_quota', q.forecasting_quota_id,
        'quota_owner_id ' || coalesce(q.quota_owner_user_id, '(null)') || ' is not a known user'
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    left join users as u on u.user_id = q.quota_owner_user_id
    where u.user_id is null

    union all

    -- quotas: several all-product quota rows for one owner-month (target_vs_actual sums them)
    select
        'quota_duplicated', 'warning', 'crm.forecasting_quota', q.forecasting_quota_id,
        cast(d.n_rows as {{ dbt.type_string() }}) || ' all-product quota rows for owner ' || q.quota_owner_user_id
            || ' in ' || cast(q.quota_month as {{ dbt.type_string() }}) || '; summed'
    from {{ ref('stg_crm__forecasting_quotas') }} as q
    inner join (
        select quota_owner_user_id, quota_month, count(*) as n_rows
        from {{ ref('stg_crm__forecasting_quotas') }}
        where product_family is null
        group by quota_owner_user_id, quota_month
        having count(*) > 1
    ) as d on d.quota_owner_user_id = q.quota_owner_user_id and d.quota_month = q.quota_month
    where q.product_family is null

    union all

    -- HR: overlapping assignment periods of one employee (roll-ups would double count)
    select
        'job_assignments_overlap', 'error', 'hr.job_assignment', a.job_assignment_id || '~' || b.job_assignment_id,
        'assignments ' || a.job_assignment_id || ' and ' || b.job_assignment_id || ' of employee ' || a.employee_id || ' overlap'
    from {{ ref('stg_hr__job_assignments') }} as a
    inner join {{ ref('stg_hr__job_assignments') }} as b
        on b.employee_id = a.employee_id
        and b.job_assignment_id <> a.job_assignment_id
        and a.effective_from_date <= coalesce(b.effective_to_date, cast('9999-12-31' as date))
        and b.effective_from_date <= coalesce(a.effective_to_date, cast('9999-12-31' as date))
        and a.job_assignment_id < b.job_assignment_id

    union all

    -- revenue splits of an opportunity that do not total 100%
    select
        'revenue_splits_not_100_percent', 'warning', 'crm.opportunity_split', s.opportunity_id,
        'revenue splits of opportunity ' || s.opportunity_id || ' total ' || cast(sum(s.split_fraction) * 100 as {{ dbt.type_string() }}) || '%'
    from {{ ref('stg_crm__opportunity_splits') }} as s
    where s.split_type = 'Revenue'
    group by s.opportunity_id
    having sum(s.split_fraction) <> 1

),

final as (

    select
        finding_type || ':' || record_id as finding_id,
        finding_type,
        severity,
        source_table,
        record_id,
        detail,
        {{ as_of }} as as_of_date
    from findings

)

select * from final
