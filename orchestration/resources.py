"""Resources: the settings object every asset reads, built when a run starts."""


import dagster as dg

from salesops.settings import Settings, get_settings


class SettingsResource(dg.ConfigurableResource):
    """salesops settings from the environment / `.env`; `data_dir` may be overridden (tests, backfills)."""

    data_dir: str | None = None

    def get(self) -> Settings:
        return get_settings(**({"data_dir": self.data_dir} if self.data_dir else {}))
