// Which address a request comes from, for aws:SourceIp: the socket's peer,
// unless that peer is a configured trusted proxy — then the right-most
// address in X-Forwarded-For that is not itself a trusted proxy. And whether
// it came over TLS, for aws:SecureTransport: a TLS socket, or a trusted
// proxy's X-Forwarded-Proto: https. Headers from anyone else are ignored, so
// clients cannot forge either.

import type { IncomingMessage } from 'node:http';

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function clientAddress(req: IncomingMessage, trustedProxies: ReadonlySet<string>): string {
  const peer = plain(req.socket.remoteAddress ?? '');
  if (!trustedProxies.has(peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => plain(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peer;
}

/** The proxy's own X-Forwarded-Proto (the last one, if a header came through several). */
export function viaTls(req: IncomingMessage, trustedProxies: ReadonlySet<string>): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trustedProxies.has(plain(req.socket.remoteAddress ?? ''))) return false;
  const header = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').at(-1)!.trim().toLowerCase();
  return proto === 'https';
}
