/**
 * Secrets never reach the protocol log or the application log: API keys in headers and query
 * strings, bearer tokens, passwords and client secrets in JSON, XML and form bodies.
 */
export const mask = '****';

const secretName =
  /^(?:api[-_]?key|apikey|wskey|token|access[-_]?token|refresh[-_]?token|password|passwd|pin|pin[-_]?number|secret|client[-_]?secret|x-api-key|x-sirs-sessiontoken|sessiontoken|authorization|cookie|set-cookie)$/i;
/** names that look secret only as a whole word inside longer keys (`clientSecret`, `staffPassword`) */
const secretPart = /(?:password|secret|token|apikey|api_key)/i;

export function isSecretName(name: string): boolean {
  return secretName.test(name) || secretPart.test(name);
}

export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    let changed = false;
    for (const name of [...parsed.searchParams.keys()]) {
      if (isSecretName(name)) {
        parsed.searchParams.set(name, mask);
        changed = true;
      }
    }
    if (parsed.password) {
      parsed.password = mask;
      changed = true;
    }
    return changed ? parsed.toString().replaceAll(encodeURIComponent(mask), mask) : url;
  } catch {
    return url.replace(/([?&](?:api[-_]?key|apikey|token|password|secret)=)[^&]*/gi, `$1${mask}`);
  }
}

/** Authorization keeps its scheme (`apikey ****`, `Bearer ****`) so the log still says how we authenticated. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization') {
      const scheme = value.split(/\s+/)[0];
      masked[name] = scheme && scheme !== value ? `${scheme} ${mask}` : mask;
    } else if (isSecretName(name)) {
      masked[name] = mask;
    } else {
      masked[name] = value;
    }
  }
  return masked;
}

function maskJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJsonValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) && (typeof v === 'string' || typeof v === 'number') ? mask : maskJsonValue(v);
    return out;
  }
  return value;
}

/** Masks a body whatever its format; an unparseable body is still scrubbed of XML/form secrets. */
export function maskBody(body: string | undefined): string | undefined {
  if (body === undefined || body === '') return body;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(maskJsonValue(JSON.parse(body)));
    } catch {
      // fall through to the textual scrubbers
    }
  }
  return body
    .replace(
      /<((?:[\w-]+:)?(?:password|pin_number|pin|secret|client_secret|token|AuthenticationInputData|apikey))(\s[^>]*)?>[\s\S]*?<\/\1>/gi,
      `<$1$2>${mask}</$1>`,
    )
    .replace(/((?:^|&)(?:password|client_secret|apikey|api_key|token|pin)=)[^&]*/gi, `$1${mask}`)
    .replace(/("(?:password|secret|token|apiKey|api_key|clientSecret|pin)"\s*:\s*)"[^"]*"/gi, `$1"${mask}"`);
}
