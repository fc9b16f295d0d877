#!/usr/bin/env node
// The load and the checks of the reliability scenarios (see docs/reliability.md). Subcommands:
//
//   activate  --links FILE --password P --out learners.json
//             activates every account listed by `genomics-training users import` (its output)
//   load      --base URL[,URL] --learners learners.json --workers 32 --seconds 20
//             [--min-acks N] [--duplicate-every N] --acks acks.jsonl --log requests.jsonl
//             concurrent learners take the baseline then quizzes until the time is up and at
//             least N submits were acknowledged (never past 10 minutes); every submit answered
//             200 is appended to acks.jsonl as it arrives
//   check     --base URL --learners learners.json --acks acks.jsonl
//             every acknowledged attempt is there, submitted, with the same result
//   outage    --log requests.jsonl --down MS --up MS [--limit-ms 10000]
//             how the load's requests fared while the database was down and after it came back
//   reserve   --learners learners.json --count N --out probe-learners.json
//             moves the last N learners out of learners.json, so the load never uses them
//   probe-prepare --base URL --learners probe-learners.json --out probes.json
//             signs the reserved learners in and opens a baseline for each
//   probe     --base URL --probes probes.json --expect unavailable|available [--limit-ms 10000]
//             the same fixed pages and API requests for each reserved learner, all at once
//
// Each prints one JSON object on stdout and exits non-zero when its check fails.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { Client, HttpError, pool, requestLog, sleep } from './lib/http.mjs'
import { activate, fingerprint, signIn, takeAssessment } from './lib/learner.mjs'
import { outageReport } from './lib/outage.mjs'
import { prepareProbes, probe } from './lib/probe.mjs'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    links: { type: 'string' },
    password: { type: 'string' },
    out: { type: 'string' },
    learners: { type: 'string' },
    workers: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    'duplicate-every': { type: 'string', default: '0' },
    'min-acks': { type: 'string', default: '0' },
    acks: { type: 'string' },
    log: { type: 'string' },
    down: { type: 'string' },
    up: { type: 'string' },
    'limit-ms': { type: 'string', default: '10000' },
    count: { type: 'string' },
    probes: { type: 'string' },
    expect: { type: 'string' }
  }
})

function need (name) {
  if (values[name] === undefined) throw new Error(`--${name} is required`)
  return values[name]
}

const readJsonLines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))

async function activateAll () {
  const password = need('password')
  const people = [...readFileSync(need('links'), 'utf8').matchAll(/<([^>]+)>: (\S+\/activate\/\S+)/g)]
    .map(([, email, link]) => ({ email, link }))
  if (people.length === 0) throw new Error('no activation links in the import output')
  await pool(people, 8, async ({ email, link }) => {
    await activate(new Client(new URL(link).origin), link, password)
    return email
  })
  writeFileSync(need('out'), JSON.stringify({ password, emails: people.map((p) => p.email) }))
  return { activated: people.length }
}

async function load () {
  const bases = need('base').split(',')
  const { password, emails } = JSON.parse(readFileSync(need('learners'), 'utf8'))
  const workers = Number(values.workers)
  const duplicateEvery = Number(values['duplicate-every'])
  const acksFile = need('acks')
  writeFileSync(acksFile, '')
  const stopAt = Date.now() + Number(values.seconds) * 1000
  // However slow the machine, the load ends only once it has done what the scenario checks.
  const minAcks = Number(values['min-acks'])
  const giveUpAt = Math.max(stopAt, Date.now() + 600_000)
  let stopping = false
  process.on('SIGTERM', () => { stopping = true })
  const running = () => !stopping && Date.now() < giveUpAt && (Date.now() < stopAt || tally.acknowledged < minAcks)
  const tally = { acknowledged: 0, baseline: 0, quiz: 0, duplicate_submits: 0, failures: {}, first_failures: [] }
  let submits = 0

  const fail = (error) => {
    const key = error instanceof HttpError ? String(error.status) : 'error'
    tally.failures[key] = (tally.failures[key] ?? 0) + 1
    if (tally.first_failures.length < 5) tally.first_failures.push(error.message.slice(0, 300))
  }

  const worker = async (index) => {
    const base = bases[index % bases.length]
    const mine = emails.filter((_, i) => i % workers === index)
      .map((email) => ({ email, client: new Client(base), signedIn: false, baselineDone: false, quiz: 0 }))
    if (mine.length === 0) return
    let modules = null
    for (let turn = 0; running(); turn++) {
      const learner = mine[turn % mine.length]
      try {
        if (!learner.signedIn) {
          await signIn(learner.client, learner.email, password)
          learner.signedIn = true
        }
        // A page as well as the API each turn, so that an outage is seen on both.
        const page = await learner.client.send('GET', '/learn', { page: true })
        if (page.status !== 200) fail(new HttpError('GET', '/learn', page.status, page.body))
        modules ??= (await learner.client.expect('GET', '/api/v1/modules')).body.modules.map((m) => m.slug)
        const slug = learner.baselineDone ? `quiz-${modules[learner.quiz++ % modules.length]}` : 'baseline'
        const duplicate = duplicateEvery > 0 && ++submits % duplicateEvery === 0
        const submitTo = duplicate ? (bases.length > 1 ? bases : [base, base]) : [base]
        const taken = await takeAssessment(learner.client, slug, submitTo)
        if (slug === 'baseline') learner.baselineDone = true
        if (!taken.already) {
          tally.acknowledged++
          tally[taken.phase === 'baseline' ? 'baseline' : 'quiz']++
          tally.duplicate_submits += taken.duplicates
          appendFileSync(acksFile, JSON.stringify({
            email: learner.email,
            attempt: taken.attempt,
            phase: taken.phase,
            topics: taken.result.topics.length,
            items: taken.result.items.length,
            fingerprint: fingerprint(taken.result),
            t: Date.now()
          }) + '\n')
        }
      } catch (error) {
        fail(error)
        if (error.status === 401) learner.signedIn = false
        await sleep(200)
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)))
  if (values.log) writeFileSync(values.log, requestLog.map((r) => JSON.stringify(r)).join('\n') + '\n')
  tally.requests = requestLog.length
  tally.max_ms = requestLog.reduce((m, r) => Math.max(m, r.ms), 0)
  return tally
}

async function check () {
  const { password } = JSON.parse(readFileSync(need('learners'), 'utf8'))
  const acks = readJsonLines(need('acks'))
  const byLearner = new Map()
  for (const ack of acks) byLearner.set(ack.email, [...(byLearner.get(ack.email) ?? []), ack])
  const problems = []
  let present = 0
  await pool([...byLearner], 8, async ([email, theirs]) => {
    const client = new Client(need('base'))
    await signIn(client, email, password)
    for (const ack of theirs) {
      const shown = await client.send('GET', `/api/v1/attempts/${ack.attempt}/result`)
      if (shown.status !== 200) {
        problems.push(`attempt ${ack.attempt} of ${email}: ${shown.status} ${JSON.stringify(shown.body).slice(0, 200)}`)
      } else if (fingerprint(shown.body.result) !== ack.fingerprint) {
        problems.push(`attempt ${ack.attempt} of ${email}: its result changed since it was acknowledged`)
      } else {
        present++
      }
    }
  })
  const attempts = new Set(acks.map((a) => a.attempt))
  if (attempts.size !== acks.length) problems.push(`${acks.length - attempts.size} attempt(s) acknowledged twice as new`)
  // What the report aggregates must hold for the acknowledged baselines, no more, no less.
  const baselines = acks.filter((a) => a.phase === 'baseline')
  const sum = (key) => baselines.reduce((total, a) => total + a[key], 0)
  return {
    ok: problems.length === 0,
    acknowledged: acks.length,
    present,
    baselines: baselines.length,
    baseline_learner_topics: sum('topics'),
    baseline_responses: sum('items'),
    problems: problems.slice(0, 20)
  }
}

function reserve () {
  const file = need('learners')
  const learners = JSON.parse(readFileSync(file, 'utf8'))
  const count = Number(need('count'))
  if (!(count > 0 && count < learners.emails.length)) throw new Error(`--count must be between 1 and ${learners.emails.length - 1}`)
  const reserved = learners.emails.slice(-count)
  writeFileSync(file, JSON.stringify({ ...learners, emails: learners.emails.slice(0, -count) }))
  writeFileSync(need('out'), JSON.stringify({ ...learners, emails: reserved }))
  return { reserved: reserved.length }
}

async function probePrepare () {
  const { password, emails } = JSON.parse(readFileSync(need('learners'), 'utf8'))
  const probes = await prepareProbes(need('base'), emails, password)
  writeFileSync(need('out'), JSON.stringify(probes))
  return { prepared: probes.length }
}

async function probeNow () {
  const expect = need('expect')
  if (!['unavailable', 'available'].includes(expect)) throw new Error('--expect must be unavailable or available')
  const probes = JSON.parse(readFileSync(need('probes'), 'utf8'))
  return probe(need('base'), probes, expect, Number(values['limit-ms']))
}

const commands = {
  activate: activateAll,
  load,
  check,
  reserve,
  'probe-prepare': probePrepare,
  probe: probeNow,
  outage: async () => outageReport(readJsonLines(need('log')), Number(need('down')), Number(need('up')), Number(values['limit-ms']))
}

const command = commands[positionals[0]]
if (!command) {
  console.error(`usage: driver.mjs ${Object.keys(commands).join('|')} [options]`)
  process.exit(2)
}
try {
  const outcome = await command()
  console.log(JSON.stringify(outcome))
  process.exit(outcome.ok === false ? 1 : 0)
} catch (error) {
  console.error(`error: ${error.message}`)
  process.exit(1)
}
