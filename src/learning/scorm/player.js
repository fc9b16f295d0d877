// The package's player: shows one part of the module at a time, marks the quiz in the browser,
// and reports to the learning system through the SCORM 1.2 API (docs/trainers.md):
// cmi.core.lesson_status, cmi.core.score.raw/min/max, cmi.core.session_time, and the learner's
// place in cmi.core.lesson_location and cmi.suspend_data. Without an API (opened from disk) the
// module still reads and the quiz still marks; nothing is recorded.
(function () {
  'use strict'

  var main = document.getElementById('maincontent')
  var passMark = Number(main.getAttribute('data-pass-mark'))
  var pageCount = Number(main.getAttribute('data-pages'))
  var parts = Array.prototype.slice.call(document.querySelectorAll('.app-part'))
  var partIds = parts.map(function (part) { return part.id })
  var quizForm = document.getElementById('quiz-form')
  var keyElement = document.getElementById('quiz-key')
  var key = keyElement ? JSON.parse(keyElement.textContent) : []
  var statusLine = document.getElementById('lms-status')
  var startedAt = Date.now()
  var finished = false
  // What is kept between sessions in cmi.suspend_data (at most 4,096 characters in SCORM 1.2).
  var state = { read: [], best: null, tries: 0 }
  var lessonStatus = ''

  // The standard search (SCORM 1.2 RTE 3.3.6.1): this window's parents, then its opener's.
  function scan (win) {
    for (var depth = 0; win && depth < 100; depth++) {
      try {
        if (win.API) return win.API
      } catch (e) {
        return null // another origin: the search stops there
      }
      if (win.parent === win) return null
      win = win.parent
    }
    return null
  }
  var api = scan(window) || (window.opener ? scan(window.opener) : null)

  function get (name) { return api ? String(api.LMSGetValue(name)) : '' }
  function set (name, value) { if (api) api.LMSSetValue(name, String(value)) }
  function commit () { if (api) api.LMSCommit('') }

  function start () {
    if (!api) return
    if (String(api.LMSInitialize('')) !== 'true') {
      api = null
      statusLine.textContent = 'Your learning system did not start this module, so your progress will not be saved.'
      return
    }
    try {
      var saved = JSON.parse(get('cmi.suspend_data') || '{}')
      if (Array.isArray(saved.read)) state.read = saved.read.filter(Number.isInteger)
      if (typeof saved.best === 'number') state.best = saved.best
      if (typeof saved.tries === 'number') state.tries = saved.tries
    } catch (e) { /* data from elsewhere: start afresh */ }
    lessonStatus = get('cmi.core.lesson_status')
    if (lessonStatus === 'not attempted' || lessonStatus === '') {
      lessonStatus = 'incomplete'
      set('cmi.core.lesson_status', lessonStatus)
    }
    commit()
  }

  function save (partId) {
    set('cmi.core.lesson_location', partId)
    set('cmi.suspend_data', JSON.stringify(state))
    commit()
  }

  // Reading every page completes a module without a quiz.
  function markRead (partId) {
    var match = /^page-(\d+)$/.exec(partId)
    if (match && state.read.indexOf(Number(match[1])) < 0) state.read.push(Number(match[1]))
    if (!key.length && state.read.length >= pageCount && lessonStatus !== 'completed') {
      lessonStatus = 'completed'
      set('cmi.core.lesson_status', lessonStatus)
    }
  }

  function show (partId, moveFocus) {
    if (partIds.indexOf(partId) < 0) partId = 'start'
    parts.forEach(function (part) { part.hidden = part.id !== partId })
    markRead(partId)
    save(partId)
    if (moveFocus) {
      statusLine.textContent = ''
      var part = document.getElementById(partId)
      part.setAttribute('tabindex', '-1')
      part.focus()
      window.scrollTo(0, 0)
    }
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null
    if (!link) return
    var target = link.getAttribute('href').slice(1)
    if (partIds.indexOf(target) < 0) return
    event.preventDefault()
    show(target, true)
  })

  // Moodle's wildcard: `*` is any run of characters, `\*` a star; the whole answer must match.
  function wildcard (pattern, text, ignoreCase) {
    var source = pattern.split(/(\\\*|\*)/).map(function (piece) {
      if (piece === '*') return '.*'
      if (piece === '\\*') return '\\*'
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }).join('')
    return new RegExp('^' + source + '$', ignoreCase ? 'i' : '').test(text)
  }

  function best (fractions) { return fractions.reduce(function (a, b) { return Math.max(a, b) }, 0) }

  // The fraction earned by question `n` (from 1) and the feedback of what was chosen.
  function mark (item, n) {
    var name = 'q' + n
    var feedback = []
    var fraction = 0
    var answered = true
    if (item.kind === 'choice' || item.kind === 'choices') {
      var chosen = Array.prototype.slice.call(quizForm.querySelectorAll('input[name="' + name + '"]:checked'))
        .map(function (input) { return Number(input.value) })
      answered = chosen.length > 0
      chosen.forEach(function (i) {
        fraction += item.fractions[i] || 0
        if (item.feedback[i]) feedback.push(item.feedback[i])
      })
    } else if (item.kind === 'text' || item.kind === 'number') {
      var text = quizForm.elements[name].value.trim()
      answered = text !== ''
      var hits = []
      if (answered && item.kind === 'text') {
        hits = item.patterns.filter(function (p) { return wildcard(p.pattern, text, !item.use_case) })
      } else if (answered) {
        var x = Number(text.replace(',', '.'))
        hits = isNaN(x) ? [] : item.numbers.filter(function (a) {
          return a.value === null || Math.abs(x - a.value) <= Math.abs(a.tolerance) + 1e-9
        })
      }
      fraction = best(hits.map(function (h) { return h.fraction }))
      hits.filter(function (h) { return h.fraction === fraction && h.feedback }).slice(0, 1)
        .forEach(function (h) { feedback.push(h.feedback) })
    } else if (item.kind === 'match') {
      var right = 0
      item.right.forEach(function (answer, i) {
        var value = quizForm.elements[name + '-' + i].value
        if (value === '') answered = false
        if (value !== '' && Number(value) === answer) right += 1
      })
      fraction = item.right.length ? right / item.right.length : 0
    }
    return { fraction: Math.min(1, Math.max(0, fraction)), feedback: feedback, answered: answered }
  }

  function showFeedback (n, result, item) {
    var box = document.getElementById('q' + n + '-feedback')
    var outcome = !result.answered && result.fraction === 0
      ? 'Not answered'
      : result.fraction >= 1 ? 'Right' : result.fraction > 0 ? 'Partly right' : 'Wrong'
    box.className = 'app-feedback app-feedback--' + (result.fraction >= 1 ? 'right' : 'wrong')
    box.innerHTML = ''
    var heading = document.createElement('p')
    heading.className = 'nhsuk-body-l nhsuk-u-margin-bottom-2'
    var strong = document.createElement('strong')
    strong.textContent = outcome
    heading.appendChild(strong)
    box.appendChild(heading)
    // The feedback and explanation are the service's own sanitised HTML.
    result.feedback.concat(item.explanation ? [item.explanation] : []).forEach(function (html) {
      var part = document.createElement('div')
      part.innerHTML = html
      box.appendChild(part)
    })
    box.hidden = false
  }

  function report (score) {
    state.tries += 1
    // The best sitting stands, as a pass once earned is not taken back by a later try.
    if (state.best === null || score > state.best) state.best = score
    var passed = state.best >= passMark
    lessonStatus = passed ? 'passed' : 'failed'
    set('cmi.core.score.min', 0)
    set('cmi.core.score.max', 100)
    set('cmi.core.score.raw', state.best)
    set('cmi.core.lesson_status', lessonStatus)
    save('quiz')
  }

  if (quizForm) {
    var result = document.getElementById('quiz-result')
    var again = document.getElementById('quiz-again')
    var check = document.getElementById('quiz-check')
    quizForm.addEventListener('submit', function (event) {
      event.preventDefault()
      var total = 0
      key.forEach(function (item, i) {
        var marked = mark(item, i + 1)
        total += marked.fraction
        showFeedback(i + 1, marked, item)
      })
      var score = Math.round(100 * total / key.length)
      var passed = score >= passMark
      document.getElementById('quiz-result-title').textContent = passed ? 'You passed' : 'You have not passed yet'
      document.getElementById('quiz-result-text').textContent = 'You scored ' + score + '%. You need ' +
        passMark + '% to pass.' + (passed ? '' : ' Read the feedback below each question, then try again.')
      result.hidden = false
      check.hidden = true
      again.hidden = false
      Array.prototype.forEach.call(quizForm.elements, function (el) { if (el !== again) el.disabled = true })
      report(score)
      result.focus()
    })
    again.addEventListener('click', function () {
      Array.prototype.forEach.call(quizForm.elements, function (el) { el.disabled = false })
      quizForm.reset()
      document.querySelectorAll('.app-feedback').forEach(function (box) { box.hidden = true })
      result.hidden = true
      again.hidden = true
      check.hidden = false
      var first = quizForm.querySelector('input, select')
      if (first) first.focus()
    })
  }

  // HHHH:MM:SS.SS, SCORM 1.2's CMITimespan.
  function timespan (ms) {
    var hundredths = Math.floor(ms / 10)
    function pad (n, width) { n = String(n); while (n.length < width) n = '0' + n; return n }
    var seconds = Math.floor(hundredths / 100)
    return pad(Math.min(9999, Math.floor(seconds / 3600)), 4) + ':' + pad(Math.floor(seconds / 60) % 60, 2) +
      ':' + pad(seconds % 60, 2) + '.' + pad(hundredths % 100, 2)
  }

  function finish () {
    if (finished || !api) return
    finished = true
    set('cmi.core.session_time', timespan(Date.now() - startedAt))
    // A learner who has not finished comes back to where they were.
    set('cmi.core.exit', lessonStatus === 'passed' || lessonStatus === 'completed' ? '' : 'suspend')
    commit()
    api.LMSFinish('')
  }
  window.addEventListener('pagehide', finish)
  window.addEventListener('beforeunload', finish)

  start()
  var resumeAt = get('cmi.core.lesson_location')
  show(resumeAt || 'start', false)
  if (resumeAt && resumeAt !== 'start') statusLine.textContent = 'You are back where you left off.'
})()
