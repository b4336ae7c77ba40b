// How a wss:// connection trusts its server: ca-file's certificates besides Node's own, or insecure-tls.

import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/** The part of a Target that says whom to trust. */
export interface TlsTrust {
  /** PEM CA certificates trusted besides Node's bundled ones (ca-file). */
  ca?: string | null;
  /** false accepts any server certificate (insecure-tls). */
  rejectUnauthorized?: boolean;
}

/** The TLS options of every connection to the target: `ws`'s and a raw socket's alike. */
export function trustOptions(target: TlsTrust): { secureContext?: SecureContext; rejectUnauthorized?: false } {
  return {
    ...(target.ca ? { secureContext: secureContextFor(target.ca) } : {}),
    ...(target.rejectUnauthorized === false ? { rejectUnauthorized: false as const } : {}),
  };
}

/** One TLS context per CA bundle: built per connection it would parse ~150 PEM certificates every handshake. */
const secureContexts = new Map<string, SecureContext>();

/** A context trusting Node's bundled CAs and the given PEM certificates (like NODE_EXTRA_CA_CERTS). */
function secureContextFor(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (!context) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

/**
 * Node's error codes for a TLS handshake that got an answer which is not TLS (a plain ws:// server, an HTTP
 * answer): OpenSSL 3 names the record it could not read; EPROTO is what older builds say.
 */
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST', 'EPROTO']);

/** The server answered a TLS handshake in plain text: it does not speak TLS on that port. */
export function answeredWithoutTls(code: string | undefined): boolean {
  return code !== undefined && NOT_TLS_CODES.has(code);
}

/**
 * A certificate that does not verify (DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID, ...) or no TLS at
 * all on a wss:// URL: waiting will not change either.
 */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && (/CERT|SELF_SIGNED|^ERR_TLS_|^ERR_SSL_/.test(code) || answeredWithoutTls(code));
}
