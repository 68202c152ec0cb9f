-- One row per rep (CRM user, or an unknown owner id found on facts) x business
-- month, from the rep's first month with any fact to the as-of month (or the
-- month of the HR termination, whichever is earlier, unless facts continue).
-- Facts by the opportunity OWNER (owner credit; splits are for compensation):
--   bookings / n_won / n_lost: opportunities won / lost as of the as-of date,
--     by close-date month (a close date after the as-of month counts in the
--     as-of month, so the months add up to all won bookings);
--   pipeline_created / n_opps_created: opportunities by created month;
--   n_tasks / n_events: activities dated in the month, up to the as-of date.
-- Money in var('reporting_currency').
with

months as (

    select month_start, month_end from {{ ref('int_months_spined') }}

),

opportunities as (

    select
        owner_user_id,
        is_won,
        is_lost,
        amount_reporting,
        {{ month_start('created_date') }} as created_month,
        least({{ month_start('close_date') }}, {{ as_of_month() }}) as close_month
    from {{ ref('int_opportunities_as_of') }}

),

tasks as (

    select owner_user_id, {{ month_start('activity_date') }} as activity_month, task_status
    from {{ ref('stg_crm__tasks') }}
    where activity_date <= {{ as_of_date() }}
      and {{ to_business_date('created_at') }} <= {{ as_of_date() }}

),

events as (

    select owner_user_id, {{ month_start(to_business_date('started_at')) }} as activity_month
    from {{ ref('stg_crm__events') }}
    where {{ to_business_date('started_at') }} <= {{ as_of_date() }}
      and {{ to_business_date('created_at') }} <= {{ as_of_date() }}

),

quotas as (

    select quota_owner_user_id as owner_user_id, quota_month
    from {{ ref('stg_crm__forecasting_quotas') }}
    where product_family is null
      and quota_month <= {{ as_of_month() }}

),

closed as (

    select
        owner_user_id,
        close_month as month_start,
        {{ to_money('sum(case when is_won then amount_reporting else 0 end)') }} as bookings,
        {{ to_money('sum(case when is_lost then amount_reporting else 0 end)') }} as lost_amount,
        cast(sum(case when is_won then 1 else 0 end) as integer) as n_won,
        cast(sum(case when is_lost then 1 else 0 end) as integer) as n_lost
    from opportunities
    where is_won or is_lost
    group by owner_user_id, close_month

),

created as (

    select
        owner_user_id,
        created_month as month_start,
        {{ to_money('coalesce(sum(amount_reporting), 0)') }} as pipeline_created,
        cast(count(*) as integer) as n_opps_created
    from opportunities
    group by owner_user_id, created_month

),

task_counts as (

    select
        owner_user_id,
        activity_month as month_start,
        cast(count(*) as integer) as n_tasks,
        cast(sum(case when task_status = 'Completed' then 1 else 0 end) as integer) as n_tasks_completed
    from tasks
    group by owner_user_id, activity_month

),

event_counts as (

    select owner_user_id, activity_month as month_start, cast(count(*) as integer) as n_events
    from events
    group by owner_user_id, activity_month

),

fact_months as (

    select owner_user_id, month_start from closed
    union all
    select owner_user_id, month_start from created
    union all
    select owner_user_id, month_start from task_counts
    union all
    select owner_user_id, month_start from event_counts
    union all
    select owner_user_id, quota_month from quotas

),

reps as (

    select user_id, user_name, employee_id, termination_date
    from (
        select
            user_id,
            user_name,
            employee_id,
            termination_date,
            row_number() over (partition by user_id order by valid_from_date desc) as n
        from {{ ref('int_reps_assigned') }}
    ) as latest
    where n = 1

),

rep_spans as (

    select
        fact_months.owner_user_id as user_id,
        min(fact_months.month_start) as first_month,
        max(fact_months.month_start) as last_fact_month
    from fact_months
    where fact_months.owner_user_id is not null
    group by fact_months.owner_user_id

),

rep_months as (

    select
        rep_spans.user_id,
        months.month_start,
        months.month_end
    from rep_spans
    left join reps
        on reps.user_id = rep_spans.user_id
    inner join months
        on months.month_start >= rep_spans.first_month
        and months.month_start <= case
            when reps.termination_date is null then {{ as_of_month() }}
            when {{ month_start('reps.termination_date') }} >= rep_spans.last_fact_month
                then least({{ month_start('reps.termination_date') }}, {{ as_of_month() }})
            else rep_spans.last_fact_month
        end

),

final as (

    select
        -- ids
        rep_months.user_id || '-' || cast(rep_months.month_start as {{ dbt.type_string() }}) as rep_month_id,
        rep_months.user_id,

        -- strings
        reps.user_name,
        '{{ var("reporting_currency") }}' as reporting_currency,

        -- numerics
        coalesce(closed.bookings, {{ to_money(0) }}) as bookings,
        coalesce(closed.n_won, 0) as n_won,
        coalesce(closed.n_lost, 0) as n_lost,
        {{ safe_divide('coalesce(closed.n_won, 0)', 'coalesce(closed.n_won, 0) + coalesce(closed.n_lost, 0)') }} as win_rate,
        {{ safe_divide('coalesce(closed.bookings, 0)', 'coalesce(closed.bookings, 0) + coalesce(closed.lost_amount, 0)') }}
            as win_rate_by_amount,
        {{ safe_divide('closed.bookings', 'closed.n_won', 'money') }} as avg_deal_size,
        coalesce(created.pipeline_created, {{ to_money(0) }}) as pipeline_created,
        coalesce(created.n_opps_created, 0) as n_opps_created,
        coalesce(task_counts.n_tasks, 0) as n_tasks,
        coalesce(task_counts.n_tasks_completed, 0) as n_tasks_completed,
        coalesce(event_counts.n_events, 0) as n_events,
        coalesce(task_counts.n_tasks, 0) + coalesce(event_counts.n_events, 0) as n_activities,

        -- booleans
        reps.user_id is not null as is_known_user,
        rep_months.month_start = {{ as_of_month() }} and rep_months.month_end > {{ as_of_date() }} as is_partial_month,

        -- dates
        rep_months.month_start,
        {{ as_of_date() }} as as_of_date

    from rep_months
    left join reps
        on reps.user_id = rep_months.user_id
    left join closed
        on closed.owner_user_id = rep_months.user_id and closed.month_start = rep_months.month_start
    left join created
        on created.owner_user_id = rep_months.user_id and created.month_start = rep_months.month_start
    left join task_counts
        on task_counts.owner_user_id = rep_months.user_id and task_counts.month_start = rep_months.month_start
    left join event_counts
        on event_counts.owner_user_id = rep_months.user_id and event_counts.month_start = rep_months.month_start

)

select * from final
