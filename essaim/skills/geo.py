"""French départements, the unit of a member's zones."""

from __future__ import annotations

DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"]
)
ILE_DE_FRANCE = ("75", "77", "78", "91", "92", "93", "94", "95")


def normalise_zone(value: object) -> str | None:
    """'93' → '93', '2a' → '2A', 9 → '09'; None when it is no département."""
    text = str(value).strip().upper()
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text if text in DEPARTEMENTS else None
