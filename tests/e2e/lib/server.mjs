// Starts the real release binary on a fresh SQLite database in a temporary directory, reads the
// first-admin link it prints, and stops it at the end.
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLIENT, PROVIDER_LABEL, PROVIDER_NAME, startProvider } from './provider.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
/** The repository root: Rocket.toml, templates/, content/ and static/ are found from here. */
export const repoRoot = path.resolve(here, '..', '..', '..')
export const artifactsDir = path.join(repoRoot, 'tests', 'e2e', 'artifacts')

/** The release binary: $E2E_BINARY, else $CARGO_TARGET_DIR/release, else target/release. */
export function binaryPath () {
  if (process.env.E2E_BINARY) return process.env.E2E_BINARY
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target')
  return path.join(targetDir, 'release', 'genomics-training')
}

async function freePort () {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts the service. Returns { baseUrl, setupLink, dataDir, stop(), run(args) }.
 * The server's output goes to artifacts/server.log. With `demoStaff`, it starts with the demo
 * organisation of that many synthetic staff (and no first-admin link) and waits up to
 * `readyWithinMs` for it.
 */
export async function startServer ({ logName = 'server.log', demoStaff = null, readyWithinMs = 60_000 } = {}) {
  const binary = binaryPath()
  if (!existsSync(binary)) {
    throw new Error(`no release binary at ${binary}: run \`cargo build --release\` first (or set E2E_BINARY)`)
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-e2e-'))
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const provider = await startProvider(baseUrl, dataDir)
  const sso = `oidc={${PROVIDER_NAME}={issuer="${provider.issuer}",client_id="${CLIENT.id}",client_secret="${CLIENT.secret}",label="${PROVIDER_LABEL}"}}`
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dataDir}/db.sqlite`,
    ROCKET_ADDRESS: '127.0.0.1',
    ROCKET_PORT: String(port),
    // A fixed option-shuffle seed: no scenario passes or fails by the luck of the order.
    ROCKET_APP: `{data_dir="${dataDir}",public_url="${baseUrl}",shuffle_seed=17,adaptive_baseline=true,${sso}}`,
    RUST_LOG: process.env.RUST_LOG || 'info,sqlx=warn,sea_orm=warn',
    NO_COLOR: '1'
  }
  const log = createWriteStream(path.join(artifactsDir, logName))
  const serve = demoStaff === null ? ['serve'] : ['serve', '--demo', '--demo-staff', String(demoStaff)]
  const child = spawn(binary, serve, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let exited = null
  child.stdout.on('data', (chunk) => { output += chunk; log.write(chunk) })
  child.stderr.on('data', (chunk) => { output += chunk; log.write(chunk) })
  child.on('exit', (code, signal) => { exited = { code, signal } })

  const stop = async () => {
    if (exited === null) {
      const done = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await done
      clearTimeout(timer)
    }
    provider.stop()
    log.end()
    rmSync(dataDir, { recursive: true, force: true })
  }

  const deadline = Date.now() + readyWithinMs
  let setupLink = null
  for (;;) {
    if (exited !== null) {
      await stop()
      throw new Error(`the service exited (${JSON.stringify(exited)}) before it was ready:\n${output}`)
    }
    setupLink ??= output.match(/Create the first admin account: (\S+)/)?.[1] ?? null
    if (setupLink || (demoStaff !== null && /Demo loaded/.test(output))) {
      try {
        const response = await fetch(`${baseUrl}/readyz`)
        if (response.ok) break
      } catch { /* not listening yet */ }
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`the service was not ready within ${readyWithinMs / 1000} s:\n${output}`)
    }
    await sleep(100)
  }

  /** Runs another subcommand of the binary on the same database (e.g. `questions parse`). */
  const run = (args) => new Promise((resolve, reject) => {
    const sub = spawn(binary, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    sub.stdout.on('data', (c) => { stdout += c })
    sub.stderr.on('data', (c) => { stderr += c })
    sub.on('exit', (code) => code === 0 ? resolve(stdout) : reject(new Error(`${args.join(' ')}: exit ${code}\n${stderr}`)))
  })

  return { baseUrl, setupLink, dataDir, stop, run, provider, output: () => output }
}
