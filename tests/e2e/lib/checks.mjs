// Every page visited: its HTTP status, no script errors (CSP violations included),
// screenshots at 1280 px and 390 px under artifacts/, and axe-core's WCAG 2.x A and AA rules with no violations.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { artifactsDir } from './server.mjs'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/**
 * Rules we accept a violation of, everywhere, each with its justification. Keep this empty
 * unless there is a reason a reviewer would accept; prefer fixing the template.
 */
export const GLOBAL_EXCEPTIONS = Object.freeze({})

let shot = 0
export const visited = []

/** Watches one page: main-frame document statuses and script errors. */
export function watch (page, persona) {
  const state = { persona, status: null, url: null, errors: [] }
  page.on('response', (response) => {
    const request = response.request()
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      state.status = response.status()
      state.url = response.url()
    }
  })
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx response as a console error; statuses are checked apart.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) {
      state.errors.push(`console: ${message.text()}`)
    }
  })
  page.on('pageerror', (error) => state.errors.push(`page error: ${error.message}`))
  page.e2e = state
  return page
}

function slug (text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)
}

/** Runs axe-core on the page as it is now; returns the violations. */
export async function axeViolations (page) {
  // page.evaluate is not subject to the page's CSP (script-src 'self'), unlike addScriptTag.
  await page.evaluate(axeSource)
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('axe-core did not finish within 60 s')), 60_000)
  })
  return Promise.race([timeout, page.evaluate(async (tags) => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations']
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary }))
    }))
  }, WCAG_TAGS)]).finally(() => clearTimeout(timer))
}

function describeViolations (violations) {
  return violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.map((n) => `    at ${n.target}\n      ${(n.summary || '').replace(/\n/g, '\n      ')}`).join('\n')).join('\n')
}

/**
 * Checks the page the browser is on: the status of its last document response
 * (`status`, default: any below 400), no script or CSP errors, full-page screenshots at the
 * context's width and at 390 px, and no
 * axe violations other than `exceptions` ({ ruleId: 'why it is acceptable here' }).
 * `axe: false` skips axe (used only where scripts cannot run at all, see the no-JS test).
 */
export async function checkPage (page, label, { status, exceptions = {}, axe = true } = {}) {
  const state = page.e2e
  await page.waitForLoadState('load')
  const where = `${state.persona}: ${label} (${page.url()})`
  if (status === undefined) {
    assert.ok(state.status !== null && state.status < 400, `${where}: HTTP ${state.status}`)
  } else {
    assert.equal(state.status, status, `${where}: HTTP status`)
  }
  shot += 1
  const file = path.join(artifactsDir, `${String(shot).padStart(3, '0')}-${slug(state.persona)}-${slug(label)}.png`)
  await page.screenshot({ path: file, fullPage: true })
  // And as a phone shows it (390 px, an iPhone's width), for reviewing narrow layouts.
  const wide = page.viewportSize()
  await page.setViewportSize({ width: 390, height: 844 })
  await page.screenshot({ path: file.replace(/\.png$/, '-390.png'), fullPage: true })
  await page.setViewportSize(wide)
  const errors = state.errors.splice(0)
  assert.deepEqual(errors, [], `${where}: script or CSP errors`)
  const record = { persona: state.persona, label, url: page.url(), status: state.status, screenshot: path.basename(file), axe }
  visited.push(record)
  if (!axe) return
  const allowed = { ...GLOBAL_EXCEPTIONS, ...exceptions }
  const violations = await axeViolations(page)
  const excused = violations.filter((v) => v.id in allowed)
  record.excused = excused.map((v) => `${v.id}: ${allowed[v.id]}`)
  const left = violations.filter((v) => !(v.id in allowed))
  assert.equal(left.length, 0, `${where}: axe-core WCAG 2.x A/AA violations:\n${describeViolations(left)}`)
}
