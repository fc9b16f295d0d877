// A module's SCORM 1.2 package in a real SCORM runtime (issue 25, part 2).
//
// The release binary exports the package with `modules export-scorm`; the test unzips it, serves
// it on 127.0.0.1 inside a page whose window.API is scorm-again's Scorm12API (lib/scorm_lms.mjs),
// and a scripted learner in Chromium reads two pages and closes the module, comes back to where
// they left off, reads on, fails the quiz, passes it and closes again. After each session the
// test reads what the runtime recorded: the calls (initialise, set values, commit, finish) and
// its cmi state (status, score, session time, suspend data, location). axe-core checks every
// part of the package in the frame, at desktop and phone widths.
//
// How it catches a broken package (tried once in a scratch change, then reverted): make
// player.js report `completed` instead of `passed` and the "passed" assertion fails; drop the
// `finish()` on pagehide and the wait for LMSFinish fails naming the calls made.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'

import { launchContext } from './lib/browser.mjs'
import { axeViolations, GLOBAL_EXCEPTIONS, watch } from './lib/checks.mjs'
import { startLms } from './lib/scorm_lms.mjs'
import { artifactsDir, startServer } from './lib/server.mjs'
import { unzip } from './lib/unzip.mjs'

mkdirSync(artifactsDir, { recursive: true })

const MODULE = 'genomics-basics'
const TIMESPAN = /^\d{4}:\d{2}:\d{2}\.\d{2}$/

let server
let lms
let browser
let page
let work
let passMark

/** The package's frame once its launch page has loaded and the runtime is initialised. */
async function scoFrame () {
  await page.waitForFunction(() => window.lmsCalls.some((c) => c.call === 'LMSInitialize'))
  const frame = page.frame({ url: /\/package\/index\.html/ })
  assert.ok(frame, 'the package is in the frame')
  await frame.waitForLoadState('load')
  return frame
}

const calls = () => page.evaluate(() => window.lmsCalls)
const lmsValue = (element) => page.evaluate((e) => window.lmsValue(e), element)

/** The part of the package on show (its section id). */
async function shownPart (frame) {
  return frame.evaluate(() => [...document.querySelectorAll('.app-part')].filter((p) => !p.hidden).map((p) => p.id))
}

/** axe-core's WCAG A/AA rules on the frame as it is, wide and at a phone's width. */
async function checkAccessible (frame, label) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 })
    const left = (await axeViolations(frame)).filter((v) => !(v.id in GLOBAL_EXCEPTIONS))
    assert.deepEqual(left, [], `${label} at ${width} px: axe-core violations`)
    if (width === 390) {
      const fits = await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
      assert.ok(fits, `${label}: nothing scrolls sideways at 390 px`)
    }
  }
  await page.screenshot({ path: path.join(artifactsDir, `scorm-${label.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true })
}

/** Follows the "Next" link with the keyboard; focus lands on the part shown. */
async function nextWithKeyboard (frame, expected) {
  const link = frame.locator('.app-part:not([hidden]) .nhsuk-pagination__link--next')
  await link.focus()
  await page.keyboard.press('Enter')
  assert.deepEqual(await shownPart(frame), [expected])
  assert.equal(await frame.evaluate(() => document.activeElement.id), expected, 'focus moves to the part shown')
}

/** Closes the module as a learner closes an LMS player, and waits for the package's finish. */
async function closeModule () {
  await page.evaluate(() => window.closeSco())
  await page.waitForFunction(() => window.lmsCalls.some((c) => c.call === 'LMSFinish'), null, { timeout: 10_000 })
    .catch(async () => assert.fail(`no LMSFinish after closing; calls: ${JSON.stringify(await calls())}`))
}

/** What a learning system keeps between sessions and gives back on resuming. */
async function keptForResume () {
  const flat = await page.evaluate(() => window.API.getFlattenedCMI())
  const kept = {}
  for (const key of ['cmi.core.lesson_location', 'cmi.core.lesson_status', 'cmi.core.score.raw', 'cmi.core.score.min', 'cmi.core.score.max', 'cmi.suspend_data']) {
    if (flat[key] !== undefined && flat[key] !== '') kept[key] = flat[key]
  }
  return { ...kept, 'cmi.core.entry': 'resume', 'cmi.student_data.mastery_score': String(passMark) }
}

/** Answers every quiz question right (or wrong), from the package's own key. */
async function answerQuiz (frame, right) {
  const key = JSON.parse(await frame.locator('#quiz-key').textContent())
  for (const [i, item] of key.entries()) {
    const q = `q${i + 1}`
    if (item.kind === 'choice' || item.kind === 'choices') {
      const best = Math.max(...item.fractions)
      const picks = item.kind === 'choice'
        ? [item.fractions.indexOf(right ? best : Math.min(...item.fractions))]
        : item.fractions.map((f, n) => (right ? f > 0 : f <= 0) ? n : -1).filter((n) => n >= 0)
      for (const n of picks) await frame.locator(`#${q}-${n}`).check()
    } else if (item.kind === 'text') {
      const answer = item.patterns.find((p) => p.fraction === 1 && !p.pattern.includes('*'))
      await frame.locator(`#${q}-answer`).fill(right ? answer.pattern : 'no idea at all')
    } else if (item.kind === 'number') {
      const answer = item.numbers.find((n) => n.fraction === 1)
      await frame.locator(`#${q}-answer`).fill(String(right ? answer.value : answer.value + 1000 * (answer.tolerance + 1)))
    } else if (item.kind === 'match') {
      for (const [n, answer] of item.right.entries()) {
        const options = await frame.locator(`#${q}-${n} option`).count()
        const wrong = (answer + 1) % (options - 1)
        await frame.locator(`#${q}-${n}`).selectOption(String(right ? answer : wrong))
      }
    }
  }
  await frame.getByRole('button', { name: 'Check my answers' }).click()
  await frame.locator('#quiz-result:not([hidden])').waitFor()
}

describe('SCORM 1.2 package in scorm-again', () => {
  before(async () => {
    server = await startServer({ logName: 'server-scorm.log' })
    work = mkdtempSync(path.join(os.tmpdir(), 'gt-scorm-'))
    const zip = path.join(work, `${MODULE}.zip`)
    await server.run(['modules', 'export-scorm', MODULE, '--out', zip])
    const names = unzip(zip, path.join(work, 'package'))
    assert.ok(names.includes('imsmanifest.xml') && names.includes('index.html'), `entries: ${names}`)
    lms = await startLms(path.join(work, 'package'))
    const launched = await launchContext()
    browser = launched.close
    page = watch(await launched.context.newPage(), 'learner in an LMS')
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(lms.url) && url !== 'about:blank') page.e2e.errors.push(`request outside the LMS and package: ${url}`)
    })
    await page.goto(lms.url)
  })

  after(async () => {
    await browser?.()
    await lms?.stop()
    await server?.stop()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test('first session: reads two pages, closes, and the runtime keeps the place', async () => {
    await page.evaluate(() => window.startSco({ 'cmi.core.entry': 'ab-initio', 'cmi.student_data.mastery_score': '70' }))
    const frame = await scoFrame()
    passMark = Number(await frame.locator('main').getAttribute('data-pass-mark'))
    assert.equal(passMark, 70, 'the pass mark from the module')
    assert.deepEqual(await shownPart(frame), ['start'])
    assert.equal(await lmsValue('cmi.core.lesson_status'), 'incomplete')
    await checkAccessible(frame, 'start')
    await nextWithKeyboard(frame, 'page-1')
    await checkAccessible(frame, 'page 1')
    await nextWithKeyboard(frame, 'page-2')
    assert.equal(await lmsValue('cmi.core.lesson_location'), 'page-2')
    await closeModule()
    const made = await calls()
    assert.equal(made[0].call, 'LMSInitialize', 'initialised first')
    assert.equal(made.at(-1).call, 'LMSFinish', 'finished last')
    assert.ok(made.some((c) => c.call === 'LMSCommit'), 'committed')
    const set = (element) => made.filter((c) => c.element === element).map((c) => c.value)
    assert.deepEqual(set('cmi.core.lesson_status'), ['incomplete'])
    assert.equal(set('cmi.core.exit').at(-1), 'suspend')
    assert.match(set('cmi.core.session_time').at(-1), TIMESPAN)
    assert.equal(await lmsValue('cmi.core.lesson_location'), 'page-2')
    assert.deepEqual(JSON.parse(await lmsValue('cmi.suspend_data')).read, [1, 2])
    assert.equal(await lmsValue('cmi.core.score.raw'), '', 'no score before the quiz')
    assert.deepEqual(page.e2e.errors.splice(0), [])
  })

  test('second session: resumes, fails the quiz, passes it, and the runtime records the pass', async () => {
    await page.evaluate((data) => window.startSco(data), await keptForResume())
    const frame = await scoFrame()
    assert.deepEqual(await shownPart(frame), ['page-2'], 'back where they left off')
    await frame.getByText('You are back where you left off.').waitFor()
    const pages = Number(await frame.locator('main').getAttribute('data-pages'))
    for (let n = 3; n <= pages; n++) {
      await nextWithKeyboard(frame, `page-${n}`)
      await checkAccessible(frame, `page ${n}`)
    }
    await nextWithKeyboard(frame, 'sources')
    await checkAccessible(frame, 'sources')
    await nextWithKeyboard(frame, 'quiz')
    await checkAccessible(frame, 'quiz')

    await answerQuiz(frame, false)
    assert.equal(await frame.locator('#quiz-result-title').textContent(), 'You have not passed yet')
    assert.equal(await lmsValue('cmi.core.lesson_status'), 'failed')
    assert.equal(await lmsValue('cmi.core.score.raw'), '0')
    assert.equal(await lmsValue('cmi.core.score.min'), '0')
    assert.equal(await lmsValue('cmi.core.score.max'), '100')
    assert.ok(await frame.locator('.app-feedback:not([hidden])').count() > 0, 'feedback under each question')
    await checkAccessible(frame, 'quiz feedback')

    await frame.getByRole('button', { name: 'Try the quiz again' }).click()
    await answerQuiz(frame, true)
    assert.equal(await frame.locator('#quiz-result-title').textContent(), 'You passed')
    assert.equal(await lmsValue('cmi.core.lesson_status'), 'passed')
    assert.equal(await lmsValue('cmi.core.score.raw'), '100')
    const kept = JSON.parse(await lmsValue('cmi.suspend_data'))
    assert.equal(kept.tries, 2)
    assert.equal(kept.best, 100)
    assert.equal(kept.read.length, pages)

    await closeModule()
    const made = await calls()
    assert.equal(made[0].call, 'LMSInitialize')
    assert.equal(made.at(-1).call, 'LMSFinish')
    const set = (element) => made.filter((c) => c.element === element).map((c) => c.value)
    assert.deepEqual(set('cmi.core.lesson_status'), ['failed', 'passed'], 'failed, then passed')
    assert.deepEqual(set('cmi.core.score.raw'), ['0', '100'])
    assert.equal(set('cmi.core.exit').at(-1), '', 'a finished module is not suspended')
    assert.match(set('cmi.core.session_time').at(-1), TIMESPAN)
    assert.equal(await lmsValue('cmi.core.lesson_status'), 'passed', 'the runtime keeps the pass after finishing')
    assert.deepEqual(page.e2e.errors.splice(0), [])
  })
})
