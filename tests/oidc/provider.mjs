// A real OpenID Provider for the tests: the OpenID Certified `oidc-provider` package with its
// development login and consent pages (any login name is the account's `sub`; any password).
//
// Usage: node provider.mjs CONFIG.json
// CONFIG: {
//   "port": 0,                      // 0 = any free port
//   "signingKid": "k1",             // a fresh RS256 key with this kid signs the ID tokens
//   "accountsFile": "accounts.json",// read at every sign-in: { "<sub>": { "email": ..., ... } }
//   "clients": [ { client_id, client_secret | (token_endpoint_auth_method: "private_key_jwt",
//                  clientKeyPemOut: "where to write the client's private key PEM"),
//                  redirect_uris, post_logout_redirect_uris } ]
// }
// Prints one line of JSON, {"issuer": "http://127.0.0.1:<port>"}, once it listens.

import { readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPair, exportJWK, exportPKCS8 } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

async function rsaKey(kid, alg) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const priv = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const pub = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { priv, pub, pem: await exportPKCS8(privateKey) };
}

const signing = await rsaKey(config.signingKid ?? 'k1', 'RS256');

const clients = [];
for (const c of config.clients) {
  const { clientKeyPemOut, ...client } = c;
  if (client.token_endpoint_auth_method === 'private_key_jwt') {
    const key = await rsaKey(`${client.client_id}-key`, 'RS512');
    writeFileSync(clientKeyPemOut, key.pem);
    client.jwks = { keys: [key.pub] };
    client.token_endpoint_auth_signing_alg = 'RS512';
  }
  clients.push(client);
}

function accounts() {
  return JSON.parse(readFileSync(config.accountsFile, 'utf8'));
}

const port = config.port ?? 0;
const server = (await import('node:http')).createServer();
await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signing.priv] },
  findAccount(ctx, id) {
    const claims = accounts()[id];
    if (!claims) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...claims }) };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    nhs: ['employee_number', 'org_code'],
  },
  scopes: ['openid', 'email', 'profile', 'nhs'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  enabledJWA: {
    clientAuthSigningAlgValues: ['RS256', 'RS512'],
  },
});
provider.proxy = false;
// The development pages warn on every request; the tests need quiet output.
console.warn = () => {};
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
