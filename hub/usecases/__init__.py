"""The hub's use cases: one module per thing a user does. Each use case checks
permission, writes the access log (refusals and failures included) and returns a
typed result or raises a :class:`UseCaseError`; the command line (:mod:`hub.cli`) and
the web service (:mod:`hub.web`) are thin adapters over them, so the same action
follows the same rule wherever it is asked for.

* :mod:`.context` — :class:`~.context.Context`, what every use case is given (the
  configuration and the store), and the one way to refuse an actor (logged first);
* :mod:`.errors` — the errors a use case raises (``Refused``, ``NotFound``,
  ``Damaged``, ``Invalid``), each problem naming its field;
* :mod:`.enrich` — :class:`~.enrich.Enrich`: check and run an enrichment;
* :mod:`.dossiers` — :class:`~.dossiers.Dossiers`: view, export, the newest,
  versions, the signal of a re-run, an auditor's provenance;
* :mod:`.cases` — :class:`~.cases.Cases`: the case around a signal (status,
  assignee, the officer's notes), the signal list, a dossier id from its prefix;
* :mod:`.audit` — :class:`~.audit.Audit`: search, verify, checkpoint, prove, the
  subject report, the public key;
* :mod:`.registries` — :class:`~.registries.Registries`: connector health and the
  configuration;
* :mod:`.retention` — :class:`~.retention.Retention`: delete what is due, legal holds;
* :mod:`.forwarding` and :mod:`.accounts` — forwarding to tables and feedback;
  accounts, tokens and approvals.
* :mod:`.intake` and :mod:`.notifications` — a colleague's report and the feedback on
  it; what an officer is told (the header badge).

A new use case: a class over a :class:`~.context.Context` (plus the runtime only if
it asks registries) whose methods take the acting :class:`~hub.accountability.Actor`
first; the adapters translate its errors in one place each
(:func:`hub.cli.common.answered`, the ``UseCaseError`` handler in :mod:`hub.web.app`).
This package imports only its errors, so importing it costs nothing.
"""

from .errors import Conflict, Damaged, Invalid, NotFound, Problem, Refused, UseCaseError

__all__ = ["Conflict", "Damaged", "Invalid", "NotFound", "Problem", "Refused", "UseCaseError"]
