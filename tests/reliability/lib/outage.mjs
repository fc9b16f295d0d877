// How the background load's requests fared while the database was down (from `down` to `up`,
// epoch ms) and after it came back, from the request log. The service passes when every request
// the outage touched was answered within `limitMs`, each failure was a clear 503 (no other 5xx,
// no dropped connection, no hang), submits succeed again once the database is back, and nothing
// fails after the first of them. Which kinds of request the load happened to send during the
// outage is left to chance, so nothing here requires any: the fixed probe (probe.mjs) is what
// proves that pages and the API both answer 503.

import { NO_RESPONSE, TIMED_OUT } from './http.mjs'

const isSubmit = (r) => r.method === 'POST' && r.path.endsWith('/submit')

export function outageReport (log, down, up, limitMs) {
  const problems = []
  // Requests started during the outage, and those still waiting for an answer when it began.
  const touched = log.filter((r) => (r.t0 >= down && r.t0 < up) || (r.t0 < down && r.t0 + r.ms > down))
  const statuses = {}
  for (const r of touched) statuses[r.status] = (statuses[r.status] ?? 0) + 1
  // How long each waited once the outage had begun (a request already running counts from then).
  const waited = (r) => r.t0 + r.ms - Math.max(r.t0, down)
  const slowest = touched.reduce((m, r) => Math.max(m, waited(r)), 0)
  const unavailable = touched.filter((r) => r.status === 503)
  const pages = unavailable.filter((r) => r.page).length
  const unclear = unavailable.filter((r) => !r.clear).length
  if (unclear > 0) problems.push(`${unclear} 503 answer(s) without a clear "temporarily unavailable" message`)
  const hung = touched.filter((r) => r.status === TIMED_OUT || waited(r) > limitMs).length
  if (hung > 0) problems.push(`${hung} request(s) not answered within ${limitMs} ms`)
  const dropped = touched.filter((r) => r.status === NO_RESPONSE).length
  if (dropped > 0) problems.push(`${dropped} request(s) got no response at all`)
  const otherErrors = touched.filter((r) => r.status >= 500 && r.status !== 503).length
  if (otherErrors > 0) problems.push(`${otherErrors} request(s) answered with a 5xx other than 503`)

  const after = log.filter((r) => r.t0 >= up)
  const firstSubmit = after.filter((r) => isSubmit(r) && r.status === 200).reduce((m, r) => Math.min(m, r.t0 + r.ms), Infinity)
  if (firstSubmit === Infinity) problems.push('no submit succeeded after the database came back')
  // Once a submit has gone through, the service has recovered: nothing started later may fail.
  const lateErrors = after.filter((r) => r.t0 >= firstSubmit && (r.status >= 500 || r.status <= 0)).length
  if (lateErrors > 0) problems.push(`${lateErrors} request(s) failed after the first submit succeeded again`)

  return {
    ok: problems.length === 0,
    outage_ms: up - down,
    during: touched.length,
    statuses,
    unavailable_pages: pages,
    unavailable_api: unavailable.length - pages,
    slowest_ms: slowest,
    recovered_after_ms: firstSubmit === Infinity ? null : firstSubmit - up,
    submits_after: after.filter((r) => isSubmit(r) && r.status === 200).length,
    problems
  }
}
