#!/usr/bin/env python3
"""Reads the JUnit files CTest wrote (ctest --output-junit) and prints one summary of every run.

Exits non-zero when a test failed, or when anything was skipped for another reason than an
unreachable package registry: a CTest skip (exit code 77) or a Qt Test QSKIP must then say
"SKIP (network)" in its output. A suite that cannot run its cases must fail, never pass as skipped.
"""
import re
import sys
import xml.etree.ElementTree as ET

NETWORK = "SKIP (network)"
QT_SKIP = re.compile(r"^SKIP\s+:\s+(\S+)\s*(.*)$", re.M)

passed = failed = skipped = 0
problems = []
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        problems.append(f"{path}: cannot read the CTest report ({e})")
        continue
    for case in root.iter("testcase"):
        name = case.get("name")
        out = "".join(e.text or "" for e in case.iter("system-out"))
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            continue
        if case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            skipped += 1
            if NETWORK not in out:
                problems.append(f"{name}: skipped without the network reason")
            continue
        qt_skips = [m for m in QT_SKIP.finditer(out) if NETWORK not in m.group(2)]
        if qt_skips:
            skipped += 1
            for m in qt_skips:
                problems.append(f"{name}: QSKIP in {m.group(1)}: {m.group(2).strip()}")
            continue
        passed += 1

for p in problems:
    print(f"ctest-report: {p}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or problems or passed == 0 else 0)
