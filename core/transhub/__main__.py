"""``python -m transhub`` runs the CLI."""

from transhub.cli import main

main()
