import { chromium } from 'playwright-core'
const base = 'http://127.0.0.1:8712'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
await page.goto(`${base}/login`)
await page.getByLabel('Email address').fill(process.argv[2])
await page.getByLabel('Password', { exact: true }).fill('demo genomics training')
await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()])
for (const [i, url] of process.argv.slice(3).entries()) {
  await page.goto(base + url)
  for (const w of [1280, 390]) {
    await page.setViewportSize({ width: w, height: 900 })
    await page.screenshot({ path: `/tmp/demoshot/${process.argv[2].split('@')[0]}-${i}-${w}.png`, fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
}
await browser.close()
