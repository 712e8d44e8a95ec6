#!/usr/bin/env python
from uythac.cli.main import main

if __name__ == "__main__":
    main()
