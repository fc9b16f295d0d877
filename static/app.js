// genomics-training: progressive enhancement only. Every page works without
// this file (the CSP allows only same-origin scripts: no inline JS).
//
// The vendored NHS.UK frontend (static/nhsuk/nhsuk-frontend.min.js) is an ES
// module that exports initAll(). Components only initialise when <body> has
// the class `nhsuk-frontend-supported` (upstream adds it with an inline
// <script>, which our CSP forbids, so we add it here). Module scripts run only
// in browsers that support ES modules, which is exactly the "supported" test
// upstream uses.
//
// The `?v=` query is the vendored version: change it when upgrading so
// browsers fetch the new file (see docs/frontend.md).
import { initAll } from './nhsuk/nhsuk-frontend.min.js?v=10.6.1'

document.body.classList.add('nhsuk-frontend-supported')
initAll()
