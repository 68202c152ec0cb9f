"""Commission statements (对账单): one HTML + PDF file per payee per period, built from the
compensation engine's output (`compensation.payouts`, `.adjustments`, `.periods`) and the
crediting ledger (`marts.comp_credits`). Plain functions, no Dagster imports."""
