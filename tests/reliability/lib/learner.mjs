// What one learner does, through the same routes a person's browser or the JSON API uses:
// activate the imported account (the HTML form, with its CSRF token), sign in, and take an
// assessment — start, answer every item, rate every topic, submit.

import { HttpError } from './http.mjs'

/** Sets the first password through the activation page, as a person would. */
export async function activate (client, link, password) {
  const path = new URL(link).pathname
  const page = await client.expect('GET', path, { page: true })
  const token = page.body.match(/name="csrf_token"\s+value="([^"]+)"/)?.[1]
  if (!token) throw new Error(`no csrf_token on the activation page ${path}`)
  await client.expect('POST', path, { page: true, form: { csrf_token: token, password, confirm: password } }, [303])
}

/** Signs in through the JSON API; the client keeps the session cookie and the CSRF token. */
export async function signIn (client, email, password) {
  const answer = await client.expect('POST', '/api/v1/session', { json: { email, password } })
  client.csrf = answer.body.csrf_token
}

const pick = (n) => Math.floor(Math.random() * n)
const SURENESS = ['low', 'medium', 'high']

/** A plausible answer to one item as the API takes it, sometimes "I don't know". */
export function answerFor ({ item }) {
  const answer = { position: item.position, time_on_item_ms: 2000 + pick(20_000) }
  const sureness = SURENESS[pick(3)]
  if (Math.random() < 0.15) return { ...answer, sureness: 'dont_know' }
  switch (item.kind) {
    case 'single':
    case 'truefalse':
      return { ...answer, sureness, choice: pick(item.options.length) }
    case 'multi':
      return { ...answer, sureness, choices: [pick(item.options.length)] }
    case 'short':
      return { ...answer, sureness, text: 'gene' }
    case 'numerical':
      return { ...answer, sureness, text: String(1 + pick(50)) }
    case 'matching': {
      const matches = {}
      for (const row of item.matches) matches[row.row] = row.options[pick(row.options.length)].index
      return { ...answer, sureness, matches }
    }
    default:
      return { ...answer, sureness: 'dont_know' }
  }
}

/**
 * Starts (or resumes) `slug`, answers everything and submits, each of start and submit sent to
 * every one of `submitTo` (one or more service URLs, e.g. two instances) at the same moment:
 * they must agree on one attempt and one result. Resolves to
 * { attempt, phase, result, already } where `already` means the attempt was submitted before
 * (the locked baseline); throws HttpError on any refusal.
 */
export async function takeAssessment (client, slug, submitTo = [client.base]) {
  const starts = await Promise.all(submitTo.map((base) => client.send('POST', `/api/v1/assessments/${slug}/attempts`, { base })))
  const refused = starts.find((s) => s.status !== 200)
  if (refused) throw new HttpError('POST', `/api/v1/assessments/${slug}/attempts`, refused.status, refused.body)
  const attempt = starts[0].body
  if (starts.some((s) => s.body.id !== attempt.id)) {
    throw new Error(`${slug}: simultaneous starts drew different attempts (${starts.map((s) => s.body.id).join(', ')})`)
  }
  if (attempt.status === 'submitted') return { attempt: attempt.id, phase: attempt.phase, already: true }
  await answerEverything(client, attempt)
  const submits = await Promise.all(submitTo.map((base) => client.send('POST', `/api/v1/attempts/${attempt.id}/submit`, { base })))
  const failed = submits.find((s) => s.status !== 200)
  if (failed) throw new HttpError('POST', `/api/v1/attempts/${attempt.id}/submit`, failed.status, failed.body)
  const [first, ...others] = submits.map((s) => fingerprint(s.body))
  if (others.some((other) => other !== first)) {
    throw new Error(`attempt ${attempt.id}: simultaneous submits answered differently`)
  }
  return { attempt: attempt.id, phase: attempt.phase, result: submits[0].body, duplicates: submits.length - 1 }
}

/**
 * Saves an answer to every item and a rating for every topic. A baseline may add items to
 * topics whose answers left the test-out decision open (the save lists them in `follow_up`):
 * those are fetched and answered too, as a person would, keeping the answers already given.
 */
async function answerEverything (client, attempt) {
  const ratings = {}
  const given = new Map()
  for (let round = 0; ; round++) {
    if (attempt.phase !== 'quiz') {
      for (const { topic_id: topic } of attempt.items) ratings[topic] ??= 1 + pick(5)
    }
    for (const entry of attempt.items) {
      if (!given.has(entry.item.position)) given.set(entry.item.position, answerFor(entry))
    }
    const saved = await client.expect('PUT', `/api/v1/attempts/${attempt.id}/answers`, { json: { ratings, answers: [...given.values()] } })
    if (!saved.body.follow_up?.length) return
    // Each topic asks at most 6 items, so a baseline cannot keep growing; a loop here is a bug.
    if (round > 40) throw new Error(`attempt ${attempt.id}: follow-up items kept coming`)
    attempt = (await client.expect('GET', `/api/v1/attempts/${attempt.id}`)).body
  }
}

/** What must not change once an attempt is submitted: its id, phase, marks and summary. */
export function fingerprint (result) {
  return JSON.stringify({
    attempt: result.attempt_id,
    phase: result.phase,
    summary: result.summary,
    items: result.items.map((i) => [i.position, i.fraction, i.dont_know, i.certainty])
  })
}
