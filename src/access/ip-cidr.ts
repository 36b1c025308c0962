// IP addresses and CIDR blocks for the IpAddress / NotIpAddress condition
// operators on aws:SourceIp. An IPv4 client reached over a dual-stack socket
// shows up as ::ffff:a.b.c.d; both it and a ::ffff:0:0/96-or-longer block are
// turned into plain IPv4 so that a policy written with IPv4 blocks still
// applies. Other IPv6 blocks never match an IPv4 address, as in AWS (::/0
// does not mean "everyone").

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface CidrBlock extends IpAddress {
  readonly prefixLength: number;
}

/** Parses a client address; an IPv6 zone (`%eth0`) is ignored. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const zone = text.indexOf('%');
  return toIpv4IfMapped(parseAddress(zone >= 0 && text.includes(':') ? text.slice(0, zone) : text));
}

/** Parses `a.b.c.d/n`, `x:y::z/n`, or a bare address (a block of one). Host bits may be set. */
export function parseCidr(text: string): CidrBlock | undefined {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const bits = address.bytes.length * 8;
  let prefixLength = bits;
  if (slash >= 0) {
    const digits = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(digits)) return undefined;
    prefixLength = Number(digits);
    if (prefixLength > bits) return undefined;
  }
  if (address.family === 6 && prefixLength >= 96 && isIpv4Mapped(address.bytes)) {
    return { family: 4, bytes: address.bytes.slice(12), prefixLength: prefixLength - 96 };
  }
  return { ...address, prefixLength };
}

export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  if (block.family !== address.family) return false;
  const whole = block.prefixLength >>> 3;
  for (let i = 0; i < whole; i++) if (block.bytes[i] !== address.bytes[i]) return false;
  const rest = block.prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (block.bytes[whole]! & mask) === (address.bytes[whole]! & mask);
}

function parseAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    return bytes && { family: 6, bytes };
  }
  const bytes = parseIpv4(text);
  return bytes && { family: 4, bytes };
}

function toIpv4IfMapped(address: IpAddress | undefined): IpAddress | undefined {
  if (address?.family === 6 && isIpv4Mapped(address.bytes)) return { family: 4, bytes: address.bytes.slice(12) };
  return address;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

// No leading zeros: "010.0.0.1" is octal to some parsers and decimal to others.
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

function parseIpv4(text: string): Uint8Array | undefined {
  if (!IPV4.test(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const present = head.length + tail.length;
  if (halves.length === 2 ? present > 7 : present !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - present).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >>> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** Colon-separated 16-bit groups; the last may be a dotted IPv4 address (two groups). */
function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
