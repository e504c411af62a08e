#!/usr/bin/env bash
# Starts one OpenSearch 2.19 node on 127.0.0.1:${PORT:-9200} in the background and waits for it.
# Usage: start.sh [BASE_DIR]   (stop it with: kill "$(cat BASE_DIR/node.pid)")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${1:-${SEARCH_NODE_HOME:-$HOME/.cache/search-node}}
port=${PORT:-9200}
mkdir -p "$base/node_1/config"
[ -f "$base/node_1/config/opensearch.yml" ] || cp "$here/opensearch.yml" "$base/node_1/config/"
if [ ! -d "$base/lib" ]; then
  # shared/ may be read-only: build from a copy of the pom inside BASE_DIR.
  cp "$here/pom.xml" "$base/pom.xml"
  mvn -B -q -f "$base/pom.xml" dependency:copy-dependencies -DoutputDirectory="$base/lib.part"
  mv "$base/lib.part" "$base/lib"
fi
if curl -fsS "http://127.0.0.1:$port" >/dev/null 2>&1; then echo "a node already answers on $port"; exit 0; fi
# The runner gives node i the port base+i, so base = port-1.
nohup java -Xms${HEAP:-1g} -Xmx${HEAP:-1g} -Dfile.encoding=UTF-8 -Djava.awt.headless=true \
  -Dlog4j2.disable.jmx=true -Djava.locale.providers=SPI,COMPAT \
  -cp "$base/lib/*" org.codelibs.opensearch.runner.OpenSearchRunner \
  -basePath "$base" -numOfNode 1 -baseHttpPort $((port - 1)) -clusterName local-search -printOnFailure \
  >"$base/node.log" 2>&1 &
echo $! >"$base/node.pid"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
    curl -fsS "http://127.0.0.1:$port" | head -c 400; echo; exit 0
  fi
  sleep 1
done
echo "search node did not come up; last lines of $base/node.log:" >&2
tail -n 40 "$base/node.log" >&2
exit 1
