#!/usr/bin/env bash
# Regenerate the key table of docs/configuration.md from the config schema (meanfield config-keys).
set -euo pipefail
cd "$(dirname "$0")/.."
# Build first, quietly: build warnings go to stdout and must not end up in the table.
dotnet build src/MeanField.Cli -c Release -nologo -v q >/dev/null
table=$(dotnet run --no-build --project src/MeanField.Cli -c Release -- config-keys)
python3 - "$table" <<'PY'
import sys, re
p = 'docs/configuration.md'
s = open(p).read()
begin = '<!-- key table: generated from ConfigSchema.MarkdownTable(); a test keeps it equal -->'
end = '<!-- end of key table -->'
i, j = s.index(begin) + len(begin), s.index(end)
open(p, 'w').write(s[:i] + '\n' + sys.argv[1].strip() + '\n' + s[j:])
PY
