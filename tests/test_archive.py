"""Safe opening of zip-based inputs: limits checked from the directory, before unpacking."""

import io
import struct
import zipfile

import pytest

from survey.ingest.archive import ZipLimits, check_zip, find_member, open_zip, read_member
from survey.errors import EXIT_BAD_INPUT, InputError


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_reads_members_case_insensitively(tmp_path):
    path = tmp_path / "p.qdpx"
    path.write_bytes(_zip({"Project.qde": b"<Project/>", "Sources/a.txt": b"teksti"}))
    with open_zip(path) as archive:
        assert find_member(archive, "project.qde").filename == "Project.qde"
        assert find_member(archive, "sources\\A.TXT").filename == "Sources/a.txt"
        assert find_member(archive, "missing.qde") is None
        assert read_member(archive, "PROJECT.QDE") == b"<Project/>"
        with pytest.raises(InputError, match="holds no 'missing.qde'") as info:
            read_member(archive, "missing.qde")
        assert str(path) in str(info.value)


def test_opens_bytes_with_label():
    with open_zip(_zip({"a": b"1"}), label="upload.qdpx") as archive:
        assert read_member(archive, "a", file="upload.qdpx") == b"1"


def test_refuses_zip_bomb_by_ratio_before_unpacking(tmp_path):
    path = tmp_path / "bomb.qdpx"
    path.write_bytes(_zip({"project.qde": b"\0" * (4 * 1024 * 1024)}))
    assert path.stat().st_size < 20_000
    with pytest.raises(InputError, match="zip bomb") as info:
        open_zip(path)
    assert info.value.exit_code == EXIT_BAD_INPUT
    assert str(path) in str(info.value)


def test_refuses_too_large_member_and_total():
    data = _zip({"a": b"x" * 3000, "b": b"y" * 3000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="would unpack to 3,000 bytes"):
        open_zip(data, label="f.zip", limits=ZipLimits(max_member_size=2000))
    with pytest.raises(InputError, match="more than 5,000 bytes"):
        open_zip(data, label="f.zip", limits=ZipLimits(max_total_size=5000))


def test_refuses_too_many_members():
    data = _zip({f"m{i}": b"" for i in range(11)})
    with pytest.raises(InputError, match="11 files inside, more than the 10"):
        open_zip(data, label="f.zip", limits=ZipLimits(max_members=10))


def test_refuses_encrypted_member():
    data = bytearray(_zip({"project.qde": b"secret"}))
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, 0x1)     # general purpose flag: encrypted
    with pytest.raises(InputError, match="password-protected"):
        open_zip(bytes(data), label="f.qdpx")


@pytest.mark.parametrize("data", [b"", b"not a zip at all", _zip({"a": b"1" * 1000})[:-10]])
def test_refuses_damaged_or_other_files(data):
    with pytest.raises(InputError, match="not a readable zip archive"):
        open_zip(data, label="f.qdpx")


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        open_zip(tmp_path / "nope.qdpx")


def test_member_that_lies_about_its_size_is_not_inflated():
    data = bytearray(_zip({"a": b"\0" * 100_000}))
    central = data.rindex(b"PK\x01\x02")
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, central + 24, 1000)   # central directory: uncompressed size
    struct.pack_into("<I", data, local + 22, 1000)     # local header: uncompressed size
    with open_zip(bytes(data), label="liar.zip") as archive:
        check_zip(archive, "liar.zip")
        with pytest.raises(InputError, match="damaged"):
            read_member(archive, "a", file="liar.zip")
