// `npm run token -- <roles> <name>`: makes a random bearer token and prints, on stdout, the token
// and the line for the servers' --tokens-file (which stores only its SHA-256). Roles are
// comma-separated: viewer, operator, worker. An existing token's line:
//   printf %s "$TOKEN" | sha256sum   ->   <roles> <that hex> <name>
import { isRole, newToken, ROLES, tokensFileLine } from '@mirrormaker/service-kit';

const [rolesArg, name] = process.argv.slice(2);
const roles = rolesArg?.split(',') ?? [];
if (!rolesArg || !name || !roles.every(isRole)) {
  process.stderr.write(`usage: npm run token -- <${ROLES.join('|')}>[,<role>...] <name>\n`);
  process.exit(2);
}
const token = newToken();
process.stdout.write(`token (give it to the caller; --token-file or MM_TOKEN):\n${token}\n\nline for --tokens-file:\n${tokensFileLine(roles.filter(isRole), token, name)}\n`);
