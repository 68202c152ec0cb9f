-- Every funnel cohort is partitioned by the as-of state of its members:
-- entered = won + lost + still open, and reached_later never exceeds entered.
select *
from {{ ref('funnel_stage_conversion') }}
where n_entered <> n_won + n_lost + n_open
   or n_reached_later > n_entered
   or n_skipped > n_entered
