// Starts the real bot (the Release build that scripts/test makes) on 127.0.0.1 with its own SQLite
// file, waits until /healthz answers, and stops it afterwards. Used by the browser tests.
import { spawn } from "node:child_process";
import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = process.env.CRMBOT_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const artifacts = path.join(repoRoot, "artifacts");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startBot(extraEnv = {}) {
  const dll = path.join(repoRoot, "src/CrmBot.Web/bin/Release/net10.0/crmbot.dll");
  if (!existsSync(dll)) throw new Error(`Build the bot first (dotnet build -c Release): ${dll} is missing`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "crmbot-js-"));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn("dotnet", [dll], {
    env: {
      ...process.env,
      Urls: url,
      Database__ConnectionString: `Data Source=${path.join(dir, "crmbot.db")}`,
      Logging__LogLevel__Default: "Warning",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", d => { output += d; });
  child.stderr.on("data", d => { output += d; });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The bot exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`The bot did not become healthy in 120 s:\n${output}`); }
    await new Promise(r => setTimeout(r, 250));
  }
  return {
    url,
    output: () => output,
    async stop() {
      const exited = new Promise(r => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
      child.kill("SIGTERM");
      // A shutdown that hangs must not hang the test run: after 20 s the bot is killed.
      const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium, started as harness-notes.md says (no network, fresh profile).
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const userDataDir = mkdtempSync(path.join(tmpdir(), "crmbot-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    async close() { await context.close(); rmSync(userDataDir, { recursive: true, force: true }); },
  };
}
