from locality.cli import main

raise SystemExit(main())
