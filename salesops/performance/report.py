"""`salesops report performance`: the headline tables of the performance marts.

Plain functions: `load_report` reads the marts (as of the date they were built
for) into plain data, `render` prints it with rich. Money stays Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from salesops import warehouse
from salesops.settings import Settings

RAG_STYLE = {"green": "green", "amber": "yellow", "red": "red"}
MARTS = ("target_attainment", "kpi_tree_attribution", "manager_action_list")


class ReportError(RuntimeError):
    """The marts are missing or built for another date; the message says what to run."""


@dataclass
class PerformanceReport:
    as_of: date
    attainment: list[dict[str, Any]] = field(default_factory=list)   # company / BU / region x mtd, qtd, ytd
    top_gaps: list[dict[str, Any]] = field(default_factory=list)     # reps furthest behind the YTD pace
    kpi_tree: list[dict[str, Any]] = field(default_factory=list)     # company rows, mtd / qtd / ytd
    actions: list[dict[str, Any]] = field(default_factory=list)      # top 10 of the company
    actions_by_rule: dict[str, int] = field(default_factory=dict)


def load_report(settings: Settings, as_of: date | None = None, *, top: int = 10) -> PerformanceReport:
    q = lambda sql, **p: warehouse.read_rows(settings, sql, p)  # noqa: E731
    try:
        built = q("select max(as_of_date) as as_of, count(*) as n from marts.target_attainment")[0]
    except Exception as e:  # the mart does not exist yet
        raise ReportError(
            f"marts.target_attainment is not in the warehouse ({type(e).__name__}); run "
            "`salesops dbt build --select +target_attainment+ +kpi_tree_attribution +manager_action_list` first"
        ) from None
    if not built["n"]:
        raise ReportError("marts.target_attainment is empty: no targets or bookings in the fiscal year of the as-of date")
    built_as_of = built["as_of"] if isinstance(built["as_of"], date) else date.fromisoformat(str(built["as_of"])[:10])
    if as_of is not None and as_of != built_as_of:
        raise ReportError(
            f"the performance marts were built as of {built_as_of}, not {as_of}; rebuild them with "
            f"`SALESOPS_AS_OF={as_of} salesops dbt build --select +manager_action_list +kpi_tree_attribution`"
        )
    report = PerformanceReport(as_of=built_as_of)
    report.attainment = q("""
        select node_type, node_id, node_name, period, target_source, target_period, target_to_date, bookings_to_date,
               gap_to_date, pace, attainment, seasonal_projection, run_rate_projection, pace_rag, attainment_rag
        from marts.target_attainment
        where node_type in ('company', 'business_unit', 'region')
        order by case node_type when 'company' then 0 when 'business_unit' then 1 else 2 end, node_name, period""")
    report.top_gaps = q("""
        select node_id, node_name, manager_name, target_to_date, bookings_to_date, gap_to_date, pace, pace_rag
        from marts.target_attainment
        where node_type = 'rep' and period = 'ytd' and gap_to_date > 0
        order by gap_to_date desc, node_id
        limit :top""", top=top)
    report.kpi_tree = q("""
        select * from marts.kpi_tree_attribution where node_type = 'company' order by period""")
    report.actions = q("""
        select company_rank, manager_name, rep_name, rule_title, severity, evidence_text, suggested_action
        from marts.manager_action_list order by company_rank limit :top""", top=top)
    report.actions_by_rule = {
        r["rule_name"]: int(r["n"])
        for r in q("select rule_name, count(*) as n from marts.manager_action_list group by rule_name order by n desc, rule_name")
    }
    return report


def money(v: Decimal | None) -> str:
    if v is None:
        return "-"
    return f"-{abs(v):,.0f}" if v < 0 else f"{v:,.0f}"


def pct(v: Decimal | None, rag: str | None = None) -> str:
    if v is None:
        return "-"
    text = f"{v * 100:.1f}%"
    return f"[{RAG_STYLE[rag]}]{text}[/]" if rag in RAG_STYLE else text


def render(console: Console, r: PerformanceReport, currency: str = "CNY") -> None:
    console.print(f"[bold]Sales performance as of {r.as_of}[/] (money in {currency}; pace = bookings / "
                  "seasonality-weighted target to date)")

    t = Table(title="Attainment by node (RAG: pace / attainment)")
    for col in ("node", "type", "MTD pace", "QTD pace", "QTD att.", "YTD bookings", "YTD target", "YTD pace",
                "YTD att.", "YTD projection", "target source"):
        t.add_column(col, justify="left" if col in ("node", "type", "target source") else "right")
    by_node: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in r.attainment:
        by_node.setdefault((row["node_type"], row["node_id"]), {})[row["period"]] = row
    for (node_type, _), periods in by_node.items():
        m, qd, y = periods.get("mtd", {}), periods.get("qtd", {}), periods.get("ytd", {})
        name = (y or qd or m).get("node_name", "")
        t.add_row(
            name, node_type.replace("_", " "), pct(m.get("pace"), m.get("pace_rag")), pct(qd.get("pace"), qd.get("pace_rag")),
            pct(qd.get("attainment"), qd.get("attainment_rag")), money(y.get("bookings_to_date")),
            money(y.get("target_period")), pct(y.get("pace"), y.get("pace_rag")),
            pct(y.get("attainment"), y.get("attainment_rag")), money(y.get("seasonal_projection")), y.get("target_source", ""),
        )
    console.print(t)

    t = Table(title="Top gaps: reps furthest behind the seasonality-weighted YTD target")
    for col in ("rep", "manager", "target to date", "bookings", "gap", "pace"):
        t.add_column(col, justify="left" if col in ("rep", "manager") else "right")
    for g in r.top_gaps:
        t.add_row(g["node_name"], g["manager_name"] or "", money(g["target_to_date"]), money(g["bookings_to_date"]),
                  money(g["gap_to_date"]), pct(g["pace"], g["pace_rag"]))
    console.print(t)

    t = Table(title="KPI tree of the company: bookings = leads x lead conversion x win rate x avg deal size, vs last year (LMDI)")
    for col in ("period", "bookings LY", "bookings", "variance", "leads", "conversion", "win rate", "deal size", "unexplained"):
        t.add_column(col, justify="left" if col == "period" else "right")
    for k in r.kpi_tree:
        t.add_row(k["period"].upper(), money(k["bookings_prior"]), money(k["bookings_current"]), money(k["variance"]),
                  money(k["lead_effect"]), money(k["conversion_effect"]), money(k["win_rate_effect"]),
                  money(k["deal_size_effect"]), money(k["unexplained_effect"]))
    console.print(t)
    ytd = next((k for k in r.kpi_tree if k["period"] == "ytd"), None)
    if ytd:
        console.print(
            f"  YTD drivers LY -> now: leads {ytd['leads_prior']:,} -> {ytd['leads_current']:,}; "
            f"opportunities per lead {ytd['lead_conversion_prior']:.2f} -> {ytd['lead_conversion_current']:.2f}; "
            f"win rate {pct(ytd['win_rate_prior'])} -> {pct(ytd['win_rate_current'])}; "
            f"avg deal {money(ytd['avg_deal_size_prior'])} -> {money(ytd['avg_deal_size_current'])}"
        )

    t = Table(title="Manager action list: top 10")
    for col in ("#", "manager", "rep", "diagnosis", "sev.", "evidence", "action"):
        t.add_column(col, overflow="fold")
    for a in r.actions:
        t.add_row(str(a["company_rank"]), a["manager_name"] or "", a["rep_name"] or "", a["rule_title"], str(a["severity"]),
                  a["evidence_text"], a["suggested_action"])
    console.print(t)
    counts = ", ".join(f"{k} {v}" for k, v in r.actions_by_rule.items()) or "none"
    console.print(f"actions by rule: {counts} (total {sum(r.actions_by_rule.values())})")
