// Which address a request comes from, for aws:SourceIp: the socket's peer,
// unless that peer is a configured trusted proxy — then the right-most
// address in X-Forwarded-For that is not itself a trusted proxy. A header
// from anyone else is ignored, so clients cannot forge their address.

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
