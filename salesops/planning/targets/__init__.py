"""Target setting and decomposition (指标设定和分解): the versioned target ledger.

- `config`  the plan YAML (pydantic, extra keys forbidden, errors name file, key path and rule)
- `engine`  pure decomposition: weights per method, padding, fixed amounts, growth bounds,
            new-hire ramp with a hold at the parent, seasonality, largest-remainder rounding
- `history` the one module that reads the warehouse (plain data out)
- `ledger`  ledger rows, checksums, versions (draft / published, immutable) in schema `planning`
"""

from salesops.planning.targets.config import PlanConfig, PlanConfigError, load_plan
from salesops.planning.targets.engine import DecompositionError, decompose

__all__ = ["DecompositionError", "PlanConfig", "PlanConfigError", "decompose", "load_plan"]
