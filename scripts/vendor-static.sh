#!/bin/sh
# Copy the pinned front-end libraries (package.json / package-lock.json) into src/yingji/static/vendor/.
# The copied files are committed, so running the platform never needs Node or a CDN; run this script only
# after changing a version in package.json.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENDOR="$ROOT/src/yingji/static/vendor"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cp "$ROOT/package.json" "$WORK/"
if [ -f "$ROOT/package-lock.json" ]; then
    cp "$ROOT/package-lock.json" "$WORK/"
    (cd "$WORK" && npm ci --omit=peer --ignore-scripts --no-audit --no-fund)
else
    (cd "$WORK" && npm install --omit=peer --ignore-scripts --no-audit --no-fund)
    cp "$WORK/package-lock.json" "$ROOT/package-lock.json"
fi

NM="$WORK/node_modules"
rm -rf "$VENDOR"
mkdir -p "$VENDOR/bootstrap" "$VENDOR/bootstrap-icons/fonts" "$VENDOR/htmx" "$VENDOR/leaflet/images" \
    "$VENDOR/leaflet.markercluster" "$VENDOR/echarts"

cp "$NM/bootstrap/dist/css/bootstrap.min.css" "$VENDOR/bootstrap/"
cp "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" "$VENDOR/bootstrap/"
cp "$NM/bootstrap/LICENSE" "$VENDOR/bootstrap/LICENSE"

cp "$NM/bootstrap-icons/font/bootstrap-icons.min.css" "$VENDOR/bootstrap-icons/"
cp "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" \
    "$VENDOR/bootstrap-icons/fonts/"
cp "$NM/bootstrap-icons/LICENSE" "$VENDOR/bootstrap-icons/LICENSE"

cp "$NM/htmx.org/dist/htmx.min.js" "$VENDOR/htmx/"
cp "$NM/htmx.org/LICENSE" "$VENDOR/htmx/LICENSE"

cp "$NM/leaflet/dist/leaflet.js" "$NM/leaflet/dist/leaflet.css" "$VENDOR/leaflet/"
cp "$NM/leaflet/dist/images/"*.png "$VENDOR/leaflet/images/"
cp "$NM/leaflet/LICENSE" "$VENDOR/leaflet/LICENSE"

cp "$NM/leaflet.markercluster/dist/leaflet.markercluster.js" "$NM/leaflet.markercluster/dist/MarkerCluster.css" \
    "$NM/leaflet.markercluster/dist/MarkerCluster.Default.css" "$VENDOR/leaflet.markercluster/"
cp "$NM/leaflet.markercluster/MIT-LICENCE.txt" "$VENDOR/leaflet.markercluster/LICENSE"

cp "$NM/echarts/dist/echarts.min.js" "$VENDOR/echarts/"
cp "$NM/echarts/LICENSE" "$VENDOR/echarts/LICENSE"
cp "$NM/echarts/NOTICE" "$VENDOR/echarts/NOTICE"

# The minified files end with source-map comments whose .map files are not vendored; drop the comments so
# browsers' developer tools do not request missing files.
for f in "$VENDOR/bootstrap/bootstrap.min.css" "$VENDOR/bootstrap/bootstrap.bundle.min.js" \
         "$VENDOR/leaflet/leaflet.js" "$VENDOR/leaflet.markercluster/leaflet.markercluster.js" \
         "$VENDOR/echarts/echarts.min.js"; do
    sed -i -e 's|/\*# sourceMappingURL=[^*]*\*/||' -e 's|//# sourceMappingURL=.*$||' "$f"
done

{
    echo "Vendored by scripts/vendor-static.sh from the npm registry; do not edit by hand."
    for pkg in bootstrap bootstrap-icons htmx.org leaflet leaflet.markercluster echarts; do
        node -e "const p=require('$NM/$pkg/package.json'); console.log(p.name + ' ' + p.version + ' (' + p.license + ')')"
    done
} > "$VENDOR/VERSIONS.txt"

echo "Vendored into $VENDOR:"
cat "$VENDOR/VERSIONS.txt"
