"""Deterministic record ids: Salesforce-style 18-character ids for the CRM and
numbered keys for the ERP and HR systems."""

from __future__ import annotations

_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_POD = "5j"


def sf_suffix(id15: str) -> str:
    """Salesforce's 3-character case-safety suffix of a 15-character id."""
    out = []
    for chunk in range(3):
        flags = 0
        for j, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                flags |= 1 << j
        out.append(_SUFFIX_CHARS[flags])
    return "".join(out)


class SfIds:
    """Ids for one CRM object: key prefix + pod + 10-digit counter + suffix."""

    def __init__(self, prefix: str) -> None:
        if len(prefix) != 3:
            raise ValueError(f"key prefix must have 3 characters: {prefix!r}")
        self.head = prefix + _POD
        # the counter is all digits, so the suffix depends on the head only
        self.suffix = sf_suffix(self.head + "0" * 10)
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"{self.head}{self.n:010d}{self.suffix}"

    def take(self, k: int) -> list[str]:
        head, suffix, n = self.head, self.suffix, self.n
        self.n += k
        return [f"{head}{i:010d}{suffix}" for i in range(n + 1, n + k + 1)]


# Salesforce key prefixes of the objects in the CRM contract.
PREFIX = {
    "user_role": "00E",
    "user": "005",
    "account": "001",
    "product_2": "01t",
    "pricebook_entry": "01u",
    "opportunity": "006",
    "opportunity_history": "008",
    "opportunity_line_item": "00k",
    "opportunity_split": "149",
    "quote": "0Q0",
    "quote_line_item": "0QL",
    "lead": "00Q",
    "task": "00T",
    "event": "00U",
    "forecasting_quota": "0J9",
    "forecasting_type": "0Db",
}


def crm_ids() -> dict[str, SfIds]:
    return {name: SfIds(prefix) for name, prefix in PREFIX.items()}
