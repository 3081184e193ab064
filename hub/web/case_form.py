"""The case block's forms on the dossier page: what the officer typed, and the use
case's problems at their fields, so a refused change is shown where it was made."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from ..usecases.cases import Case
from ..usecases.errors import UseCaseError

__all__ = ["FIELD_LABELS", "CaseForm"]

#: each field of the case forms as the officer reads it (error summary, in form order)
FIELD_LABELS = {
    "status": "Status",
    "assignee": "Toegewezen aan",
    "reason": "Reden van afsluiten",
    "kind": "Soort",
    "text": "Notitie",
}


@dataclass
class CaseForm:
    """The values of the status and note forms, and the errors per field."""

    status: str = "nieuw"
    assignee: str = ""
    reason: str = ""
    kind: str = "notitie"
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, case: Case) -> CaseForm:
        """The forms as a case fills them in: its status and assignee."""
        return cls(status=case.status, assignee=case.assignee or "")

    @classmethod
    def sent(cls, case: Case, form: FormData, error: UseCaseError) -> CaseForm:
        """The forms as sent, with the use case's problems at their fields."""
        values = {name: str(form.get(name) or "") for name in FIELD_LABELS}
        sent = cls.of(case)
        for name, value in values.items():
            if name in form:
                setattr(sent, name, value)
        for problem in error.problems:
            sent.errors.setdefault(problem.field or "text", problem.message)
        return sent

    @property
    def summary(self) -> list[tuple[str, str, str]]:
        """(field, label, message) of each error, in the order of the form."""
        return [(f, FIELD_LABELS[f], self.errors[f]) for f in FIELD_LABELS if f in self.errors]
