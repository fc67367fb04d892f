"""`python -m halsocenter` runs the command line."""

from halsocenter.cli import run

run()
