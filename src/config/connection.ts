// The security settings of a broker-facing command, from its option table: the --command-config
// file's properties first, then each named option the user gave (flag, KBENCH_* variable, workload
// field). Checked and read (certificate files included) before anything connects.
import { ERROR_CODES } from '../errors.js';
import { CLIENT_PROPERTIES, resolveClientSecurity, type ClientSecurity, type SecuritySettings } from './client-security.js';
import { given } from './collect.js';
import { Problems, type ArgsOf, type Source } from './option.js';
import { SECURITY_OPTIONS } from './options.js';

type SecurityArgs = ArgsOf<typeof SECURITY_OPTIONS>;

export function securityOf(values: SecurityArgs, sources: { readonly [K in keyof SecurityArgs]?: Source | undefined }): ClientSecurity | null {
  const settings: SecuritySettings = {};
  for (const p of values.commandConfig?.properties ?? []) settings[CLIENT_PROPERTIES[p.key] as keyof SecuritySettings] = p.value;
  for (const name of Object.keys(SECURITY_OPTIONS) as (keyof SecurityArgs)[]) {
    if (!given(sources[name]) || values[name] === undefined) continue;
    // The file is read above; the switch is the property's only non-text form.
    if (name === 'commandConfig') continue;
    if (name === 'sslVerifyHostname') settings.sslEndpointIdentificationAlgorithm = values.sslVerifyHostname ? 'https' : '';
    else settings[name] = String(values[name]);
  }
  const problems = new Problems();
  const security = resolveClientSecurity(settings, (p) => problems.add(p, ERROR_CODES.badOption));
  problems.throwIfAny();
  return security;
}
