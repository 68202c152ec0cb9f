-- KPI tree: in every row the driver effects add up to the variance exactly,
-- and the variance is bookings_current - bookings_prior.
select *
from {{ ref('kpi_tree_attribution') }}
where lead_effect + conversion_effect + win_rate_effect + deal_size_effect + unexplained_effect <> variance
   or bookings_current - bookings_prior <> variance
