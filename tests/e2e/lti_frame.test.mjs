// A launch from a learning platform inside its course page's iframe (issue 26, point 4 and 6).
//
// The platform is tests/lti/platform.mjs (on `jose` alone, never the service's code), started
// for the running release binary. An admin registers it on /admin/lti and imports the learner;
// the learner opens the platform's course page, whose iframe starts the tool's third-party
// login. The tool redirects to the platform, the platform posts the signed id_token back, and
// the tool signs the learner in and shows their learning inside the frame: the session cookie
// (SameSite=None; Secure) reaches the tool from the frame and `frame-ancestors` lets this
// platform's page, and only a registered platform's, show it. axe-core checks the tool's
// page in the frame at desktop and phone widths. A page on an origin no admin registered
// cannot show the same launch.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, describe, test } from 'node:test'

import { launchContext } from './lib/browser.mjs'
import { axeViolations, checkPage, GLOBAL_EXCEPTIONS, watch } from './lib/checks.mjs'
import { artifactsDir, repoRoot, startServer } from './lib/server.mjs'

mkdirSync(artifactsDir, { recursive: true })

const PASSWORD = 'correct horse battery staple'
const CLIENT_ID = 'gt-e2e-tool'
const DEPLOYMENT = 'deployment-e2e'
const ADMIN = { email: 'lti.admin@nhs.net', name: 'Lee Admin' }
const LEARNER = { employee: '2001', email: 'ola.bello@nhs.net', name: 'Ola Bello' }
const ORG = { code: 'RJ1', name: "Guy's and St Thomas' NHS Foundation Trust" }

let server
let platform
let rogue
let browser
let page
let work

/** Starts the test platform for the tool at `toolUrl`; resolves to { issuer, control, stop }. */
async function startPlatform (toolUrl) {
  const dir = path.join(repoRoot, 'tests', 'lti')
  if (!existsSync(path.join(dir, 'node_modules/jose/package.json'))) {
    throw new Error('the LTI launch scenario needs the test platform: run `npm ci` in tests/lti')
  }
  const config = path.join(work, 'platform.json')
  writeFileSync(config, JSON.stringify({ clientId: CLIENT_ID, deploymentId: DEPLOYMENT, toolUrl }))
  const child = spawn(process.execPath, [path.join(dir, 'platform.mjs'), config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const issuer = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the test platform exited (${code}) before it listened`)))
    lines.once('line', (line) => resolve(JSON.parse(line).issuer))
  })
  lines.on('line', () => {})
  const control = async (what, body) => {
    const response = await fetch(`${issuer}/control/${what}`, { method: 'POST', body: JSON.stringify(body) })
    assert.ok(response.ok, `platform control ${what}: ${response.status}`)
  }
  return { issuer, control, stop: () => child.kill('SIGTERM') }
}

/** A page on an origin nobody registered, framing the same login initiation. */
async function startRogue (loginUrl) {
  const html = `<!doctype html><html lang="en"><head><title>Not a platform</title></head>
<body><main><h1>Not a platform</h1><iframe id="tool" title="Genomics training" src="${loginUrl.replace(/&/g, '&amp;')}"></iframe></main></body></html>`
  const listener = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(html)
  })
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${listener.address().port}/`, stop: () => listener.close() }
}

async function clickAndWait (p, locator) {
  await Promise.all([p.waitForNavigation(), locator.click()])
}

/** The tool's frame once it shows a page of the service (not the launch's hops). */
async function toolFrame (p) {
  const frame = p.frame({ url: (url) => url.href.startsWith(`${server.baseUrl}/learn`) })
  if (frame) return frame
  await p.waitForEvent('framenavigated', { predicate: (f) => f.url().startsWith(`${server.baseUrl}/learn`), timeout: 20_000 })
  return toolFrame(p)
}

describe('LTI 1.3 launch inside a platform\'s iframe', () => {
  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'gt-lti-'))
    server = await startServer({ logName: 'server-lti.log' })
    platform = await startPlatform(server.baseUrl)
    const launched = await launchContext()
    browser = launched.close
    page = watch(await launched.context.newPage(), 'lti')
  })

  after(async () => {
    await browser?.()
    platform?.stop()
    rogue?.stop()
    await server?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test('an admin registers the platform and imports the learner', async () => {
    await page.goto(server.setupLink)
    await page.getByLabel('Email address').fill(ADMIN.email)
    await page.getByLabel('Full name').fill(ADMIN.name)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Confirm password').fill(PASSWORD)
    await clickAndWait(page, page.getByRole('button', { name: 'Create admin account' }))
    await page.goto(`${server.baseUrl}/login`)
    await page.getByLabel('Email address').fill(ADMIN.email)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await clickAndWait(page, page.getByRole('button', { name: 'Sign in', exact: true }))

    await page.goto(`${server.baseUrl}/admin/organisations`)
    await page.getByLabel('Organisation code').fill(ORG.code)
    await page.getByLabel('Name', { exact: true }).fill(ORG.name)
    await clickAndWait(page, page.getByRole('button', { name: 'Add organisation' }))

    const csv = path.join(work, 'staff.csv')
    writeFileSync(csv, 'employee_number,email,display_name,organisation_code,staff_group,job_role,band\n' +
      `${LEARNER.employee},${LEARNER.email},${LEARNER.name},${ORG.code},Administrative and Clerical,Receptionist,3\n`)
    await page.goto(`${server.baseUrl}/admin/users/import`)
    await page.getByLabel('CSV file').setInputFiles(csv)
    await clickAndWait(page, page.getByRole('button', { name: 'Import' }))
    assert.match(await page.locator('main').innerText(), /Imported: 1 new/)

    await page.goto(`${server.baseUrl}/admin/lti`)
    await page.getByLabel('Name', { exact: true }).fill('Trust Moodle')
    await page.getByLabel('Platform ID (issuer)').fill(platform.issuer)
    await page.getByLabel('Client ID').fill(CLIENT_ID)
    await page.getByLabel('Authentication request URL').fill(`${platform.issuer}/auth`)
    await page.getByLabel('Access token URL').fill(`${platform.issuer}/token`)
    await page.getByLabel('Public keyset URL').fill(`${platform.issuer}/jwks`)
    await page.getByLabel('Deployment ids').fill(DEPLOYMENT)
    await clickAndWait(page, page.getByRole('button', { name: 'Register platform' }))
    await checkPage(page, 'platform registered')
    assert.match(await page.locator('main').innerText(), /Trust Moodle/)
    await page.context().clearCookies()
  })

  test('the learner opens the course page and is signed in inside the frame (axe clean)', async () => {
    await platform.control('launch', { email: LEARNER.email, name: LEARNER.name })
    await page.goto(`${platform.issuer}/course?login_hint=moodle-user-42`)
    const frame = await toolFrame(page)
    await frame.waitForLoadState('load')
    const text = await frame.locator('main').innerText()
    assert.match(text, /baseline/i, `the learner's start page in the frame:\n${text}`)
    const cookies = await page.context().cookies(server.baseUrl)
    const session = cookies.find((c) => c.sameSite === 'None' && c.secure && c.httpOnly)
    assert.ok(session, `a SameSite=None; Secure session cookie: ${JSON.stringify(cookies)}`)
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 })
      const left = (await axeViolations(frame)).filter((v) => !(v.id in GLOBAL_EXCEPTIONS))
      assert.deepEqual(left, [], `the tool's page in the frame at ${width} px: axe-core violations`)
      await page.screenshot({ path: path.join(artifactsDir, `lti-launch-in-a-frame-${width}.png`), fullPage: true })
    }
    assert.deepEqual(page.e2e.errors.splice(0), [], 'no script or CSP errors')
  })

  test('a page on an origin nobody registered cannot show the launch', async () => {
    await page.context().clearCookies()
    await platform.control('launch', { email: LEARNER.email, name: LEARNER.name })
    const login = new URL(`${server.baseUrl}/lti/login`)
    login.search = new URLSearchParams({
      iss: platform.issuer,
      login_hint: 'moodle-user-42',
      target_link_uri: `${server.baseUrl}/lti/launch`,
      client_id: CLIENT_ID,
      lti_deployment_id: DEPLOYMENT
    }).toString()
    rogue = await startRogue(login.toString())
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 20_000 })
    await page.goto(rogue.url)
    await refused
    const shown = page.frames().some((f) => f.url().startsWith(`${server.baseUrl}/learn`))
    assert.equal(shown, false, 'the tool is not shown in a page no admin registered')
    // The refusal is the browser's, reported on the console; it is what this test expects.
    page.e2e.errors.splice(0)
  })
})
