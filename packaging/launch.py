"""Entry script for the PyInstaller bundle (see locality.spec): runs the ``locality`` command."""

from locality.cli import main

raise SystemExit(main())
