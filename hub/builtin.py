"""The connectors that ship with opplus, loaded after any entry-point plugins."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "connectors.brp.plugin",
    "connectors.bewoning.plugin",
    "connectors.bag.plugin",
    "connectors.kvk.plugin",
    "connectors.handhaving.plugin",
    "connectors.bibob.plugin",
    "connectors.tables.zgw.plugin",
    "connectors.tables.email.plugin",
    "connectors.tables.webhook.plugin",
)
