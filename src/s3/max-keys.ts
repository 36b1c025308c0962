// Page-size parameters (max-keys, max-parts, max-uploads): a whole number,
// capped at S3's 1000; anything else is InvalidArgument.

import { errors } from '../errors.js';
import { MAX_KEYS_PER_PAGE } from '../limits.js';

export function pageSize(query: URLSearchParams, name: string): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return MAX_KEYS_PER_PAGE;
  if (!/^-?\d+$/.test(raw)) throw errors.invalidArgument(`Provided ${name} not an integer or within integer range`, name, raw);
  const value = Number(raw);
  if (value < 0) throw errors.invalidArgument(`Argument ${name} must be an integer between 0 and 2147483647`, name, raw);
  return Math.min(value, MAX_KEYS_PER_PAGE);
}

/** encoding-type: only "url" exists. */
export function urlEncodingRequested(query: URLSearchParams): boolean {
  const value = query.get('encoding-type');
  if (value === null) return false;
  if (value.toLowerCase() !== 'url') throw errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', value);
  return true;
}

/** S3's encoding-type=url form: percent-encoding with '+' for spaces, '/' kept. */
export function urlEncodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}
