// Debian's Chromium, driven by playwright-core (no browser download), one fresh profile per
// context.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium'

// Exactly the flags of issue 8. Playwright refuses --user-data-dir in `args`: the fresh profile
// directory is launchPersistentContext's first argument instead.
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** A browser context on a fresh profile; `close()` also removes the profile. */
export async function launchContext (options = {}) {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'gt-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    ...options
  })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(20_000)
  const close = async () => {
    await context.close().catch(() => {})
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, close }
}
