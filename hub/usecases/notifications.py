"""What an officer is told, and the badge in the page header (issue 12,
"Notifications"): a colleague's new report (every officer of its municipality), an
enrichment of theirs that finished, a delivery of their municipality that failed, a
table's feedback. A notification names only its kind and what it is about (an id),
never case details; each officer reads their own, and the list is access-logged.
Where something happens, it is written with :meth:`hub.store.NotificationStore.add`
(one of :data:`KINDS`), inside the use case or worker that did it."""

from __future__ import annotations

from dataclasses import dataclass

from ..accountability import Actor
from ..store import NotificationRow
from .context import Context

__all__ = ["KINDS", "Notice", "Notifications"]

#: kind → (what the officer reads, where it takes them: a path with {ref})
KINDS: dict[str, tuple[str, str]] = {
    "melding": ("Nieuwe melding van een collega", "/meldingen/{ref}"),
    "verrijking": ("Verrijking klaar", "/dossiers/{ref}"),
    "levering_mislukt": ("Doorsturen mislukt", "/leveringen"),
    "terugkoppeling": ("Terugkoppeling van een tafel", "/dossiers/{ref}"),
}


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification as the officer reads it."""

    label: str
    href: str
    created_at: str
    read: bool


@dataclass(frozen=True)
class Notifications:
    ctx: Context

    def unread(self, actor: Actor) -> int:
        """The badge: how many the officer has not read (0 for anyone else). Not an
        access-log line: it shows no content."""
        if "officer" not in actor.roles:
            return 0
        return sum(not n.read for n in self._rows(actor))

    def recent(self, actor: Actor) -> list[Notice]:
        """The officer's newest notifications; shown, they count as read."""
        self.ctx.require_role(actor, "officer", "notifications.list")
        rows = self._rows(actor)
        self.ctx.storage.notifications.mark_read(actor.id, [n.id for n in rows if not n.read])
        self.ctx.storage.record_access(
            actor, "notifications.list", role="officer", detail={"count": str(len(rows))}
        )
        return [_notice(n) for n in rows]

    def seen(self, actor: Actor, kind: str, ref: str) -> None:
        """The officer opened what ``kind``/``ref`` is about: its notification is read."""
        self.ctx.storage.notifications.mark_read(
            actor.id, self.ctx.storage.notifications.ids_about(kind, ref)
        )

    def _rows(self, actor: Actor) -> list[NotificationRow]:
        return self.ctx.storage.notifications.for_officer(actor.id, actor.municipalities)


def _notice(row: NotificationRow) -> Notice:
    label, path = KINDS[row.kind]
    return Notice(label, path.format(ref=row.ref), row.created_at, row.read)
