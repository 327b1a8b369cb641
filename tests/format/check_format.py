#!/usr/bin/python3
"""The `format` test: every file in files.txt is as clang-format leaves it."""
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
exe = shutil.which("clang-format-14") or shutil.which("clang-format")
if exe is None:
    print("clang-format is not installed (scripts/deps.sh test)")
    sys.exit(77)  # skip

with open(os.path.join(here, "files.txt")) as f:
    files = [line.strip() for line in f if line.strip() and not line.startswith("#")]
missing = [p for p in files if not os.path.isfile(os.path.join(root, p))]
if missing:
    print("listed but absent:", " ".join(missing))
    sys.exit(1)

r = subprocess.run([exe, "--dry-run", "--Werror", *files], cwd=root, capture_output=True,
                   text=True)
if r.returncode != 0:
    print(r.stderr)
    print("fix with: clang-format -i FILE (from the source root)")
sys.exit(r.returncode)
