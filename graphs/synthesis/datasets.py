"""Labelled studies of public spine datasets as case vignettes (the paper used open datasets too).

- **RSNA 2024 Lumbar Spine Degenerative Classification** (Kaggle): ``train.csv`` grades five
  conditions at five lumbar levels per study (``spinal_canal_stenosis_l4_l5`` = ``Normal/Mild``
  | ``Moderate`` | ``Severe``); ``train_label_coordinates.csv`` places each label on a series
  and instance (levels written ``L4/L5``); ``train_series_descriptions.csv`` names the series.
  Where the user also has ``train_images/<study>/<series>/<instance>.dcm``, the labelled slice
  becomes the record's image.
- **VerSe** centroid JSON (``[{"direction": [...]}, {"label": 20, "X": .., ...}, ...]``): the
  labelled vertebrae of a CT, with transitional vertebrae noted.

The vignettes' sentences are ours, built from the labels only; the levels and grades ground the
consultation or report that a model writes from them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from tools import levels as lv

from .units import CASE_TASKS, Image, Loaded, Source

RSNA_URL = "https://www.kaggle.com/competitions/rsna-2024-lumbar-spine-degenerative-classification"
RSNA_CITATION = f"RSNA (2024). RSNA 2024 Lumbar Spine Degenerative Classification. {RSNA_URL}"
VERSE_CITATION = (
    "Sekuboyina A, et al. (2021). VerSe: A Vertebrae labelling and segmentation benchmark for "
    "multi-detector CT images. Medical Image Analysis 73:102166. doi:10.1016/j.media.2021.102166"
)
RSNA_CONDITIONS = {
    "spinal_canal_stenosis": "spinal canal stenosis",
    "left_neural_foraminal_narrowing": "left neural foraminal narrowing",
    "right_neural_foraminal_narrowing": "right neural foraminal narrowing",
    "left_subarticular_stenosis": "left subarticular stenosis",
    "right_subarticular_stenosis": "right subarticular stenosis",
}
RSNA_LEVELS = {
    "l1_l2": "L1-L2",
    "l2_l3": "L2-L3",
    "l3_l4": "L3-L4",
    "l4_l5": "L4-L5",
    "l5_s1": "L5-S1",
}
RSNA_GRADES = {"normal/mild": "normal or mild", "moderate": "moderate", "severe": "severe"}


def is_rsna(path: Path) -> bool:
    return (path.is_dir() and (path / "train.csv").is_file()) or path.name == "train.csv"


def is_verse(path: Path) -> bool:
    if path.is_file():
        return path.suffix.lower() == ".json"
    if not path.is_dir():
        return False
    names = [p.suffix.lower() for p in path.iterdir() if p.is_file()]
    return bool(names) and ".json" in names and ".md" not in names


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {k.strip(): (v or "").strip() for k, v in row.items() if k}
            for row in csv.DictReader(handle)
        ]


def _rsna_level(text: str) -> str | None:
    found = lv.find_levels(text.replace("/", "-"))
    return found[0] if len(found) == 1 and lv.is_level(found[0]) else None


def load_rsna(folder: Path) -> Loaded:
    """One case unit per study of ``train.csv``; rows with no usable grade are skipped."""
    out = Loaded([], [])
    try:
        studies = _read_csv(folder / "train.csv")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        out.skipped.append((str(folder / "train.csv"), f"unreadable CSV: {exc}"))
        return out
    series_names: dict[tuple[str, str], str] = {}
    if (folder / "train_series_descriptions.csv").is_file():
        for row in _read_csv(folder / "train_series_descriptions.csv"):
            series_names[(row.get("study_id", ""), row.get("series_id", ""))] = row.get(
                "series_description", ""
            )
    coords: dict[str, list[dict[str, str]]] = defaultdict(list)
    if (folder / "train_label_coordinates.csv").is_file():
        for row in _read_csv(folder / "train_label_coordinates.csv"):
            coords[row.get("study_id", "")].append(row)
    for row in studies:
        study = row.get("study_id", "")
        if not study.isdigit():
            out.skipped.append((f"{folder / 'train.csv'}:{study or '?'}", "no numeric study_id"))
            continue
        findings: dict[str, list[str]] = defaultdict(list)
        graded = 0
        for column, value in row.items():
            grade = RSNA_GRADES.get(value.casefold())
            key = next((c for c in RSNA_CONDITIONS if column.startswith(c + "_")), None)
            level = RSNA_LEVELS.get(column[len(key) + 1 :]) if key else None
            if grade is None or key is None or level is None:
                continue
            graded += 1
            if grade != "normal or mild":
                findings[level].append(f"{grade} {RSNA_CONDITIONS[key]}")
        if not graded:
            out.skipped.append((f"{folder / 'train.csv'}:{study}", "no graded level"))
            continue
        series = sorted({name for (s, _), name in series_names.items() if s == study and name})
        lines = [
            f"Lumbar spine MRI, RSNA 2024 lumbar study {study}."
            + (f" Series: {', '.join(series)}." if series else ""),
            "Graded findings by level (normal/mild, moderate, severe):",
        ]
        for level in RSNA_LEVELS.values():
            what = "; ".join(findings.get(level, [])) or "no moderate or severe narrowing"
            lines.append(f"- {level}: {what}.")
        images = []
        for label in coords.get(study, []):
            level = _rsna_level(label.get("level", ""))
            dcm = (
                folder
                / "train_images"
                / study
                / label.get("series_id", "")
                / f"{label.get('instance_number', '')}.dcm"
            )
            if level and dcm.is_file():
                name = series_names.get((study, label.get("series_id", "")), "MRI")
                images.append(Image(dcm, f"{name}, {label.get('condition', '')} at {level}", True))
        stenosis = any("stenosis" in f or "narrowing" in f for fs in findings.values() for f in fs)
        out.sources.append(
            Source(
                id=f"rsna:{study}",
                group=f"rsna:{study}",
                kind="rsna",
                title=f"RSNA 2024 lumbar study {study}",
                text="\n".join(lines),
                levels=tuple(RSNA_LEVELS.values()),
                subfield="lumbar_spinal_stenosis" if stenosis else "disc_degeneration_imaging",
                lang="en",
                citation=f"{RSNA_CITATION} (study {study})",
                images=tuple(images[:1]),
                tasks=CASE_TASKS,
            )
        )
    return out


def load_verse(path: Path) -> Loaded:
    """One case unit per VerSe centroid file (a file, or the ``*.json`` files of a folder)."""
    from tools.centroids import Centroids, SpatialError

    out = Loaded([], [])
    files = [path] if path.is_file() else sorted(path.glob("*.json"))
    for file in files:
        try:
            centroids = Centroids.from_json(file)
        except SpatialError as exc:
            out.skipped.append((str(file), str(exc)))
            continue
        named = [v.label for v in centroids.vertebrae if lv.is_level(v.label)]
        transitional = [v.label for v in centroids.vertebrae if v.transitional]
        if len(named) < 2:
            out.skipped.append((str(file), "fewer than two canonical vertebrae labelled"))
            continue
        ordered = lv.sort_levels(named)
        name = file.stem.removesuffix("_ctd").removesuffix("-ctd")
        text = (
            f"Spine CT with labelled vertebral centroids (VerSe), scan {name}. "
            f"Vertebrae labelled: {ordered[0]} to {ordered[-1]} ({len(ordered)} vertebrae: "
            f"{', '.join(ordered)})."
        )
        if transitional:
            text += f" Transitional vertebra(e) labelled: {', '.join(transitional)}."
        missing = [
            v
            for v in lv.VERTEBRAE
            if lv.level_key(ordered[0]) < lv.level_key(v) < lv.level_key(ordered[-1])
            and v not in ordered
        ]
        if missing:
            text += f" Not labelled within that range: {', '.join(missing)}."
        segments = lv.segments_between(ordered[0], ordered[-1])
        out.sources.append(
            Source(
                id=f"verse:{name}",
                group=f"verse:{name}",
                kind="verse",
                title=f"VerSe CT {name}",
                text=text,
                levels=tuple(lv.sort_levels([*ordered, *segments])),
                subfield=None,
                lang="en",
                citation=f"{VERSE_CITATION} (scan {name})",
                tasks=("consultation",),
            )
        )
    return out
