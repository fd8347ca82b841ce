"""`cfsi-reports new SLUG`: a new action file with every field, commented in French."""

from __future__ import annotations

import re
from pathlib import Path

from .content.model import MAX_SLUG, SLUG
from .errors import UsageError
from .output import write_atomic

TEMPLATE = """\
# Action pilote : remplissez chaque champ puis lancez `cfsi-reports validate`.
# Les champs marqués (facultatif) peuvent être supprimés.
# Texte enrichi : paragraphes séparés par une ligne vide, listes avec « - », *italique*, **gras**.
# Mettez entre guillemets un texte qui contient « : » suivi d'un espace.

# Ligne au-dessus du titre, par exemple « Mali / France » (facultatif)
regions: ""
# Titre de l'action
title: ""
# Pays concernés : codes ISO à deux lettres, par exemple [ML, FR] (facultatif)
countries: []
# Porteur du projet
lead: ""
# Partenaires principaux : un par ligne
partners:
  - ""
# Localisation du projet/territoires : un lieu par ligne
locations:
  - ""
# Bénéficiaires : « direct » et/ou « indirect », un texte ou une liste de textes
beneficiaries:
  direct: ""
  indirect: ""
  # label: Nombre de personnes concernées   # (facultatif) remplace le titre « Bénéficiaires »
  # direct_label: Directement               # (facultatif) remplace « Directs »
  # indirect_label: Indirectement           # (facultatif) remplace « Indirects »
# Durée en mois (nombre entier)
duration_months: 0
# Financement en euros, sans espace ni symbole : 98525 ou 75500.50
funding:
  budget: 0
  granted: 0
  # budget_label: Budget global   # (facultatif) remplace « Budget »
# Le projet (texte enrichi)
project: |

# Résultats attendus : un élément par ligne
expected_results:
  - ""
# Principales activités : un élément par ligne
activities:
  - ""
# Photo (facultatif) : chemin relatif au dossier de contenu, texte alternatif, crédit
# photo:
#   file: photos/{slug}.jpg
#   alt: ""
#   credit: ""
# Identifiant dans les noms de fichiers (facultatif, par défaut tiré du nom du fichier)
slug: {slug}
"""


def new_action(content_dir: Path, slug: str) -> Path:
    """Write `actions/NN-slug.yaml` with the next free number; return its path."""
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise UsageError(
            f"{slug!r} is not a valid slug (lowercase letters, digits and hyphens, e.g. maraichage)"
        )
    actions = content_dir / "actions"
    if not content_dir.is_dir():
        raise UsageError(f"content folder {content_dir} not found")
    existing = sorted(actions.glob("*.y*ml")) if actions.is_dir() else []
    numbers = [int(m.group(1)) for p in existing if (m := re.match(r"^(\d+)", p.name))]
    for path in existing:
        if re.sub(r"^\d+[-_. ]*", "", path.stem) == slug or f"slug: {slug}\n" in path.read_text(
            encoding="utf-8", errors="replace"
        ):
            raise UsageError(f"an action with the slug {slug!r} already exists: {path}")
    number = max(numbers, default=0) + 1
    width = max(2, len(str(number)))
    target = actions / f"{number:0{width}d}-{slug}.yaml"
    write_atomic(target, TEMPLATE.format(slug=slug).encode("utf-8"))
    return target
