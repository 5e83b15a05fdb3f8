"""Redaction of personal data in open answers: many positives and, as important, negatives."""

import pandas as pd
import pytest

from survey.prepare.redact import (
    MASK_ADDRESS,
    MASK_EMAIL,
    MASK_IBAN,
    MASK_ID_CODE,
    MASK_NAME,
    MASK_PHONE,
    find_personal_data,
    is_valid_iban,
    is_valid_id_code,
    names_from_columns,
    redact_frame_text,
    redact_text,
)


def _id_code(date: str, sign: str, serial: str) -> str:
    """An identity code with a correct check character, computed independently of the module."""
    check = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(date + serial) % 31]
    return f"{date}{sign}{serial}{check}"


@pytest.mark.parametrize("text", [
    "Ota yhteyttä matti.meikalainen@example.fi niin sovitaan.",
    "sähköposti: liisa_virta+kysely@kunta.example.com",
    "MATTI.M@EXAMPLE.FI",
    "kirjoita osoitteeseen matti(at)example.fi",
    "matti [at] example.fi",
])
def test_masks_email_addresses(text):
    out = redact_text(text)
    assert MASK_EMAIL in out
    assert "example" not in out


@pytest.mark.parametrize("text, expected", [
    ("Soita 040 123 4567.", "Soita [puhelin]."),
    ("puh. 0401234567", "puh. [puhelin]"),
    ("p. 040-123 4567 tai", "p. [puhelin] tai"),
    ("+358 40 123 4567", "[puhelin]"),
    ("+358401234567", "[puhelin]"),
    ("+358 (0)40 123 4567", "[puhelin]"),
    ("00358 50 765 4321", "[puhelin]"),
    ("vaihde (06) 416 2111", "vaihde [puhelin]"),
    ("vaihde 06 416 2111", "vaihde [puhelin]"),
    ("Helsinki 09 310 1691", "Helsinki [puhelin]"),
    ("numero 050 12 34 567, kiitos", "numero [puhelin], kiitos"),
    ("0800 123 456 on maksuton", "[puhelin] on maksuton"),
    ("+358 6 416 2111", "[puhelin]"),
    ("044\u00a0123\u00a04567", "[puhelin]"),
    ("p.040 123 4567", "p.[puhelin]"),
    ("tel:+358401234567", "tel:[puhelin]"),
])
def test_masks_finnish_phone_numbers(text, expected):
    assert redact_text(text) == expected


ORDINARY = [
    "Avustuksia myönnettiin 986 400 € vuonna 2024.",
    "Kokous 24.9.2024 klo 9.00–16.00, paikalla 63 vastaajaa.",
    "Kyselyyn tuli 63 vastausta ja 101 valintaa.",
    "Vuosina 2010-2015 ja 2024–2026 toiminta kasvoi.",
    "Budjetti 1 200 000 euroa, osuus 0,5 % ja 12,5 %.",
    "Postinumero 00100 Helsinki ja 60100 Seinäjoki.",
    "0-5 vuotiaat lapset, 05 2024",
    "Kello 08:30 alkaen, 01.02.2024 asti.",
    "Y-tunnus 1234567-8 ja asiakirja 2024/123.",
    "Tilastossa luokat 1, 2, 3, 4 ja 5.",
    "Koulukatu on kaunis ja Kirkkotie kapea.",
    "Versio 3.11.2 ja 2026-demo -aineisto.",
    "Aukioloaika ma–pe 8–16, puh. vaihde ei vastaa.",
    "Kerroin 1.040 123 4567 ja 3,040 123 4567.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_leaves_ordinary_numbers_and_words(text):
    assert redact_text(text) == text
    assert find_personal_data(text) == []


@pytest.mark.parametrize("sign", ["-", "+", "A", "B", "C", "D", "E", "F", "U", "V", "W", "X", "Y"])
def test_masks_identity_codes_with_every_century_sign(sign):
    code = _id_code("131052", sign, "308")
    assert is_valid_id_code(code)
    assert redact_text(f"hetu {code}, kiitos") == f"hetu {MASK_ID_CODE}, kiitos"


def test_known_identity_code_example_and_lower_case_check():
    assert redact_text("131052-308T") == MASK_ID_CODE
    assert redact_text("131052-308t") == MASK_ID_CODE


@pytest.mark.parametrize("text", [
    "131052-308U",    # wrong check character
    "131052-308",     # no check character
    "321352-308T",    # impossible date
    "131052G308T",    # not a century sign
    "1310523-308T",   # seven digits
])
def test_leaves_identity_code_lookalikes(text):
    assert MASK_ID_CODE not in redact_text(text)


@pytest.mark.parametrize("iban", [
    "FI21 1234 5600 0007 85",
    "FI2112345600000785",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "fi21 1234 5600 0007 85",
])
def test_masks_valid_ibans(iban):
    assert is_valid_iban(iban)
    assert redact_text(f"Tilille {iban} ON maksettu") == f"Tilille {MASK_IBAN} ON maksettu"


def test_leaves_invalid_iban():
    text = "Tilille FI21 1234 5600 0007 86 maksettu"
    assert not is_valid_iban("FI21 1234 5600 0007 86")
    assert redact_text(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Asun Koulukatu 12 B 34, 60100 Seinäjoki ja", "Asun [osoite] ja"),
    ("Toimisto: Kirkkokatu 3a", "Toimisto: [osoite]"),
    ("Kerho on Koulukadulla 5 as. 4 joka tiistai", "Kerho on [osoite] joka tiistai"),
    ("Jokitie 4-6, 62100 Lapua", "[osoite]"),
    ("Mäntypolku 7", "[osoite]"),
    ("Koivukuja 2 C 15", "[osoite]"),
    ("Rantaväylä 11", "[osoite]"),
    ("Kauppatanhua 1", "[osoite]"),
    ("Kalliorinne 9 a", "[osoite]"),
    ("Kylänraitti 14", "[osoite]"),
    ("Storgatan 5, 65100 Vasa", "[osoite]"),
    ("koulukatu 12", "[osoite]"),
])
def test_masks_street_addresses(text, expected):
    assert redact_text(text) == expected


def test_address_needs_a_house_number():
    text = "Kirkkokadun varrella ja Koulukadulla on tilaa; Pohjoistie 2024 rakennettiin."
    assert redact_text(text) == text


NAMES = ["Matti Meikäläinen", "Liisa Virtanen", "Pekka", "Lahti"]


@pytest.mark.parametrize("text, expected", [
    ("Matti hoiti asian.", "[nimi] hoiti asian."),
    ("Kiitos Matin avusta", "Kiitos [nimi] avusta"),
    ("Soitin Matille ja Mattia ei löytynyt", "Soitin [nimi] ja [nimi] ei löytynyt"),
    ("Meikäläiselle kiitos", "[nimi] kiitos"),
    ("Meikäläisen ja Meikäläistä", "[nimi] ja [nimi]"),
    ("Virtasen Liisan kanssa", "[nimi] [nimi] kanssa"),
    ("Liisalle ja Liisaa", "[nimi] ja [nimi]"),
    ("PEKKA ja pekan ja Pekalle", "[nimi] ja [nimi] ja [nimi]"),
    ("Lahden kanssa", "[nimi] kanssa"),
    ("Matinkin mielestä", "[nimi] mielestä"),
])
def test_masks_listed_names_in_inflected_forms(text, expected):
    assert redact_text(text, NAMES) == expected


@pytest.mark.parametrize("text", [
    "Matala kynnys ja matkailu",          # begins like Mat-
    "Liisteri ja pekoni",                 # begins like Liis- / Pek-
    "Virtaa riittää, virran varrella",    # only 'Virtanen' is listed, not 'virta'
    "Lahtelainen yhdistys",               # derived word, not a case form
])
def test_leaves_words_that_only_look_like_names(text):
    assert redact_text(text, NAMES) == text


def test_names_argument_ignores_blanks_and_missing():
    assert redact_text("Matti tuli", [None, "", float("nan"), "Matti"]) == "[nimi] tuli"
    assert redact_text("Matti tuli", []) == "Matti tuli"


def test_everything_together_and_idempotent():
    text = ("Terveisin Matti Meikäläinen, matti.meikalainen@example.fi, 040 123 4567, "
            "Koulukatu 12 B 34, 60100 Seinäjoki, hetu 131052-308T, tili FI21 1234 5600 0007 85. "
            "Saimme 986 400 € ja 63 vastausta 24.9.2024.")
    out = redact_text(text, NAMES)
    assert out == ("Terveisin [nimi] [nimi], [sähköposti], [puhelin], [osoite], hetu [henkilötunnus], "
                   "tili [tilinumero]. Saimme 986 400 € ja 63 vastausta 24.9.2024.")
    assert redact_text(out, NAMES) == out
    assert sorted(find_personal_data(text, NAMES)) == sorted(
        [MASK_NAME, MASK_NAME, MASK_EMAIL, MASK_PHONE, MASK_ADDRESS, MASK_ID_CODE, MASK_IBAN])


def test_non_text_is_returned_unchanged():
    assert redact_text("") == ""
    assert redact_text(None) is None


def test_redact_frame_text_returns_a_redacted_copy():
    frame = pd.DataFrame({
        "respondent_id": ["1", "2", "3"],
        "q_open": pd.array(["Soita 040 123 4567", None, "Matti kiittää"], dtype="string"),
        "q_other": pd.array(["040 123 4567", "x", "y"], dtype="string"),
    })
    out = redact_frame_text(frame, ["q_open", "q_missing"], names=["Matti"])
    assert out["q_open"].tolist()[0] == "Soita [puhelin]"
    assert pd.isna(out["q_open"].tolist()[1])
    assert out["q_open"].tolist()[2] == "[nimi] kiittää"
    assert str(out["q_open"].dtype) == "string"
    assert out["q_other"].tolist() == ["040 123 4567", "x", "y"]
    assert frame["q_open"].tolist()[0] == "Soita 040 123 4567"  # input unchanged


def test_names_from_columns_collects_distinct_values():
    frame = pd.DataFrame({"Etunimi": ["Matti", None, "Liisa", "Matti"], "Sukunimi": ["Virtanen", "", None, "X"]})
    assert names_from_columns(frame, ["Etunimi", "Sukunimi", "Puuttuu"]) == ("Liisa", "Matti", "Virtanen", "X")
