"""`python -m halsocenter` runs the command line."""

from .cli import run

run()
