"""Synthetic interviews with officials: a REFI-QDA project and the same coding as a sheet.

Each wave has short Finnish transcripts (17 interviews in 2024-demo, 12 in
2026-demo) by officials of three divisions, coded with the two-level codebook of
``instruments/interviews.yml``. The same codings are written twice:

* ``interviews.qdpx``: ``project.qde`` (codebook, sources with
  ``PlainTextSelection`` positions in code points, cases with the variables
  *Toimiala* and *Rooli*) and ``sources/H01.txt`` …;
* ``interviews_coding.xlsx``: one row per coded segment (interview, division, role,
  theme, code, quote).

Planted on purpose, to prove that outputs never show them: a name, a phone number,
an e-mail address, a henkilötunnus with a valid checksum and a street address, some
inside coded segments (:data:`PLANTED_PERSONAL_DATA`). One division
(*Kaupunkiympäristö ja konsernipalvelut*) has fewer than five interviewees, so it is
hidden with a partner and no quote names any division.

:func:`write_interviews` returns the truth: interviews per code and theme.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
from openpyxl import Workbook

from survey.demo.source import instrument as demo_instrument
from survey.demo.truth import PII
from survey.store.files import normalise_zip, workbook_bytes, write_bytes_atomic

QDPX_FILE = "interviews.qdpx"
SHEET_FILE = "interviews_coding.xlsx"
NS = "urn:QDA-XML:project:1.0"
_GUID_NS = uuid.UUID("6d0c5a0e-2f0b-4c55-9d7a-3b1f3e0c0a17")

# Division sizes per wave: the last division stays below the disclosure threshold (5).
DIVISIONS = {
    "2024-demo": {"sivistys": 8, "elinvoima": 6, "kaupunkiymparisto": 3},
    "2026-demo": {"sivistys": 6, "elinvoima": 4, "kaupunkiymparisto": 2},
}
ROLES = ("johto", "esihenkilo", "asiantuntija")

PLANTED_NAMES = (PII["name"],)
PLANTED_PERSONAL_DATA = (PII["name"], PII["name"].split()[-1], PII["phone_local"], PII["email"], PII["hetu"],
                         PII["address"].split(",")[0])

# How often each code is mentioned (probability per interview), before forcing.
PREVALENCE = {
    "avustukset_haku": 0.7, "avustukset_kriteerit": 0.45, "avustukset_riittavyys": 0.35,
    "tilat_maksuttomat": 0.6, "tilat_varaus": 0.4, "tilat_yhteiskaytto": 0.3,
    "sopimukset_kumppanuus": 0.5, "sopimukset_palvelu": 0.25, "sopimukset_pelisaannot": 0.35,
    "yhteistyo_tapahtumat": 0.65, "yhteistyo_tyollisyys": 0.3, "yhteistyo_kumppanuuspoyta": 0.45,
    "viestinta_uutiskirje": 0.4, "viestinta_yhteyshenkilo": 0.5, "viestinta_tavoittaminen": 0.35,
    "vapaaehtoisuus_sitoutuminen": 0.45, "vapaaehtoisuus_sisainen": 0.25, "vapaaehtoisuus_monikielinen": 0.2,
}

QUESTIONS = {
    "avustukset": "Miten avustukset toimivat järjestöjen näkökulmasta?",
    "toimitilat": "Millaisia tiloja järjestöt käyttävät toimialallanne?",
    "sopimukset": "Onko järjestöjen kanssa tehty sopimuksia?",
    "yhteistyo": "Millaista toiminnallista yhteistyötä teette järjestöjen kanssa?",
    "viestinta": "Miten tieto kulkee kaupungin ja järjestöjen välillä?",
    "vapaaehtoisuus": "Miten vapaaehtoistoiminta näkyy työssänne?",
}

# Two answer variants per code; the coded segment is the answer sentence.
ANSWERS = {
    "avustukset_haku": (
        "Sähköinen hakulomake on helpottanut avustusten hakemista, mutta pienille yhdistyksille haku on edelleen työläs.",
        "Avustusten hakuaika on meillä keväällä, ja moni seura toivoo, että haku olisi kaikilla palvelualueilla samaan aikaan.",
    ),
    "avustukset_kriteerit": (
        "Myöntöperusteet pitäisi kirjoittaa auki niin, että järjestö näkee etukäteen, millä perusteella avustus jaetaan.",
        "Eri toimialojen avustusten kriteerit poikkeavat toisistaan, ja se hämmentää hakijoita.",
    ),
    "avustukset_riittavyys": (
        "Avustusmääräraha ei ole noussut vuosiin, vaikka järjestöjen kulut ovat kasvaneet.",
        "Rahat loppuvat kaikilta, joten järjestöjä pitäisi tukea löytämään myös muuta rahoitusta ja hankerahaa.",
    ),
    "tilat_maksuttomat": (
        "Kirjastojen tilat ovat järjestöille maksuttomia, ja se on meidän paras käytäntömme.",
        "Järjestöt saavat koulujen liikuntasaleja edullisesti iltaisin ja viikonloppuisin.",
    ),
    "tilat_varaus": (
        "Tilojen varaaminen on hajallaan eri järjestelmissä, eikä järjestö aina tiedä, mistä vapaan vuoron löytää.",
        "Yhteinen varauskalenteri kaikista kaupungin tiloista helpottaisi sekä meitä että järjestöjä.",
    ),
    "tilat_yhteiskaytto": (
        "Toimintojentalossa useampi yhdistys käyttää samoja tiloja, ja siitä syntyy luontevasti yhteistyötä.",
        "Koulujen ja nuorisotilojen yhteiskäyttöä voisi lisätä, sillä moni tila on iltaisin tyhjillään.",
    ),
    "sopimukset_kumppanuus": (
        "Kumppanuussopimuksia on tehty muutaman seuran kanssa, ja tavoitteena on lisätä niitä ensi vuonna.",
        "Kumppanuussopimus selkeyttää, mitä kumpikin osapuoli lupaa, ja tuo jatkuvuutta yhteistyöhön.",
    ),
    "sopimukset_palvelu": (
        "Osa toiminnasta ostetaan järjestöiltä palvelusopimuksilla, esimerkiksi kenttien kunnossapito.",
        "Palvelusopimusten ja avustusten raja on joskus epäselvä, ja siihen tarvitaan linjaus.",
    ),
    "sopimukset_pelisaannot": (
        "Yhteistyön pelisäännöt kannattaisi sopia kirjallisesti, ettei kaikki jää yksittäisten työntekijöiden varaan.",
        "Tarvitsemme yhteisen mallin siitä, miten järjestön kanssa sovitaan vastuista ja vakuutuksista.",
    ),
    "yhteistyo_tapahtumat": (
        "Suurin osa kaupungin tapahtumista tehdään yhdessä järjestöjen kanssa, ja ilman niitä tapahtumia ei olisi.",
        "Harrastus- ja lajiesittelyt kouluissa ovat toimineet hyvin, ja järjestöt saavat niistä uusia jäseniä.",
    ),
    "yhteistyo_tyollisyys": (
        "Järjestöt tarjoavat työkokeilu- ja kuntoutuspaikkoja, joita kaupunki ei itse pystyisi järjestämään.",
        "Työllisyyspalvelut ja yhdistykset tekevät yhdessä työhönvalmennusta, ja tulokset ovat olleet hyviä.",
    ),
    "yhteistyo_kumppanuuspoyta": (
        "Kumppanuuspöytä kokoaa järjestöt kerran tai kaksi vuodessa, ja siellä syntyy uusia yhteistyöavauksia.",
        "Järjestöjen verkostoja voisi hyödyntää paljon enemmän, kun suunnittelemme palveluita.",
    ),
    "viestinta_uutiskirje": (
        "Järjestö- ja seurayhteistyön uutiskirje on hyvä kanava, mutta kaikki järjestöt eivät vielä tilaa sitä.",
        "Kaupungilla on liikaa erillisiä uutiskirjeitä, ja järjestöt toivovat yhtä kanavaa.",
    ),
    "viestinta_yhteyshenkilo": (
        "Nimetty järjestöyhdyshenkilö on madaltanut kynnystä ottaa yhteyttä kaupunkiin.",
        "Jokaisella toimialalla pitäisi olla oma yhteyshenkilö, jonka järjestöt tuntevat nimeltä.",
    ),
    "viestinta_tavoittaminen": (
        "Järjestöjen kautta tavoitamme asukkaita, joita kaupungin omat kanavat eivät tavoita.",
        "Järjestöt jalkauttavat ja tiedottavat kaupungin palveluista kylissä ja kaupunginosissa.",
    ),
    "vapaaehtoisuus_sitoutuminen": (
        "Vapaaehtoisia on edelleen, mutta pitkäaikainen sitoutuminen on vähentynyt selvästi.",
        "Nuoret tulevat mukaan yksittäisiin tapahtumiin, eivät hallitustyöhön, ja se haastaa yhdistyksiä.",
    ),
    "vapaaehtoisuus_sisainen": (
        "Kaupungin työntekijät voisivat osallistua vapaaehtoistyöhön työajalla, ja siitä on kokeilu suunnitteilla.",
        "Sisäinen vapaaehtoistyö tarvitsee selkeät ohjeet ja esihenkilöiden tuen.",
    ),
    "vapaaehtoisuus_monikielinen": (
        "Monikielinen vapaaehtoistoiminta on tuonut mukaan uusia ihmisiä, ja sitä kannattaa tukea.",
        "Kielikahvilat ja kulttuurikaverit ovat hyvä esimerkki yhteistyöstä maahan muuttaneiden kanssa.",
    ),
}

# Spoken openings that make the same point sound like different people.
LEADS = ("", "Minusta ", "Sanoisin, että ", "Käytännössä ", "Meidän näkökulmastamme ")

# Planted personal data: (interview index in wave, code) -> coded sentence that holds it.
PLANTED_CODED = {
    2: ("viestinta_yhteyshenkilo",
        f"Meillä yhteyshenkilönä toimii {PII['name']}, ja hänet tavoittaa numerosta {PII['phone_local']} "
        f"tai osoitteesta {PII['email']}."),
    4: ("avustukset_haku",
        f"Hakemukset voi tuoda myös paperisena toimistolle osoitteeseen {PII['address']}."),
    7: ("tilat_varaus",
        f"Yksi yhdistyksen puheenjohtaja kirjoitti varauslomakkeeseen jopa henkilötunnuksensa {PII['hetu']}, "
        "vaikka sitä ei tarvita."),
}
PLANTED_UNCODED = {
    0: f"Minulle voi soittaa numeroon {PII['phone_local']}, jos haastattelusta tulee kysyttävää.",
    5: f"Kollegani {PII['name']} hoitaa nykyään tätä asiaa minun sijastani.",
}

DIVISION_INTRO = {
    "sivistys": "Työskentelen sivistyksen ja hyvinvoinnin toimialalla",
    "elinvoima": "Työskentelen elinvoiman ja työllisyyden toimialalla",
    "kaupunkiymparisto": "Työskentelen kaupunkiympäristön ja konsernipalveluiden puolella",
}
ROLE_INTRO = {
    "johto": "johtavana viranhaltijana, ja vastaan palvelualueen yhteistyöstä.",
    "esihenkilo": "esihenkilönä, ja tiimini tekee päivittäin yhteistyötä yhdistysten kanssa.",
    "asiantuntija": "asiantuntijana, ja olen yhteyshenkilö useille järjestöille.",
}


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_GUID_NS, "/".join(parts))).upper()


def _interviews(wave: str) -> list[dict]:
    """The wave's interviewees: pseudonymous id, division, role (no names)."""
    people = []
    for division, size in DIVISIONS[wave].items():
        for k in range(size):
            people.append({"division": division, "role": ROLES[(k + len(people)) % len(ROLES)]})
    for i, person in enumerate(people):
        person["interview"] = f"H{i + 1:02d}"
    return people


def _assign_codes(wave: str, n: int) -> list[list[str]]:
    """Which codes each interview mentions: seeded draws, every code at least twice."""
    rng = np.random.default_rng(20240 + int(wave[:4]))
    codes = list(PREVALENCE)
    chosen = [[c for c in codes if rng.random() < PREVALENCE[c]] for _ in range(n)]
    for i, (code, _) in PLANTED_CODED.items():
        if i < n and code not in chosen[i]:
            chosen[i].append(code)
    for code in codes:
        holders = [i for i in range(n) if code in chosen[i]]
        for i in rng.permutation(n):
            if len(holders) >= 2:
                break
            if int(i) not in holders:
                chosen[int(i)].append(code)
                holders.append(int(i))
    for i in range(n):
        if len(chosen[i]) < 3:
            for code in rng.permutation(codes):
                if code not in chosen[i]:
                    chosen[i].append(str(code))
                if len(chosen[i]) >= 3:
                    break
        chosen[i] = [c for c in codes if c in chosen[i]]  # codebook order
    return chosen


def build_interviews(wave: str) -> tuple[list[dict], list[dict], dict]:
    """Transcripts and codings of one wave, and the truth.

    Returns ``(people, segments, truth)``: ``people`` with ``interview``, ``division``,
    ``role``, ``text``; ``segments`` with ``interview``, ``code``, ``theme``, ``start``,
    ``end``, ``text`` (positions in code points).
    """
    instrument = demo_instrument("interviews")
    theme_of = {c.code: t.code for t in instrument.themes for c in t.codes}
    people = _interviews(wave)
    chosen = _assign_codes(wave, len(people))
    segments = []
    for i, person in enumerate(people):
        parts = ["Haastattelija: Kertoisitko lyhyesti tehtävästäsi?\n",
                 f"Haastateltava: {DIVISION_INTRO[person['division']]} {ROLE_INTRO[person['role']]}"]
        if i in PLANTED_UNCODED:
            parts.append(" " + PLANTED_UNCODED[i])
        parts.append("\n\n")
        text = "".join(parts)
        by_theme: dict[str, list[str]] = {}
        for code in chosen[i]:
            by_theme.setdefault(theme_of[code], []).append(code)
        for theme, codes in by_theme.items():
            text += f"Haastattelija: {QUESTIONS[theme]}\nHaastateltava:"
            for code in codes:
                planted = PLANTED_CODED.get(i)
                if planted and planted[0] == code:
                    sentence = planted[1]
                else:
                    sentence = ANSWERS[code][(i + len(code)) % 2]
                    lead = LEADS[(7 * i + len(code)) % len(LEADS)]
                    sentence = lead + sentence[0].lower() + sentence[1:] if lead else sentence
                text += " "
                start = len(text)
                text += sentence
                segments.append({"interview": person["interview"], "code": code, "theme": theme,
                                 "start": start, "end": len(text), "text": sentence})
            text += "\n\n"
        person["text"] = text.rstrip("\n") + "\n"
    truth = {
        "interviews": len(people),
        "codings": len(segments),
        "codes": {c: sum(1 for ch in chosen if c in ch) for c in PREVALENCE},
        "themes": {t.code: sum(1 for ch in chosen if any(theme_of[c] == t.code for c in ch))
                   for t in instrument.themes},
        "divisions": dict(DIVISIONS[wave]),
        "codes_by_division": {
            d: {c: sum(1 for p, ch in zip(people, chosen) if p["division"] == d and c in ch) for c in PREVALENCE}
            for d in DIVISIONS[wave]},
    }
    return people, segments, truth


def _labels(instrument) -> tuple[dict, dict, dict, dict]:
    divisions = {d.code: d.fi for d in instrument.divisions}
    roles = {r.code: r.fi for r in instrument.roles}
    themes = {t.code: t.fi for t in instrument.themes}
    codes = {c.code: c.fi for t in instrument.themes for c in t.codes}
    return divisions, roles, themes, codes


def qdpx_bytes(people: list[dict], segments: list[dict], wave: str) -> bytes:
    """The REFI-QDA project (``project.qde`` + ``sources/*.txt``) as reproducible zip bytes."""
    instrument = demo_instrument("interviews")
    divisions, roles, themes, code_labels = _labels(instrument)
    ET.register_namespace("", NS)
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    user = _guid(wave, "user")
    root = ET.Element(q("Project"), {"name": f"Haastattelut {wave}", "origin": "survey demo (QualCoder-style)",
                                      "creatingUserGUID": user,
                                      "creationDateTime": f"{wave[:4]}-05-01T12:00:00Z"})
    users = ET.SubElement(root, q("Users"))
    ET.SubElement(users, q("User"), {"guid": user, "name": "Analyytikko"})
    book = ET.SubElement(ET.SubElement(root, q("CodeBook")), q("Codes"))
    guid_of = {}
    for theme in instrument.themes:
        guid_of[theme.code] = _guid("code", theme.code)
        parent = ET.SubElement(book, q("Code"), {"guid": guid_of[theme.code], "name": themes[theme.code],
                                                 "isCodable": "true", "color": "#0B4F8A"})
        for code in theme.codes:
            guid_of[code.code] = _guid("code", code.code)
            ET.SubElement(parent, q("Code"), {"guid": guid_of[code.code], "name": code_labels[code.code],
                                              "isCodable": "true", "color": "#4F8A0B"})
    variables = ET.SubElement(root, q("Variables"))
    var_guids = {"Toimiala": _guid("var", "division"), "Rooli": _guid("var", "role")}
    for name, guid in var_guids.items():
        ET.SubElement(variables, q("Variable"), {"guid": guid, "name": name, "typeOfVariable": "Text"})
    cases = ET.SubElement(root, q("Cases"))
    sources = ET.SubElement(root, q("Sources"))
    members = []
    for person in people:
        pid = person["interview"]
        source_guid = _guid(wave, "source", pid)
        text_name = f"{_guid(wave, 'text', pid)}.txt"
        source = ET.SubElement(sources, q("TextSource"), {"guid": source_guid, "name": pid,
                                                          "plainTextPath": f"internal://{text_name}"})
        for k, seg in enumerate(s for s in segments if s["interview"] == pid):
            sel = ET.SubElement(source, q("PlainTextSelection"), {
                "guid": _guid(wave, "sel", pid, str(k)), "name": seg["text"][:40],
                "startPosition": str(seg["start"]), "endPosition": str(seg["end"])})
            coding = ET.SubElement(sel, q("Coding"), {"guid": _guid(wave, "coding", pid, str(k))})
            ET.SubElement(coding, q("CodeRef"), {"targetGUID": guid_of[seg["code"]]})
        case = ET.SubElement(cases, q("Case"), {"guid": _guid(wave, "case", pid), "name": pid})
        for var, value in (("Toimiala", divisions[person["division"]]), ("Rooli", roles[person["role"]])):
            vv = ET.SubElement(case, q("VariableValue"))
            ET.SubElement(vv, q("VariableRef"), {"targetGUID": var_guids[var]})
            ET.SubElement(vv, q("TextValue")).text = value
        ET.SubElement(case, q("SourceRef"), {"targetGUID": source_guid})
        members.append((f"sources/{text_name}", person["text"].encode("utf-8")))
    # Element order follows the REFI-QDA schema: Users, CodeBook, Variables, Cases, Sources.
    ET.indent(root, space="  ")
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, data in members:
            archive.writestr(name, data)
    return normalise_zip(buffer.getvalue())


def sheet_bytes(people: list[dict], segments: list[dict]) -> bytes:
    """The coding spreadsheet: one row per coded segment, Finnish headers, reproducible bytes."""
    instrument = demo_instrument("interviews")
    divisions, roles, themes, code_labels = _labels(instrument)
    who = {p["interview"]: p for p in people}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Koodaukset"
    sheet.append(["Haastattelu", "Toimiala", "Rooli", "Teema", "Koodi", "Sitaatti", "Julkaistavissa"])
    for seg in segments:
        person = who[seg["interview"]]
        sheet.append([seg["interview"], divisions[person["division"]], roles[person["role"]],
                      themes[seg["theme"]], code_labels[seg["code"]], seg["text"], None])
    for column, width in zip("ABCDEFG", (12, 38, 22, 24, 40, 90, 14)):
        sheet.column_dimensions[column].width = width
    return workbook_bytes(workbook)


def write_interviews(folder: Path, wave: str) -> dict:
    """Write ``interviews.qdpx`` and ``interviews_coding.xlsx`` into ``folder``; return the truth.

    ``folder`` is the wave's raw folder (``data/raw/<wave>/``). The truth holds
    ``interviews``, ``codings``, ``codes`` (code -> interviews mentioning it),
    ``themes`` (theme -> interviews), ``divisions`` (sizes) and ``codes_by_division``.
    """
    if wave not in DIVISIONS:
        raise KeyError(f"no interview demo for wave '{wave}' (known: {', '.join(DIVISIONS)})")
    people, segments, truth = build_interviews(wave)
    folder = Path(folder)
    write_bytes_atomic(folder / QDPX_FILE, qdpx_bytes(people, segments, wave))
    write_bytes_atomic(folder / SHEET_FILE, sheet_bytes(people, segments))
    return truth
