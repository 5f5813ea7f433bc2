#!/usr/bin/env bash
# The API reference: TypeDoc reads the npm package's declarations (pkg-npm/fitconnect.d.ts, which
# re-exports the generated glue.d.ts, and inline.d.ts) and writes HTML to docs/api/ (not committed).
# Any TypeDoc warning fails it (docs/typedoc.json: treatWarningsAsErrors).
# Usage: scripts/docs.sh   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg-npm/fitconnect.d.ts ] || { echo "docs: pkg-npm/ is missing: run scripts/build.sh first"; exit 1; }
rm -rf docs/api
node_modules/.bin/typedoc --options docs/typedoc.json --logLevel Warn
echo "docs: docs/api/index.html"
