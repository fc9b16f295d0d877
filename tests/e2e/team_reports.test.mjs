// The team level of the gap reports (issue 24, point 2) in Chromium, on the demo trust: its
// staff take turns between two directorates, so with a few thousand of them each directorate
// has job roles with 8 or more answers of its own. The trust's manager chooses a team on the
// dashboard (a GET form: no JavaScript needed) and sees that team's own figures, never more
// people than the whole trust; the page and the topic page pass axe at desktop and phone widths.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'

import { launchContext } from './lib/browser.mjs'
import { checkPage, watch } from './lib/checks.mjs'
import { artifactsDir, startServer } from './lib/server.mjs'

mkdirSync(artifactsDir, { recursive: true })

const MANAGER = { email: 'manager@demo.nhs.uk', name: 'Demo Manager' }
const PASSWORD = 'demo genomics training'
const TEAM = 'Medicine directorate (DEMO1)'
/** Enough synthetic staff for team figures; loading them takes about a minute. */
const DEMO_STAFF = 1500

let server
let browser
let page

async function clickAndWait (p, locator) {
  await Promise.all([p.waitForNavigation(), locator.click()])
}

/** The people in the total row's samples figure, from the JSON twin of the page's filters. */
async function totalPeople (p) {
  const query = new URL(p.url()).search
  const response = await p.request.get(`${server.baseUrl}/api/v1/reports/gaps${query}`)
  assert.equal(response.status(), 200)
  const rows = (await response.json()).rows.filter((r) => r.level === 'total' && r.topic === 'samples')
  assert.equal(rows.length, 1, `one total row for samples on ${p.url()}`)
  return Number(rows[0].n)
}

describe('team figures on the gap dashboard, checked with axe-core', { concurrency: 1 }, () => {
  before(async () => {
    server = await startServer({ logName: 'server-teams.log', demoStaff: DEMO_STAFF, readyWithinMs: 600_000 })
    browser = await launchContext()
    page = watch(browser.context.pages()[0] ?? await browser.context.newPage(), 'manager')
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('a whole trust manager chooses a team and sees its own figures', async () => {
    await page.goto(`${server.baseUrl}/login`)
    await page.getByLabel('Email address').fill(MANAGER.email)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }))
    await page.goto(`${server.baseUrl}/reports`)
    await checkPage(page, 'gap dashboard of the demo trust')
    const trust = await totalPeople(page)
    const team = page.getByLabel('Team')
    assert.ok(await team.isVisible(), 'a manager of one trust is offered its teams')
    const offered = await team.locator('option').allInnerTexts()
    assert.ok(offered.includes(TEAM), `teams offered: ${offered.join(', ')}`)
    await team.selectOption({ label: TEAM })
    await clickAndWait(page, page.getByRole('button', { name: 'Apply filters' }))
    await checkPage(page, 'gap dashboard for one team')
    const own = await totalPeople(page)
    assert.ok(own >= 8 && own < trust, `the team's own figures: ${own} of the trust's ${trust}`)
    assert.match(await page.locator('main').innerText(), /team Medicine directorate \(DEMO1\) \(its own figures\)/)
    assert.match(page.url(), /team=\d+/, 'the choice is in the address, so it can be shared')
    await page.setViewportSize({ width: 390, height: 844 })
    await checkPage(page, 'gap dashboard for one team at 390 px')
    await page.setViewportSize({ width: 1280, height: 900 })
    const topic = page.getByRole('link', { name: /samples/i }).first()
    await clickAndWait(page, topic)
    await checkPage(page, 'a topic for one team')
    assert.match(page.url(), /team=\d+/, 'the topic page keeps the team')
  })
})
