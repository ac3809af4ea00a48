// Starts a throw-away tdkt server for one test file.
//
//   const server = await startServer({ demo: true });
//   ... server.url ...   (e.g. "http://127.0.0.1:40123", no trailing slash)
//   await server.stop();
//
// The binary comes from $TDKT_BIN (default ../target/debug/tdkt, relative to
// the e2e folder). Each server gets its own SQLite database in a fresh temp dir,
// which stop() removes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = Number(process.env.TDKT_STARTUP_TIMEOUT_MS || 120_000);
const MAX_LOG_CHARS = 200_000;

/** Path of the tdkt binary under test. */
export function binaryPath() {
  return path.resolve(E2E_DIR, process.env.TDKT_BIN || '../target/debug/tdkt');
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function healthy(url) {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer().catch(() => {});
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * @param {{ demo?: boolean, env?: Record<string,string>, args?: string[] }} [opts]
 * @returns {Promise<{ url: string, port: number, dataDir: string, logs: () => string, stop: () => Promise<void> }>}
 */
export async function startServer({ demo = true, env = {}, args = [] } = {}) {
  const bin = binaryPath();
  if (!existsSync(bin) || !statSync(bin).isFile()) {
    throw new Error(
      `tdkt binary not found at ${bin}\n` +
        `Build it first (cargo build -p tdkt) or point TDKT_BIN at it, e.g.\n` +
        `  cd e2e && TDKT_BIN=../target/debug/tdkt npm test`,
    );
  }

  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const url = `http://${addr}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tdkt-e2e-'));
  const argv = ['serve', ...(demo ? ['--demo'] : []), '--addr', addr, ...args];

  let log = '';
  const append = (chunk) => {
    log += chunk.toString();
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
  };

  const child = spawn(bin, argv, {
    cwd: dataDir,
    env: {
      ...process.env,
      RUST_LOG: process.env.RUST_LOG || 'info',
      ...env,
      TDKT_DATABASE_URL: `sqlite://${path.join(dataDir, 'tdkt.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let exited = null;
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  child.on('error', (err) => {
    spawnError = err;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === null && !spawnError) {
      child.kill('SIGTERM');
      const done = await Promise.race([exitPromise.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await Promise.race([exitPromise, sleep(2_000)]);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const fail = async (why) => {
    await stop();
    const msg =
      `tdkt server failed to start: ${why}\n` +
      `  command: ${bin} ${argv.join(' ')}\n` +
      `  TDKT_DATABASE_URL=sqlite://${path.join(dataDir, 'tdkt.db')}\n` +
      `----- server output -----\n${log || '(no output)'}\n-------------------------`;
    console.error(msg);
    throw new Error(msg);
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError) return fail(`could not spawn (${spawnError.message})`);
    if (exited) return fail(`process exited early (code ${exited.code}, signal ${exited.signal})`);
    if (await healthy(url)) break;
    if (Date.now() > deadline) return fail(`GET ${url}/healthz did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }

  return { url, port, dataDir, logs: () => log, stop };
}
