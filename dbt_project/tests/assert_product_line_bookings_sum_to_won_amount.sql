-- Bookings split over product lines add up to each won opportunity's amount.
with

allocated as (
    select opportunity_id, sum(bookings) as bookings
    from {{ ref('int_bookings_allocated_to_product_lines') }}
    group by opportunity_id
)

select won.opportunity_id, won.amount_reporting, allocated.bookings
from {{ ref('int_opportunities_as_of') }} as won
left join allocated on allocated.opportunity_id = won.opportunity_id
where won.is_won and (allocated.bookings is null or allocated.bookings <> won.amount_reporting)
