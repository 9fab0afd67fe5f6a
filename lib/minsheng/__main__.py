import sys

from minsheng.cli import main

sys.exit(main())
