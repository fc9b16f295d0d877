// The real OpenID Provider (`oidc-provider`, installed in tests/oidc with `npm ci`) for the
// single sign-on scenario: started before the service, with one client whose redirect and
// sign-out addresses are the service's. Accounts are read from a file at every sign-in, so a
// scenario can add the person it signs in as once it knows their email address.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const oidcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../oidc')

export const CLIENT = { id: 'gt-e2e', secret: 'e2e-secret-e2e-secret-e2e' }
export const PROVIDER_NAME = 'nhs'
export const PROVIDER_LABEL = 'Sign in with NHS Care Identity'

/** Starts the provider for a service at `baseUrl`; resolves to { issuer, addAccount, stop }. */
export async function startProvider (baseUrl, dataDir) {
  if (!existsSync(path.join(oidcDir, 'node_modules/oidc-provider/package.json'))) {
    throw new Error('the single sign-on scenario needs the OpenID Provider: run `npm ci` in tests/oidc')
  }
  const accountsFile = path.join(dataDir, 'oidc-accounts.json')
  const accounts = {}
  writeFileSync(accountsFile, JSON.stringify(accounts))
  const config = path.join(dataDir, 'oidc-config.json')
  writeFileSync(config, JSON.stringify({
    port: 0,
    signingKid: 'k1',
    accountsFile,
    clients: [{
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      redirect_uris: [`${baseUrl}/login/sso/${PROVIDER_NAME}/callback`],
      post_logout_redirect_uris: [`${baseUrl}/`]
    }]
  }))
  const child = spawn(process.execPath, [path.join(oidcDir, 'provider.mjs'), config], { cwd: oidcDir, stdio: ['ignore', 'pipe', 'inherit'] })
  // The provider dies of EPIPE if nobody reads its output: keep reading after the first line.
  const lines = createInterface({ input: child.stdout })
  const issuer = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the OpenID Provider exited (${code}) before it listened`)))
    lines.once('line', (line) => resolve(JSON.parse(line).issuer))
  })
  lines.on('line', () => {})
  return {
    issuer,
    /** Lets `login` sign in at the provider with these claims. */
    addAccount (login, claims) {
      accounts[login] = claims
      writeFileSync(accountsFile, JSON.stringify(accounts))
    },
    stop () { child.kill('SIGTERM') }
  }
}
