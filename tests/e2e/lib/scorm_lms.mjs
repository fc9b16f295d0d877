// A stand-in learning system on 127.0.0.1: a page that provides the SCORM 1.2 API from the
// npm package scorm-again (its Scorm12API as window.API, as ESR OLM, the Learning Hub and
// Moodle provide theirs) and opens an unzipped package in a frame. Every API call the package
// makes is kept in `window.lmsCalls` for the test to read, with the runtime's own `cmi` state.
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const scormAgain = readFileSync(require.resolve('scorm-again/scorm12'))

const HOST_PAGE = `<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Learning system</title>
<script src="/lms/scorm12.js"></script><script src="/lms/host.js"></script></head>
<body><main><h1>Learning system</h1>
<iframe id="sco" title="Module" width="100%" height="800"></iframe></main></body>
</html>`

// startSco(data): a fresh runtime holding `data` (what the learning system kept from the last
// session, flattened: { 'cmi.core.entry': 'resume', ... }), then the package's launch page.
// closeSco(): the learner closes the module (the frame is emptied, as an LMS closes its player).
const HOST_SCRIPT = `
window.lmsCalls = []
window.startSco = function (data) {
  var api = new window.Scorm12API({ lmsCommitUrl: false, autocommit: false, logLevel: 4 })
  if (data) api.loadFromFlattenedJSON(data)
  ;['LMSInitialize', 'LMSCommit', 'LMSFinish'].forEach(function (name) {
    api.on(name, function () { window.lmsCalls.push({ call: name }) })
  })
  api.on('LMSSetValue.cmi.*', function (element, value) {
    window.lmsCalls.push({ call: 'LMSSetValue', element: element, value: String(value) })
  })
  window.lmsCalls = []
  window.API = api
  document.getElementById('sco').src = '/package/index.html'
}
window.closeSco = function () { document.getElementById('sco').src = 'about:blank' }
window.lmsValue = function (element) { return window.API.cmi ? String(window.API.getCMIValue(element)) : '' }
`

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.xml': 'application/xml' }

/** Serves the host page and the package in `packageDir`; returns { url, stop() }. */
export async function startLms (packageDir) {
  const root = path.resolve(packageDir)
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1')
    const send = (status, type, body) => { response.writeHead(status, { 'Content-Type': type }); response.end(body) }
    if (url.pathname === '/') return send(200, TYPES['.html'], HOST_PAGE)
    if (url.pathname === '/lms/scorm12.js') return send(200, TYPES['.js'], scormAgain)
    if (url.pathname === '/lms/host.js') return send(200, TYPES['.js'], HOST_SCRIPT)
    if (url.pathname.startsWith('/package/')) {
      const file = path.resolve(root, decodeURIComponent(url.pathname.slice('/package/'.length)))
      if (!file.startsWith(root + path.sep)) return send(403, 'text/plain', 'outside the package')
      try {
        return send(200, TYPES[path.extname(file)] || 'application/octet-stream', readFileSync(file))
      } catch {
        return send(404, 'text/plain', 'not in the package')
      }
    }
    send(404, 'text/plain', 'not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return { url: `http://127.0.0.1:${port}/`, stop: () => new Promise((resolve) => server.close(resolve)) }
}
