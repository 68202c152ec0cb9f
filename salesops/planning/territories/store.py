"""Proposals and approved alignments in the warehouse (through salesops/warehouse.py).

`planning.territory_proposals`: one row per proposal x account (append-only; writing a proposal changes
nothing else). `planning.territory_alignment`: the approved alignment, effective dated, one row per
account x validity period; written only by `apply_proposal` (the explicit approval)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from salesops.planning.territories.config import TerritoryConfigError
from salesops.planning.territories.propose import Proposal
from salesops.settings import Settings
from salesops.warehouse import create_table, insert_rows, table_exists, transaction

SCHEMA = "planning"
PROPOSALS = "territory_proposals"
ALIGNMENT = "territory_alignment"

PROPOSAL_COLUMNS = {
    "proposal_id": "varchar", "created_at": "timestamp", "as_of_date": "date", "unit_id": "varchar",
    "unit_type": "varchar", "account_id": "varchar", "city": "varchar", "province": "varchar",
    "country": "varchar", "segment": "varchar", "region_id": "varchar", "from_rep_id": "varchar",
    "to_rep_id": "varchar", "is_moved": "boolean", "potential": "decimal(18,2)",
    "currency": "varchar", "workload_hours": "decimal(18,2)",
    "is_locked": "boolean", "reason": "varchar", "method": "varchar",
}
ALIGNMENT_COLUMNS = {
    "alignment_id": "varchar", "account_id": "varchar", "region_id": "varchar", "rep_id": "varchar",
    "unit_id": "varchar", "effective_from": "date", "effective_to": "date", "proposal_id": "varchar",
    "approved_at": "timestamp", "approved_by": "varchar",
}


def write_proposal(settings: Settings, proposal: Proposal) -> bool:
    """Append the proposal's rows; False (nothing written) if a proposal with the same id exists already
    (same inputs, config and result: rerunning does not duplicate it)."""
    with transaction(settings) as conn:
        create_table(conn, SCHEMA, PROPOSALS, PROPOSAL_COLUMNS)
        exists = conn.execute(sa.text(f'select count(*) from "{SCHEMA}"."{PROPOSALS}" where proposal_id = :p'),
                              {"p": proposal.proposal_id}).fetchall()[0][0]
        if exists:
            return False
        insert_rows(conn, SCHEMA, PROPOSALS, PROPOSAL_COLUMNS, proposal.rows)
        return True


def apply_proposal(settings: Settings, proposal_id: str, *, approved_at: datetime, approved_by: str,
                   effective_from: date | None = None) -> dict:
    """The explicit approval: write the proposal's accounts into planning.territory_alignment from
    `effective_from` (default: the day after the proposal's as-of date); accounts the proposal could
    not align (owner without region) are not written. Accounts whose open alignment row
    already has the same rep and region are left as they are; other open rows are closed the day before.
    Returns counts; applying the same proposal twice changes nothing the second time."""
    with transaction(settings) as conn:
        if not table_exists(conn, SCHEMA, PROPOSALS):
            raise TerritoryConfigError(f"proposal {proposal_id}: no proposals yet ({SCHEMA}.{PROPOSALS} does not "
                                       "exist); run `salesops territories propose` first")
        rows = [dict(r._mapping) for r in conn.execute(sa.text(
            f'select account_id, region_id, to_rep_id, unit_id, as_of_date from "{SCHEMA}"."{PROPOSALS}" '
            'where proposal_id = :p order by account_id'), {"p": proposal_id})]
        not_aligned = sum(1 for r in rows if r["region_id"] is None)
        if not rows:
            raise TerritoryConfigError(f"proposal {proposal_id}: unknown proposal id (rule: apply an id listed in "
                                       f"{SCHEMA}.{PROPOSALS})")
        create_table(conn, SCHEMA, ALIGNMENT, ALIGNMENT_COLUMNS)
        already = conn.execute(sa.text(f'select count(*) from "{SCHEMA}"."{ALIGNMENT}" where proposal_id = :p'),
                               {"p": proposal_id}).fetchall()[0][0]
        start = effective_from or rows[0]["as_of_date"] + timedelta(days=1)
        rows = [r for r in rows if r["region_id"] is not None]  # owner without region: not aligned, not approved
        if already:
            return {"proposal_id": proposal_id, "effective_from": start, "inserted": 0, "closed": 0,
                    "unchanged": len(rows), "not_aligned": not_aligned, "already_applied": True}
        open_rows = {r.account_id: r for r in conn.execute(sa.text(
            f'select account_id, rep_id, region_id, effective_from from "{SCHEMA}"."{ALIGNMENT}" '
            'where effective_to is null'))}
        new, close, unchanged = [], [], 0
        for r in rows:
            cur = open_rows.get(r["account_id"])
            if cur is not None and cur.rep_id == r["to_rep_id"] and cur.region_id == r["region_id"]:
                unchanged += 1
                continue
            if cur is not None:
                if cur.effective_from >= start:
                    raise TerritoryConfigError(
                        f"proposal {proposal_id}: account {r['account_id']} has an alignment from "
                        f"{cur.effective_from}; the new one must start later (got effective_from {start})")
                close.append({"a": r["account_id"], "to": start - timedelta(days=1)})
            new.append({"alignment_id": f"{r['account_id']}:{start.isoformat()}", "account_id": r["account_id"],
                        "region_id": r["region_id"], "rep_id": r["to_rep_id"], "unit_id": r["unit_id"],
                        "effective_from": start, "effective_to": None, "proposal_id": proposal_id,
                        "approved_at": approved_at, "approved_by": approved_by})
        if close:
            conn.execute(sa.text(f'update "{SCHEMA}"."{ALIGNMENT}" set effective_to = :to '
                                 'where account_id = :a and effective_to is null'), close)
        insert_rows(conn, SCHEMA, ALIGNMENT, ALIGNMENT_COLUMNS, new)
        return {"proposal_id": proposal_id, "effective_from": start, "inserted": len(new), "closed": len(close),
                "unchanged": unchanged, "not_aligned": not_aligned, "already_applied": False}
