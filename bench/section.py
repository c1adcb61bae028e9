#!/usr/bin/env python3
"""Replaces (or appends) one "## <title>" section of docs/benchmarks.md.

Usage: section.py FILE TITLE < section-body
Each bench script owns its section; the others are left as they are.
"""
import re
import sys

path, title = sys.argv[1], sys.argv[2]
section = "## %s\n\n%s\n" % (title, sys.stdin.read().strip("\n"))
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"^## %s\n.*?(?=^## |\Z)" % re.escape(title), re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section + "\n", text, count=1)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text.rstrip("\n") + "\n")
