"""Sales performance management (销售绩效管理): KPI registry, diagnostic rules, report."""
