#!/usr/bin/env bash
# Builds the store packages from the same www/ and the core's web build:
# dist/linkedin-inbox-extension.zip (Chrome Web Store) and
# dist/linkedin-inbox-extension-firefox.zip (addons.mozilla.org). Both are www/ without tests,
# baselines, the demo config loader, type declarations or the icon source, with the manifest's
# version from npm/package.json, without the development "key" (the stores assign the ids) and
# without loopback in the host permissions and CSP (a store user's proxy is on https);
# each manifest keeps only its browser's background: Chrome's service worker, Firefox's event
# page (background.scripts) and gecko id (browser_specific_settings).
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
version=$(node -p 'require("./npm/package.json").version')

# package BROWSER STAGE ZIP: www/ staged in STAGE for BROWSER (chrome or firefox), zipped to ZIP.
package() {
  local browser=$1 stage=$2 out=$3
  rm -rf "$stage" "$out"
  mkdir -p "$stage"
  cp -r www/. "$stage/"
  rm -rf "$stage/test" "$stage/demo-config.js" "$stage/icons/icon.svg"
  # Type declarations of every flavour (.d.ts, .d.mts, .d.cts): nothing in the browser reads them.
  find "$stage" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete
  node -e '
    const fs = require("fs");
    const [file, version, browser] = process.argv.slice(1);
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    manifest.version = version;
    delete manifest.key;
    // The store build reaches proxies over https only: loopback (the demo, a local wrangler dev)
    // is left out of the host permissions and the CSP; the unpacked www/ keeps it.
    manifest.optional_host_permissions = manifest.optional_host_permissions.filter((p) => p.startsWith("https://"));
    manifest.content_security_policy.extension_pages = manifest.content_security_policy.extension_pages
      .replace(/ (http|ws):\/\/(127\.0\.0\.1|localhost):\*/g, "");
    if (browser === "chrome") {
      delete manifest.browser_specific_settings;
      delete manifest.background.scripts;
    } else {
      delete manifest.background.service_worker;
    }
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
  ' "$stage/manifest.json" "$version" "$browser"
  # Fixed times and order: the same tree gives the same zip.
  find "$stage" -exec touch -d "2000-01-01T00:00:00Z" {} +
  (cd "$stage" && find . -type f | LC_ALL=C sort | zip -X -q -9 "$OLDPWD/$out" -@)
  log "built $out ($(du -k "$out" | cut -f1) KiB, version $version)"
}

package chrome dist/extension dist/linkedin-inbox-extension.zip
package firefox dist/extension-firefox dist/linkedin-inbox-extension-firefox.zip
