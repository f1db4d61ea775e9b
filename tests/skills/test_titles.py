"""The masculine and feminine forms of "M / F" job titles."""

from __future__ import annotations

import pytest

from essaim.skills.titles import gender_forms


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("Abatteur / Abatteuse de carrière", ["Abatteur de carrière", "Abatteuse de carrière"]),
        ("Coiffeur / Coiffeuse", ["Coiffeur", "Coiffeuse"]),
        (
            "Accastilleur-gréeur / Accastilleuse-gréeuse",
            ["Accastilleur-gréeur", "Accastilleuse-gréeuse"],
        ),
        (
            "Chef de partie poissonnier / Cheffe de partie poissonnière",
            ["Chef de partie poissonnier", "Cheffe de partie poissonnière"],
        ),
        ("Artiste Plasticien / Plasticienne", ["Artiste Plasticien", "Artiste Plasticienne"]),
        (
            "Cadre Dirigeant / Dirigeante d'administration centrale",
            [
                "Cadre Dirigeant d'administration centrale",
                "Cadre Dirigeante d'administration centrale",
            ],
        ),
        ("Steward / Hôtesse de l'air", ["Steward de l'air", "Hôtesse de l'air"]),
        ("Layout man / Layout woman", ["Layout man", "Layout woman"]),
        ("Homme sage-femme / Sage-femme", ["Homme sage-femme", "Sage-femme"]),
        ("Peintre animalier / Peintre animalière", ["Peintre animalier", "Peintre animalière"]),
        (
            "Secrétaire général / Secrétaire générale (50 salariés ou plus)",
            [
                "Secrétaire général (50 salariés ou plus)",
                "Secrétaire générale (50 salariés ou plus)",
            ],
        ),
        ("Photographe", []),
        ("Analyste biologie/microbiologie en industrie", []),
        ("A / B / C", []),
        ("Graphiste / Graphiste", ["Graphiste"]),
    ],
)
def test_gender_forms(label, forms):
    assert gender_forms(label) == forms
