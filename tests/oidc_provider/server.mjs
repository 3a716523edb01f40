// A real OpenID Connect provider (npm `oidc-provider`, panva) for the national-identity tests.
// Started by accounts/tests/oidc.py on 127.0.0.1 with a free port; configured by environment:
//   PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS (comma-separated),
//   ACCOUNTS_JSON: {"<login typed in the dev form>": {claims...}}.
// devInteractions (any login and password) stand in for VNeID's own sign-in screens.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS_JSON || '{}');
const list = (name) => (process.env[name] || '').split(',').filter(Boolean);

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: list('REDIRECT_URIS'),
    post_logout_redirect_uris: list('POST_LOGOUT_REDIRECT_URIS'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  scopes: ['openid', 'profile', 'email', 'phone', 'address', 'national_id'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'birthdate', 'gender', 'national_id'],
    email: ['email', 'email_verified'],
    phone: ['phone_number'],
    address: ['address'],
  },
  // Every client must use PKCE, confidential ones too (S256 is the only method allowed).
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(accounts[id] || { name: `Test ${id}` }) };
      },
    };
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
