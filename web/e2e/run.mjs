// `make e2e`: the SPA in Debian's headless Chromium (driven by playwright-core, no browser
// download) against a real `owp serve` on SQLite with the fake Ollama.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServers } from "./servers.mjs";
import { walker } from "./walk.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const target = process.env.CARGO_TARGET_DIR ?? join(root, "target");
const owpBin = process.env.OWP_BIN ?? join(target, "debug/owp");
const fakeOllamaBin = process.env.FAKE_OLLAMA_BIN ?? join(target, "debug/examples/fake_ollama");
const screenshots = join(here, "screenshots");
const admin = { email: "admin@example.com", password: "e2e-admin-password-0123" };

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("chromium is not installed (apt-get install -y chromium)");
  }
}

/** The gateway's caching promise: hashed assets forever, the page never. */
async function checkCaching(baseUrl) {
  const page = await fetch(`${baseUrl}/`);
  const html = await page.text();
  if (page.headers.get("cache-control") !== "no-cache") throw new Error("index.html is cacheable");
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (!asset) throw new Error("the served page is not the built app (was owp built with --features spa?)");
  const res = await fetch(`${baseUrl}${asset}`);
  if (!res.ok || !res.headers.get("cache-control")?.includes("immutable")) {
    throw new Error(`${asset}: ${res.status} ${res.headers.get("cache-control")}`);
  }
}

async function main() {
  // Only this run's screenshots, so a reviewer never looks at a stale one.
  rmSync(screenshots, { recursive: true, force: true });
  const servers = await startServers({ owpBin, fakeOllamaBin, adminPassword: admin.password });
  const profile = mkdtempSync(join(tmpdir(), "owp-e2e-chromium-"));
  let context;
  const problems = [];
  try {
    console.log(`[e2e] owp at ${servers.baseUrl}, fake Ollama at ${servers.ollamaUrl}`);
    await checkCaching(servers.baseUrl);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on("dialog", (dialog) => void dialog.accept());
    page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
    page.on("console", (msg) => {
      // The app must run under the gateway's Content-Security-Policy without violations.
      if (msg.type() === "error" && /Content.Security.Policy|Refused to/i.test(msg.text())) {
        problems.push(`CSP: ${msg.text()}`);
      }
    });
    const walk = walker(page, { baseUrl: servers.baseUrl, screenshots, admin });
    await walk.steps();
    problems.push(...walk.failures);
  } catch (err) {
    problems.push(err.message);
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    servers.stop();
  }
  console.log(`[e2e] screenshots in ${screenshots}`);
  if (problems.length) {
    console.error(`[e2e] FAILED:\n - ${[...new Set(problems)].join("\n - ")}`);
    if (process.env.E2E_VERBOSE) console.error(servers.owpLog.join(""));
    process.exit(1);
  }
  console.log("[e2e] all steps passed");
}

await main();
