"""De-identification of DICOM datasets: DICOM PS3.15 2024 Annex E, Table E.1-1 (Basic
Application Level Confidentiality Profile), with UIDs remapped consistently through a salted
:class:`UidMap` and private, curve and overlay groups removed. Free text is :mod:`tools.deid`.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
import secrets
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.uid import UID

from tools.deid import deidentify_text

#: Basic-profile action codes per keyword, copied from DICOM PS3.15 2024 Annex E, Table E.1-1.
#: Compound codes ("X/Z/D") are resolved by :func:`resolve_action`. UIDs (code U) are not
#: listed: every non-standard UI element is remapped (see :func:`deidentify`).
PROFILE_ACTIONS: dict[str, str] = {
    # patient identity and characteristics
    "PatientName": "Z",
    "PatientID": "Z",
    "IssuerOfPatientID": "X",
    "PatientBirthDate": "Z",
    "PatientBirthTime": "X",
    "PatientSex": "Z",
    "OtherPatientIDs": "X",
    "OtherPatientIDsSequence": "X",
    "OtherPatientNames": "X",
    "PatientBirthName": "X",
    "PatientAge": "X",
    "PatientSize": "X",
    "PatientWeight": "X",
    "PatientAddress": "X",
    "PatientMotherBirthName": "X",
    "PatientTelephoneNumbers": "X",
    "PatientReligiousPreference": "X",
    "PatientComments": "X",
    "PatientState": "X",
    "PatientInsurancePlanCodeSequence": "X",
    "PatientBirthDateInAlternativeCalendar": "X",
    "PatientDeathDateInAlternativeCalendar": "X",
    "ReferencedPatientSequence": "X",
    "ReferencedPatientPhotoSequence": "X",
    "MilitaryRank": "X",
    "BranchOfService": "X",
    "MedicalRecordLocator": "X",
    "EthnicGroup": "X",
    "Occupation": "X",
    "AdditionalPatientHistory": "X",
    "CountryOfResidence": "X",
    "RegionOfResidence": "X",
    "MedicalAlerts": "X",
    "Allergies": "X",
    "PregnancyStatus": "X",
    "SmokingStatus": "X",
    "LastMenstrualDate": "X",
    "ResponsiblePerson": "X",
    "ResponsibleOrganization": "X",
    # visit
    "AdmissionID": "X",
    "ServiceEpisodeID": "X",
    "CurrentPatientLocation": "X",
    "PatientInstitutionResidence": "X",
    "VisitComments": "X",
    "AdmittingDiagnosesDescription": "X",
    "AdmittingDiagnosesCodeSequence": "X",
    "AdmittingDate": "X",
    "AdmittingTime": "X",
    "DischargeDiagnosisDescription": "X",
    "SpecialNeeds": "X",
    "PatientTransportArrangements": "X",
    # dates and times
    "StudyDate": "Z",
    "SeriesDate": "X/D",
    "AcquisitionDate": "X/Z",
    "ContentDate": "Z/D",
    "OverlayDate": "X",
    "CurveDate": "X",
    "AcquisitionDateTime": "X/D",
    "StudyTime": "Z",
    "SeriesTime": "X/D",
    "AcquisitionTime": "X/Z",
    "ContentTime": "Z/D",
    "OverlayTime": "X",
    "CurveTime": "X",
    "InstanceCreationDate": "X/D",
    "InstanceCreationTime": "X/Z/D",
    "TimezoneOffsetFromUTC": "X",
    "DateOfLastCalibration": "X",
    "TimeOfLastCalibration": "X",
    "DateOfSecondaryCapture": "X",
    "TimeOfSecondaryCapture": "X",
    "PerformedProcedureStepStartDate": "X",
    "PerformedProcedureStepStartTime": "X",
    "PerformedProcedureStepEndDate": "X",
    "PerformedProcedureStepEndTime": "X",
    # institutions, staff, stations
    "AccessionNumber": "Z",
    "InstitutionName": "X/Z/D",
    "InstitutionAddress": "X",
    "InstitutionalDepartmentName": "X",
    "InstitutionCodeSequence": "X/Z/D",
    "ReferringPhysicianName": "Z",
    "ReferringPhysicianAddress": "X",
    "ReferringPhysicianTelephoneNumbers": "X",
    "ReferringPhysicianIdentificationSequence": "X",
    "ConsultingPhysicianName": "X",
    "PhysiciansOfRecord": "X",
    "PhysiciansOfRecordIdentificationSequence": "X",
    "PerformingPhysicianName": "X",
    "PerformingPhysicianIdentificationSequence": "X",
    "NameOfPhysiciansReadingStudy": "X",
    "PhysiciansReadingStudyIdentificationSequence": "X",
    "OperatorsName": "X/Z/D",
    "OperatorIdentificationSequence": "X/D",
    "RequestingPhysician": "X",
    "RequestingService": "X",
    "ScheduledPerformingPhysicianName": "X",
    "VerifyingObserverName": "D",
    "VerifyingOrganization": "X",
    "PersonName": "D",
    "ContentCreatorName": "Z",
    "OrderEnteredBy": "X",
    "OrderEntererLocation": "X",
    "OrderCallbackPhoneNumber": "X",
    "PerformedLocation": "X",
    "PerformedStationName": "X",
    "ScheduledStationName": "X",
    "StationName": "X/Z/D",
    # equipment
    "DeviceSerialNumber": "X/Z/D",
    "PlateID": "X",
    "GantryID": "X",
    "CassetteID": "X",
    "DetectorID": "X/D",
    "SoftwareVersions": "X/Z/D",
    "ProtocolName": "X/D",
    "AcquisitionDeviceProcessingDescription": "X/D",
    # study, request, free text
    "StudyID": "Z",
    "StudyDescription": "X",
    "SeriesDescription": "X",
    "StudyComments": "X",
    "ImageComments": "X",
    "FrameComments": "X",
    "DerivationDescription": "X",
    "AcquisitionComments": "X",
    "AcquisitionContextSequence": "X",
    "ContentSequence": "X",
    "RequestAttributesSequence": "X",
    "RequestedProcedureDescription": "X",
    "RequestedProcedureID": "X",
    "RequestedProcedureComments": "X",
    "ImagingServiceRequestComments": "X",
    "ReasonForStudy": "X",
    "ReasonForTheRequestedProcedure": "X",
    "RequestedContrastAgent": "X",
    "PerformedProcedureStepID": "X",
    "PerformedProcedureStepDescription": "X",
    "ScheduledProcedureStepDescription": "X",
    "ScheduledProcedureStepID": "X",
    "PlacerOrderNumberImagingServiceRequest": "Z",
    "FillerOrderNumberImagingServiceRequest": "Z",
    "ReferencedStudySequence": "X/Z/D",
    "ReferencedPerformedProcedureStepSequence": "X/Z/D",
    "GraphicAnnotationSequence": "D",
    "IconImageSequence": "X",
    "DataSetTrailingPadding": "X",
    "DigitalSignaturesSequence": "X",
    "ModifiedAttributesSequence": "X",
    "OriginalAttributesSequence": "X",
    "EncryptedAttributesSequence": "X",
    # file meta: application entity titles can name the sending station
    "SourceApplicationEntityTitle": "X",
    "SendingApplicationEntityTitle": "X",
    "ReceivingApplicationEntityTitle": "X",
}

#: Descriptions that ``keep_descriptions=True`` keeps (after free-text scrubbing): they carry
#: the plane, sequence and level ("SAG T2 L-SPINE") that the agents need.
DESCRIPTION_KEYWORDS = frozenset({"SeriesDescription", "StudyDescription", "ProtocolName"})

# UI elements naming a class/syntax/coding scheme rather than an instance: never remapped.
_KEEP_UI = frozenset(
    {
        "SOPClassUID",
        "MediaStorageSOPClassUID",
        "TransferSyntaxUID",
        "ImplementationClassUID",
        "ReferencedSOPClassUID",
        "ReferencedSOPClassUIDInFile",
        "ReferencedTransferSyntaxUIDInFile",
        "CodingSchemeUID",
        "ContextGroupExtensionCreatorUID",
        "PrivateInformationCreatorUID",
        "RelatedGeneralSOPClassUID",
        "OriginalSpecializedSOPClassUID",
        "SOPClassesInStudy",
    }
)

Action = Literal["X", "Z", "D"]
_ACTION_BY_TAG: dict[int, Action] = {}


def resolve_action(code: str) -> Action:
    """Pick one action from a compound code: Z if allowed, else X, else D (dummy)."""
    options = code.split("/")
    if "Z" in options:
        return "Z"
    if "X" in options:
        return "X"
    return "D"


for _keyword, _code in PROFILE_ACTIONS.items():
    _tag = tag_for_keyword(_keyword)
    if _tag is None:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"unknown DICOM keyword in PROFILE_ACTIONS: {_keyword}")
    _ACTION_BY_TAG[_tag] = resolve_action(_code)

_PROCESS_SALT = secrets.token_bytes(32)
_DUMMY_BY_VR = {
    "PN": "ANONYMOUS",
    "DA": "19000101",
    "TM": "000000",
    "DT": "19000101000000",
    "IS": "0",
    "DS": "0",
}
_BURNED_IN_MODALITIES = frozenset({"US", "SC", "OT", "XC", "ES", "GM", "DOC"})


class UidMap:
    """Consistent, non-reversible UID replacement: ``2.25.<HMAC-SHA256(salt, uid)[:16]>``.

    One map (or one salt) per run keeps study/series/instance references consistent across
    datasets. Without a salt a random per-process one is used, so nobody can rebuild the map
    by hashing known UIDs.
    """

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = _PROCESS_SALT if salt is None else salt
        self._cache: dict[str, str] = {}

    def __call__(self, uid: str) -> str:
        """Return the replacement for ``uid`` (stable for this map's salt)."""
        uid = str(uid).strip().rstrip("\x00")
        new = self._cache.get(uid)
        if new is None:
            digest = hmac.new(self._salt, uid.encode("ascii", "replace"), hashlib.sha256).digest()
            new = f"2.25.{int.from_bytes(digest[:16], 'big')}"
            self._cache[uid] = new
        return new

    def __len__(self) -> int:
        return len(self._cache)


class BurnedInAnnotationWarning(UserWarning):
    """The pixels themselves may show patient data that no header edit can remove."""


@dataclass(frozen=True)
class DeidResult:
    """A de-identified dataset copy and what a human should still check."""

    dataset: Dataset
    warnings: list[str] = field(default_factory=list)


def _is_repeating_group_phi(tag: int) -> bool:
    # curves (50xx) and overlays (60xx): overlays can carry burned-in-like text; the whole
    # group goes so no half overlay module is left behind
    group = tag >> 16
    return group % 2 == 0 and (group & 0xFF00) in (0x5000, 0x6000)


def _walk(ds: Dataset) -> Iterator[Dataset]:
    yield ds
    for tag in list(ds.keys()):
        try:
            elem = ds[tag]
        except Exception:  # undecodable: nothing to recurse into
            continue
        if elem.VR == "SQ" and isinstance(elem.value, Sequence):
            for item in elem.value:
                yield from _walk(item)


def _remap_ui(elem: DataElement, uids: UidMap) -> None:
    if elem.keyword in _KEEP_UI or not elem.value:
        return
    values = list(elem.value) if elem.VM > 1 else [elem.value]
    mapped = [v if UID(str(v)).keyword else uids(str(v)) for v in values]  # keep standard UIDs
    elem.value = mapped if elem.VM > 1 else mapped[0]


#: Identifiers a dataset carries about itself, and the tag each becomes in its own free text.
_OWN_IDENTIFIERS = {
    "PatientName": "[NAME]",
    "OtherPatientNames": "[NAME]",
    "PatientBirthName": "[NAME]",
    "ReferringPhysicianName": "[NAME]",
    "PatientID": "[MRN]",
    "OtherPatientIDs": "[MRN]",
    "AccessionNumber": "[ID]",
}


def own_identifiers(ds: Dataset) -> list[tuple[str, str]]:
    """(value, tag) pairs for the identifiers ``ds`` names: name parts (2+ letters) and IDs."""
    found: dict[str, str] = {}
    for keyword, tag in _OWN_IDENTIFIERS.items():
        value = ds.get(keyword)
        if value is None or value == "":
            continue
        values = value if isinstance(value, list | tuple | MultiValue) else [value]
        for v in values:
            text = str(v)
            parts = re.split(r"[\^=\s,]+", text) if tag == "[NAME]" else [text.strip()]
            for part in parts:
                if len(part) >= 2:
                    found.setdefault(part, tag)
    return sorted(found.items(), key=lambda item: -len(item[0]))  # longest first


def scrub_description(text: str, ds: Dataset | list[tuple[str, str]]) -> str:
    """Free-text de-identification plus this dataset's own identifiers.

    A series description such as ``"AX T2 L4-5 Doe"`` names the patient without any cue a
    free-text scrubber could see; the dataset's PatientName and IDs are that cue.
    """
    known = own_identifiers(ds) if isinstance(ds, Dataset) else ds
    for value, tag in known:
        text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", tag, text, flags=re.I)
    return deidentify_text(text).text


def _apply(
    ds: Dataset, uids: UidMap, keep_descriptions: bool, known: list[tuple[str, str]]
) -> None:
    for tag in list(ds.keys()):
        if _is_repeating_group_phi(int(tag)):
            del ds[tag]
            continue
        try:
            elem = ds[tag]
        except Exception:  # an undecodable value is dropped rather than guessed at
            del ds[tag]
            continue
        action = _ACTION_BY_TAG.get(int(tag))
        if action is not None and keep_descriptions and elem.keyword in DESCRIPTION_KEYWORDS:
            if isinstance(elem.value, str):
                elem.value = scrub_description(elem.value, known)
            continue
        if action == "X" or (action == "D" and elem.VR == "SQ"):
            del ds[tag]
        elif action == "Z":
            elem.value = elem.empty_value
        elif action == "D":
            if elem.VR == "UI":
                _remap_ui(elem, uids)
            else:
                elem.value = _DUMMY_BY_VR.get(elem.VR, "ANONYMIZED")
        elif elem.VR == "UI":
            _remap_ui(elem, uids)
        elif elem.VR == "SQ" and isinstance(elem.value, Sequence):
            for item in elem.value:
                _apply(item, uids, keep_descriptions, known)


def deidentify(
    ds: Dataset,
    *,
    uids: UidMap | None = None,
    salt: bytes | None = None,
    keep_descriptions: bool = False,
) -> DeidResult:
    """De-identify a copy of ``ds`` per the Basic Application Level Confidentiality Profile.

    Policy (DICOM PS3.15 2024 Annex E, Table E.1-1): compound codes resolve Z > X > D, so dates
    and times become zero-length where the profile allows Z (StudyDate, ContentDate ...) and are
    removed otherwise (SeriesDate, AcquisitionDateTime ...); nothing is date-shifted. Every
    instance UI element (not a class/syntax, not a standard UID) is remapped through ``uids``.
    Private tags, curves (50xx) and overlays (60xx) are removed; sequences are recursed.
    Geometry, modality, body part and pixel data are kept. Descriptions (SeriesDescription,
    StudyDescription, ProtocolName) are removed unless ``keep_descriptions``, in which case they
    are kept after :func:`scrub_description`.

    Args:
        ds: the dataset; never mutated.
        uids: a shared map for consistent UIDs across datasets; built from ``salt`` if None.
        salt: HMAC key for a new map; None means a random per-process salt.
        keep_descriptions: keep (scrubbed) descriptions instead of removing them.

    Returns:
        The copy, with warnings such as burned-in annotation.
    """
    uid_map = uids if uids is not None else UidMap(salt)
    out = copy.deepcopy(ds)
    out.remove_private_tags()
    known = own_identifiers(ds)
    _apply(out, uid_map, keep_descriptions, known)
    meta = getattr(out, "file_meta", None)
    if meta is not None:
        _apply(meta, uid_map, keep_descriptions, known)
        if "SOPInstanceUID" in out and "MediaStorageSOPInstanceUID" in meta:
            meta.MediaStorageSOPInstanceUID = out.SOPInstanceUID
    out.PatientIdentityRemoved = "YES"
    out.DeidentificationMethod = "PS3.15 Annex E Basic Application Confidentiality Profile"
    code = Dataset()
    code.CodeValue = "113100"
    code.CodingSchemeDesignator = "DCM"
    code.CodeMeaning = "Basic Application Confidentiality Profile"
    out.DeidentificationMethodCodeSequence = Sequence([code])
    out.LongitudinalTemporalInformationModified = "REMOVED"

    notes: list[str] = []
    burned = str(ds.get("BurnedInAnnotation", "") or "").strip().upper()
    modality = str(ds.get("Modality", "") or "").strip().upper()
    if burned == "YES":
        notes.append("BurnedInAnnotation is YES: the pixels may show patient data")
    elif not burned and modality in _BURNED_IN_MODALITIES:
        notes.append(f"BurnedInAnnotation not stated for {modality}: pixels may show text")
    return DeidResult(dataset=out, warnings=notes)


def deidentify_dataset(
    ds: Dataset,
    *,
    uids: UidMap | None = None,
    salt: bytes | None = None,
    keep_descriptions: bool = False,
) -> Dataset:
    """Like :func:`deidentify` but return only the dataset.

    Burned-in-annotation findings are raised as :class:`BurnedInAnnotationWarning` so they are
    not lost silently.
    """
    result = deidentify(ds, uids=uids, salt=salt, keep_descriptions=keep_descriptions)
    for note in result.warnings:
        warnings.warn(note, BurnedInAnnotationWarning, stacklevel=2)
    return result.dataset


def phi_elements_present(ds: Dataset) -> tuple[list[str], bool]:
    """Keywords of profile (X/Z/D) elements present with a value, and whether private tags exist.

    UIDs are not listed: every file has them and :func:`deidentify` remaps them.
    """
    found: set[str] = set()
    private = False
    for item in _walk(ds):
        for tag in list(item.keys()):
            if tag.is_private:
                private = True
                continue
            if int(tag) not in _ACTION_BY_TAG:
                continue
            try:
                elem = item[tag]
                if not elem.is_empty:
                    found.add(elem.keyword)
            except Exception:  # undecodable values still count as present
                found.add(str(tag))
    return sorted(found), private
