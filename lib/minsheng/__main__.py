import sys

from minsheng.run.cli import main

sys.exit(main())
