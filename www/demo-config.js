// The demo's settings (make demo, tests over http): the proxy URL and client token served by
// scripts/serve-www.mjs. Not part of the packaged extension (scripts/package.sh leaves it out).
export async function loadDemoConfig() {
  const response = await fetch("./demo-config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`demo config: HTTP ${response.status}`);
  return await response.json();
}
