#!/usr/bin/env bash
# Runs a command with another Node.js first on PATH, from the npm registry's `node` package (a pinned
# binary in a registry package: no toolchain download). npm and npx scripts then run on that Node.
#
#   bash scripts/with-node.sh 24 npm test
#   bash scripts/with-node.sh 26 npm run test:package
#
# The majors CI tests besides the machine's own Node map to the versions below (bump them here).
set -euo pipefail
major=${1:?usage: with-node.sh <major> <command...>}
shift
case $major in
  22) version=22.23.3 ;;
  24) version=24.21.0 ;;
  26) version=26.10.0 ;;
  *) echo "with-node.sh: no pinned version for Node $major (known: 22, 24, 26)" >&2; exit 2 ;;
esac
# npx puts the package's bin (node) first on PATH for the command; the version check guards against
# a shell profile or npm config that would put another node back in front.
exec npx --yes --package "node@$version" -c "
  test \"\$(node --version)\" = v$version || { echo \"with-node.sh: expected Node v$version, got \$(node --version)\" >&2; exit 1; }
  $(printf '%q ' "$@")"
