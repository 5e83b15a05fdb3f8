"""``survey init DIR``: a new, valid, empty project folder.

Writes ``survey.yml`` (organisation, languages, disclosure threshold, no datasets and
no waves yet, every line commented), the folders ``instruments/``, ``data/raw/`` and
``reports/``, and a short README for the analyst in Finnish and English. Nothing
that exists is overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

from survey.errors import ConfigError
from survey.project.config import CONFIG_FILE, load_project
from survey.store import files

SURVEY_YML = """\
# Survey project configuration: every key is described in docs/CONFIG.md.
# Kyselyprojektin asetukset: jokainen avain on kuvattu tiedostossa docs/CONFIG.md.
organisation:
  name: {name}

# Report languages; the first is the default (fi, sv, en).
languages: {languages}

disclosure:
  # Groups smaller than this are never shown (suppressed) in any output.
  min_group_size: 5
  # true: small groups are merged into "muut" (other) instead of being suppressed.
  merge_small_groups: false

redaction:
  # Names masked in open answers and quotes, besides the export's own name columns.
  names: []

# The datasets, in report order: <id>: {{kind: survey | interviews}}; the questionnaire of
# each is instruments/<id>.yml (`survey draft EXPORT --dataset ID` writes a first version).
datasets: {{}}

# The survey rounds, oldest first; each names its exports in data/raw/<wave id>/.
waves: []
"""

README = """\
# {name}: kyselyaineiston projekti / survey project

**Suomeksi.** Tämä kansio on yksi kyselyprojekti. Kone lukee vain nämä tiedostot:

- `survey.yml`: asetukset (kielet, tietosuojaraja, aineistot ja kierrokset);
- `instruments/<aineisto>.yml`: kunkin aineiston kyselylomake (kysymykset, vaihtoehdot, koodit);
- `data/raw/<kierros>/`: kyselytyökalun viennit sellaisinaan (älä muokkaa niitä);
- `reports/`: raportin omat tekstit (valinnainen).

Uusi aineisto: `survey draft VIENTI.xlsx --dataset yhdistykset --wave 2025` kirjoittaa
lomakkeen luonnoksen ja lisää kierroksen tiedostoon `survey.yml`. Lue jokainen
`# CHECK:`-rivi, sitten `survey validate` ja `survey run`.

**In English.** This folder is one survey project: `survey.yml` (settings), one
`instruments/<dataset>.yml` per dataset (the questionnaire), the raw exports in
`data/raw/<wave>/` (never edited) and optionally `reports/` (the project's own texts).
A new dataset: `survey draft EXPORT --dataset ID --wave WAVE` drafts the questionnaire
and declares the wave; check every `# CHECK:` line, then `survey validate` and `survey run`.
"""


def init_project(root: Path, organisation: str = "", languages: tuple[str, ...] = ("fi",)) -> list[Path]:
    """Create the project folder ``root``; return the files written. ConfigError if one exists there."""
    root = Path(root)
    if (root / CONFIG_FILE).exists():
        raise ConfigError(f"{root} already holds a {CONFIG_FILE}; choose an empty folder", file=str(root / CONFIG_FILE))
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} is a file, not a folder", file=str(root))
    name = organisation.strip() or root.resolve().name
    written = []
    for folder in ("instruments", "data/raw", "reports"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    text = SURVEY_YML.format(name=json.dumps(name, ensure_ascii=False),
                             languages="[" + ", ".join(dict.fromkeys(languages)) + "]")
    readme = root / "README.md"
    if not readme.exists():
        written.append(files.write_text_atomic(readme, README.format(name=name)) or readme)
    written.append(files.write_text_atomic(root / CONFIG_FILE, text) or root / CONFIG_FILE)
    load_project(root)  # the new project is valid
    return [Path(p) for p in written]
