#!/usr/bin/env bash
# Builds dist/linkedin-inbox-extension.zip for the Chrome Web Store: www/ with the core's web
# build, without tests, baselines, the demo config loader, type declarations or the icon source; the manifest's
# version from npm/package.json and without the development "key" (the store assigns the id).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_zip() {
  if ! command -v zip >/dev/null; then
    log "installing Debian zip (one time)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq zip unzip >/dev/null
  fi
}
ensure_zip
build_www
stage=dist/extension
out=dist/linkedin-inbox-extension.zip
rm -rf "$stage" "$out"
mkdir -p "$stage"
cp -r www/. "$stage/"
rm -rf "$stage/test" "$stage/demo-config.js" "$stage/icons/icon.svg"
# Type declarations of every flavour (.d.ts, .d.mts, .d.cts): nothing in the browser reads them.
find "$stage" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
version=$(node -p 'require("./npm/package.json").version')
node -e '
  const fs = require("fs");
  const [file, version] = process.argv.slice(1);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.version = version;
  delete manifest.key;
  // Firefox-only keys (the gecko id, the event page'"'"'s scripts): Chrome runs the service worker.
  delete manifest.browser_specific_settings;
  delete manifest.background.scripts;
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
' "$stage/manifest.json" "$version"
# Fixed times and order: the same tree gives the same zip.
find "$stage" -exec touch -d "2000-01-01T00:00:00Z" {} +
(cd "$stage" && find . -type f | LC_ALL=C sort | zip -X -q -9 "../linkedin-inbox-extension.zip" -@)
log "built $out ($(du -k "$out" | cut -f1) KiB, version $version)"
