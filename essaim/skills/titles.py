"""Job titles written "Masculine / Feminine": the two forms a member may type.

France Travail writes its job titles "Conducteur / Conductrice d'engins agricoles": the
masculine words, a slash, then the feminine words and the shared rest. Nobody types that whole
label, so each form becomes an alias of its own ("Conducteur d'engins agricoles",
"Conductrice d'engins agricoles"). Pure text functions, no database.
"""

from __future__ import annotations

from essaim.members.text import fold

SEPARATOR = " / "


def _same_word(masculine: str, feminine: str) -> bool:
    # "Conducteur"/"Conductrice", "Chef"/"Cheffe", "Opérateur"/"Operatrice": same stem.
    # Folding only the first letters keeps the 13,000 ROME titles fast.
    return fold(masculine[:6])[:3] == fold(feminine[:6])[:3]


def gender_forms(label: str) -> list[str]:
    """The masculine and feminine forms of a "M / F rest" label; [] when it has no such form.

    The feminine words replace the last words of the masculine part: "Artiste Plasticien /
    Plasticienne" → "Artiste Plasticien", "Artiste Plasticienne"; "Cadre Dirigeant / Dirigeante
    d'administration" → "Cadre Dirigeant d'administration", "Cadre Dirigeante
    d'administration". When words do not pair by stem ("Steward / Hôtesse de l'air"), as many
    words as the masculine part has are swapped.
    """
    if label.count(SEPARATOR) != 1:
        return []
    before, after = label.split(SEPARATOR)
    masc_words, after_words = before.split(), after.split()
    if not masc_words or not after_words:
        return []
    longest = min(len(masc_words), len(after_words))
    swapped = next(
        (
            count
            for count in range(longest, 0, -1)
            if all(
                _same_word(m, f)
                for m, f in zip(masc_words[-count:], after_words[:count], strict=True)
            )
        ),
        longest,
    )
    rest = after_words[swapped:]
    masculine = " ".join(masc_words + rest)
    feminine = " ".join(masc_words[: len(masc_words) - swapped] + after_words[:swapped] + rest)
    if fold(feminine) == fold(masculine):
        # "Homme sage-femme / Sage-femme": the feminine form is the whole second part.
        feminine = after.strip()
    forms = [masculine]
    if fold(feminine) != fold(masculine):
        forms.append(feminine)
    return forms
