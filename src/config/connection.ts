// The security settings of a broker-facing command, from its option table: the --command-config
// file's properties first, then each named option the user gave (flag, KBENCH_* variable, workload
// field). Checked and read (certificate files included) before anything connects.
import { ERROR_CODES } from '../errors.js';
import { CLIENT_PROPERTIES, resolveClientSecurity, type ClientSecurity, type SecuritySettings } from './client-security.js';
import { given } from './collect.js';
import { Problems, type ArgsOf, type Source } from './option.js';
import type { SECURITY_OPTIONS } from './options.js';

type SecurityArgs = ArgsOf<typeof SECURITY_OPTIONS>;

export function securityOf(values: SecurityArgs, sources: { readonly [K in keyof SecurityArgs]?: Source | undefined }): ClientSecurity | null {
  const settings: SecuritySettings = {};
  for (const p of values.commandConfig?.properties ?? []) settings[CLIENT_PROPERTIES[p.key] as keyof SecuritySettings] = p.value;
  const named = ['securityProtocol', 'saslMechanism', 'saslUsername', 'saslPassword', 'sslTruststoreLocation', 'sslTruststoreType',
    'sslTruststorePassword', 'sslKeystoreLocation', 'sslKeystoreType', 'sslKeystorePassword', 'sslKeyPassword'] as const;
  for (const name of named) if (given(sources[name]) && values[name] !== undefined) settings[name] = String(values[name]);
  if (given(sources.sslVerifyHostname)) settings.sslEndpointIdentificationAlgorithm = values.sslVerifyHostname ? 'https' : '';
  const problems = new Problems();
  const security = resolveClientSecurity(settings, (p) => problems.add(p, ERROR_CODES.badOption));
  problems.throwIfAny();
  return security;
}
