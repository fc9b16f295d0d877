// An LTI 1.3 Advantage platform for the tests, on the `jose` package alone (not on the
// service's code): the OIDC authorisation endpoint of a launch (it answers with the
// auto-posting form platforms send, carrying an RS256 `id_token`), its key set, a token
// endpoint for client credentials by signed client assertion (RFC 7523), line items that
// take scores (AGS), and the deep-linking return address, which checks the tool's signed
// answer. Control endpoints under /control let a test shape the next launch (claims added,
// changed or removed; a foreign signing key; an old expiry), rotate the platform's key,
// hand over the tool's key set, take the platform down, and read what it received. /course
// is a course page with the tool in an iframe, as a learner sees it in Moodle.
//
// Usage: node platform.mjs CONFIG.json
// CONFIG: { "clientId": "...", "deploymentId": "...", "toolUrl": "http://127.0.0.1:8000" }
// Prints one line of JSON, {"issuer": "http://127.0.0.1:<port>"}, once it listens.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify,
} from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';

async function newKey(kid) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

let keyNumber = 1;
let current = await newKey(`platform-${keyNumber}`);
let published = [current];
let toolKeys = null;
let nextLaunch = {};
let down = false;
const tokens = new Set();
const usedJti = new Set();
const scores = {};
const deepLinks = [];

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// The id_token of a launch, shaped by the test's overrides: `claims` are merged in (null
// removes one), `kid` replaces the header's key id, `foreignKey` signs with a key the
// platform never published, `expiresIn` (seconds, may be negative) sets exp and iat.
async function idToken(query) {
  const o = nextLaunch;
  const now = Math.floor(Date.now() / 1000);
  const messageType = o.messageType ?? 'LtiResourceLinkRequest';
  const claims = {
    iss: issuer,
    aud: config.clientId,
    azp: config.clientId,
    sub: query.get('login_hint'),
    nonce: query.get('nonce'),
    email: o.email,
    name: o.name ?? 'Test Person',
    [`${LTI}message_type`]: messageType,
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: config.deploymentId,
    [`${LTI}target_link_uri`]: `${config.toolUrl}/lti/launch`,
    [`${LTI}roles`]: o.roles ?? ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    [`${LTI}context`]: { id: 'course-1', title: 'Genomics for everyone' },
  };
  if (o.custom) claims[`${LTI}custom`] = o.custom;
  if (messageType === 'LtiResourceLinkRequest') {
    const link = o.resourceLinkId ?? 'link-1';
    claims[`${LTI}resource_link`] = { id: link, title: 'Genomics training' };
    claims[AGS] = {
      scope: [SCORE_SCOPE, 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'],
      lineitems: `${issuer}/lineitems`,
      lineitem: `${issuer}/lineitems/${link}`,
    };
  } else if (messageType === 'LtiDeepLinkingRequest') {
    claims[`${DL}deep_linking_settings`] = {
      deep_link_return_url: `${issuer}/deep-link-return`,
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      data: o.data ?? 'opaque-platform-data',
    };
  }
  for (const [name, value] of Object.entries(o.claims ?? {})) {
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  const key = o.foreignKey ? await newKey(current.kid) : current;
  const expiresIn = o.expiresIn ?? 300;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? key.kid, typ: 'JWT' })
    .setIssuedAt(expiresIn < 0 ? now + expiresIn - 60 : now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

async function authorize(req, res, url) {
  const q = url.searchParams;
  const expect = {
    scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none',
    client_id: config.clientId, redirect_uri: `${config.toolUrl}/lti/launch`,
  };
  for (const [name, value] of Object.entries(expect)) {
    if (q.get(name) !== value) return send(res, 400, { error: 'invalid_request', field: name, got: q.get(name) });
  }
  for (const name of ['state', 'nonce', 'login_hint']) {
    if (!q.get(name)) return send(res, 400, { error: 'invalid_request', field: name });
  }
  const token = await idToken(q);
  const form = `<!doctype html><html lang="en"><head><title>Launching</title></head><body>
<form id="launch" method="post" action="${escape(q.get('redirect_uri'))}">
<input type="hidden" name="id_token" value="${escape(token)}">
<input type="hidden" name="state" value="${escape(q.get('state'))}">
<button type="submit">Continue</button></form>
<script>document.getElementById('launch').submit();</script></body></html>`;
  return send(res, 200, form, 'text/html');
}

async function verifyTool(jwt, audience) {
  if (!toolKeys) throw new Error('the tool key set was not handed over');
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(toolKeys), {
    issuer: config.clientId, audience, algorithms: ['RS256'],
  });
  return payload;
}

async function token(req, res) {
  if (down) return send(res, 503, { error: 'temporarily_unavailable' });
  const form = new URLSearchParams(await readBody(req));
  if (form.get('grant_type') !== 'client_credentials'
    || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return send(res, 400, { error: 'unsupported_grant_type' });
  }
  try {
    const claims = await verifyTool(form.get('client_assertion'), `${issuer}/token`);
    if (claims.sub !== config.clientId || !claims.jti || usedJti.has(claims.jti)) throw new Error('sub or jti');
    usedJti.add(claims.jti);
  } catch (error) {
    return send(res, 401, { error: 'invalid_client', detail: String(error.message ?? error) });
  }
  const access = randomUUID();
  tokens.add(access);
  return send(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') });
}

async function postScore(req, res, lineitem) {
  if (down) return send(res, 503, { error: 'temporarily_unavailable' });
  const auth = req.headers.authorization ?? '';
  if (!tokens.has(auth.replace(/^Bearer /, ''))) return send(res, 401, { error: 'invalid_token' });
  if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json') {
    return send(res, 415, { error: 'content type' });
  }
  const score = JSON.parse(await readBody(req));
  for (const field of ['userId', 'scoreGiven', 'scoreMaximum', 'activityProgress', 'gradingProgress', 'timestamp']) {
    if (score[field] === undefined) return send(res, 400, { error: `missing ${field}` });
  }
  (scores[lineitem] ??= []).push(score);
  return send(res, 200, {});
}

async function deepLinkReturn(req, res) {
  const form = new URLSearchParams(await readBody(req));
  try {
    const claims = await verifyTool(form.get('JWT'), issuer);
    if (claims[`${LTI}message_type`] !== 'LtiDeepLinkingResponse'
      || claims[`${LTI}version`] !== '1.3.0'
      || claims[`${LTI}deployment_id`] !== config.deploymentId
      || !claims.nonce) throw new Error('claims');
    deepLinks.push({ data: claims[`${DL}data`], items: claims[`${DL}content_items`] });
    return send(res, 200, '<!doctype html><title>Saved</title><p>Saved</p>', 'text/html');
  } catch (error) {
    return send(res, 400, { error: String(error.message ?? error) });
  }
}

async function control(req, res, path) {
  const body = req.method === 'POST' ? JSON.parse((await readBody(req)) || '{}') : {};
  switch (path) {
    case '/control/launch': nextLaunch = body; return send(res, 200, {});
    case '/control/rotate': {
      keyNumber += 1;
      current = await newKey(`platform-${keyNumber}`);
      published = body.keepOld ? [...published, current] : [current];
      return send(res, 200, { kid: current.kid });
    }
    case '/control/tool-keys': toolKeys = body; return send(res, 200, {});
    case '/control/down': down = Boolean(body.down); return send(res, 200, {});
    case '/control/scores': return send(res, 200, scores);
    case '/control/deep-links': return send(res, 200, deepLinks);
    default: return send(res, 404, { error: 'no such control' });
  }
}

// A course page as a platform shows one: the tool in an iframe, started by the platform's
// third-party login initiation (for the browser suite's launch in a frame).
function coursePage(res, url) {
  const login = new URL(`${config.toolUrl}/lti/login`);
  login.search = new URLSearchParams({
    iss: issuer,
    login_hint: url.searchParams.get('login_hint') ?? 'user-1',
    target_link_uri: `${config.toolUrl}/lti/launch`,
    client_id: config.clientId,
    lti_deployment_id: config.deploymentId,
  }).toString();
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Genomics for everyone</title>
<style>body{font-family:sans-serif;margin:1rem}iframe{width:100%;height:80vh;border:1px solid #425563}</style></head>
<body><main><h1>Genomics for everyone</h1>
<iframe id="tool" title="Genomics training" src="${escape(login.toString())}"></iframe></main></body></html>`;
  return send(res, 200, page, 'text/html');
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname.startsWith('/control/')) return await control(req, res, url.pathname);
    if (url.pathname === '/jwks') return send(res, 200, { keys: published.map((k) => k.jwk) });
    if (url.pathname === '/course') return coursePage(res, url);
    if (url.pathname === '/auth') return await authorize(req, res, url);
    if (url.pathname === '/token' && req.method === 'POST') return await token(req, res);
    if (url.pathname === '/deep-link-return' && req.method === 'POST') return await deepLinkReturn(req, res);
    const scoreMatch = url.pathname.match(/^\/lineitems\/([^/]+)\/scores$/);
    if (scoreMatch && req.method === 'POST') return await postScore(req, res, scoreMatch[1]);
    return send(res, 404, { error: 'not found' });
  } catch (error) {
    return send(res, 500, { error: String(error) });
  }
});
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
