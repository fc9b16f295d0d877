// A fixed set of requests sent at a known moment, so that a scenario's assertions never hang
// on the timing of the background load. `prepareProbes` signs in learners the load does not use
// and opens a baseline for each while the database is up; `probe` then sends each of them the
// same pages and API requests (during an outage: every one must be a clear 503 within the limit;
// afterwards: every one must succeed).

import { Client, TIMED_OUT, NO_RESPONSE } from './http.mjs'
import { answerFor, signIn } from './learner.mjs'

/** Signs each of `emails` in and opens (or resumes) their baseline; returns what `probe` needs. */
export async function prepareProbes (base, emails, password) {
  const probes = []
  for (const email of emails) {
    const client = new Client(base)
    await signIn(client, email, password)
    const attempt = (await client.expect('POST', '/api/v1/assessments/baseline/attempts')).body
    if (attempt.status === 'submitted') throw new Error(`${email}: the probe learner's baseline is already submitted`)
    probes.push({ email, cookies: [...client.cookies], csrf: client.csrf, attempt: attempt.id, answer: answerFor(attempt.items[0]) })
  }
  return probes
}

/** The requests each probe learner sends: pages a browser asks for, and the JSON API. */
function requestsFor ({ attempt, answer }) {
  return [
    { method: 'GET', path: '/learn', page: true },
    { method: 'GET', path: '/learn/plan', page: true },
    { method: 'GET', path: `/learn/attempts/${attempt}/topics/1`, page: true },
    { method: 'GET', path: '/api/v1/learn' },
    { method: 'GET', path: `/api/v1/attempts/${attempt}` },
    { method: 'PUT', path: `/api/v1/attempts/${attempt}/answers`, json: { ratings: {}, answers: [answer] } },
    { method: 'POST', path: `/api/v1/attempts/${attempt}/submit` }
  ]
}

/**
 * Sends every probe request at once. `expect` is 'unavailable' (each must be a 503 with the
 * clear message within `limitMs`) or 'available' (each GET and the save must answer 200; the
 * submit, made before every answer is in, must be refused with a 4xx, never a 5xx).
 */
export async function probe (base, probes, expect, limitMs) {
  const sent = probes.flatMap((p) => {
    const client = new Client(base, { timeoutMs: limitMs })
    client.cookies = new Map(p.cookies)
    client.csrf = p.csrf
    return requestsFor(p).map((r) => ({ client, ...r }))
  })
  const answers = await Promise.all(sent.map(async ({ client, method, path, page, json }) => {
    const t0 = Date.now()
    const answer = await client.send(method, path, { page, json })
    return { method, path, page, status: answer.status, ms: Date.now() - t0, body: answer.body }
  }))
  const problems = []
  for (const a of answers) {
    const what = `${a.method} ${a.path}`
    if (a.status === TIMED_OUT) problems.push(`${what}: not answered within ${limitMs} ms`)
    else if (a.status === NO_RESPONSE) problems.push(`${what}: no response`)
    else if (expect === 'unavailable') {
      const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body)
      if (a.status !== 503) problems.push(`${what}: answered ${a.status}, not 503, while the database was down`)
      else if (!/temporarily unavailable/i.test(text)) problems.push(`${what}: a 503 without a clear "temporarily unavailable" message`)
    } else {
      const ok = a.method === 'POST' ? a.status >= 400 && a.status < 500 : a.status === 200
      if (!ok) problems.push(`${what}: answered ${a.status} after the database came back`)
    }
  }
  return {
    ok: problems.length === 0,
    expect,
    requests: answers.length,
    pages: answers.filter((a) => a.page).length,
    api: answers.filter((a) => !a.page).length,
    statuses: answers.reduce((s, a) => ({ ...s, [a.status]: (s[a.status] ?? 0) + 1 }), {}),
    slowest_ms: answers.reduce((m, a) => Math.max(m, a.ms), 0),
    problems
  }
}
