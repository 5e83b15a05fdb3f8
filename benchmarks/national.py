"""A synthetic national wave of the associations survey, for the benchmarks.

200 raw variables per respondent (``respondent_id``; 12 background variables;
8 Likert batteries of 12 items; 8 multi-selects of 11 options; 3 open answers),
generated deterministically and vectorised, written as SPSS ``.sav`` (value labels,
user-missing 9 on Likert items) and as UTF-8 ``.csv`` (the same values, one header
row of variable names). Nothing here is real: every value is drawn from a seeded
random generator.

The instrument is ``benchmarks/national.yml`` (parsed with
``survey.project.instruments.parse_instrument``). It is written by
``python benchmarks/national.py --write-instrument`` from :func:`build_instrument_data`
and committed, so the benchmark reads the same YAML an analyst would write.

Usage::

    .venv/bin/python benchmarks/national.py 100000 benchmarks/_work/n100000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

BENCH_DIR = Path(__file__).resolve().parent
INSTRUMENT_FILE = BENCH_DIR / "national.yml"
WORK_DIR = BENCH_DIR / "_work"
GENERATOR_VERSION = 2  # bump when the generated values change (invalidates cached files)
DATASET = "associations"

LIKERT_SCALE = [
    (1, "Täysin eri mieltä", "Helt av annan åsikt", "Strongly disagree"),
    (2, "Jokseenkin eri mieltä", "Delvis av annan åsikt", "Somewhat disagree"),
    (3, "Ei samaa eikä eri mieltä", "Varken av samma eller annan åsikt", "Neither agree nor disagree"),
    (4, "Jokseenkin samaa mieltä", "Delvis av samma åsikt", "Somewhat agree"),
    (5, "Täysin samaa mieltä", "Helt av samma åsikt", "Strongly agree"),
    (6, "En osaa sanoa", "Vet inte", "Don't know"),
]
LIKERT_DONT_KNOW = 6
LIKERT_MISSING = 9  # user-missing "no answer" code, declared in the .sav

# battery id, fi, sv, en
BATTERIES = [
    ("grants", "Avustukset", "Bidrag", "Grants"),
    ("premises", "Toimitilat", "Lokaler", "Premises"),
    ("agreements", "Sopimukset ja kumppanuussopimukset", "Avtal och partnerskapsavtal", "Agreements"),
    ("cooperation", "Toiminnallinen yhteistyö", "Operativt samarbete", "Operational cooperation"),
    ("communication", "Viestintä ja tiedonkulku", "Kommunikation och information", "Communication"),
    ("influence", "Osallisuus ja vaikuttaminen", "Delaktighet och påverkan", "Participation and influence"),
    ("volunteering", "Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
    ("future", "Tulevaisuus", "Framtiden", "The future"),
]
ITEMS_PER_BATTERY = 12

# question id, fi, sv, en, option count
MULTIS = [
    ("grants_applied", "Mitä avustuksia järjestönne on hakenut?", "Vilka bidrag har er organisation sökt?",
     "Which grants has your association applied for?"),
    ("premises_used", "Mitä kunnan tiloja järjestönne käyttää?", "Vilka kommunala lokaler använder er organisation?",
     "Which municipal premises does your association use?"),
    ("agreement_types", "Millaisia sopimuksia teillä on kunnan kanssa?", "Vilka avtal har ni med kommunen?",
     "What agreements do you have with the municipality?"),
    ("cooperation_forms", "Mitä yhteistyön muotoja käytätte?", "Vilka samarbetsformer använder ni?",
     "Which forms of cooperation do you use?"),
    ("channels", "Mistä saatte tietoa kunnan asioista?", "Var får ni information om kommunens ärenden?",
     "Where do you get information about the municipality?"),
    ("challenges", "Mitkä ovat suurimmat haasteenne?", "Vilka är era största utmaningar?",
     "What are your biggest challenges?"),
    ("development_needs", "Mitä yhteistyössä pitäisi kehittää?", "Vad borde utvecklas i samarbetet?",
     "What should be developed in the cooperation?"),
    ("target_groups", "Keille toimintanne on suunnattu?", "Vem riktar sig er verksamhet till?",
     "Who is your activity for?"),
]
OPTIONS_PER_MULTI = 11
# distinct option labels per multi-select (Finnish only; the instrument falls back to fi)
OPTION_LABELS = {
    "grants_applied": ["Toiminta-avustus", "Kohdeavustus", "Liikunta-avustus", "Kulttuuriavustus",
                       "Nuorisoavustus", "Tapahtuma-avustus", "Kylien kehittämisraha", "Vuokra-avustus",
                       "Aloituslaina", "Veteraanijärjestöjen avustus", "Hyvinvointialueen avustus"],
    "premises_used": ["Koulut", "Kirjastot", "Liikuntahallit", "Nuorisotilat", "Kylätalot", "Seurakuntatalot",
                      "Kulttuuritalot", "Urheilukentät", "Uimahallit", "Työväentalot", "Kaupungintalo"],
    "agreement_types": ["Kumppanuussopimus", "Palvelusopimus", "Vuokrasopimus", "Kunnossapitosopimus",
                        "Tapahtumasopimus", "Ostopalvelu", "Hankesopimus", "Aiesopimus", "Yhteistyösopimus",
                        "Avustussopimus", "Käyttöoikeussopimus"],
    "cooperation_forms": ["Yhteiset tapahtumat", "Kumppanuuspöytä", "Vaikuttamistoimielimet", "Työryhmät",
                          "Yhteiset hankkeet", "Kyläkierrokset", "Asukasbudjetti", "Vapaaehtoistoiminta",
                          "Koulutukset", "Tiedotus", "Neuvonta"],
    "channels": ["Sähköposti", "Verkkosivut", "Sosiaalinen media", "Paikallislehti", "Ilmoitustaulut",
                 "Järjestöinfo", "Uutiskirje", "Puhelin", "Tapaamiset", "Yhdyshenkilö", "Tekstiviesti"],
    "challenges": ["Rahoitus", "Vapaaehtoisten puute", "Tilat", "Hallinnon byrokratia", "Tiedonkulku",
                   "Jäsenmäärän lasku", "Osaaminen", "Aika", "Sukupolvenvaihdos", "Näkyvyys", "Yhteistyökumppanit"],
    "development_needs": ["Selkeämmät avustuskriteerit", "Pidemmät sopimuskaudet", "Edullisemmat tilat",
                          "Nimetty yhteyshenkilö", "Sähköinen asiointi", "Yhteinen tapahtumakalenteri",
                          "Koulutusta järjestöille", "Kumppanuuspöydät", "Hankeneuvonta", "Viestintä",
                          "Osallistava budjetointi"],
    "target_groups": ["Lapset", "Nuoret", "Työikäiset", "Ikäihmiset", "Perheet", "Maahanmuuttajat",
                      "Vammaiset", "Työttömät", "Opiskelijat", "Kyläläiset", "Kaikki asukkaat"],
}
BATTERY_TEXT = ("Kuinka samaa tai eri mieltä olette seuraavista väittämistä ({})?",
                "I vilken grad instämmer ni i följande påståenden ({})?",
                "How much do you agree or disagree with the following statements ({})?")
BACKGROUND = ("region", "org_type", "municipality_size")
NUMERIC_RANGES = {"founded": (1800, 2026), "members": (0, 1000000), "volunteers": (0, 100000),
                  "duration_min": (0, 1440)}
SAV_ID, CSV_ID = "ID", "Vastaajan tunnus"

# single-choice background questions: id, fi, sv, en, number of codes
SINGLES = [
    ("region", "Maakunta", "Landskap", "Region", 19),
    ("org_type", "Järjestön tyyppi", "Typ av organisation", "Type of association", 9),
    ("field", "Toimiala", "Verksamhetsområde", "Field of activity", 10),
    ("municipality_size", "Kunnan koko", "Kommunens storlek", "Size of the municipality", 5),
    ("language", "Toimintakieli", "Verksamhetsspråk", "Working language", 3),
    ("budget_class", "Vuosibudjetti", "Årsbudget", "Annual budget", 6),
    ("has_employees", "Onko järjestöllä palkattua henkilöstöä?", "Har organisationen anställd personal?",
     "Does the association employ staff?", 2),
]
NUMERICS = [
    ("founded", "Perustamisvuosi", "Grundningsår", "Year founded"),
    ("members", "Jäsenmäärä", "Antal medlemmar", "Number of members"),
    ("volunteers", "Vapaaehtoisten määrä", "Antal frivilliga", "Number of volunteers"),
    ("duration_min", "Vastaamiseen käytetty aika (min)", "Svarstid (min)", "Time to answer (min)"),
]
TEXTS = [
    ("grants_other", "Muut avustukset", "Andra bidrag", "Other grants"),
    ("development_ideas", "Kehittämisideat", "Utvecklingsidéer", "Development ideas"),
    ("feedback", "Vapaa palaute", "Fri respons", "Open feedback"),
]
TEXT_POOL = ["Kyläyhdistyksen tapahtuma-avustus", "Liikuntavuoroja enemmän iltaisin",
             "Tiedotus voisi olla selkeämpää", "Kiitos yhteistyöstä!", "Kumppanuuspöytä useammin",
             "Tilavuokrat ovat nousseet", "Avustushaku sähköiseksi", "Vapaaehtoisia on vaikea löytää"]


def _text(fi: str, sv: str, en: str) -> dict:
    return {"fi": fi, "sv": sv, "en": en}


def build_instrument_data() -> dict:
    """The national instrument as plain YAML-ready data (200 raw variables)."""
    questions: list[dict] = [{"id": "response_date", "type": "date",
                              "text": _text("Vastauspäivä", "Svarsdatum", "Date of response")}]
    for qid, fi, sv, en, k in SINGLES:
        question = {"id": qid, "type": "single", "text": _text(fi, sv, en), "options": [
            {"code": c, "fi": f"{fi} {c}", "sv": f"{sv} {c}", "en": f"{en} {c}"} for c in range(1, k + 1)]}
        if qid in BACKGROUND:
            question["background"] = True
        questions.append(question)
    for qid, fi, sv, en in NUMERICS:
        low, high = NUMERIC_RANGES[qid]
        questions.append({"id": qid, "type": "numeric", "min": low, "max": high, "text": _text(fi, sv, en)})
    scale = [{"code": c, "fi": fi, "sv": sv, "en": en} for c, fi, sv, en in LIKERT_SCALE]
    for bid, fi, sv, en in BATTERIES:
        battery_text = _text(BATTERY_TEXT[0].format(fi.lower()), BATTERY_TEXT[1].format(sv.lower()),
                             BATTERY_TEXT[2].format(en.lower()))
        for j in range(1, ITEMS_PER_BATTERY + 1):
            questions.append({
                "id": f"{bid}_s{j:02d}", "type": "likert", "battery": bid, "battery_text": battery_text,
                "scale": [1, 2, 3, 4, 5], "dont_know": LIKERT_DONT_KNOW, "missing": [LIKERT_MISSING],
                "agree": [4, 5],
                "text": _text(f"{fi}: väittämä {j}", f"{sv}: påstående {j}", f"{en}: statement {j}"),
                "options": scale})
    for qid, fi, sv, en in MULTIS:
        questions.append({"id": qid, "type": "multi", "text": _text(fi, sv, en), "options": [
            {"code": f"o{c:02d}", "fi": label} for c, label in enumerate(OPTION_LABELS[qid], start=1)]})
    for qid, fi, sv, en in TEXTS:
        questions.append({"id": qid, "type": "text", "text": _text(fi, sv, en)})
    return {"dataset": DATASET, "id_column": "respondent_id", "source_id_column": SAV_ID,
            "title": _text("Valtakunnallinen järjestökysely (synteettinen vertailuaineisto)",
                           "Nationell organisationsenkät (syntetiskt jämförelsematerial)",
                           "National survey of associations (synthetic benchmark data)"),
            "questions": questions}


def load_national_instrument():
    """The committed ``national.yml`` parsed into a ``survey.project.instruments.Instrument``."""
    from survey.project.instruments import parse_instrument

    data = yaml.safe_load(INSTRUMENT_FILE.read_text(encoding="utf-8"))
    return parse_instrument(data, where=str(INSTRUMENT_FILE))


def raw_column(qid: str, code=None) -> str:
    """The raw (.sav/.csv) variable name of a question, or of one multi-select option."""
    return qid if code is None else f"{qid}__{code}"


def raw_columns(instrument) -> list[str]:
    """Every raw column in file order, the respondent id (``ID``) first."""
    cols = [SAV_ID]
    for q in instrument.questions:
        if q.type == "multi":
            cols.extend(raw_column(q.id, o.code) for o in q.options)
        else:
            cols.append(raw_column(q.id))
    return cols


def generate_frame(n: int, seed: int = 2026, instrument=None) -> pd.DataFrame:
    """``n`` synthetic respondents as the raw export holds them (codes; NaN = skipped)."""
    instrument = instrument or load_national_instrument()
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {SAV_ID: np.char.add("R", np.char.zfill(
        np.arange(1, n + 1).astype(str), 7)).astype(object)}
    latent: dict[str, np.ndarray] = {}
    start = np.datetime64("2026-03-02")
    for q in instrument.questions:
        if q.type == "date":
            data[q.id] = (start + rng.integers(0, 28, n).astype("timedelta64[D]")).astype("datetime64[ns]")
        elif q.type == "single":
            k = len(q.options)
            weights = rng.dirichlet(np.full(k, 2.0))
            values = rng.choice(np.arange(1, k + 1), size=n, p=weights).astype(float)
            values[rng.random(n) < 0.01] = np.nan
            data[q.id] = values
        elif q.type == "numeric":
            if q.id == "founded":
                values = rng.integers(1880, 2026, n).astype(float)
            elif q.id == "duration_min":
                values = np.round(rng.lognormal(2.5, 0.5, n), 1)
            else:
                values = np.floor(rng.lognormal(3.5 if q.id == "members" else 2.0, 1.2, n))
            values[rng.random(n) < 0.03] = np.nan
            data[q.id] = values
        elif q.type == "likert":
            battery = q.battery or q.id
            if battery not in latent:
                latent[battery] = rng.normal(0, 1, n)
            shift = rng.normal(0, 0.6)
            score = np.clip(np.rint(3 + shift + latent[battery] + rng.normal(0, 0.8, n)), 1, 5)
            u = rng.random(n)
            score[u < 0.06] = LIKERT_DONT_KNOW
            score[(u >= 0.06) & (u < 0.07)] = LIKERT_MISSING
            score[(u >= 0.07) & (u < 0.09)] = np.nan
            data[q.id] = score
        elif q.type == "multi":
            shown = rng.random(n) >= 0.08
            probs = np.sort(rng.uniform(0.03, 0.7, len(q.options)))[::-1]
            for o, p in zip(q.options, probs):
                values = (rng.random(n) < p).astype(float)
                values[~shown] = np.nan
                data[raw_column(q.id, o.code)] = values
        elif q.type == "text":
            texts = np.array(TEXT_POOL, dtype=object)[rng.integers(0, len(TEXT_POOL), n)]
            texts[rng.random(n) >= 0.1] = ""
            data[q.id] = texts
    frame = pd.DataFrame(data, columns=raw_columns(instrument))
    return frame


def spss_metadata(instrument) -> dict:
    """``pyreadstat.write_sav`` keyword arguments: labels, value labels, user-missing, measures."""
    labels: dict = {SAV_ID: CSV_ID}
    value_labels: dict = {}
    missing: dict = {}
    measure: dict = {SAV_ID: "nominal"}
    for q in instrument.questions:
        if q.type == "multi":
            for o in q.options:
                col = raw_column(q.id, o.code)
                labels[col] = f"{q.label('fi')}: {o.label('fi')}"
                value_labels[col] = {0.0: "Ei valittu", 1.0: "Valittu"}
                measure[col] = "nominal"
            continue
        labels[q.id] = q.label("fi")
        if q.type in ("single", "likert"):
            value_labels[q.id] = {float(o.code): o.label("fi") for o in q.options}
            measure[q.id] = "ordinal" if q.type == "likert" else "nominal"
        if q.type == "likert":
            value_labels[q.id][float(LIKERT_MISSING)] = "Ei vastausta"
            missing[q.id] = [float(LIKERT_MISSING)]
        if q.type == "numeric":
            measure[q.id] = "scale"
        if q.type == "text":
            measure[q.id] = "nominal"
    return {"column_labels": labels, "variable_value_labels": value_labels, "missing_ranges": missing,
            "variable_measure": measure}


def write_wave(n: int, folder: Path, seed: int = 2026) -> dict:
    """Write ``national.sav`` and ``national.csv`` for ``n`` respondents into ``folder``.

    Reuses files already written with the same ``n``, seed and generator version
    (recorded in ``wave.json``). Returns the paths, sizes and generation time.
    """
    import pyreadstat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "wave.json"
    key = {"n": n, "seed": seed, "generator": GENERATOR_VERSION,
           "instrument_sha": _sha(INSTRUMENT_FILE.read_bytes())}
    sav, csv = folder / "national.sav", folder / "national.csv"
    if stamp.is_file() and sav.is_file() and csv.is_file():
        info = json.loads(stamp.read_text())
        if info.get("key") == key:
            return info
    t0 = time.perf_counter()
    instrument = load_national_instrument()
    frame = generate_frame(n, seed, instrument)
    t1 = time.perf_counter()
    pyreadstat.write_sav(frame, str(sav), file_label="Synteettinen valtakunnallinen järjestökysely",
                         **spss_metadata(instrument))
    t2 = time.perf_counter()
    write_csv(frame, csv, instrument)
    t3 = time.perf_counter()
    info = {"key": key, "respondents": n, "variables": frame.shape[1], "sav": str(sav), "csv": str(csv),
            "sav_bytes": sav.stat().st_size, "csv_bytes": csv.stat().st_size,
            "seconds": {"generate": t1 - t0, "write_sav": t2 - t1, "write_csv": t3 - t2}}
    stamp.write_text(json.dumps(info, indent=2))
    return info


def write_csv(frame: pd.DataFrame, path: Path, instrument=None) -> Path:
    """Write the raw frame as a Webropol-style UTF-8 csv export.

    Two header rows (question text above the first column of each question, a
    battery's common text above its first item; option or item text in row 2),
    single choices and Likert items as their Finnish labels ("En osaa sanoa"
    included; Webropol has no user-missing codes, so 9 is blank), multi-select
    columns 1 or blank, dates as ``d.m.yyyy``.
    """
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    instrument = instrument or load_national_instrument()
    top: list[str] = [CSV_ID]
    sub: list[str] = [""]
    out: dict[str, object] = {SAV_ID: frame[SAV_ID]}
    seen_batteries: set = set()
    for q in instrument.questions:
        if q.type == "multi":
            for j, o in enumerate(q.options):
                col = raw_column(q.id, o.code)
                top.append(q.label("fi") if j == 0 else "")
                sub.append(o.label("fi"))
                out[col] = frame[col].map({1.0: "1"}).astype("string")
            continue
        col = frame[q.id]
        if q.type == "likert":
            battery = q.battery
            top.append("" if battery in seen_batteries else q.battery_text["fi"])
            seen_batteries.add(battery)
            sub.append(q.label("fi"))
        else:
            top.append(q.label("fi"))
            sub.append("")
        if q.type in ("single", "likert"):
            out[q.id] = col.map({float(o.code): o.label("fi") for o in q.options}).astype("string")
        elif q.type == "date":
            out[q.id] = col.dt.day.astype(str) + "." + col.dt.month.astype(str) + "." + col.dt.year.astype(str)
        elif q.type == "numeric" and bool((col.dropna() % 1 == 0).all()):
            out[q.id] = col.astype("Int64")
        elif q.type == "text":
            out[q.id] = col.replace("", None).astype("string")
        else:
            out[q.id] = col
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(top)
        writer.writerow(sub)
    table = pa.Table.from_pandas(pd.DataFrame(out), preserve_index=False)
    with open(path, "ab") as handle:
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    return path


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("respondents", nargs="?", type=int, default=1000)
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write-instrument", action="store_true",
                        help="rewrite benchmarks/national.yml from build_instrument_data()")
    args = parser.parse_args(argv)
    if args.write_instrument:
        header = ("# Synthetic national associations survey used by benchmarks/run.py (not a real study).\n"
                  "# Written by `python benchmarks/national.py --write-instrument`; 200 raw variables:\n"
                  "# respondent_id, 12 background, 8 Likert batteries x 12 items, 8 multi-selects x 11\n"
                  "# options, 3 open answers. Likert: 1-5, 6 = En osaa sanoa, 9 = user-missing.\n")
        text = yaml.safe_dump(build_instrument_data(), allow_unicode=True, sort_keys=False, width=120,
                              default_flow_style=None)
        INSTRUMENT_FILE.write_text(header + text, encoding="utf-8")
        print(f"wrote {INSTRUMENT_FILE}")
        return 0
    folder = args.folder or WORK_DIR / f"n{args.respondents}"
    print(json.dumps(write_wave(args.respondents, folder, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR.parent / "src"))
    sys.exit(main())
