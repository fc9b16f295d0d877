// Keyboard-only interaction: Tab (and Shift+Tab) to move focus, arrow keys inside a radio
// group (the standard way a keyboard user moves between radios), Space to tick, Enter to
// submit. No clicks, no fill().
import assert from 'node:assert/strict'

const focusedMatches = (page, selector) =>
  page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)

/** Presses Tab until the focused element matches `selector` (fails after `max` presses). */
export async function tabTo (page, selector, { max = 250, backwards = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await focusedMatches(page, selector)) return
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab')
  }
  assert.fail(`could not reach ${selector} with the keyboard in ${max} presses`)
}

/** Chooses radio `id` in its group: Tab into the group, arrow keys to it, Space. */
export async function chooseRadio (page, id) {
  const name = await page.getAttribute(`#${id}`, 'name')
  await tabTo(page, `input[type=radio][name="${name}"]`)
  const size = await page.locator(`input[type=radio][name="${name}"]`).count()
  for (let i = 0; i <= size && !(await focusedMatches(page, `#${id}`)); i++) {
    await page.keyboard.press('ArrowDown')
  }
  if (!(await page.isChecked(`#${id}`))) await page.keyboard.press('Space')
  assert.ok(await page.isChecked(`#${id}`), `radio #${id} was not chosen by keyboard`)
}

/** Ticks checkbox `id`: Tab to it, Space. */
export async function tickCheckbox (page, id) {
  await tabTo(page, `#${id}`)
  if (!(await page.isChecked(`#${id}`))) await page.keyboard.press('Space')
  assert.ok(await page.isChecked(`#${id}`), `checkbox #${id} was not ticked by keyboard`)
}

/** Types into text input `id` after tabbing to it. */
export async function typeInto (page, id, text) {
  await tabTo(page, `#${id}`)
  await page.keyboard.type(text)
}

/** Tabs to a submit button in <main> (matching `text`, if given) and presses Enter. */
export async function submitWithEnter (page, text) {
  const selector = 'main button[type=submit]'
  for (let i = 0; i < 250; i++) {
    const ok = await page.evaluate(([s, t]) => {
      const el = document.activeElement
      return !!el && el.matches(s) && (!t || el.textContent.trim() === t)
    }, [selector, text ?? null])
    if (ok) {
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
      return
    }
    await page.keyboard.press('Tab')
  }
  assert.fail(`could not reach the "${text}" button with the keyboard`)
}

/** Tabs to the link or button matching `selector` and presses Enter, waiting for the page. */
export async function activateWithEnter (page, selector) {
  await tabTo(page, selector)
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')])
}
