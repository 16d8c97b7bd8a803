// Starts the fake Ollama and a real `owp serve` for the browser walk, and stops them again.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Spawns `command` and resolves with the first stdout match of `pattern` (its first group). */
function startAndWaitFor(name, command, args, options, pattern, timeoutMs = 30_000) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stderr.on("data", keep);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${log.join("")}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      keep(chunk);
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, value: match[1], log });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log.join("")}`));
    });
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Starts both servers; `stop()` ends them and removes the temporary data. */
export async function startServers({ owpBin, fakeOllamaBin, adminPassword }) {
  const dataDir = mkdtempSync(join(tmpdir(), "owp-e2e-"));
  const stoppers = [() => rmSync(dataDir, { recursive: true, force: true })];
  const stop = () => {
    for (const s of stoppers.reverse()) {
      try {
        s();
      } catch {
        // best effort
      }
    }
  };
  try {
    const ollama = await startAndWaitFor("fake Ollama", fakeOllamaBin, [], {}, /FAKE_OLLAMA_URL=(\S+)/);
    stoppers.push(() => ollama.child.kill("SIGTERM"));
    const env = {
      ...process.env,
      ENVIRONMENT: "local",
      DATABASE_URL: `sqlite://${join(dataDir, "owp.db")}`,
      ADMIN_BOOTSTRAP_PASSWORD: adminPassword,
      SIGNUP_MODE: "approval",
      OLLAMA_BASE_URL: ollama.value,
      BIND: "127.0.0.1",
      PORT: "0",
      JWT_SECRET: "e2e-only-secret-0123456789abcdef0123456789abcdef",
      // One browser makes many calls per screen; the per-user limit is not under test here.
      RATE_LIMIT_PER_MINUTE: "100000",
      // Small, so the knowledge walk can show the 413 of a file over it cheaply.
      UPLOAD_MAX_MB: "1",
      LOG_FORMAT: "pretty",
      RUST_LOG: "warn",
    };
    const owp = await startAndWaitFor("owp", owpBin, ["serve"], { env, cwd: dataDir }, /owp serving (http:\/\/\S+)/);
    stoppers.push(() => owp.child.kill("SIGTERM"));
    return { baseUrl: owp.value, ollamaUrl: ollama.value, owpLog: owp.log, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
