"""tools.dicom_deid: the DICOM basic profile on real files, UID consistency, burned-in text."""

from __future__ import annotations

import copy
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pydicom
import pydicom.data
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import UID, ExplicitVRLittleEndian, MRImageStorage

from tools.dicom_deid import (
    PROFILE_ACTIONS,
    BurnedInAnnotationWarning,
    UidMap,
    deidentify,
    deidentify_dataset,
    phi_elements_present,
    resolve_action,
    scrub_description,
)
from tools.dicom_read import DicomError, read

_ROOT = Path(pydicom.data.__file__).parent / "test_files"
READABLE = []
for _p in sorted(p for p in _ROOT.rglob("*") if p.is_file()):
    try:
        read(_p)
    except DicomError:
        continue
    READABLE.append(_p)

STUDY, SERIES = "1.2.826.0.1.3680043.8.498.10", "1.2.826.0.1.3680043.8.498.11"


def items(ds: Dataset) -> Iterator[Dataset]:
    yield ds
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                yield from items(item)


def make(sop_uid: str, **attrs: object) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = MRImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = STUDY
    ds.SeriesInstanceUID = SERIES
    ds.PatientName = "Zhang^Wei"
    ds.PatientID = "ZY123456"
    ds.PatientBirthDate = "19500101"
    ds.StudyDate = "20240305"
    ds.SeriesDate = "20240305"
    ds.InstitutionName = "Peking Union"
    ds.Modality = "MR"
    ds.BodyPartExamined = "LSPINE"
    ds.SeriesDescription = "SAG T2 L4/5 Dr. Smith"
    ds.ImagePositionPatient = [1.0, 2.0, 3.0]
    ds.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
    ds.PixelSpacing = [0.5, 0.5]
    ds.SliceThickness = 4
    ds.add_new(0x00091010, "LO", "private vendor note")
    ds.add_new(0x60000010, "US", 2)
    ds.add_new(0x60003000, "OW", b"\x00\x01")
    for key, value in attrs.items():
        setattr(ds, key, value)
    return ds


@pytest.mark.parametrize(("code", "action"), [("Z", "Z"), ("X/Z/D", "Z"), ("X/D", "X"), ("D", "D")])
def test_resolve_action(code: str, action: str) -> None:
    assert resolve_action(code) == action


def test_profile_table_is_substantial() -> None:
    assert len(PROFILE_ACTIONS) >= 60


@pytest.mark.parametrize("path", READABLE, ids=lambda p: str(p.relative_to(_ROOT)))
def test_deid_every_readable_pydicom_file(path: Path) -> None:
    original = read(path).dataset
    before = copy.deepcopy(original)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = deidentify(original, uids=UidMap(b"test")).dataset
        assert original == before  # the input is never mutated
        for item in items(result):
            for elem in item:
                assert not elem.tag.is_private
                code = PROFILE_ACTIONS.get(elem.keyword)
                if code is not None and elem.keyword != "DeidentificationMethod":
                    assert resolve_action(code) == "D" or elem.is_empty, elem.keyword
        if "PixelData" in original:
            assert result.PixelData == original.PixelData
        assert result.PatientIdentityRemoved == "YES"
        buf = io.BytesIO()
        pydicom.dcmwrite(buf, result, enforce_file_format=False)
        buf.seek(0)
        back = pydicom.dcmread(buf, force=True)
        assert back.PatientIdentityRemoved == "YES"


def test_uids_consistent_across_datasets_and_references() -> None:
    uids = UidMap(b"salt")
    a = make("1.2.826.0.1.3680043.8.498.20")
    ref = Dataset()
    ref.ReferencedSOPClassUID = MRImageStorage
    ref.ReferencedSOPInstanceUID = a.SOPInstanceUID
    b = make("1.2.826.0.1.3680043.8.498.21", ReferencedImageSequence=Sequence([ref]))
    da, db = deidentify(a, uids=uids).dataset, deidentify(b, uids=uids).dataset
    assert da.StudyInstanceUID == db.StudyInstanceUID != STUDY
    assert da.SOPInstanceUID != db.SOPInstanceUID
    assert db.ReferencedImageSequence[0].ReferencedSOPInstanceUID == da.SOPInstanceUID
    assert db.ReferencedImageSequence[0].ReferencedSOPClassUID == MRImageStorage
    assert da.file_meta.MediaStorageSOPInstanceUID == da.SOPInstanceUID
    assert da.SOPClassUID == MRImageStorage
    new = UID(da.StudyInstanceUID)
    assert new.startswith("2.25.") and new.is_valid
    assert UidMap(b"salt")(STUDY) == new and UidMap(b"other")(STUDY) != new
    assert UidMap()(STUDY) == UidMap()(STUDY) != new  # per-process random salt


def test_dataset_profile_details() -> None:
    src = make("1.2.826.0.1.3680043.8.498.30")
    out = deidentify(src).dataset
    assert out.PatientName == "" and out.PatientID == "" and out.StudyDate == ""
    assert "SeriesDate" not in out and "InstitutionName" in out and out.InstitutionName == ""
    assert "SeriesDescription" not in out
    assert 0x00091010 not in out and 0x60000010 not in out and 0x60003000 not in out
    assert out.ImagePositionPatient == [1.0, 2.0, 3.0] and out.BodyPartExamined == "LSPINE"
    assert out.PixelSpacing == [0.5, 0.5] and out.SliceThickness == 4 and out.Modality == "MR"
    assert out.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    assert src.PatientName == "Zhang^Wei"  # the input is untouched
    kept = deidentify(src, keep_descriptions=True).dataset
    assert kept.SeriesDescription == "SAG T2 L4/5 Dr. [NAME]"
    phi, private = phi_elements_present(src)
    assert {"PatientName", "PatientID", "StudyDate", "InstitutionName"} <= set(phi)
    assert private and phi_elements_present(out) == ([], False)


def test_burned_in_annotation_is_not_silent() -> None:
    src = make("1.2.826.0.1.3680043.8.498.40", BurnedInAnnotation="YES")
    assert deidentify(src).warnings
    with pytest.warns(BurnedInAnnotationWarning):
        deidentify_dataset(src)
    assert not deidentify(make("1.2.826.0.1.3680043.8.498.41")).warnings


def test_descriptions_lose_the_dataset_own_identifiers() -> None:
    src = make(
        "1.2.826.0.1.3680043.8.498.42",
        PatientName="Doe^Jane",
        PatientID="MRN778899",
        SeriesDescription="AX T2 L4-5 DOE jane MRN778899",
    )
    assert scrub_description(str(src.SeriesDescription), src) == "AX T2 L4-5 [NAME] [NAME] [MRN]"
    kept = deidentify(src, keep_descriptions=True).dataset
    assert kept.SeriesDescription == "AX T2 L4-5 [NAME] [NAME] [MRN]"
    assert "SeriesDescription" not in deidentify(src).dataset
