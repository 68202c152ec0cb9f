"""Planning: target decomposition (and, later, territories, headcount, budgets)."""
