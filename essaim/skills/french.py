"""French words for the directory's search: tokens, folding, stop words, stems, job-title genders.

Plain Python, no database. The search index stores what `normalise()` makes of a text; on
PostgreSQL the same words also go through the text search configuration `essaim_fr` (the
`french` Snowball stemmer after `unaccent`), and the two must agree word for word: this module
folds case and accents the way `unaccent` does and stems with the same Snowball algorithm, and
the shared test suite checks them against each other on a large vocabulary.

Tokenisation is ours on both databases: a text is cut into runs of letters and digits here, and
PostgreSQL receives those words separated by spaces, so that its parser never sees a hyphen, a
URL or an e-mail address it would keep whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

# Latin letters that Unicode does not decompose but `unaccent` maps (its rules file): without
# them "Œuvre" would fold to "œuvre" here and to "oeuvre" in PostgreSQL.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ø": "o",
        "ð": "d",
        "þ": "th",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ĸ": "q",
        "ł": "l",
        "ŀ": "l",
        "ŋ": "n",
        "ŧ": "t",
        "ß": "ss",
        "ſ": "s",
    }
)
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60  # longer runs are no words (a pasted hash, a URL fragment): left out

# Our own list of French grammatical words, folded (lower case, no accents): articles,
# prepositions, pronouns, conjunctions, and the forms of « être » and « avoir ». It contains
# every word PostgreSQL's `french` dictionary drops, so that a query never keeps a word one
# database ignores and the other finds.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a au aux avec ce ceci cela ces cet cette ca c d dans de des du elle elles en et eux il ils
    je j la le les leur leurs lui l ma mais me m mes moi mon ne n ni nos notre nous on ou par
    pas pour qu que quoi qui quel quelle quels quelles sa se s ses son sur ta te t tes toi ton
    tu un une vos votre vous y sans sous chez vers entre dont donc or car si tout tous toute
    toutes tres plus aussi ainsi comme etc meme
    ete etee etees etes etant etante etants etantes suis es est sommes sont serai seras sera
    serons serez seront serais serait serions seriez seraient etais etait etions etiez etaient
    fus fut fumes futes furent sois soit soyons soyez soient fusse fusses fussions fussiez
    fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura
    aurons aurez auront aurais aurait aurions auriez auraient avais avait avions aviez avaient
    eut eumes eutes eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent
    """.split()
)

# Words that say what one wants, not what one wants it about: left out of queries only
# ("je cherche quelqu'un pour…"); a profile may well speak of « recherche ».
QUERY_FILLERS: frozenset[str] = frozenset(
    """cherche cherchons cherchent recherche recherchons besoin quelqu quelque svp merci
    bonjour""".split()
)

_stemmer = snowballstemmer.stemmer("french")


def fold(word: str) -> str:
    """Lower case, accents and ligatures away: what `unaccent` + lower case make of a word."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_LETTERS)


def words(text: str) -> list[str]:
    """The words of a text as written (accents and case kept): runs of letters and digits."""
    if not text:
        return []
    return [w for w in _WORD.findall(unicodedata.normalize("NFC", text)) if len(w) <= MAX_WORD]


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """The Snowball French stem of a folded word; a word with a digit is kept as it is
    (PostgreSQL files "2a", "mp3" or "93" under its number tokens, which are not stemmed)."""
    if any(c.isdigit() for c in folded):
        return folded
    return _stemmer.stemWord(folded)


def is_stop(folded: str) -> bool:
    return folded in STOP_WORDS or (len(folded) == 1 and not folded.isdigit())


def normalise_words(raw: Iterable[str]) -> list[str]:
    """Stems of the given words, stop words left out."""
    out: list[str] = []
    for word in raw:
        folded = fold(word)
        if folded and not is_stop(folded):
            out.append(stem(folded))
    return out


def normalise(text: str) -> list[str]:
    """The stems of a text, in order, stop words left out: what the index stores."""
    return normalise_words(words(text))


def content_words(text: str) -> list[str]:
    """The words of a text as written, without the stop words: what PostgreSQL receives."""
    return [w for w in words(text) if not is_stop(fold(w))]


# A need often ends with the asker's own context: « refaire le site internet | de mon salon de
# coiffure ». What follows "de/pour/à/dans/chez" + "mon/ma/mes/notre/nos" describes the asker,
# not the trade sought: those words count less.
_CONTEXT_OPENERS = frozenset("de du des pour a dans chez".split())
_POSSESSIVES = frozenset("mon ma mes notre nos".split())


def context_start(raw_words: Sequence[str]) -> int | None:
    """Index of the first word of the asker's own context in a query, if any."""
    folded = [fold(w) for w in raw_words]
    for i in range(len(folded) - 1):
        if folded[i] in _CONTEXT_OPENERS and folded[i + 1] in _POSSESSIVES:
            return i
    return None


# Job titles change their ending with gender: « développeuse » stems to "developp" and
# « développeur » to "developpeur". A query word also looks for its other gender's forms.
_FEMININE_TO_MASCULINE = (
    ("trice", "teur"),
    ("euse", "eur"),
    ("eresse", "eur"),
    ("ienne", "ien"),
    ("enne", "en"),
    ("iere", "ier"),
    ("ere", "er"),
    ("ive", "if"),
)
_MASCULINE_TO_FEMININE = (
    ("teur", ("trice", "teuse")),
    ("eur", ("euse",)),
    ("ien", ("ienne",)),
    ("ier", ("iere",)),
    ("er", ("ere",)),
    ("if", ("ive",)),
)


# An agent noun also stands for its action: « médiatrice » for « médiation », « traducteur »
# for « traduction ».
_AGENT_TO_ACTION = (
    ("atrice", "ation"),
    ("ateur", "ation"),
    ("ctrice", "ction"),
    ("cteur", "ction"),
)


def gender_variants(folded: str) -> list[str]:
    """Other-gender forms of a folded word, plural marks removed ("formatrices" →
    ["formateur"]); nothing for short words."""
    base = folded[:-1] if folded.endswith(("s", "x")) and len(folded) > 5 else folded
    found: list[str] = []
    if len(base) < 5:
        return found
    for fem, masc in _FEMININE_TO_MASCULINE:
        if base.endswith(fem):
            found.append(base[: -len(fem)] + masc)
            break
    else:
        for masc, fems in _MASCULINE_TO_FEMININE:
            if base.endswith(masc):
                found.extend(base[: -len(masc)] + fem for fem in fems)
                break
    return [w for w in found if w != folded]


def query_variants(folded: str) -> list[str]:
    """What else a query word may stand for: its singular or plural (the stemmer keeps the
    "s" of « photos »), its other gender, the action of an agent noun."""
    found: list[str] = []
    if len(folded) > 3 and not any(c.isdigit() for c in folded):
        if folded.endswith(("s", "x")):
            found.append(folded[:-1])
        else:
            found.append(folded + "s")
    found += gender_variants(folded)
    for agent, action in _AGENT_TO_ACTION:
        if folded.rstrip("s").endswith(agent):
            found.append(folded.rstrip("s")[: -len(agent)] + action)
            break
    return [w for w in dict.fromkeys(found) if w != folded]
