"""Forwarding, as an officer and a table do it: which tables a dossier could go to and
exactly what each would receive (preview), the confirmed forward, the deliveries with
their state, a retry of a failed one, and feedback — recorded by an officer, or sent
by the table itself, signed with its key.

Every decision about who may do what is made here, and every one of them, refusals
included, is written to the access log here, so ``opplus forward``/``feedback``/
``deliveries`` and the pages and JSON API of ``opplus serve`` follow one rule and
write the same line. The adapters only translate: an answer into a page, JSON or
text, a :class:`~hub.usecases.errors.UseCaseError` into a status or an exit code.

The rules:

* Only an officer forwards, sees deliveries or records feedback, and only for the
  municipalities they work for; another municipality's dossier or delivery gets the
  same answer as an unknown id (:class:`NotFound`), whose it is goes to the access log.
* A table gets a dossier only when it takes that municipality (:class:`Refused`); an
  unknown table is bad input (:class:`Invalid`); the same payload goes to a table once,
  and a forward confirmed on a preview that no longer matches is not sent
  (:class:`Conflict`).
* The officer may leave subjects or single facts out of one table's payload (e.g. the
  co-residents of an address), only
  with a reason; the preview shows them as withheld "weggelaten door de
  aandachtsfunctionaris", the forward sends exactly that previewed payload, and the
  access line names what was left out (persons by pseudonym) and why.
* Feedback comes from one of two callers. A person records what a table told them
  (e.g. by e-mail): they must be an officer of the delivery's municipality, whichever
  adapter they use. A table speaks for itself by signing with its key (``v2`` over
  ``t.METHOD.path.body``, each signature once): the key is its authority, so no role
  is asked, and the feedback's ``source`` is the key's table — a body naming anyone
  else is refused. A bad signature is a :class:`Refused` on the signature header.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from plugins import SIGNATURE_HEADER, check_request_signature, sign_request

from ..accountability import Actor, Storage
from ..config import Config
from ..dossier import Dossier
from ..forwarding.minimise import Tailoring
from ..forwarding.outbox import DeliveryRow
from ..forwarding.replays import SignatureReplays
from ..forwarding.service import (
    NOTICE_TABLE,
    AlreadyForwarded,
    Feedback,
    ForwardingService,
    Preview,
)
from .cases import Cases
from .context import Context
from .dossiers import Dossiers
from .errors import Conflict, Invalid, NotFound, Problem, Refused

__all__ = [
    "FEEDBACK_PATH",
    "SIGNATURE_HEADER",
    "STATE_LABELS",
    "Forwarding",
    "ForwardingOverview",
    "SignedBy",
    "TableView",
    "feedback_secret_env",
    "parse_signed_body",
    "sign",
    "state_label",
    "table_label",
]

STATE_LABELS = {
    "queued": "in wachtrij",
    "sending": "wordt verstuurd",
    "delivered": "afgeleverd",
    "acknowledged": "bevestigd",
    "failed": "mislukt",
    "stuck": "vastgelopen",
}

#: the path a table's feedback signature covers (the same whichever adapter checks it)
FEEDBACK_PATH = "/api/v1/deliveries/{delivery_id}/feedback"
MAX_FEEDBACK = 20_000

_SIGNATURE_REASONS = {
    "missing": "handtekening ontbreekt",
    "malformed": "handtekening zonder t of v2",
    "v1-only": "alleen een v2-handtekening (over t, methode, pad en body) wordt aanvaard",
    "expired": "tijdstip van de handtekening ligt meer dan vijf minuten van nu",
    "mismatch": "handtekening klopt niet",
}
MAX_REASON = 500
_BSN_LIKE = re.compile(r"\d{9}")
_REPLAYED = "deze handtekening is al gebruikt; elke handtekening geldt één keer"
_NO_SUCH_DELIVERY = "handtekening klopt niet of de levering is onbekend"


def table_label(config: Config, name: str) -> str:
    if name == NOTICE_TABLE:
        return "Melder (bericht dat het signaal is opgepakt)"
    table = config.tables.get(name)
    return table.label if table else name


def state_label(row: DeliveryRow) -> str:
    return STATE_LABELS["stuck"] if row.stuck() else STATE_LABELS.get(row.state, row.state)


def feedback_secret_env(table: str) -> str:
    """The environment variable holding table ``table``'s feedback secret."""
    return "OPPLUS_FEEDBACK_SECRET_" + re.sub(r"[^A-Z0-9]", "_", table.upper())


def sign(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    """The ``X-Opplus-Signature`` value a table sends with feedback ``body`` on
    delivery ``delivery_id`` (``v2``: over t, method, path and body)."""
    path = FEEDBACK_PATH.format(delivery_id=delivery_id)
    return sign_request(secret, timestamp, "POST", path, body)


@dataclass(frozen=True)
class TableView:
    """One configured table for one dossier: suggested or not, and what it would get
    (``preview``), or why it gets nothing (``refusal``)."""

    name: str
    label: str
    transport: str
    reasons: list[str]
    refusal: str | None
    preview: Preview | None

    @property
    def suggested(self) -> bool:
        return bool(self.reasons)

    @property
    def bibob_withheld(self) -> bool:
        """Bibob facts left out because this table has no legal ground for them."""
        return self.preview is not None and self.preview.payload.bibob_withheld

    @property
    def explanation(self) -> str:
        return f"{self.label}, omdat: {' en '.join(self.reasons)}" if self.reasons else ""


@dataclass(frozen=True)
class ForwardingOverview:
    """A dossier as forwarding sees it: every table, the deliveries and the feedback."""

    dossier: Dossier
    tables: list[TableView]
    deliveries: list[DeliveryRow]
    feedback: list[Feedback]

    def table(self, name: str) -> TableView:
        for view in self.tables:
            if view.name == name:
                return view
        raise NotFound("tafel", name, "table")


@dataclass(frozen=True)
class SignedBy:
    """A table whose key signed a request for one delivery; made only by
    :meth:`Forwarding.verify_signature`."""

    table: str
    delivery: DeliveryRow


class Forwarding:
    """The forwarding use cases over one process's forwarding machinery."""

    def __init__(
        self, machinery: ForwardingService, replays: SignatureReplays | None = None
    ) -> None:
        self.machinery = machinery
        self.config = machinery.config
        self.storage: Storage = machinery.storage
        self.replays = replays or SignatureReplays(machinery.storage.db)
        self.ctx = Context(machinery.config, machinery.storage)
        self.dossiers = Dossiers(self.ctx)

    # -- permission -------------------------------------------------------------------

    def _refused(self, actor: Actor, action: str, reason: str, **details: Any) -> Refused:
        return self.ctx.refuse(actor, action, reason, **details)

    def _officer(self, actor: Actor, action: str) -> None:
        self.ctx.require_role(actor, "officer", action)

    def _dossier(self, actor: Actor, dossier_id: str, action: str) -> Dossier:
        """A dossier the officer may see (its view logged as ``action``)."""
        return self.dossiers.view(actor, dossier_id, action=action)

    def _delivery(self, actor: Actor, delivery_id: str, action: str) -> DeliveryRow:
        """A delivery, for an officer of its municipality."""
        self._officer(actor, action)
        try:
            row = self.machinery.outbox.get(delivery_id)
        except KeyError:
            self.storage.record_access(actor, action, result="failed", reason="onbekende levering")
            raise NotFound("levering", delivery_id, "delivery_id") from None
        if not actor.may_see(row.municipality):
            # the same answer as an unknown id: whose it is goes to the access log only
            self.storage.record_access(
                actor,
                action,
                result="refused",
                reason=f"levering hoort bij gemeente {row.municipality}",
                dossier_id=row.dossier_id,
                municipality=row.municipality,
            )
            raise NotFound("levering", delivery_id, "delivery_id")
        return row

    def _table_refusal(self, name: str, dossier: Dossier) -> str | None:
        table = self.config.tables[name]
        municipality = dossier.signal["municipality"]
        if table.municipalities and municipality not in table.municipalities:
            return f"tafel {name} ontvangt geen dossiers van gemeente {municipality}"
        return None

    def _known_table(self, name: str) -> None:
        if name not in self.config.tables:
            known = ", ".join(sorted(self.config.tables)) or "geen"
            raise Invalid([Problem("table", f"onbekende tafel {name!r} (bekend: {known})")])

    # -- the officer ------------------------------------------------------------------

    def _views(self, dossier: Dossier) -> list[TableView]:
        """Every configured table, the suggested ones first (in rule order)."""
        suggested = {s.table: s.reasons for s in self.machinery.suggestions(dossier)}
        order = list(suggested) + sorted(set(self.config.tables) - set(suggested))
        views = []
        for name in order:
            table = self.config.tables[name]
            refusal = self._table_refusal(name, dossier)
            preview = None if refusal else self.machinery.preview(dossier, name)
            views.append(
                TableView(
                    name, table.label, table.transport, suggested.get(name, []), refusal, preview
                )
            )
        return views

    def overview(self, actor: Actor, dossier_id: str) -> ForwardingOverview:
        """Every table for the dossier (suggested first, each with its preview or why
        not), its deliveries and the feedback; logged as ``forward.preview``."""
        dossier = self._dossier(actor, dossier_id, "forward.preview")
        return ForwardingOverview(dossier, self._views(dossier), *self.history(actor, dossier))

    def history(self, actor: Actor, dossier: Dossier) -> tuple[list[DeliveryRow], list[Feedback]]:
        """The deliveries (to the actor's municipalities' tables) and the feedback of a
        dossier the actor has just been shown (its view is the logged access)."""
        rows = self.machinery.outbox.list(
            dossier_id=dossier.id, municipalities=actor.municipalities
        )
        return rows, self.machinery.feedback_for(dossier.id)

    def tailor(
        self, overview: ForwardingOverview, table: str, leave_out: Collection[str], reason: str
    ) -> TableView:
        """``table`` as the officer tailors it: the items ``leave_out`` (a subject's key,
        or ``<subject>#<attribute>``, see :class:`Tailoring`) left out of its payload,
        for ``reason``; Invalid when an item is unknown or the reason is missing. Its
        view was logged by :meth:`overview`; what is left out is logged when it is
        forwarded."""
        view = overview.table(table)
        tailoring = self._tailoring(overview.dossier, leave_out, reason)
        if view.preview is None or not tailoring:
            return view
        return replace(view, preview=self.machinery.preview(overview.dossier, table, tailoring))

    @staticmethod
    def _tailoring(dossier: Dossier, leave_out: Collection[str], reason: str) -> Tailoring:
        known = {s.key for s in dossier.subjects}
        known.update(f"{f.subject}#{f.attribute}" for f in dossier.facts)
        if set(leave_out) - known:
            raise Invalid([Problem("leave_out", "onbekend onderwerp of gegeven in dit dossier")])
        reason = " ".join(reason.split())
        if leave_out and not reason:
            raise Invalid([Problem("reason", "vul in waarom u dit weglaat; dat is verplicht")])
        if len(reason) > MAX_REASON:
            raise Invalid([Problem("reason", f"is te lang (max. {MAX_REASON} tekens)")])
        return Tailoring(frozenset(leave_out), reason if leave_out else "")

    def _left_out(self, tailoring: Tailoring) -> dict[str, str]:
        """What the access line says was left out: persons by pseudonym, never a BSN."""
        if not tailoring:
            return {}
        pseudonym = self.storage.trail.pseudonymiser.pseudonymise
        keys = [
            f"person:{pseudonym(key.split(':', 1)[1])}" if key.startswith("person:") else key
            for key in sorted(tailoring.items)
        ]
        return {
            "left_out": ", ".join(keys),
            "left_out_reason": _BSN_LIKE.sub("[nummer weggelaten]", tailoring.reason),
        }

    def preview(
        self,
        actor: Actor,
        dossier_id: str,
        table: str,
        *,
        leave_out: Collection[str] = (),
        reason: str = "",
    ) -> tuple[Dossier, Preview]:
        """Exactly what ``table`` would receive, and what is withheld (``leave_out``
        and ``reason``: as in :meth:`tailor`)."""
        dossier = self._dossier(actor, dossier_id, "forward.preview")
        if table not in self.config.tables:
            raise NotFound("tafel", table, "table")
        refusal = self._table_refusal(table, dossier)
        if refusal:
            raise self._refused(actor, "forward.preview", refusal, dossier_id=dossier.id)
        tailoring = self._tailoring(dossier, leave_out, reason)
        return dossier, self.machinery.preview(dossier, table, tailoring)

    def forward(
        self,
        actor: Actor,
        dossier_id: str,
        table: str,
        expected_sha256: str | None = None,
        *,
        leave_out: Collection[str] = (),
        reason: str = "",
    ) -> DeliveryRow:
        """The officer confirmed: queue the delivery (a worker sends it). With
        ``expected_sha256`` (the payload they previewed) nothing is queued when the
        payload is no longer that one (the configuration changed in between).
        ``leave_out`` and ``reason``: as in :meth:`tailor`."""
        self._known_table(table)
        dossier = self._dossier(actor, dossier_id, "forward.preview")
        refusal = self._table_refusal(table, dossier)
        if refusal:
            raise self._refused(
                actor, "forward", refusal, dossier_id=dossier.id, signal_id=dossier.signal_id
            )
        tailoring = self._tailoring(dossier, leave_out, reason)
        preview = self.machinery.preview(dossier, table, tailoring)
        payload = preview.payload
        if expected_sha256 and payload.sha256 != expected_sha256:
            raise Conflict(
                "wat deze tafel zou ontvangen is veranderd sinds het voorbeeld; "
                "bekijk het voorbeeld opnieuw",
                "payload_sha256",
            )
        with self.storage.db.transaction():
            try:
                row = self.machinery.enqueue(dossier, preview, actor)
            except AlreadyForwarded as exc:
                raise Conflict(
                    f"dit dossier is al doorgestuurd naar {table_label(self.config, table)} "
                    f"(levering {exc.row.id}, {state_label(exc.row)}); precies dezelfde "
                    "gegevens gaan niet twee keer",
                    "table",
                ) from None
            self.storage.record_access(
                actor,
                "forward",
                role="officer",
                **_about(dossier),
                detail={
                    "table": table,
                    "delivery_id": row.id,
                    "payload_sha256": payload.sha256,
                    "withheld": str(len(payload.withheld)),
                    **self._left_out(tailoring),
                },
            )
        Cases(self.ctx).mark_forwarded(actor, dossier, table_label(self.config, table))
        return row

    def deliveries(
        self, actor: Actor, *, state: str | None = None, dossier_id: str | None = None
    ) -> list[DeliveryRow]:
        """Deliveries of the officer's municipalities, newest first (``state`` "stuck":
        sending, its lease run out)."""
        self._officer(actor, "deliveries")
        return self.machinery.outbox.list(
            state=state, dossier_id=dossier_id, municipalities=actor.municipalities
        )

    def requeue(self, actor: Actor, delivery_id: str) -> DeliveryRow:
        """A failed delivery gets a fresh attempt budget (an officer's decision, logged)."""
        action = "deliveries.requeue"
        row = self._delivery(actor, delivery_id, action)
        if row.state != "failed":
            raise Conflict(
                f"levering {row.id} is {state_label(row)}; alleen een mislukte levering "
                "kan opnieuw worden geprobeerd",
                "delivery",
            )
        done = self.machinery.outbox.requeue(row.id)
        self.storage.record_access(
            actor,
            action,
            role="officer",
            municipality=row.municipality,
            dossier_id=row.dossier_id,
            signal_id=row.signal_id,
            detail={"delivery_id": row.id, "table": row.table_name},
        )
        return done

    # -- feedback ---------------------------------------------------------------------

    def record_feedback(
        self, actor: Actor, delivery_id: str, text: str, source: str | None = None
    ) -> Feedback:
        """Feedback a table gave an officer outside opplus (e.g. by e-mail), recorded
        by that officer; ``source`` says who gave it (default: the table, as passed on
        by the officer)."""
        row = self._delivery(actor, delivery_id, "feedback")
        text = self._feedback_text(row, text)
        label = table_label(self.config, row.table_name)
        given_by = (source or "").strip() or f"{label} (vastgelegd door {actor.name})"
        return self._store_feedback(row, text, given_by[:200], actor)

    def verify_signature(
        self,
        delivery_id: str,
        header: str,
        body: bytes,
        *,
        method: str = "POST",
        path: str | None = None,
        admit: Callable[[], bool] | None = None,
        origin: Mapping[str, str] | None = None,
    ) -> SignedBy:
        """The table whose key signed ``body`` for this delivery, or :class:`Refused`
        (field: the signature header; logged with ``origin``, what the adapter knows of
        the caller, e.g. its address — unless ``admit`` says this caller's refusals are
        being counted instead of written: a flood)."""
        refused = partial(self._signature_refused, admit=admit, origin=origin)
        try:
            row: DeliveryRow | None = self.machinery.outbox.get(delivery_id)
        except KeyError:
            row = None
        if row is None or row.table_name == NOTICE_TABLE:
            who = Actor("tafel (handtekening)", "tafel", (), (), client="table")
            raise refused(who, _NO_SUCH_DELIVERY)
        who = _table_actor(row.table_name, row.table_name)
        secret = os.environ.get(feedback_secret_env(row.table_name))
        if not secret:
            reason = (
                f"tafel {row.table_name} heeft geen terugkoppelgeheim "
                f"({feedback_secret_env(row.table_name)} is niet gezet)"
            )
            raise refused(who, reason)
        signed_path = path or FEEDBACK_PATH.format(delivery_id=delivery_id)
        check = check_request_signature(secret, header, method, signed_path, body)
        if check.problem is not None:
            raise refused(who, _SIGNATURE_REASONS[check.problem])
        assert check.signature is not None and check.timestamp is not None
        if not self.replays.first_use(check.signature, check.timestamp):
            raise refused(who, _REPLAYED)
        return SignedBy(row.table_name, row)

    def _signature_refused(
        self,
        who: Actor,
        reason: str,
        *,
        admit: Callable[[], bool] | None,
        origin: Mapping[str, str] | None,
    ) -> Refused:
        if admit is None or admit():
            self.storage.record_access(
                who, "feedback", result="refused", reason=reason, detail=dict(origin or {})
            )
        return Refused(reason, SIGNATURE_HEADER)

    def table_feedback(self, signed: SignedBy, text: str, source: str | None = None) -> Feedback:
        """Feedback the table sent itself, signed with its key: its ``source`` is that
        table; a ``source`` naming anyone else is refused."""
        row = signed.delivery
        label = table_label(self.config, signed.table)
        if source is not None and source not in (label, signed.table):
            reason = f"de afzender is de tafel van de sleutel ({label}); laat source weg"
            self.storage.record_access(
                _table_actor(signed.table, signed.table),
                "feedback",
                result="refused",
                reason=reason,
            )
            raise Invalid([Problem("source", reason)])
        text = self._feedback_text(row, text)
        who = _table_actor(signed.table, label, row.municipality)
        return self._store_feedback(row, text, label, who)

    def _feedback_text(self, row: DeliveryRow, text: str) -> str:
        if row.table_name == NOTICE_TABLE:
            raise Conflict(
                "dit is het bericht aan de melder, geen levering aan een tafel", "delivery"
            )
        text = text.strip()
        if not text:
            raise Invalid([Problem("text", "terugkoppeling mag niet leeg zijn")])
        if len(text) > MAX_FEEDBACK:
            raise Invalid([Problem("text", "terugkoppeling is te lang (max. 20.000 tekens)")])
        if row.state not in ("delivered", "acknowledged"):
            raise Conflict(f"levering {row.id} is nog niet afgeleverd ({row.state})", "delivery")
        return text

    def _store_feedback(self, row: DeliveryRow, text: str, source: str, who: Actor) -> Feedback:
        with self.storage.db.transaction():
            feedback = self.machinery.store_feedback(row, text, source)
            self.storage.record_access(
                who,
                "feedback",
                role=who.roles[0],
                municipality=row.municipality,
                dossier_id=row.dossier_id,
                signal_id=row.signal_id,
                detail={"delivery_id": row.id, "source": source},
            )
            self.storage.notifications.add(row.municipality, "terugkoppeling", row.dossier_id)
        return feedback


def _about(dossier: Dossier) -> dict[str, Any]:
    """What an access-log line says about the dossier it concerns."""
    return {
        "municipality": dossier.signal["municipality"],
        "purpose_id": dossier.purpose.id,
        "trace_id": dossier.trace_id,
        "signal_id": dossier.signal_id,
        "dossier_id": dossier.id,
    }


def _table_actor(table: str, name: str, municipality: str | None = None) -> Actor:
    """A table acting by its key: the ``table`` role for what it may do (feedback on
    its own deliveries), no role when refused."""
    if municipality is None:
        return Actor(f"table:{table}", name, (), (), client="table")
    return Actor(f"table:{table}", name, ("table",), (municipality,), client="table")


def parse_signed_body(body: bytes) -> tuple[str, str | None]:
    """The text and optional source of a table's signed feedback body (JSON), as the
    command line reads it from a file; the web checks the same shape with its model."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid([Problem("body", "geen geldige JSON")]) from None
    if not isinstance(data, dict):
        raise Invalid([Problem("body", "moet een object zijn")])
    unknown = sorted(set(data) - {"text", "source"})
    if unknown:
        raise Invalid([Problem(unknown[0], "onbekend veld")])
    text, source = data.get("text"), data.get("source")
    if not isinstance(text, str):
        raise Invalid([Problem("text", "moet tekst zijn")])
    if source is not None and not isinstance(source, str):
        raise Invalid([Problem("source", "moet tekst zijn")])
    return text, source
