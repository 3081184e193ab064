"""``python -m hub`` runs the ``opplus`` command line."""

from .cli import main

main()
