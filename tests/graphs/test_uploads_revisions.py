"""Attachments are recognised by their bytes; revision data is appended whole, never torn."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from graphs.revisions import Feedback
from graphs.uploads import UploadError, attachment_for
from tests.dicom_factory import write_image
from tools.jsonl import append, read_lines


def test_kinds_come_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    dcm = write_image(
        tmp_path / "scan.png", np.zeros((8, 8), dtype=np.uint16)
    )  # a DICOM named .png
    assert attachment_for(dcm, max_mb=1).kind == "dicom"
    png = tmp_path / "xray.bin"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert attachment_for(png, max_mb=1).kind == "image"
    report = tmp_path / "report.txt"
    report.write_text("MRI: L4-L5 broad-based disc bulge. 腰4/5椎间盘突出。", encoding="utf-8")
    assert attachment_for(report, "mri.txt", max_mb=1).name == "mri.txt"
    centroids = tmp_path / "ctd.json"
    centroids.write_text(json.dumps([{"direction": ["P", "I", "R"]}, {"label": 20, "X": 1}]))
    assert attachment_for(centroids, max_mb=1).kind == "centroids"
    folder = tmp_path / "series"
    write_image(folder / "1.dcm", np.zeros((8, 8), dtype=np.uint16))
    assert attachment_for(folder, max_mb=1).kind == "dicom"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.json", b"{not json", "not valid JSON"),
        ("a.json", b'{"a": 1}', "not a VerSe centroid list"),
        ("a.txt", b"\xff\xfe\x00binary", "not UTF-8 text"),
        ("a.exe", b"MZ\x90\x00", "not a DICOM file, PNG/JPEG image, text report or centroid JSON"),
    ],
)
def test_garbage_is_refused_in_one_line(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UploadError, match=message) as caught:
        attachment_for(path, max_mb=1)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(name)


def test_concurrent_appends_stay_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "revisions" / "feedback.jsonl"
    long_comment = "x" * 20_000  # bigger than a pipe buffer: a torn write would show

    def write(n: int) -> None:
        for i in range(25):
            record = Feedback(
                id=f"{n}-{i}", thread_id="t", message_id="m", value=i % 2, comment=long_comment
            )
            append(path, record.model_dump(mode="json"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = list(read_lines(path))
    assert len(records) == 100 and {r["comment"] for r in records} == {long_comment}
