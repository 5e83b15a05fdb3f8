"""Masking personal data in open-text answers, quotes and problem reports before any output.

Every open answer, interview quote, QDA case variable and reported problem value
passes through :func:`redact_text` (or :func:`redact_frame_text` for whole columns)
before it is written or printed. What is masked, and the mask that replaces it:

============================  ===================  ==========================================
what                          mask                 how it is recognised
============================  ===================  ==========================================
e-mail address                ``[sähköposti]``     ``local@domain.tld``; also written out:
                                                   ``(at)``, ``[at]``, ``{at}``, `` at ``,
                                                   ``ät``, ``snabel-a`` with ``.``, ``piste``,
                                                   ``punkt``, ``dot`` (a known top-level domain)
phone number                  ``[puhelin]``        Finnish (``040 123 4567``, ``(09) 123 4567``,
                                                   ``040.123.4567``, ``040/123 4567``,
                                                   ``0401 234 567``), ``+358``/``00358`` and other
                                                   ``+`` numbers; any digit grouping after
                                                   ``puh``/``tel``/``p.``/``gsm``/``nro`` …
personal identity code        ``[henkilötunnus]``  ``DDMMYY-NNNC``; century signs ``+ - A`` and
                                                   2023 signs ``B–F``, ``U–Y`` (dash variants
                                                   too); only when the check character is right
IBAN                          ``[tilinumero]``     country code + check digits, grouped by
                                                   spaces or hyphens; mod-97 valid
street address, PO box        ``[osoite]``         street word + house number (compound or
                                                   separate words: ``Kalevan puistotie 5``,
                                                   ``Norra Esplanaden 3``, ``12 Main Street``),
                                                   optional stair/flat and postcode + town;
                                                   ``PL 123``, ``PB 45``, ``postilokero 12``,
                                                   ``(P.O.) Box 7``
names from a list             ``[nimi]``           whole words, case-insensitive, in singular
                                                   and plural Finnish case forms (``Matin``,
                                                   ``Meikäläiselle``, ``Meikäläisten``,
                                                   ``Virtaset``), ``Mattis``, ``Matti's``
============================  ===================  ==========================================

The text is first put in Unicode NFC form (so ``Meika\\u0308la\\u0308inen`` typed on a Mac
is the listed name), zero-width characters and soft hyphens are dropped, and full-width
or other non-ASCII digits and ``＠`` are read as their ASCII forms: obfuscation by
typography does not hide an identifier.

Numbers that are not personal data stay as they are: years, money (``986 400 €``),
percentages, dates (``24.9.2024``, ``04.10.2024``), clock times (``9.00–16.00``),
counts (``63 vastausta``), business ids (``1234567-8``), postcodes on their own. The
rules err on the side of masking: a name that is also an ordinary word (``Aino`` /
*ainoa*) is masked in both senses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

MASK_EMAIL = "[sähköposti]"
MASK_PHONE = "[puhelin]"
MASK_ID_CODE = "[henkilötunnus]"
MASK_IBAN = "[tilinumero]"
MASK_ADDRESS = "[osoite]"
MASK_NAME = "[nimi]"
MASKS = (MASK_EMAIL, MASK_PHONE, MASK_ID_CODE, MASK_IBAN, MASK_ADDRESS, MASK_NAME)

# --- typography: one form for what looks the same ---------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@lru_cache(maxsize=1)
def _ascii_forms() -> dict[int, str]:
    """Full-width ASCII (``０-９``, ``＠``, ``＋`` …) and every other Unicode digit -> ASCII, one char each."""
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    for code in range(0x80, 0x10000):
        char = chr(code)
        if unicodedata.category(char) == "Nd" and code not in table:
            table[code] = str(unicodedata.digit(char))
    return table


def _normalise(text: str) -> str:
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return text.translate(_ascii_forms())


# --- e-mail -------------------------------------------------------------------------------

_TLDS = (r"fi|ax|se|no|dk|ee|is|de|uk|eu|nl|be|fr|es|it|at|ch|pl|ru|us|ca|au|nz|io|me|nu|tv|co|com|net|org"
         r"|edu|gov|info|biz|name|online|email")
_AT_WORD = (r"(?:\(\s*(?:at|a|ät)\s*\)|\[\s*(?:at|a|ät)\s*\]|\{\s*(?:at|a|ät)\s*\}|<\s*at\s*>"
            r"|\s(?:at|ät|snabel-a|miuku(?:mauku)?|kissanhäntä)\s)")
_DOT_WORD = r"(?:\.(?!\s)|\s*[(\[{]\s*(?:dot|piste|punkt)\s*[)\]}]\s*|\s+(?:dot|piste|punkt)\s+)"
_LOCAL = r"[\w.+-]*\w"
_EMAIL = re.compile(
    rf"(?<![\w.+-]){_LOCAL}\s*@\s*[\w-]+(?:\s?\.\s?[\w-]+)*\s?\.\s?[a-z]{{2,}}\b"      # local@domain.tld
    rf"|(?<![\w.+-]){_LOCAL}\s*{_AT_WORD}\s*[\w-]+(?:{_DOT_WORD}[\w-]+)*?{_DOT_WORD}(?:{_TLDS})\b",
    re.IGNORECASE,
)

# --- phone numbers ------------------------------------------------------------------------

_SPACE = r"[ \u00a0\u2007\u2009\u202f]"                       # space, no-break, figure, thin, narrow no-break
_GAP = rf"(?:{_SPACE}?[.\-/\u2010\u2011\u2012\u2013]{_SPACE}?|{_SPACE})"   # one separator, maybe spaced
_PHONE = re.compile(
    r"(?<![\w+/.,-])(?<!\d[.,])"
    r"(?P<number>"
    rf"(?:\+|00)\d{{1,3}}(?:{_GAP}?\(0\))?(?:(?:{_GAP}|[ ]?[()][ ]?)?\d){{6,13}}"   # +358 40, +358 (40), +1 (555)
    rf"|\(0\d{{1,3}}\)(?:{_GAP}?\d){{5,9}}"                            # (09) 123 4567
    rf"|0\d(?:{_GAP}?\d){{6,10}}"                                       # 040 123 4567, 0401 234 567
    r")"
    r"(?!\d|[.,:]\d|\w)"
)
_PHONE_CONTEXT = re.compile(
    r"(?<![\w])(?P<word>(?:puh(?:elin(?:numero)?)?|tel|tfn|telefon|phone|gsm|mob(?:iili|ile)?|matkapuhelin|"
    r"kännykkä|numeroni|soita|soitto|tekstaa|whatsapp|sms|ring|call|text)\.?|p\.)[:\s]*"
    rf"(?P<number>\+?\d(?:{_GAP}?\d){{4,14}})(?!\d|[.,:]\d|\w)",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})")
_TIME_SPAN = re.compile(r"\d{1,2}[.:]\d{2}(?:\s*[-\u2013]\s*\d{1,2}[.:]\d{2})?")


def _phone_ok(number: str) -> bool:
    """False for digit groups that are dates or clock times, not phone numbers."""
    compact = number.strip()
    return not (_DATE.fullmatch(compact) or _TIME_SPAN.fullmatch(compact))


def _mask_phone(match: re.Match) -> str:
    number = match.group("number")
    if not _phone_ok(number):
        return match.group(0)
    return match.group(0)[: match.start("number") - match.start(0)] + MASK_PHONE


# --- personal identity code (henkilötunnus) ------------------------------------------------

_ID_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_ID_CODE = re.compile(r"(?<![\w-])(\d{6}) ?([-+ABCDEFUVWXY\u2010\u2011\u2012\u2013\u2212]) ?(\d{3})([0-9A-Y])(?![\w])",
                      re.IGNORECASE)


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

_IBAN_GAP = r"[ \u00a0\-\u2010\u2011\u2013]"
_IBAN = re.compile(rf"(?<![\w])[A-Z]{{2}}{_IBAN_GAP}?\d{{2}}(?:{_IBAN_GAP}?[A-Z0-9]){{11,30}}", re.IGNORECASE)


def is_valid_iban(text: str) -> bool:
    """True if ``text`` (spaces or hyphens allowed) is an IBAN whose mod-97 check holds."""
    compact = re.sub(_IBAN_GAP, "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def _mask_iban(match: re.Match) -> str:
    """Mask the longest prefix (ending before a space or hyphen) of the candidate that is a valid IBAN."""
    text = match.group(0)
    cuts = [m.start() for m in re.finditer(_IBAN_GAP, text)] + [len(text)]
    for cut in reversed(cuts):
        if is_valid_iban(text[:cut]):
            return MASK_IBAN + text[cut:]
    return text


# --- street addresses and PO boxes ------------------------------------------------------------

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
    r"|mäki|mäe(?:llä|lle|ltä|n)|silta|silla(?:lla|n)|puisto|puisto(?:ssa|on|n)|penger|kangas"
    r"|harju|kallio|niitty|laakso|portti|kierto|kumpu|aho|linja"
    r"|ahde|aukio|tori|torilla|puistikko|bulevardi|esplanadi|piha|pihalla|kulma|ranta|rannalla"
    r"|gatan|gata|vägen|väg|gränd|stigen|backen|torget|esplanaden|allén|kajen|parken|strand"
)
_STREET_ALONE = (r"katu|tie|kuja|polku|väylä|raitti|kaari|linja|puistotie|puistokatu|rantatie|rantakatu"
                 r"|gatan|gata|vägen|väg|gränd|esplanaden|allén|street|road|avenue|lane|drive|boulevard")
_HOUSE = (r"[ \u00a0]+\d{1,3}(?![\d.,:]\d|\d)"                  # house number
          r"(?:[ \u00a0]?[-–][ \u00a0]?\d{1,3})?"               # 3-5
          r"(?:[ \u00a0]?[a-j](?![\w]))?"                       # 12a / 12 B
          r"(?:[ \u00a0]?(?:as\.?[ \u00a0]?)?\d{1,3}(?![\d.,:]\d|\d))?"  # flat: B 34, as. 4
          r"(?:,?[ \u00a0]+\d{5}(?:[ \u00a0]+[A-ZÅÄÖa-zåäö][a-zåäö-]+)?)?")  # 60100 Seinäjoki
_WORD = r"(?-i:[A-ZÅÄÖ][a-zåäöéü-]+)"   # a capitalised word, whatever the pattern's flags
_STREET_PREFIX = (r"(?-i:Vanha|Uusi|Iso|Pikku|Pohjoinen|Eteläinen|Itäinen|Läntinen|Ala|Yli|Gamla|Nya|Norra|Södra"
                  r"|Östra|Västra|Stora|Lilla)")   # Vanha Vaasantie 12: the adjective belongs to the street
_ADDRESS = re.compile(
    rf"(?:(?<![\w-])(?:{_STREET_PREFIX}[ \u00a0])?[a-zåäö][a-zåäö-]{{2,}}(?:{_STREET_WORDS}){_HOUSE})"
    rf"|(?:(?<![\w]){_WORD}[ \u00a0](?:{_WORD}[ \u00a0])?(?:{_STREET_ALONE})\.?{_HOUSE})"  # Jaakko Ilkan katu 4
    rf"|(?:(?<![\w\d.,])\d{{1,4}}[a-j]?[ \u00a0]+{_WORD}(?:[ \u00a0]{_WORD})?[ \u00a0]+"    # 12 Main Street
    r"(?-i:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Way|Close|Boulevard)(?![\w]))",
    re.IGNORECASE,
)
# ``PL`` / ``PB`` only in capitals: lower-case ``pl.`` is Finnish for "except".
_PO_BOX = re.compile(
    r"(?<![\w])(?:P\.?[ \u00a0]?[LB]\.?|(?i:postilokero|postbox|post[ \u00a0]box|p\.?[ \u00a0]?o\.?[ \u00a0]?box|box))"
    r"[ \u00a0]*\d{1,5}(?![\d.,:]\d|\d)"
    r"(?:,?[ \u00a0]+\d{5}(?:[ \u00a0]+[A-ZÅÄÖa-zåäö][a-zåäö-]+)?)?"
)

# --- names --------------------------------------------------------------------------------

_GRADATION = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"),
              ("lt", "ll"), ("nt", "nn"), ("rt", "rr"), ("ht", "hd"))
_CLITICS = r"(?:kin|kaan|kään|han|hän|pa|pä|ko|kö)?"
# singular case endings (with the colon foreign names take: Smith:n) and the Swedish/English genitive
_SG = (r"(?::?(?:n|[aä]|t[aä]|n[aä]|ksi|ll[aä]|lt[aä]|lle|ss[aä]|st[aä]|[aeiouyäö]n|h[aeiouyäö]n"
       r"|seen|ine|t|ineen|tt[aä]|ne|neen)|s|['’]s)?")
# plural endings after a plural stem (…i-, …j-, …e-)
_PL = (r"(?:t|en|den|ten|tten|[aä]|j[aä]|jen|ll[aä]|lt[aä]|lle|ss[aä]|st[aä]|in|hin|n[aä]|ksi|ne|neen"
       r"|ll[aä]|ineen)")


def _stems(name: str) -> tuple[set[str], set[str]]:
    """(singular stems, plural stems) a Finnish case ending can attach to, for one lower-case name."""
    singular, plural = {name}, set()
    if name.endswith("nen") and len(name) > 4:
        body = name[:-3]                                     # Virtanen -> Virta-
        singular |= {body + "se", body + "s"}                # Virtase-n, Virtas-ta
        plural |= {body + "si", body + "s", body + "se"}     # Virtasi-lle, Virtas-ten, Virtase-t
    elif name[-1] in "aeiouyäö":
        body, vowel = name[:-1], name[-1]
        bodies = {body}
        for strong, weak in _GRADATION:
            if body.endswith(strong):
                bodies.add(body[: -len(strong)] + weak)      # Matti -> Mati-n, Pekka -> Peka-n
                break
        singular |= {b + vowel for b in bodies}
        plural |= {b + vowel for b in bodies} | {b + vowel + "i" for b in bodies}
        if vowel == "i":
            singular |= {b + "e" for b in bodies}            # Lahti -> Lahde-n, Niemi -> Nieme-n
            plural |= {b + "e" for b in bodies} | {b + "ei" for b in bodies} | {b + "i" for b in bodies}
        elif vowel in "aä":
            back = "o" if vowel == "a" else "ö"
            plural |= {b + back for b in bodies} | {b + back + "i" for b in bodies} | {b + "i" for b in bodies}
        elif vowel == "e":
            singular.add(body + "ee")                        # Kalle -> Kallee-n (rare forms)
    else:
        singular.add(name + "i")                             # Mikael -> Mikaeli-n
        plural |= {name + "i", name + "ei"}
        if re.search(r"[aeiouyäö]s$", name):
            singular.add(name[:-1] + "kse")                  # Kallas -> Kallakse-n
            plural.add(name[:-1] + "ksi")
    return singular, plural


_ASCII_FOLD = str.maketrans("äöåéüÄÖÅÉÜ", "aoaeuAOAEU")


def _tokens(names: tuple[str, ...]) -> set[str]:
    """Each word of each name (and each part of a hyphenated one), also without diacritics (Meikalainen)."""
    tokens = set()
    for name in names:
        for token in re.split(r"[\s,;/]+", _normalise(str(name)).strip().lower()):
            token = token.strip(".-'\"()")
            for part in {token, *token.split("-")}:
                if len(part) >= 2 and not part.isdigit():
                    tokens |= {part, part.translate(_ASCII_FOLD)}
    return tokens


def _alternatives(stems: Iterable[str]) -> str:
    return "|".join(re.escape(stem) for stem in sorted(set(stems), key=len, reverse=True))


@lru_cache(maxsize=64)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    tokens = _tokens(names)
    if not tokens:
        return None
    singular, plural = set(), set()
    for token in tokens:
        sg, pl = _stems(token)
        singular |= sg
        plural |= pl
    return re.compile(rf"(?<![\w])(?:(?:{_alternatives(singular)}){_SG}|(?:{_alternatives(plural)}){_PL})"
                      rf"{_CLITICS}(?![\w])", re.IGNORECASE)


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

_MAYBE = re.compile(r"\d|@|\bat\b|\(a\)|\[a\]|\{a\}|\bät\b|snabel|miuku|kissanhäntä", re.IGNORECASE)


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """Return ``text`` with e-mails, phones, identity codes, IBANs, addresses and names masked.

    ``names`` are people's names to mask (from ``survey.yml`` ``redaction.names`` and
    from the export's own name columns); each word of a name is masked on its own,
    whole-word, case-insensitively, also in singular and plural inflected forms.
    """
    if not isinstance(text, str) or not text:
        return text
    normal = out = _normalise(text)
    if _MAYBE.search(out):
        out = _EMAIL.sub(MASK_EMAIL, out)
    if any(ch.isdigit() for ch in out):
        out = _IBAN.sub(_mask_iban, out)
        out = _ID_CODE.sub(lambda m: MASK_ID_CODE if _id_code_ok(m) else m.group(0), out)
        out = _PHONE.sub(_mask_phone, out)
        out = _PHONE_CONTEXT.sub(_mask_phone, out)
        out = _PO_BOX.sub(MASK_ADDRESS, out)
        out = _ADDRESS.sub(MASK_ADDRESS, out)
    pattern = _name_pattern(_clean_names(names))
    if pattern is not None:
        out = pattern.sub(MASK_NAME, out)
    return text if out == normal else out   # nothing masked: the answer exactly as it was written


def find_personal_data(text: str, names: Iterable[str] = ()) -> list[str]:
    """The masks :func:`redact_text` would insert into ``text`` (empty if nothing found)."""
    if not isinstance(text, str):
        return []
    redacted = redact_text(text, names)
    found = []
    for mask in MASKS:
        found += [mask] * (redacted.count(mask) - text.count(mask))
    return found


def redact_frame_text(frame: pd.DataFrame, columns: Iterable[str], names: Iterable[str] = ()) -> pd.DataFrame:
    """Return a copy of ``frame`` whose ``columns`` hold redacted text.

    Missing values stay missing; non-text values (numbers in a mixed column) are kept;
    columns not present in ``frame`` are skipped; other columns are unchanged.
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
