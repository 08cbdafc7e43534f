"""Run every benchmark: ``python -m bench [--pg URL]`` runs ``bench.pull`` then ``bench.upload``."""

from __future__ import annotations

import subprocess
import sys

from bench.common import parser


def main() -> int:
    args = parser(__doc__).parse_args()
    common = ["--orders", str(args.orders)] + (["--pg", args.pg] if args.pg else [])
    for module in ("bench.pull", "bench.upload"):
        print(f"\n=== python -m {module}{' on PostgreSQL' if args.pg else ''}", flush=True)
        code = subprocess.call([sys.executable, "-m", module, *common])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
