{#-
    One row per contest x eligible person (as of the as-of date). Per person: amount (won bookings in
    the window, reporting currency), deal_count (distinct deals - accounts for new_logos - with a
    positive amount), achievement_date (the last line counted: when the final score was reached),
    attainment (amount / quota of the window's months, ranking_by attainment only). The score is the
    ranking basis; only scores above min_value are ranked. rank() = competition ranking "1, 2, 2, 4" on
    (score, tie-breaks in the configured order: achievement_date earlier wins, deal_count more wins,
    amount more wins); people equal on all of them share the rank and each wins the tier's prize.
-#}
with

contests as (

    select
        *,
        least(end_date, {{ as_of_date() }}) as window_end_date,
        case
            when {{ as_of_date() }} < start_date then 'upcoming'
            when {{ as_of_date() }} >= end_date then 'final'
            else 'running'
        end as contest_status
    from {{ ref('stg_config__contests') }}

),

eligibility as (

    select * from {{ ref('stg_config__contest_eligibility') }}

),

reps as (

    select * from {{ ref('int_reps_assigned') }}
    where user_id is not null

),

-- people eligible on the contest's evaluation date (its end, or the as-of date while it runs)
participants as (

    select
        contests.contest_id,
        reps.user_id as payee_id,
        reps.user_name as payee_name,
        reps.sales_role,
        reps.region_name,
        reps.team_name
    from contests
    inner join reps
        on contests.window_end_date between reps.valid_from_date and reps.valid_to_date
    where exists (
            select 1 from eligibility as e
            where e.contest_id = contests.contest_id and e.dimension = 'role' and e.eligible_value = reps.sales_role
        )
        and (
            not exists (select 1 from eligibility as e where e.contest_id = contests.contest_id and e.dimension = 'region')
            or exists (
                select 1 from eligibility as e
                where e.contest_id = contests.contest_id and e.dimension = 'region'
                    and e.eligible_value in (reps.region_id, reps.region_name)
            )
        )
        and (
            not exists (
                select 1 from eligibility as e where e.contest_id = contests.contest_id and e.dimension = 'business_unit'
            )
            or exists (
                select 1 from eligibility as e
                where e.contest_id = contests.contest_id and e.dimension = 'business_unit'
                    and e.eligible_value in (reps.business_unit_id, reps.business_unit_name)
            )
        )

),

lines as (

    select
        contests.contest_id,
        opps.owner_user_id as payee_id,
        opps.closed_date as line_date,
        opps.amount_reporting as amount,
        case when contests.measure = 'new_logos' then opps.account_id else opps.opportunity_id end as deal_key
    from contests
    inner join {{ ref('opportunities') }} as opps
        on opps.closed_date between contests.start_date and contests.window_end_date
    where opps.is_won
        and contests.line_source = 'opportunities'
        and (contests.measure = 'bookings' or (contests.measure = 'new_logos' and opps.opportunity_type = 'New Business'))

),

deals as (

    select contest_id, payee_id, deal_key, sum(amount) as amount, max(line_date) as last_line_date
    from lines
    group by contest_id, payee_id, deal_key

),

totals as (

    select
        contest_id,
        payee_id,
        sum(amount) as amount,
        sum(case when amount > 0 then 1 else 0 end) as deal_count,
        max(last_line_date) as achievement_date
    from deals
    group by contest_id, payee_id

),

quotas as (

    select contests.contest_id, tva.user_id as payee_id, sum(tva.quota) as quota
    from contests
    inner join {{ ref('target_vs_actual') }} as tva
        on tva.month_start between {{ month_start('contests.start_date') }} and contests.end_date
    where contests.ranking_by = 'attainment'
    group by contests.contest_id, tva.user_id

),

measured as (

    select
        participants.*,
        contests.contest_name,
        contests.contest_status,
        contests.start_date,
        contests.end_date,
        contests.measure,
        contests.ranking_by,
        contests.ranking_order,
        contests.min_value,
        contests.tie_break_1,
        contests.tie_break_2,
        contests.tie_break_3,
        {{ to_money('coalesce(totals.amount, 0)') }} as amount,
        cast(coalesce(totals.deal_count, 0) as integer) as deal_count,
        totals.achievement_date,
        {{ to_money('quotas.quota') }} as quota,
        {{ safe_divide('coalesce(totals.amount, 0)', 'quotas.quota', 'rate') }} as attainment
    from participants
    inner join contests on participants.contest_id = contests.contest_id
    left join totals
        on participants.contest_id = totals.contest_id and participants.payee_id = totals.payee_id
    left join quotas
        on participants.contest_id = quotas.contest_id and participants.payee_id = quotas.payee_id

),

scored as (

    select
        *,
        cast(case ranking_by
            when 'amount' then amount
            when 'count' then deal_count
            else attainment
        end as decimal(24, 6)) as score
    from measured

),

{#- every tie-break as a number where smaller is better -#}
{%- set tie_break_key -%}
    case {tb}
        when 'achievement_date' then coalesce({{ dbt.datediff("cast('2000-01-01' as date)", 'achievement_date', 'day') }}, 999999)
        when 'deal_count' then -deal_count
        when 'amount' then -amount
        else 0
    end
{%- endset %}

ranked as (

    select
        contest_id,
        payee_id,
        rank() over (
            partition by contest_id
            order by
                case when ranking_order = 'desc' then -score else score end,
                cast({{ tie_break_key.replace('{tb}', 'tie_break_1') }} as decimal(24, 6)),
                cast({{ tie_break_key.replace('{tb}', 'tie_break_2') }} as decimal(24, 6)),
                cast({{ tie_break_key.replace('{tb}', 'tie_break_3') }} as decimal(24, 6))
        ) as contest_rank
    from scored
    where score is not null and score > min_value

),

final as (

    select
        scored.contest_id || ':' || scored.payee_id as leaderboard_id,
        scored.contest_id,
        scored.contest_name,
        scored.contest_status,
        scored.start_date,
        scored.end_date,
        scored.payee_id,
        scored.payee_name,
        scored.sales_role,
        scored.region_name,
        scored.team_name,
        scored.measure,
        scored.ranking_by,
        scored.amount,
        '{{ var("reporting_currency") }}' as currency,
        scored.deal_count,
        scored.quota,
        scored.attainment,
        scored.score,
        scored.achievement_date,
        ranked.contest_rank is not null as is_ranked,
        cast(ranked.contest_rank as integer) as contest_rank,
        tiers.prize,
        tiers.prize is not null as is_winner,
        {{ as_of_date() }} as as_of_date
    from scored
    left join ranked
        on scored.contest_id = ranked.contest_id and scored.payee_id = ranked.payee_id
    left join {{ ref('stg_config__contest_prize_tiers') }} as tiers
        on scored.contest_id = tiers.contest_id and ranked.contest_rank between tiers.from_rank and tiers.to_rank

)

select * from final
