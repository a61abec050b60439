"""`python -m extract` is the `shequ` command."""
from .cli import main

main(prog_name="shequ")
