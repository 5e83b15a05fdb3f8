"""Synthetic association survey (järjestökysely) as a Webropol-style xlsx export.

Layout as Webropol writes it: row 1 holds the question text above the first column
of each question (a Likert battery's common text above its first item), row 2 the
option text of a multi-select column or the item text of a battery item; single
choices and Likert items hold the option label as text, multi-select columns 1 or
blank, numeric and open questions their value. Texts come from the instrument
(``instruments/associations.yml``), so the export and the instrument cannot drift.

Planted (see ``truth`` in the result and ``truth/<wave>.json``):

* exactly 3 youth organisations per wave (below the disclosure threshold);
* premises availability (``premises_available``): village associations mostly
  disagree, sports clubs mostly agree (exact counts per wave);
* knowing whom to contact at the city (``contact_known``) rises from 28/63
  (44 %) in 2024-demo to 50/71 (70 %) in 2026-demo;
* invented personal data and a formula-injection answer in the open answers;
* 2026-demo only: a renamed header, a reworded item, a dropped question, an added
  option, and three data problems (a duplicated respondent row, an unknown value in
  a single-choice column, an unknown Likert label).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl

from survey.demo.source import instrument as demo_instrument
from survey.demo.truth import FORMULA_INJECTION, PII, SYNTHETIC_NOTE, allocate, seed_for
from survey.store.files import save_workbook

FILE_NAME = "associations_webropol.xlsx"
ID_HEADER = "Vastaajan tunnus"
TIME_HEADER = "Vastausaika"
HEADER_ROWS = 2  # Excel row of respondent i (0-based) is i + HEADER_ROWS + 1

SPEC = {
    "2024-demo": {
        "respondents": 63,
        "id_start": 1001,
        "month": 4,
        "types": {"sports": 14, "culture": 9, "village": 12, "social_health": 11, "youth": 3,
                  "pensioners": 7, "other": 7},
        "contact": {"yes": 28, "no": 30, "dont_know": 5},
        "premises": {"village": {1: 4, 2: 4, 3: 1, 4: 1, 5: 1, 9: 1},
                     "sports": {5: 5, 4: 6, 3: 2, 2: 1}},
    },
    "2026-demo": {
        "respondents": 71,
        "id_start": 2001,
        "month": 3,
        "types": {"sports": 15, "culture": 10, "village": 13, "social_health": 12, "youth": 3,
                  "pensioners": 9, "other": 9},
        "contact": {"yes": 50, "no": 17, "dont_know": 4},
        "premises": {"village": {1: 4, 2: 4, 3: 2, 4: 1, 5: 1, 9: 1},
                     "sports": {5: 5, 4: 7, 3: 2, 2: 1}},
    },
}

# How the 2026-demo questionnaire differs from the instrument (declared in survey.yml).
CHANGES = {
    "2026-demo": {
        "renamed": {"members": "Järjestönne henkilöjäsenten määrä"},
        "reworded": {"premises_booking": "Kaupungin tilojen varaaminen sähköisen varausjärjestelmän kautta on helppoa."},
        "dropped": ["paid_staff"],
    },
}

# Planted data problems: (respondent index, ...) in the 2026-demo file.
PROBLEMS = {
    "2026-demo": {
        "duplicate_of": 10,        # respondent 10's row appears again ...
        "duplicate_after": 40,     # ... right after respondent 40
        "invalid_single": (22, "members", 7),
        "unknown_label": (35, "cooperation_valued", "Melko samaa mieltä"),
    },
}

# Where personal data is planted: (respondent index, question id, text).
PLANTED_TEXTS = [
    (3, "development_open", f"Toivoisimme, että yhteyshenkilö {PII['name']} vastaisi sähköposteihin nopeammin."),
    (8, "development_open", f"Soittakaa puheenjohtajallemme numeroon {PII['phone_local']}, niin kerromme lisää kentän kunnossapidosta."),
    (13, "benefits_open", f"Järjestämme kylätalolla viikoittaiset kahvit. Lisätietoja sihteeriltä, p. {PII['phone_intl']}."),
    (17, "development_open", f"Avustushakemuksen liitteet voi lähettää osoitteeseen {PII['email']}, koska sähköinen palvelu ei toiminut."),
    (24, "development_open", f"Hakemukseen vaadittiin yhteyshenkilön henkilötunnus {PII['hetu']}, mikä tuntui oudolta."),
    (29, "benefits_open", f"Kokoonnumme osoitteessa {PII['address']} ja tavoitamme kymmeniä ikäihmisiä viikoittain."),
    (33, "development_open", FORMULA_INJECTION),
]

BENEFITS = [
    "Tarjoamme edullista liikuntaa lapsille ja nuorille koko kaupungin alueella.",
    "Järjestämme tapahtumia, jotka tuovat kävijöitä myös muualta maakunnasta.",
    "Ehkäisemme ikäihmisten yksinäisyyttä viikoittaisilla kerhoilla.",
    "Ylläpidämme kylätaloa, joka on koko kylän kokoontumispaikka.",
    "Vertaistukiryhmämme täydentävät kaupungin ja hyvinvointialueen palveluita.",
    "Tuomme asukkaiden ääntä esiin kaupunginosan kehittämisessä.",
    "Kulttuuritoimintamme tuo konsertteja ja näyttelyitä myös kylille.",
    "Vapaaehtoisemme auttavat kaupungin tapahtumissa ja talkoissa.",
    "Tarjoamme nuorille turvallisen harrastuspaikan iltaisin.",
    "Ylläpidämme latuja ja kuntoreittejä yhteistyössä kaupungin kanssa.",
]
DEVELOPMENT = [
    "Avustusten hakuaikoja ja kriteerejä pitäisi selkeyttää.",
    "Toivomme yhtä selkeää yhteyshenkilöä kaupungilta.",
    "Kaupungin tiloja pitäisi saada käyttöön edullisemmin myös iltaisin.",
    "Kumppanuuspöytiä voisi järjestää useammin ja eri puolilla kaupunkia.",
    "Sopimuksiin toivotaan pidempiä kausia, jotta toimintaa voi suunnitella.",
    "Tiedotus kaupungin päätöksistä tulee usein liian myöhään.",
    "Tilojen varausjärjestelmä on hankala käyttää.",
    "Yhteisiä hankkeita voisi valmistella yhdessä jo hakuvaiheessa.",
    "Kylien kehittämisrahaa pitäisi lisätä.",
    "Uutiskirje on hyvä, sitä voisi jatkaa.",
]

TYPE_MEMBERS = {  # probabilities of under_50, 50_199, 200_499, 500_plus
    "sports": [0.15, 0.35, 0.3, 0.2], "culture": [0.45, 0.4, 0.1, 0.05], "village": [0.35, 0.5, 0.15, 0.0],
    "social_health": [0.2, 0.4, 0.25, 0.15], "youth": [0.4, 0.4, 0.2, 0.0], "pensioners": [0.1, 0.5, 0.3, 0.1],
    "other": [0.5, 0.3, 0.15, 0.05],
}
TYPE_DIVISIONS = {  # probabilities of education_wellbeing, vitality_employment, urban_environment
    "sports": [0.9, 0.2, 0.4], "culture": [0.85, 0.3, 0.1], "village": [0.5, 0.5, 0.6],
    "social_health": [0.7, 0.5, 0.1], "youth": [0.9, 0.3, 0.1], "pensioners": [0.7, 0.2, 0.2],
    "other": [0.5, 0.4, 0.3],
}
FORM_PROBS = {"events": 0.6, "premises": 0.55, "partnership_table": 0.3, "agreement": 0.2,
              "projects": 0.25, "hearings": 0.3, "volunteering": 0.2}
GRANT_PROBS = {"operating": 0.6, "project": 0.3, "event": 0.35, "village": 0.0, "premises_grant": 0.15}
NEED_WEIGHTS = {"funding": 5, "volunteers": 4, "premises": 3, "communication": 2, "contact_person": 3,
                "agreements": 2, "projects": 1.5, "renewal": 1}
ITEM_MEANS = {"grants_clear": 0.2, "grants_sufficient": -0.4, "premises_available": 0.0, "premises_booking": -0.2,
              "agreements_clear": -0.1, "cooperation_valued": 0.5, "cooperation_heard": -0.5, "information": 0.3}


def _added_in(dataset: str) -> dict:
    """Option code -> wave in which it was added, per question (``added_in`` of an option)."""
    return {q.id: {o.code: o.added_in for o in q.options if o.added_in}
            for q in demo_instrument(dataset).questions}


def _offered(qid: str, code, wave: str, added: dict) -> bool:
    """Whether the wave's questionnaire offered this option (added options only from their wave on)."""
    since = added.get(qid, {}).get(code)
    return since is None or wave >= since  # wave ids sort by year (2024-demo < 2026-demo)


def _likert(rng: np.random.Generator, latent: float, mean: float) -> int:
    """One Likert answer: scale 1..5 from a latent attitude, 9 (don't know) now and then."""
    if rng.random() < 0.06:
        return 9
    return int(np.clip(np.rint(3.2 + mean + 0.9 * latent + rng.normal(0, 0.7)), 1, 5))


def _answers(rng: np.random.Generator, wave: str, types: list[str], added: dict) -> list[dict]:
    """One dict of codes per respondent (question id -> code, multi -> set of codes)."""
    spec = SPEC[wave]
    n = spec["respondents"]
    contact = allocate(rng, spec["contact"])
    premises = {group: iter(allocate(rng, counts)) for group, counts in spec["premises"].items()}
    people = []
    for i in range(n):
        kind = types[i]
        latent = rng.normal(0, 1)
        a: dict = {"assoc_type": kind}
        a["members"] = ["under_50", "50_199", "200_499", "500_plus"][rng.choice(4, p=TYPE_MEMBERS[kind])]
        a["paid_staff"] = "yes" if rng.random() < (0.5 if kind == "social_health" else 0.2) else "no"
        a["volunteers"] = None if rng.random() < 0.08 else int(np.clip(np.rint(np.exp(rng.normal(2.7, 0.9))), 1, 400))
        divisions = {code for code, p in zip(("education_wellbeing", "vitality_employment", "urban_environment"),
                                             TYPE_DIVISIONS[kind]) if rng.random() < p}
        a["divisions"] = divisions or {"none"}
        if "none" in a["divisions"]:
            a["cooperation_forms"] = None
        else:
            forms = {c for c, p in FORM_PROBS.items() if rng.random() < p}
            a["cooperation_forms"] = forms or {"events"}
        grants = {c for c, p in GRANT_PROBS.items()
                  if _offered("grants_received", c, wave, added) and rng.random() < p}
        if kind == "village" and rng.random() < 0.7:
            grants.add("village")
        a["grants_received"] = None if rng.random() < 0.03 else (grants or {"none"})
        for item, mean in ITEM_MEANS.items():
            a[item] = None if rng.random() < 0.02 else _likert(rng, latent, mean)
        if kind in premises:
            a["premises_available"] = next(premises[kind])
        a["contact_known"] = contact[i]
        if rng.random() < 0.05:
            a["development_needs"] = None
        else:
            codes = list(NEED_WEIGHTS)
            weights = np.array([NEED_WEIGHTS[c] * (3 if c == "premises" and kind == "village" else 1) for c in codes])
            k = int(rng.choice([1, 2, 3], p=[0.15, 0.25, 0.6]))
            a["development_needs"] = set(rng.choice(codes, size=k, replace=False, p=weights / weights.sum()).tolist())
        a["volunteering_city"] = ["yes", "maybe", "no"][rng.choice(3, p=[0.35, 0.4, 0.25])]
        a["benefits_open"] = BENEFITS[rng.integers(len(BENEFITS))] if rng.random() < 0.45 else None
        a["development_open"] = DEVELOPMENT[rng.integers(len(DEVELOPMENT))] if rng.random() < 0.4 else None
        people.append(a)
    for i, qid, text in PLANTED_TEXTS:
        people[i][qid] = text
    return people


def _layout(wave: str, added: dict) -> list[tuple]:
    """The export's columns after the id and time: (question, option code or None, top text, sub text)."""
    instrument = demo_instrument("associations")
    changes = CHANGES.get(wave, {})
    columns = []
    battery_seen = set()
    for q in instrument.questions:
        if q.id in changes.get("dropped", ()):
            continue
        text = changes.get("renamed", {}).get(q.id) or changes.get("reworded", {}).get(q.id) or q.label("fi")
        if q.type == "multi":
            options = [o for o in q.options if _offered(q.id, o.code, wave, added)]
            for j, option in enumerate(options):
                columns.append((q, option.code, text if j == 0 else "", option.label("fi")))
        elif q.type == "likert":
            battery = q.battery
            top = "" if battery in battery_seen else q.battery_text["fi"]
            battery_seen.add(battery)
            columns.append((q, None, top, text))
        else:
            columns.append((q, None, text, ""))
    return columns


def _cell(q, code, answer):
    """The cell value Webropol writes for one answer."""
    if q.type == "multi":
        if code is None or answer is None:
            return None
        return 1 if code in answer else None
    if answer is None:
        return None
    if q.type in ("single", "likert"):
        return q.option_labels("fi")[answer]
    return answer


def build_associations(wave: str, seed: int | None = None) -> tuple[list, list, list[list], dict]:
    """Header rows, data rows and the planted truth of one wave's association export."""
    spec = SPEC[wave]
    rng = np.random.default_rng(seed_for("associations", wave) if seed is None else seed)
    added = _added_in("associations")
    types = allocate(rng, spec["types"])
    people = _answers(rng, wave, types, added)
    layout = _layout(wave, added)
    top = [ID_HEADER, TIME_HEADER] + [c[2] for c in layout]
    sub = ["", ""] + [c[3] for c in layout]
    ids = [f"J{spec['id_start'] + i}" for i in range(len(people))]
    rows = []
    for i, a in enumerate(people):
        stamp = f"{1 + (i * 5) % 27}.{spec['month'] + (i * 7) // 200}.{wave[:4]} {8 + i % 11}:{(i * 13) % 60:02d}"
        rows.append([ids[i], stamp] + [_cell(q, code, a.get(q.id)) for q, code, _, _ in layout])

    problems = []
    plan = PROBLEMS.get(wave)
    if plan:
        headers = [h or s for h, s in zip(top, sub)]
        positions = {q.id: k + 2 for k, (q, code, _, _) in enumerate(layout) if code is None}
        for i, qid, value in (plan["invalid_single"], plan["unknown_label"]):
            rows[i][positions[qid]] = value
            problems.append({"rule": "invalid_value", "respondent_id": ids[i], "question": qid,
                             "column": headers[positions[qid]], "value": str(value),
                             "row": i + HEADER_ROWS + 1})
        dup = plan["duplicate_of"]
        rows.insert(plan["duplicate_after"] + 1, list(rows[dup]))
        problems.append({"rule": "duplicate_id", "respondent_id": ids[dup], "column": ID_HEADER,
                         "rows": [dup + HEADER_ROWS + 1, plan["duplicate_after"] + 1 + HEADER_ROWS + 1]})
        # rows after the inserted duplicate moved down by one
        for p in problems:
            if "row" in p and p["row"] - HEADER_ROWS - 1 > plan["duplicate_after"]:
                p["row"] += 1

    truth = _truth(wave, people, types, ids, problems)
    return top, sub, rows, truth


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _truth(wave: str, people: list[dict], types: list[str], ids: list[str], problems: list[dict]) -> dict:
    """What a test should find in this export."""
    spec = SPEC[wave]
    counts = {k: types.count(k) for k in spec["types"]}
    premises = {}
    for group in spec["premises"]:
        values = [p["premises_available"] for p in people if p["assoc_type"] == group]
        substantive = [v for v in values if v in (1, 2, 3, 4, 5)]
        agree = sum(v in (4, 5) for v in substantive)
        premises[group] = {"respondents": len(values), "substantive": len(substantive), "agree": agree,
                           "share_agree": _share(agree, len(substantive)),
                           "dont_know": sum(v == 9 for v in values)}
    contact = [p["contact_known"] for p in people]
    planted = [{"respondent_id": ids[i], "question": qid, "text": text,
                "kinds": sorted(k for k, v in PII.items() if v in text) or ["formula_injection"]}
               for i, qid, text in PLANTED_TEXTS]
    changes = CHANGES.get(wave, {})
    return {
        "file": FILE_NAME,
        "respondents": spec["respondents"],
        "rows": spec["respondents"] + (1 if PROBLEMS.get(wave) else 0),
        "assoc_type": counts,
        "small_group": {"question": "assoc_type", "code": "youth", "count": counts["youth"]},
        "premises_available": {"question": "premises_available", "agree_codes": [4, 5], "groups": premises},
        "contact_known": {"question": "contact_known", "code": "yes", "count": contact.count("yes"),
                          "answering": len(contact), "share": _share(contact.count("yes"), len(contact)),
                          "counts": {k: contact.count(k) for k in spec["contact"]}},
        "personal_data": planted,
        "changes": {"renamed": changes.get("renamed", {}), "reworded": changes.get("reworded", {}),
                    "dropped": changes.get("dropped", []),
                    "added_options": {q: [c for c, w in codes.items() if w == wave]
                                      for q, codes in _added_in("associations").items()
                                      if any(w == wave for w in codes.values())}},
        "problems": problems,
    }


def write_associations(folder: Path, wave: str) -> tuple[Path, dict]:
    """Write ``associations_webropol.xlsx`` for one wave into ``folder``; return its path and truth."""
    top, sub, rows, truth = build_associations(wave)
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Vastaukset"
    workbook.properties.title = f"Järjestökysely {wave[:4]} – {SYNTHETIC_NOTE}"
    workbook.properties.description = "Synteettinen demoaineisto: ei todellisia vastauksia (synthetic demo data)."
    for row in [top, sub, *rows]:
        ws.append([None if v is None or v == "" else v for v in row])
    # Webropol writes every answer as text: an answer that looks like a formula stays text.
    for cells in ws.iter_rows(min_row=HEADER_ROWS + 1):
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"
    return save_workbook(workbook, Path(folder) / FILE_NAME), truth
