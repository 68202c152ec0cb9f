"""The demo company: a seeded, deterministic generator of CRM, ERP and HR
source databases shaped exactly like the source contracts."""

from salesops.demo.generator import DEMO_AS_OF, GENERATOR_VERSION, generate

__all__ = ["DEMO_AS_OF", "GENERATOR_VERSION", "generate"]
