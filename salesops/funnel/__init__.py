"""Funnel management (seed module 9, 销售漏斗管理): the funnel standard as config,
its warehouse tables, and the terminal report of the funnel marts."""
