#!/usr/bin/env bash
# Checks of docs/ that tfplugindocs does not make (run by `make docs-check`):
#   - every data source and resource page is titled "<name> <Type> - Secure Score";
#   - no bare <word> in prose: the registry swallows it as an HTML tag
#     (inside `code` or a fenced block it is shown as written);
#   - the provider page says how long operations may take (timeouts).
set -euo pipefail
cd "$(dirname "$0")/../docs"
status=0

while IFS= read -r line; do
  echo "docs: page title not ending in \" - Secure Score\": $line"
  status=1
done < <(grep -H '^page_title:' data-sources/*.md resources/*.md | grep -v ' - Secure Score"$' || true)

bare="$(awk '
  FNR == 1 { fence = 0 }
  /^```/ { fence = !fence; next }
  fence { next }
  {
    line = $0
    gsub(/`[^`]*`/, "", line)
    while (match(line, /<\/?[A-Za-z_][A-Za-z0-9_-]*[^>]*>/)) {
      tag = substr(line, RSTART, RLENGTH)
      name = tag
      sub(/^<\/?/, "", name)
      sub(/[^A-Za-z0-9_-].*$/, "", name)
      if (name !~ /^(a|br|details|summary|sup|sub|b|i|em|strong|code|pre|p|img|table|thead|tbody|tr|th|td|ul|ol|li|kbd)$/)
        printf "%s:%d: %s\n", FILENAME, FNR, tag
      line = substr(line, RSTART + RLENGTH)
    }
  }' $(find . -name '*.md' | sort))"
if [[ -n "$bare" ]]; then
  echo "docs: a bare <word> outside code is an HTML tag to the registry; put it in backticks:"
  echo "$bare"
  status=1
fi

grep -q 'Default timeouts' index.md || { echo "docs: index.md does not give the default timeouts"; status=1; }
exit "$status"
