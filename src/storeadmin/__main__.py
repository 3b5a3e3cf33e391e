"""Run storeadmin with ``python -m storeadmin``."""

from storeadmin.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
