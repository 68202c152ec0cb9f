-- The prize winners of every contest: provisional while the contest runs (contest_status = 'running').
select
    leaderboard_id,
    contest_id,
    contest_name,
    contest_status,
    contest_rank,
    payee_id,
    payee_name,
    region_name,
    prize,
    ranking_by,
    score,
    amount,
    currency,
    deal_count,
    achievement_date,
    as_of_date
from {{ ref('contest_leaderboard') }}
where is_winner
