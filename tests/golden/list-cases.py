#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print the fixture case directories under fixtures/ (for meson)."""
import os
import sys

root = sys.argv[1]
for dialect in sorted(os.listdir(root)):
    d = os.path.join(root, dialect)
    if not os.path.isdir(d):
        continue
    for case in sorted(os.listdir(d)):
        if os.path.isdir(os.path.join(d, case)):
            print(dialect + "/" + case)
