// A stand-in OpenID Provider that misbehaves on purpose, for the relying-party checks of the
// OpenID Foundation's certification tests that a real provider cannot be made to fail:
// rp-id_token-bad-sig-rs256, rp-id_token-sig-none, rp-id_token-iss-mismatch,
// rp-id_token-aud-mismatch, rp-nonce-invalid, rp-id_token-kid-absent-multiple-jwks, an
// expired token, an unknown kid (even after the keys are fetched again), and an HMAC token
// keyed with the provider's public key. Mode "good" signs a correct token, to show the
// stand-in itself works.
//
// Usage: node standin.mjs MODE CLIENT_ID SUB EMAIL
// /authorize answers at once (no login page) with a code; /token returns the ID token MODE
// asks for; /stats says how often the keys were fetched. Prints {"issuer": ...} when ready.

import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { generateKeyPair, exportJWK, SignJWT } from 'jose';

const [mode, clientId, sub, email] = process.argv.slice(2);

async function key(kid) {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const published = await key('k1');
const second = await key('k2');
const impostor = await key('k1');
const hidden = await key('never-published');
const codes = new Map();
let jwksFetches = 0;

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function idToken(issuer, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuer, sub, aud: clientId, nonce, email, email_verified: true, iat: now, exp: now + 300,
  };
  const sign = (k, header, c = claims) => new SignJWT(c)
    .setProtectedHeader({ alg: 'RS256', ...header }).sign(k.privateKey);
  switch (mode) {
    case 'good': return sign(published, { kid: 'k1' });
    case 'bad-sig': return sign(impostor, { kid: 'k1' });
    case 'alg-none': return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    case 'iss-mismatch': return sign(published, { kid: 'k1' }, { ...claims, iss: 'https://impostor.example' });
    case 'aud-mismatch': return sign(published, { kid: 'k1' }, { ...claims, aud: 'another-client' });
    case 'nonce-invalid': return sign(published, { kid: 'k1' }, { ...claims, nonce: 'not-the-nonce-sent' });
    case 'expired': return sign(published, { kid: 'k1' }, { ...claims, iat: now - 7200, exp: now - 3600 });
    case 'kid-absent-multiple': return sign(published, {});
    case 'unknown-kid': return sign(hidden, { kid: 'never-published' });
    case 'hmac-public-key': {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}`;
      const mac = createHmac('sha256', JSON.stringify(published.jwk)).update(input).digest('base64url');
      return `${input}.${mac}`;
    }
    default: throw new Error(`unknown mode ${mode}`);
  }
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/.well-known/openid-configuration') {
    return send(res, 200, {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
  if (url.pathname === '/jwks') {
    jwksFetches += 1;
    const keys = mode === 'kid-absent-multiple' ? [published.jwk, second.jwk] : [published.jwk];
    return send(res, 200, { keys });
  }
  if (url.pathname === '/stats') return send(res, 200, { jwksFetches });
  if (url.pathname === '/authorize') {
    const code = `code-${codes.size + 1}`;
    codes.set(code, url.searchParams.get('nonce'));
    const back = new URL(url.searchParams.get('redirect_uri'));
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state'));
    res.writeHead(303, { location: back.toString() });
    return res.end();
  }
  if (url.pathname === '/token' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const code = new URLSearchParams(body).get('code');
    if (!codes.has(code)) return send(res, 400, { error: 'invalid_grant' });
    const nonce = codes.get(code);
    codes.delete(code);
    return send(res, 200, {
      access_token: 'stand-in-access-token', token_type: 'Bearer', expires_in: 300,
      id_token: await idToken(issuer, nonce),
    });
  }
  return send(res, 404, { error: 'not_found' });
});

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
