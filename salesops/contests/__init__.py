"""Sales contests (销售竞赛) and recognition (销售认可): leaderboards, winners, qualifier lists.
Plain functions, no Dagster imports; configs in config/contests/*.yml and config/recognition.yml."""
