"""Territory design (区域划分): align accounts to reps within their region, balancing potential and
workload, minimising disruption; key accounts locked, cities kept whole. Plain functions, no Dagster.

config.py   config/territories.yml, validated      model.py    inputs -> per-region problems
solver.py   HiGHS MIP, greedy heuristic, exhaustive metrics.py  balance index, CV, disruption (Decimal)
propose.py  the proposal (pure)                     source.py   the one warehouse reader
store.py    proposals / approved alignment tables   cli.py      `salesops territories ...`
"""
