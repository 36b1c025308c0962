// RFC 3986 percent-encoding as SigV4 defines it (UriEncode in the AWS
// reference), plus the lenient decoding the verifiers need to rebuild what a
// client signed from what it sent.

const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/;
// encodeURIComponent leaves these sub-delims alone; SigV4 encodes them.
const LEFT_BY_ENCODE_URI = /[!'()*]/g;

function encodeSubDelim(c: string): string {
  return '%' + c.charCodeAt(0).toString(16).toUpperCase();
}

/**
 * Encodes every UTF-8 byte except A-Za-z0-9-_.~ (and '/' when keepSlash).
 * Throws URIError on a lone surrogate, which no client can have signed.
 */
export function uriEncode(value: string, keepSlash: boolean): string {
  if ((keepSlash ? UNRESERVED_PATH : UNRESERVED).test(value)) return value;
  const encoded = encodeURIComponent(value).replace(LEFT_BY_ENCODE_URI, encodeSubDelim);
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded;
}

/** Percent-decodes without turning '+' into a space; undefined when malformed. */
export function percentDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** One query parameter exactly as sent: names and values still encoded. */
export interface RawParam {
  name: string;
  /** undefined for a bare name (`?uploads`), '' for `?uploads=`. */
  value: string | undefined;
}

/** Splits the query part of a request URL into its parameters, in the order sent. */
export function rawQueryParams(url: string): RawParam[] {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return [];
  const params: RawParam[] = [];
  for (const part of url.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    params.push(eq < 0 ? { name: part, value: undefined } : { name: part.slice(0, eq), value: part.slice(eq + 1) });
  }
  return params;
}
