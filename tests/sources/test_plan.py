from pathlib import Path

from custodes.sources import plan_inputs
from tests.conftest import SOURCES


def test_folder_is_walked_and_unknown_types_skipped(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("b")
    (tmp_path / "c.html").write_text("<p>c</p>")
    (tmp_path / "d.docx").write_bytes(b"PK")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "e.txt").write_text("e")
    planned = plan_inputs([str(tmp_path)])
    names = {Path(p.label).name: p for p in planned}
    assert set(names) == {"b.txt", "c.html", "d.docx"}
    assert names["d.docx"].skipped_reason == "unknown file type '.docx'"
    assert names["b.txt"].reader is not None and names["b.txt"].reader.name == "text"


def test_missing_path_is_planned_as_missing() -> None:
    [item] = plan_inputs([str(SOURCES / "does-not-exist.txt")])
    assert item.missing
