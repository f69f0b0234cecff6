"""Safe names for saved assets (SPEC §10): every part of `<session>/<check> (<location>)/<name>`
is one plain file name on Linux, macOS and Windows, and files never land outside the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checkly.downloads import MAX_PART_BYTES, Folders, open_new, safe_part


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("trace.zip", "trace.zip"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "_"),
        (".hidden", "hidden"),
        ("CON", "_CON"),
        ("com1.txt", "_com1.txt"),
        ("a:b*c?.png", "a_b_c_.png"),
        ("name\u202ewith", "name_with"),
        ("   ", "_"),
        ("Cafe\u0301", "Café"),  # NFC
        ("half\ud83d.png", "half_.png"),  # a lone surrogate cannot be a file name
    ],
)
def test_safe_part(name: str, safe: str) -> None:
    assert safe_part(name) == safe


def test_long_names_keep_their_extension_within_the_byte_limit() -> None:
    part = safe_part("é" * 200 + ".webm")
    assert part.endswith(".webm") and len(part.encode()) <= MAX_PART_BYTES


def test_names_are_never_handed_out_twice_in_any_case(tmp_path: Path) -> None:
    folders = Folders(tmp_path)
    session = folders.session_folder("id-1", "Session")
    paths = [folders.file_path(session, "Login (eu)", n) for n in ("a.png", "A.PNG", "a.png")]
    assert [p.name for p in paths] == ["a.png", "A (2).PNG", "a (3).png"]
    assert folders.session_folder("id-2", "session") != session  # same name, other session


def test_an_existing_file_or_link_is_never_written_through(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    target = tmp_path / "outside.txt"
    target.write_text("keep")
    (root / "s" / "c").mkdir(parents=True)
    (root / "s" / "c" / "x.png").symlink_to(target)
    with pytest.raises(FileExistsError):
        open_new(root / "s" / "c" / "x.png", root)
    (root / "s" / "d").symlink_to(tmp_path)  # a folder that leads outside
    with pytest.raises(OSError, match="outside"):
        open_new(root / "s" / "d" / "y.png", root)
    assert target.read_text() == "keep" and not (tmp_path / "y.png").exists()
