"""Headers of columns that hold personal identifiers: the one vocabulary every stage uses.

A column is an identifier when its header names a person's name, e-mail, phone,
postal address, IP address, location, birth date or personal identity number, in
Finnish, Swedish, Norwegian, Danish, German, English (and the French and German
texts Qualtrics, LimeSurvey and MS Forms write). Such columns are dropped before
anything is written (see :mod:`survey.prepare.normalise`) and their values are masked in
open answers.

Headers are compared after :func:`header_key`: Unicode NFKC, case folded,
invisible characters removed and everything but letters and digits dropped, so
``E-post``, ``Epost``, ``e post`` and ``EPOST`` are one key, and so are
``RecipientFirstName`` and ``Recipient first name``. A part in parentheses and a
trailing required-mark are ignored (``Sähköposti (vapaaehtoinen) *``), and so is
what follows a colon when the part before it is an identifier (``Email: työ``).

``x in IDENTIFIER_HEADERS`` normalises ``x`` the same way, so callers may test a
raw header or an already case-folded one.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)

_VOCABULARY = """
name, full name, fullname, your name, respondent name, contact name, contact person, first name, firstname,
given name, forename, last name, lastname, surname, family name, middle name, first and last name,
email, e-mail, email address, e-mail address, your email, work email, mail, contact email,
phone, telephone, phone number, telephone number, mobile, mobile phone, mobile number, cell phone, cell,
address, street, street address, home address, postal address, mailing address, postcode, post code,
postal code, zip, zip code, ip, ip address, ipaddress, ip addr, ipaddr,
social security number, ssn, personal identity number, personal id, national id, national identity number,
date of birth, birth date, birthdate, birthday, dob,
recipient first name, recipient last name, recipient email, recipientfirstname, recipientlastname,
recipientemail, location latitude, location longitude, locationlatitude, locationlongitude,
latitude, longitude,
nimi, koko nimi, etunimi, sukunimi, etu- ja sukunimi, etunimet, vastaajan nimi, yhteyshenkilö,
yhteyshenkilön nimi, sähköposti, sähköpostiosoite, s-posti, sposti, email-osoite, puhelin, puhelinnumero,
puh, puh nro, matkapuhelin, matkapuhelinnumero, gsm, osoite, katuosoite, lähiosoite, postiosoite,
kotiosoite, postinumero, postinumero ja -toimipaikka, ip-osoite, henkilötunnus, hetu, syntymäaika,
syntymäpäivä, syntymävuosi ja -päivä,
namn, fullständigt namn, förnamn, efternamn, för- och efternamn, e-post, e-postadress, epost,
telefon, telefonnummer, mobil, mobilnummer, mobiltelefon, adress, gatuadress, postadress, hemadress,
postnummer, ip-adress, personnummer, födelsedatum, födelsedag, kontaktperson,
navn, fullt navn, fornavn, etternavn, for- og etternavn, e-postadresse, mobiltelefonnummer, adresse,
gateadresse, postadresse, hjemmeadresse, ip-adresse, fødselsnummer, fødselsdato, bursdag, personnummer,
efternavn, fulde navn, e-mailadresse, mailadresse, vejnavn, cpr, cpr-nummer, cpr nr, fødselsdag,
vorname, nachname, familienname, vollständiger name, e-mail-adresse, email-adresse, telefonnummer,
handy, handynummer, mobilnummer, anschrift, straße, strasse, straße und hausnummer, hausnummer, plz,
postleitzahl, wohnort und plz, geburtsdatum, geburtstag, sozialversicherungsnummer, steuer-id,
nachname des empfängers, vorname des empfängers, e-mail des empfängers, breitengrad des standorts,
längengrad des standorts,
nom, prénom, nom de famille, courriel, adresse e-mail, adresse électronique, adresse ip, téléphone,
numéro de téléphone, code postal, date de naissance,
"""


def header_key(text: object) -> str:
    """A header reduced to its letters and digits, case folded (``E-post`` -> ``epost``)."""
    text = unicodedata.normalize("NFKC", str(text or "")).translate(_INVISIBLE).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _candidates(text: object) -> list[str]:
    """The header as written, without parenthesised parts, and its part before a colon."""
    raw = unicodedata.normalize("NFKC", str(text or "")).translate(_INVISIBLE)
    raw = re.sub(r"<[^>]{0,40}>", " ", raw)  # <br>, <b> in tool-written labels
    bare = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", raw).strip(" *:?.!")
    found = [raw, bare]
    if ":" in bare:
        found.append(bare.split(":", 1)[0])
    return [header_key(t) for t in found]


class _Vocabulary(frozenset):
    """A frozenset of header keys whose ``in`` normalises the header first."""

    def __contains__(self, header: object) -> bool:
        return any(key and frozenset.__contains__(self, key) for key in _candidates(header))


IDENTIFIER_HEADERS = _Vocabulary(header_key(term) for term in re.split(r",\s*", _VOCABULARY) if term.strip())


def is_identifier_header(*headers: object) -> bool:
    """Whether any of ``headers`` (a column's text, code, ...) names a personal identifier."""
    return any(h is not None and h in IDENTIFIER_HEADERS for h in headers)


__all__ = ["IDENTIFIER_HEADERS", "header_key", "is_identifier_header"]
