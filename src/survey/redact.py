"""Masking personal data in open-text answers and quotes before any output.

Every open answer and interview quote passes through :func:`redact_text` (or
:func:`redact_frame_text` for whole columns) before it is written anywhere. What is
masked, and the mask that replaces it:

============================  ===================  ==========================================
what                          mask                 how it is recognised
============================  ===================  ==========================================
e-mail address                ``[sähköposti]``     ``local@domain.tld``, also ``(at)``/``[at]``
Finnish phone number          ``[puhelin]``        ``040 123 4567``, ``+358 40 1234567``,
                                                   ``(09) 123 4567``, ``06-416 2111`` …
personal identity code        ``[henkilötunnus]``  ``DDMMYY-NNNC``; century signs ``+ - A``
                                                   and 2023 signs ``B–F``, ``U–Y``; only
                                                   when the check character is right
IBAN                          ``[tilinumero]``     country code + check digits; mod-97 valid
street address                ``[osoite]``         Finnish/Swedish street word + house number,
                                                   optional stair/flat and postcode + town
names from a list             ``[nimi]``           whole words, case-insensitive, and common
                                                   inflected forms (``Matin``, ``Virtaselle``)
============================  ===================  ==========================================

Numbers that are not personal data stay as they are: years, money (``986 400 €``),
dates (``24.9.2024``), clock times (``9.00–16.00``), counts (``63 vastausta``),
postcodes on their own. The rules err on the side of masking: a name that is also an
ordinary word (``Aino`` / *ainoa*) is masked in both senses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

MASK_EMAIL = "[sähköposti]"
MASK_PHONE = "[puhelin]"
MASK_ID_CODE = "[henkilötunnus]"
MASK_IBAN = "[tilinumero]"
MASK_ADDRESS = "[osoite]"
MASK_NAME = "[nimi]"

# --- e-mail -------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:@|\(at\)|\[at\]|\(a\))\s*[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b",
    re.IGNORECASE,
)

# --- phone numbers ------------------------------------------------------------------------

_SEP = r"[ \u00a0-]"
_PHONE = re.compile(
    r"(?<![\w+/-])(?<!\d[.,])"
    r"(?:"
    rf"(?:\+|00)358{_SEP}?(?:\(0\){_SEP}?|0)?[1-9]\d{{0,2}}"  # +358 40 / +358 (0)40
    r"|\(0[1-9]\d{0,2}\)"                                        # (09)
    r"|0[1-9]\d{0,2}"                                            # 09 / 040 / 0800
    r")"
    rf"(?:{_SEP}?\d){{5,8}}"                                     # subscriber digits
    r"(?!\d|[.,:]\d|\w)"
)

# --- personal identity code (henkilötunnus) ------------------------------------------------

_ID_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_ID_CODE = re.compile(r"(?<![\w-])(\d{6})([-+ABCDEFUVWXY])(\d{3})([0-9A-Y])(?![\w])", re.IGNORECASE)


def is_valid_id_code(code: str) -> bool:
    """True if ``code`` is a Finnish personal identity code with a correct check character."""
    match = _ID_CODE.fullmatch(code.strip())
    return bool(match) and _id_code_ok(match)


def _id_code_ok(match: re.Match) -> bool:
    date, _sign, serial, check = match.groups()
    day, month = int(date[:2]), int(date[2:4])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    return _ID_CHECK[int(date + serial) % 31] == check.upper()


# --- IBAN ---------------------------------------------------------------------------------

_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}[A-Z0-9]*(?:[ \u00a0][A-Z0-9]+){0,9}", re.IGNORECASE)


def is_valid_iban(text: str) -> bool:
    """True if ``text`` (spaces allowed) is an IBAN whose mod-97 check holds."""
    compact = re.sub(r"[ \u00a0]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def _mask_iban(match: re.Match) -> str:
    """Mask the longest prefix (at a space) of the candidate that is a valid IBAN."""
    text = match.group(0)
    cuts = [m.start() for m in re.finditer(r"[ \u00a0]", text)] + [len(text)]
    for cut in reversed(cuts):
        if is_valid_iban(text[:cut]):
            return MASK_IBAN + text[cut:]
    return text


# --- street addresses ---------------------------------------------------------------------

_STREET_WORDS = (
    r"kat(?:u|ua)|kadu(?:lla|lle|lta|n|ssa)"
    r"|tie|tie(?:llä|lle|ltä|n|tä)"
    r"|polku|polu(?:lla|lle|lta|n)"
    r"|kuja|kuja(?:lla|lle|lta|n)"
    r"|väylä|väylä(?:llä|lle|ltä|n)"
    r"|raitti|raiti(?:lla|lle|lta|n)"
    r"|rinne|rintee(?:llä|lle|ltä|n)"
    r"|tanhua|tanhua(?:lla|lle|lta|n)"
    r"|kaari|kaare(?:lla|lle|lta|n)"
    r"|kaarre|kaartee(?:lla|lle|lta|n)"
    r"|ahde|aukio|tori|torilla|puistikko|bulevardi|esplanadi|piha|pihalla|kulma|ranta|rannalla"
    r"|gatan|gata|vägen|väg|gränd|stigen|backen|torget"
)
_ADDRESS = re.compile(
    r"(?<![\w])[a-zåäö][a-zåäö-]{2,}"
    rf"(?:{_STREET_WORDS})"
    r"[ \u00a0]+\d{1,3}(?![\d.,:]\d|\d)"                 # house number
    r"(?:[ \u00a0]?[-–][ \u00a0]?\d{1,3})?"             # 3-5
    r"(?:[ \u00a0]?[a-j](?![\w]))?"                    # 12a / 12 B
    r"(?:[ \u00a0]?(?:as\.?[ \u00a0]?)?\d{1,3}(?![\d.,:]\d|\d))?"  # flat: B 34, as. 4
    r"(?:,?[ \u00a0]+\d{5}(?:[ \u00a0]+[a-zåäö][a-zåäö-]+)?)?",  # 60100 Seinäjoki
    re.IGNORECASE,
)

# --- names --------------------------------------------------------------------------------

_GRADATION = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"),
              ("lt", "ll"), ("nt", "nn"), ("rt", "rr"), ("ht", "hd"))
_ENDINGS = (r"(?:n|[aä]|t[aä]|n[aä]|ksi|ll[aä]|lt[aä]|lle|ss[aä]|st[aä]|[aeiouyäö]n|h[aeiouyäö]n"
            r"|seen|ine|t|ineen)?(?:kin|kaan|kään|han|hän|pa|pä)?")


def _name_stems(name: str) -> list[str]:
    """The stems a Finnish case ending can attach to, for one lower-case name."""
    stems = {name}
    if name.endswith("nen") and len(name) > 4:
        stems |= {name[:-3] + "se", name[:-3] + "s"}          # Virtanen -> Virtase-n, Virtas-ta
    elif name[-1] in "aeiouyäö":
        body, vowel = name[:-1], name[-1]
        bodies = {body}
        for strong, weak in _GRADATION:
            if body.endswith(strong):
                bodies.add(body[: -len(strong)] + weak)          # Matti -> Mati-n, Pekka -> Peka-n
                break
        stems |= {b + vowel for b in bodies}
        if vowel == "i":
            stems |= {b + "e" for b in bodies}                  # Lahti -> Lahde-n, Niemi -> Nieme-n
        if vowel == "e":
            stems.add(body + "ee")                              # Kalle -> Kallee-n (rare forms)
    else:
        stems.add(name + "i")                                   # Mikael -> Mikaeli-n
        if re.search(r"[aeiouyäö]s$", name):
            stems.add(name[:-1] + "kse")                        # Kallas -> Kallakse-n
    return sorted(stems, key=len, reverse=True)


@lru_cache(maxsize=64)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    tokens = set()
    for name in names:
        for token in re.split(r"[\s,;]+", str(name).strip().lower()):
            token = token.strip(".-'\"")
            if len(token) >= 2 and not token.isdigit():
                tokens.add(token)
    if not tokens:
        return None
    stems = sorted({stem for token in tokens for stem in _name_stems(token)}, key=len, reverse=True)
    alternatives = "|".join(re.escape(stem) for stem in stems)
    return re.compile(rf"(?<![\w])(?:{alternatives}){_ENDINGS}(?![\w])", re.IGNORECASE)


def _clean_names(names: Iterable[str]) -> tuple[str, ...]:
    out = []
    for name in names or ():
        if name is None or (isinstance(name, float) and name != name):
            continue
        text = str(name).strip()
        if text:
            out.append(text)
    return tuple(sorted(set(out)))


# --- public API ---------------------------------------------------------------------------


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """Return ``text`` with e-mails, phones, identity codes, IBANs, addresses and names masked.

    ``names`` are people's names to mask (from ``survey.yml`` ``redaction.names`` and
    from the export's own name columns); each word of a name is masked on its own,
    whole-word, case-insensitively, also in common inflected forms.
    """
    if not isinstance(text, str) or not text:
        return text
    out = _EMAIL.sub(MASK_EMAIL, text)
    out = _IBAN.sub(_mask_iban, out)
    out = _ID_CODE.sub(lambda m: MASK_ID_CODE if _id_code_ok(m) else m.group(0), out)
    out = _PHONE.sub(MASK_PHONE, out)
    out = _ADDRESS.sub(MASK_ADDRESS, out)
    pattern = _name_pattern(_clean_names(names))
    if pattern is not None:
        out = pattern.sub(MASK_NAME, out)
    return out


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[str]:
    """The masks :func:`redact_text` would insert into ``text`` (empty if nothing found)."""
    if not isinstance(text, str):
        return []
    redacted = redact_text(text, names)
    found = []
    for mask in (MASK_EMAIL, MASK_PHONE, MASK_ID_CODE, MASK_IBAN, MASK_ADDRESS, MASK_NAME):
        found += [mask] * (redacted.count(mask) - text.count(mask))
    return found


def redact_frame_text(frame: pd.DataFrame, columns: Iterable[str], names: Iterable[str] = ()) -> pd.DataFrame:
    """Return a copy of ``frame`` whose ``columns`` hold redacted text.

    Missing values stay missing; columns not present in ``frame`` are skipped (they
    hold no text to leak); other columns are unchanged.
    """
    out = frame.copy()
    names = _clean_names(names)
    for column in columns:
        if column not in out.columns:
            continue
        series = out[column]
        out[column] = series.map(lambda v: redact_text(v, names) if isinstance(v, str) else v).astype(series.dtype)
    return out


def names_from_columns(frame: pd.DataFrame, columns: Iterable[str]) -> tuple[str, ...]:
    """The distinct non-empty values of the export's own name columns, for ``names=``."""
    values: set[str] = set()
    for column in columns:
        if column in frame.columns:
            values |= {str(v).strip() for v in frame[column].dropna() if str(v).strip()}
    return tuple(sorted(values))
