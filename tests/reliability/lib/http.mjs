// One HTTP client per simulated person: its own cookie jar and CSRF token, a timeout on every
// request, and every request's timing and status appended to a shared log for the reports.

/** Every request made by any client: { t0, ms, status, method, path, base, page, clear }. */
export const requestLog = []

/** Status recorded when no response came: the connection failed, or the timeout struck. */
export const NO_RESPONSE = 0
export const TIMED_OUT = -1

/** A non-2xx answer (or none at all), with what the service said. */
export class HttpError extends Error {
  constructor (method, path, status, body) {
    const said = typeof body === 'object' && body !== null ? body.error ?? JSON.stringify(body) : String(body ?? '').slice(0, 200)
    super(`${method} ${path}: ${status === NO_RESPONSE ? 'no response' : status === TIMED_OUT ? 'timed out' : status} ${said}`)
    this.status = status
    this.body = body
  }
}

// 503 answers must tell the person what is going on, as a page or as JSON.
const CLEAR_503 = /temporarily unavailable/i

export class Client {
  /** `base`: the service's URL; `timeoutMs`: how long any one request may take. */
  constructor (base, { timeoutMs = 15_000 } = {}) {
    this.base = base
    this.timeoutMs = timeoutMs
    this.cookies = new Map()
    this.csrf = null
  }

  #remember (response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const removed = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (removed) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  /**
   * Sends one request. `json` sends a JSON body, `form` a url-encoded one; `page` asks for
   * HTML. Resolves to { status, body } for any answer (body parsed when JSON); never throws.
   */
  async send (method, path, { json, form, page = false, base = this.base } = {}) {
    const headers = { accept: page ? 'text/html' : 'application/json' }
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
    }
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf
    let body
    if (json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(json)
    } else if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(form).toString()
    }
    const t0 = Date.now()
    const entry = { t0, ms: 0, status: NO_RESPONSE, method, path: path.replace(/\/\d+(?=\/|$)/g, '/:id'), base, page, clear: null }
    requestLog.push(entry)
    try {
      const response = await fetch(base + path, {
        method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs)
      })
      this.#remember(response)
      const text = await response.text()
      entry.status = response.status
      entry.ms = Date.now() - t0
      if (response.status === 503) entry.clear = CLEAR_503.test(text)
      const isJson = (response.headers.get('content-type') || '').includes('json')
      return { status: response.status, body: isJson ? JSON.parse(text) : text, location: response.headers.get('location') }
    } catch (error) {
      entry.ms = Date.now() - t0
      entry.status = error.name === 'TimeoutError' ? TIMED_OUT : NO_RESPONSE
      return { status: entry.status, body: String(error.cause?.code ?? error.message) }
    }
  }

  /** Like `send`, but only a 2xx (or an expected status) resolves; anything else throws. */
  async expect (method, path, options = {}, ok = [200]) {
    const answer = await this.send(method, path, options)
    if (!ok.includes(answer.status)) throw new HttpError(method, path, answer.status, answer.body)
    return answer
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `task` over `items` with at most `limit` at once; resolves to the results in order. */
export async function pool (items, limit, task) {
  const results = new Array(items.length)
  let next = 0
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index], index)
    }
  })
  await Promise.all(runners)
  return results
}
