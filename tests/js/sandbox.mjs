// Starts the provider sandbox binary (SANDBOX_BIN) on a free loopback port; stop() kills it.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startSandbox(extraArgs = []) {
  const bin = process.env.SANDBOX_BIN;
  if (!bin) throw new Error("SANDBOX_BIN must point at the sandbox binary");
  const child = spawn(bin, ["--port", "0", "--test-controls", ...extraArgs], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const base = line.replace("sandbox listening on ", "").trim();
  const control = async (method, path, body) => {
    const response = await fetch(`${base}/__sandbox/${path}`, { method, body: body && JSON.stringify(body) });
    return response.json();
  };
  return {
    base,
    control,
    stats: () => control("GET", "stats"),
    fault: (spec) => control("POST", "faults", spec),
    stop: () => child.kill(),
  };
}

export const DEMO = {
  connectsafelyKey: "demo-connectsafely-key",
  linkupKey: "demo-linkup-key",
  loginToken: "demo-login-token-titouan",
  docProfileUrl: "https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/",
};

export function directConfig(base, overrides = {}) {
  return {
    connectsafely: { apiKey: DEMO.connectsafelyKey, baseUrl: `${base}/linkedin`, ...overrides.connectsafely },
    linkup: { apiKey: DEMO.linkupKey, loginToken: DEMO.loginToken, baseUrl: base, ...overrides.linkup },
  };
}

/** Large sandbox account `k` (`--big-account N --big-accounts K`; docs/sandbox.md, "Large
 * accounts"; made by sandbox/src/data/big.rs): its ConnectSafely id and LinkupAPI login token. */
export function bigAccount(k) {
  return {
    account: k === 0 ? "b16b16b16b16b16b16b16b16" : `b16b16b16b16b16b${k.toString(16).padStart(8, "0")}`,
    loginToken: k === 0 ? "demo-login-token-big" : `demo-login-token-big-${k}`,
  };
}
