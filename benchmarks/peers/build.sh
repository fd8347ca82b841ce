#!/usr/bin/env bash
# The peers of a cfsi-reports build, as one process tree: `build.sh all|brochure CONTENT OUT`.
# `all`: the Typst brochure and one pandoc fact sheet per action, two processes at a time
# (the same two cores a cfsi-reports build uses); `brochure`: the Typst brochure alone.
set -euo pipefail
what=$1 content=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
mkdir -p "$out/fact-sheets"
if [ "$what" = brochure ]; then
    exec "$python" "$here/brochure.py" "$content" "$out/brochure.pdf"
fi
"$python" "$here/brochure.py" "$content" "$out/brochure.pdf" &
for action in "$content"/actions/*.yaml; do
    name=$(basename "$action" .yaml)
    pandoc --metadata-file="$action" -L "$here/sheet.lua" -f markdown \
        --reference-doc "$PEER_REFERENCE_DOCX" -o "$out/fact-sheets/${name#*-}.docx" /dev/null
done
wait
