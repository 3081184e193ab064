"""One finding, one line, with its subjects: points that say the same thing fold."""

from __future__ import annotations

from hub.dossier import Aandachtspunt
from hub.findings import findings


def point(subject: str, fact_id: str, explanation: str = "1 openstaande zaak.") -> Aandachtspunt:
    return Aandachtspunt(
        code="open_handhavingszaken",
        subject=subject,
        title="Lopende handhavingszaak",
        explanation=explanation,
        fact_id=fact_id,
    )


def test_the_same_finding_at_three_subjects_is_one_line_naming_all_three() -> None:
    points = [
        point("address:1621JH-88", "f74"),
        point("business:97000011", "f75"),
        point("business:97000011/000097000011", "f76"),
    ]
    [one] = findings(points)
    assert one.subjects == [
        "address:1621JH-88",
        "business:97000011",
        "business:97000011/000097000011",
    ]
    assert one.fact_ids == ["f74", "f75", "f76"]
    assert one.title == "Lopende handhavingszaak"


def test_findings_that_say_different_things_stay_apart_in_order() -> None:
    points = [point("address:a", "f1", "2 zaken."), point("address:b", "f2"), point("c", "f3")]
    assert [(f.explanation, f.subjects) for f in findings(points)] == [
        ("2 zaken.", ["address:a"]),
        ("1 openstaande zaak.", ["address:b", "c"]),
    ]
