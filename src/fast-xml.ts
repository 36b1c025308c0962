// fast-xml-parser, loaded from its one-file CommonJS build. Its ES module
// build is dozens of files and took ~80 ms to load, which every client
// command paid before doing anything (`aitta ls` answered slower than
// `s3cmd ls`); the bundle loads in ~15 ms. Same package, same version.

import { createRequire } from 'node:module';

export const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
