"""The only place territory design reads the warehouse: accounts and people as plain data.

Reads the dbt models `staging.stg_crm__accounts`, `staging.stg_crm__users` and
`intermediate.int_reps_assigned` (HR hierarchy joined to CRM users through the identity link)."""

from __future__ import annotations

from datetime import date

from salesops.planning.territories.model import Account, Person
from salesops.settings import Settings
from salesops.warehouse import read_rows

DBT_MODELS = [("staging", "stg_crm__accounts"), ("staging", "stg_crm__users"), ("intermediate", "int_reps_assigned")]


def read_accounts(settings: Settings) -> list[Account]:
    rows = read_rows(settings, """
        select account_id, owner_user_id, segment, potential_amount, billing_country, billing_state, billing_city,
               is_key_account, account_name, currency
        from staging.stg_crm__accounts
        order by account_id""")
    return [Account(account_id=r["account_id"], owner_id=r["owner_user_id"], segment=r["segment"],
                    potential=r["potential_amount"], country=r["billing_country"], state=r["billing_state"],
                    city=r["billing_city"], is_key_account=bool(r["is_key_account"]), name=r["account_name"],
                    currency=r["currency"])
            for r in rows]


def read_people(settings: Settings, as_of: date) -> list[Person]:
    """Every CRM user with the HR assignment valid on `as_of`; a user whose assignments all ended before
    `as_of` (a leaver) keeps the last region and is inactive; a user with no HR assignment has no region."""
    rows = read_rows(settings, """
        select u.user_id, u.user_name, u.is_active as crm_active,
               r.region_id, r.region_name, r.sales_role, r.termination_date, r.valid_from_date, r.valid_to_date
        from staging.stg_crm__users as u
        left join intermediate.int_reps_assigned as r
            on r.user_id = u.user_id and r.valid_from_date <= :as_of
        order by u.user_id, r.valid_from_date""", {"as_of": as_of})
    chosen: dict[str, dict] = {}
    for r in rows:  # ordered by valid_from: the last one starting on or before as_of wins
        chosen[r["user_id"]] = r
    people = []
    for user_id, r in chosen.items():
        current = r["valid_to_date"] is not None and r["valid_to_date"] >= as_of
        left = r["termination_date"] is not None and r["termination_date"] <= as_of
        people.append(Person(user_id=user_id, region_id=r["region_id"], sales_role=r["sales_role"],
                             name=r["user_name"], region_name=r["region_name"],
                             is_active=bool(r["crm_active"]) and current and not left))
    return people
