"""Recall and precision of the redactor on a planted set, one table per kind (fi / sv / en forms).

Each row is a sentence as a respondent might write it and the identifier planted in
it. An identifier counts as found when none of its digits-and-letters survive in the
output (a mask took its place). The negatives are ordinary sentences with numbers,
dates, years, percentages and words that look like names: none may change. The
measured figures are printed (``pytest -s``) and must reach 95 % recall and 100 %
precision on the negatives; every row is also its own test case, so a miss is named.
"""

from __future__ import annotations

import re
import time
import unicodedata

import pytest

from survey.prepare.redact import MASKS, redact_text
from test_redact import ORDINARY


def _id_code(date: str, sign: str, serial: str) -> str:
    return f"{date}{sign}{serial}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[int(date + serial) % 31]}"


NAMES = ["Matti Meikäläinen", "Liisa Virtanen", "Pekka Lahti", "Anna-Kaisa Niemi", "Mikael Kallas", "John Smith"]

PHONES = [
    ("Soita 040 123 4567", "040 123 4567"),
    ("puh. 0401234567", "0401234567"),
    ("p. 040-123 4567", "040-123 4567"),
    ("numero 040.123.4567 toimii", "040.123.4567"),
    ("numeroon 040/123 4567 illalla", "040/123 4567"),
    ("gsm 0401 234 567", "0401 234 567"),
    ("tavoittaa 04 0123 4567 numerosta", "04 0123 4567"),
    ("soita 050 12 34 567", "050 12 34 567"),
    ("+358 40 123 4567", "+358 40 123 4567"),
    ("+358401234567", "+358401234567"),
    ("+358 (0)40 123 4567", "+358 (0)40 123 4567"),
    ("+358-40-123-4567", "+358-40-123-4567"),
    ("00358 50 765 4321", "00358 50 765 4321"),
    ("vaihde (06) 416 2111", "(06) 416 2111"),
    ("vaihde 06 416 2111", "06 416 2111"),
    ("Helsinki 09 310 1691", "09 310 1691"),
    ("0800 123 456 on maksuton", "0800 123 456"),
    ("puhelin ０４０ １２３ ４５６７", "０４０ １２３ ４５６７"),
    ("puh ０４０１２３４５６７", "０４０１２３４５６７"),
    ("ring mig på 040 765 4321", "040 765 4321"),
    ("tfn +358 6 416 2111", "+358 6 416 2111"),
    ("call me on +44 20 7946 0958", "+44 20 7946 0958"),
    ("Telefon 070-123 45 67", "070-123 45 67"),
    ("puh. 123 4567 (ilman suuntanumeroa)", "123 4567"),
    ("whatsapp 0451234567", "0451234567"),
    ("tel: 040\u2009123\u20094567", "040\u2009123\u20094567"),
    ("040\u2013123\u20134567 on numeroni", "040\u2013123\u20134567"),
    ("soita 040 1\u200b23 4567", "040 1\u200b23 4567"),
    ("040 123 45 67", "040 123 45 67"),
    ("Mobiili 0500 123 456", "0500 123 456"),
    ("(040) 123 4567", "(040) 123 4567"),
    ("+358 (40) 123 4567", "+358 (40) 123 4567"),
    ("+358.40.123.4567", "+358.40.123.4567"),
    ("040 - 123 4567", "040 - 123 4567"),
    ("04012 34567", "04012 34567"),
    ("call +1 (555) 123-4567", "+1 (555) 123-4567"),
    ("puh.0401234567", "0401234567"),
]

EMAILS = [
    ("matti.meikalainen@example.fi", "matti.meikalainen@example.fi"),
    ("sähköposti: liisa_virta+kysely@kunta.example.com", "liisa_virta+kysely@kunta.example.com"),
    ("MATTI.M@EXAMPLE.FI", "MATTI.M@EXAMPLE.FI"),
    ("kirjoita matti(at)example.fi", "matti(at)example.fi"),
    ("matti [at] example.fi", "matti [at] example.fi"),
    ("nimi at kunta piste fi", "nimi at kunta piste fi"),
    ("matti.meikalainen at seinajoki piste fi", "matti.meikalainen at seinajoki piste fi"),
    ("liisa (at) kunta (piste) fi", "liisa (at) kunta (piste) fi"),
    ("liisa[at]kunta[piste]fi", "liisa[at]kunta[piste]fi"),
    ("pekka{at}yhdistys.fi", "pekka{at}yhdistys.fi"),
    ("anna at example dot com", "anna at example dot com"),
    ("anna (at) example (dot) org", "anna (at) example (dot) org"),
    ("maila till kalle at kommun punkt se", "kalle at kommun punkt se"),
    ("kalle(a)kommun.ax", "kalle(a)kommun.ax"),
    ("matti ＠ example.fi", "matti ＠ example.fi"),
    ("matti @ example . fi", "matti @ example . fi"),
    ("etunimi.sukunimi@seinajoki.fi:lle", "etunimi.sukunimi@seinajoki.fi"),
    ("<liisa.virtanen@kunta.fi>", "liisa.virtanen@kunta.fi"),
    ("matti ät example.fi", "matti ät example.fi"),
    ("mailto:john.smith@example.co.uk", "john.smith@example.co.uk"),
    ("nimi miukumauku kunta.fi", "nimi miukumauku kunta.fi"),
    ("nimi(at)kunta(dot)fi", "nimi(at)kunta(dot)fi"),
    ("nimi.sukunimi (ät) kunta.fi", "nimi.sukunimi (ät) kunta.fi"),
]

IBANS = [
    ("tili FI21 1234 5600 0007 85", "FI21 1234 5600 0007 85"),
    ("FI2112345600000785", "FI2112345600000785"),
    ("tilinumero FI21-1234-5600-0007-85.", "FI21-1234-5600-0007-85"),
    ("FI 21 1234 5600 0007 85", "FI 21 1234 5600 0007 85"),
    ("fi21 1234 5600 0007 85", "fi21 1234 5600 0007 85"),
    ("konto SE45 5000 0000 0583 9825 7466", "SE45 5000 0000 0583 9825 7466"),
    ("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
    ("GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
    ("tilille FI21\u00a01234\u00a05600\u00a00007\u00a085", "FI21\u00a01234\u00a05600\u00a00007\u00a085"),
    ("IBAN: FI2112345600000785, BIC NDEAFIHH", "FI2112345600000785"),
    ("FI21 12345600 000785", "FI21 12345600 000785"),
    ("ＦＩ２１ １２３４ ５６００ ０００７ ８５", "ＦＩ２１ １２３４ ５６００ ０００７ ８５"),
]

ID_CODES = [
    (f"hetu {_id_code('131052', '-', '308')}", _id_code("131052", "-", "308")),
    (f"henkilötunnus {_id_code('010101', 'A', '123')}", _id_code("010101", "A", "123")),
    (f"{_id_code('311299', '+', '999')}", _id_code("311299", "+", "999")),
    (f"syntynyt {_id_code('150623', 'B', '004')}", _id_code("150623", "B", "004")),
    (f"hetu:{_id_code('020304', 'Y', '567')}", _id_code("020304", "Y", "567")),
    (f"personnummer {_id_code('131052', 'U', '308')}", _id_code("131052", "U", "308")),
    (f"({_id_code('240798', '-', '111')})", _id_code("240798", "-", "111")),
    (f"hetu {_id_code('131052', '-', '308').lower()}", _id_code("131052", "-", "308").lower()),
    (f"hetu {_id_code('131052', '-', '308').replace('-', '–')}", _id_code("131052", "-", "308").replace("-", "–")),
    (f"tunnus {_id_code('010203', 'F', '456')}.", _id_code("010203", "F", "456")),
]

ADDRESSES = [
    ("Asun Koulukatu 12 B 34, 60100 Seinäjoki ja", "Koulukatu 12 B 34, 60100 Seinäjoki"),
    ("Toimisto: Kirkkokatu 3a", "Kirkkokatu 3a"),
    ("Kerho on Koulukadulla 5 as. 4 joka tiistai", "Koulukadulla 5 as. 4"),
    ("Jokitie 4-6, 62100 Lapua", "Jokitie 4-6, 62100 Lapua"),
    ("Kalevan puistotie 5", "puistotie 5"),
    ("Jaakko Ilkan katu 4", "Jaakko Ilkan katu 4"),
    ("Vanha Vaasantie 12 A 3", "Vaasantie 12 A 3"),
    ("Norra Esplanaden 3", "Norra Esplanaden 3"),
    ("Storgatan 5, 65100 Vasa", "Storgatan 5, 65100 Vasa"),
    ("Gamla Vasavägen 4", "Vasavägen 4"),
    ("I live at 12 Main Street", "12 Main Street"),
    ("office at 221b Baker Street", "221b Baker Street"),
    ("PL 123, 60101 Seinäjoki", "PL 123, 60101 Seinäjoki"),
    ("postiosoite PL 12", "PL 12"),
    ("P.L. 5, 00100 Helsinki", "P.L. 5, 00100 Helsinki"),
    ("PB 45, 65101 Vasa", "PB 45, 65101 Vasa"),
    ("postilokero 12", "postilokero 12"),
    ("Postilokero 7, 60101 Seinäjoki", "Postilokero 7, 60101 Seinäjoki"),
    ("Box 123, 65101 Vasa", "Box 123, 65101 Vasa"),
    ("PO Box 45", "PO Box 45"),
    ("P.O. Box 7", "P.O. Box 7"),
    ("Mäntypolku 7", "Mäntypolku 7"),
    ("Koivukuja 2 C 15", "Koivukuja 2 C 15"),
    ("Kirkkomäki 3", "Kirkkomäki 3"),
    ("asun Rantatiellä 14", "Rantatiellä 14"),
    ("Mannerheimintie 12 A 1, 00100 HELSINKI", "Mannerheimintie 12 A 1, 00100 HELSINKI"),
    ("tavataan Koulukatu 5:ssä", "Koulukatu 5"),
    ("Main Street 12", "Main Street 12"),
    ("Toinen linja 3", "Toinen linja 3"),
    ("Koivuharju 5", "Koivuharju 5"),
]


def _plain(name: str) -> str:
    return name


NAME_FORMS = [
    "Matti", "Matin", "Mattia", "Matille", "Matilta", "Matista", "Matissa", "Mattina", "Matiksi",
    "Matit", "Mattien", "Matteja", "Mateille", "Matinkin", "Mattis", "Matti's",
    "Meikäläinen", "Meikäläisen", "Meikäläiselle", "Meikäläistä", "Meikäläisten", "Meikäläiset",
    "Meikäläisiä", "Meikäläisille", "Meikäläisellä", "Meikäläisessä", "Meikäläiseksi", "Meikäläisenä",
    "Meikäläisineen", "Meikäläisiltä",
    "Liisa", "Liisan", "Liisaa", "Liisalle", "Liisat", "Liisojen", "Liisoja", "Liisoille",
    "Virtanen", "Virtasen", "Virtaselle", "Virtasta", "Virtaset", "Virtasten", "Virtasia", "Virtasilla",
    "Pekka", "Pekan", "Pekkaa", "Pekalle", "Pekat", "Pekkojen",
    "Lahti", "Lahden", "Lahdelle", "Lahtea", "Lahdet", "Lahtien",
    "Anna-Kaisa", "Anna-Kaisan", "Anna-Kaisalle", "Niemi", "Niemen", "Niemelle", "Nieminä",
    "Mikael", "Mikaelin", "Mikaelille", "Kallas", "Kallaksen", "Kallakselle",
    "Smith", "Smithin", "Smith:n", "Smith:lle", "Smiths",
    unicodedata.normalize("NFD", "Meikäläiselle"), unicodedata.normalize("NFD", "Meikäläiset"),
    "MEIKÄLÄISEN", "meikäläisen", "Meikalainen", "Meikalaiselle", "Matillekin", "Meikäläiseen", "Pekoille",
    "Liisoille", "Virtasille",
]
NAME_ROWS = [(f"Kiitos {form} avusta!", form) for form in NAME_FORMS]

KINDS = {"phone": PHONES, "email": EMAILS, "iban": IBANS, "id_code": ID_CODES, "address": ADDRESSES,
         "name": NAME_ROWS}

NEGATIVES = ORDINARY + [
    "Kokous 04.10.2024 klo 08.00–16.00.",
    "Ajalla 1.1.–31.12.2024 ja 01.01.2024–31.12.2025.",
    "Vuosina 2010-2015 ja 2024–2026 toiminta kasvoi 12 %.",
    "Matala kynnys ja matkailu, matto ja mattojen pesu.",
    "Liisteri ja pekoni, virtaa riittää virran varrella.",
    "Lahtelainen yhdistys ja Mattilan talo.",
    "Kaikki pl. 2 yhdistystä vastasivat.",
    "Meet at school. No one came, we met at home. It was late.",
    "Tapahtuma 12.–14.6. ja 1.–3.7.2025.",
    "Vastaajia 16, valintoja 69 (4,3 per vastaaja).",
    "Kaupungin vuoden 2025 talousarvio oli 3,2 milj. euroa.",
    "Väkiluku 65 000, pinta-ala 1 469 km².",
    "Numeroita 1–10 ja kohdat 2.3.1 ja 2.3.2.",
    "Kunnassa 24 000 asukasta ja 210 yhdistystä.",
    "Kirjastokortti maksaa 0 € ja sakko 0,20 €/pv.",
    "Versio 0.14.2 julkaistiin 2024.",
    "Hankkeen numero 2024-0031 ja diaari 123/02.05.00/2024.",
    "Avoinna klo 10-18, la 10-15.",
    "Oy:n osakkeet 1 000 kpl ja 10 000 €.",
    "Box-harjoitukset ja PL-kortti.",
    "Kalle sanoi, että Aino-ryhmä kokoontuu.",
    unicodedata.normalize("NFD", "Yhdistys järjestää kesäleirin; ilmoittautuminen 1.–15.5."),
    "Tilaa\u200bvarten ja \ufeffBOM pysyvät sellaisinaan.",
    "Lomake 2/2024, kohta 3/5 ja sivu 10/12.",
    "Puhelinaika ti 9–11 ja to 13–15.",
    "Vastaus: 040 kpl ja 0401 (koodi).",
]


def _found(text: str, planted: str) -> bool:
    """True when the planted identifier is gone: none of its digit/letter runs of 3+ survive."""
    out = redact_text(text, NAMES)
    planted = unicodedata.normalize("NFKC", planted)
    folded = unicodedata.normalize("NFKC", out)
    runs = [run for run in re.findall(r"\w+", planted) if not run.isalpha() or len(run) > 3] or [planted]
    context = unicodedata.normalize("NFKC", text).replace(planted, "")   # words of the sentence around it
    return any(mask in out for mask in MASKS) and not any(
        re.search(rf"(?<![\w]){re.escape(run)}(?![\w])", folded) and run not in context for run in runs)


def _recall(rows) -> float:
    return sum(_found(text, planted) for text, planted in rows) / len(rows)


@pytest.mark.parametrize("kind, text, planted", [(kind, t, p) for kind, rows in KINDS.items() for t, p in rows],
                         ids=[f"{kind}-{i}" for kind, rows in KINDS.items() for i in range(len(rows))])
def test_planted_identifier_is_masked(kind, text, planted):
    out = redact_text(text, NAMES)
    assert _found(text, planted), f"{kind}: {text!r} -> {out!r}"


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_text_is_unchanged(text):
    assert redact_text(text, NAMES) == text


def test_recall_and_precision_figures():
    lines = []
    total = found = 0
    for kind, rows in KINDS.items():
        hits = sum(_found(t, p) for t, p in rows)
        total += len(rows)
        found += hits
        lines.append(f"{kind:8} {hits:3}/{len(rows):3}  {hits / len(rows):6.1%}")
    kept = sum(redact_text(t, NAMES) == t for t in NEGATIVES)
    print("\nredaction recall on the planted set\n" + "\n".join(lines)
          + f"\nall      {found:3}/{total:3}  {found / total:6.1%}\nnegatives kept {kept}/{len(NEGATIVES)}")
    assert found / total >= 0.95
    assert kept == len(NEGATIVES)


def test_redaction_is_fast_on_many_answers():
    answers = [text for rows in KINDS.values() for text, _ in rows] + NEGATIVES
    answers = (answers * (16_000 // len(answers) + 1))[:16_000]
    redact_text("lämmittely", NAMES)
    start = time.perf_counter()
    for answer in answers:
        redact_text(answer, NAMES)
    elapsed = time.perf_counter() - start
    print(f"\n16 000 answers redacted in {elapsed:.2f} s")
    assert elapsed < 20   # generous: a guard against catastrophic backtracking, not a benchmark
