"""Small files in the formats of public spine datasets and case folders, written here.

RSNA 2024 Lumbar Spine Degenerative Classification: ``train.csv`` (a grade per condition and
level), ``train_label_coordinates.csv`` (levels written ``L4/L5``) and
``train_series_descriptions.csv``; VerSe centroid JSON; a de-identifiable case folder.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from tests.dicom_factory import write_image

CONDITIONS = (
    "spinal_canal_stenosis",
    "left_neural_foraminal_narrowing",
    "right_neural_foraminal_narrowing",
    "left_subarticular_stenosis",
    "right_subarticular_stenosis",
)
LEVELS = ("l1_l2", "l2_l3", "l3_l4", "l4_l5", "l5_s1")


def write_rsna(folder: Path, grades: dict[str, dict[str, str]], with_image: bool = False) -> Path:
    """``grades``: study id → {"<condition>_<level>": grade}; unnamed columns are Normal/Mild."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = ["study_id"] + [f"{c}_{lvl}" for c in CONDITIONS for lvl in LEVELS]
    with (folder / "train.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        for study, row in grades.items():
            writer.writerow(
                {"study_id": study, **{c: row.get(c, "Normal/Mild") for c in columns[1:]}}
            )
    with (folder / "train_series_descriptions.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["study_id", "series_id", "series_description"])
        for study in grades:
            writer.writerow([study, "1001", "Sagittal T2/STIR"])
            writer.writerow([study, "1002", "Axial T2"])
    with (folder / "train_label_coordinates.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["study_id", "series_id", "instance_number", "condition", "level", "x", "y"]
        )
        for study in grades:
            writer.writerow(
                [study, "1001", "7", "Spinal Canal Stenosis", "L4/L5", "200.5", "310.2"]
            )
            if with_image:
                pixels = (np.arange(64 * 64).reshape(64, 64) % 251).astype(np.uint16)
                write_image(folder / "train_images" / study / "1001" / "7.dcm", pixels)
    return folder


def write_verse(path: Path, labels: list[int]) -> Path:
    """A VerSe centroid file: direction first, then one entry per label (VerSe numbering)."""
    entries: list[dict[str, object]] = [{"direction": ["P", "I", "R"]}]
    for i, label in enumerate(labels):
        entries.append({"label": label, "X": 60.0, "Y": 40.0 + 28.0 * i, "Z": 80.0})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entries))
    return path


CASE_TEXT = (
    "Patient: John Smith, MRN 4455667, seen on 12 March 2024.\n\n"
    "A 58-year-old man had six weeks of right leg pain running down the back of the thigh to "
    "the sole of the foot, worse on sitting. Examination showed a reduced right ankle reflex "
    "and weak plantar flexion. MRI showed a right paracentral disc extrusion at L5-S1 "
    "compressing the traversing S1 nerve root. Bladder and bowel function were normal."
)


def write_case(folder: Path, text: str = CASE_TEXT, dicom: bool = True) -> Path:
    """A case folder: ``case.md`` (with identifiers to remove) and one MR slice."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.md").write_text(
        "---\ntitle: L5-S1 extrusion\nsubfield: lumbar_disc_herniation\nlang: en\n---\n" + text
    )
    if dicom:
        pixels = (np.arange(48 * 48).reshape(48, 48) % 200).astype(np.uint16)
        write_image(folder / "mri" / "1.dcm", pixels, SeriesDescription="SAG T2")
    return folder
