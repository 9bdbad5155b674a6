/**
 * How MySQL URL parameters become mysql2's `ssl` option (src/dialects/mysql/tls.ts): each
 * spelling users write, and each refusal (exit 2, `BadUrl`) where honouring is impossible. The
 * encrypted sessions themselves are proven on a private MariaDB in test/cli/mysql-tls.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUrl } from '../../src/config/url.js';
import { tlsOptions } from '../../src/dialects/mysql/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'retort-tls-unit-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, 'CA PEM');
writeFileSync(join(dir, 'cert.pem'), 'CERT PEM');
writeFileSync(join(dir, 'key.pem'), 'KEY PEM');

const tls = (query: string, host = 'db.example.com') => tlsOptions(parseUrl(`mysql://app:pw@${host}/app${query}`));

describe('tlsOptions', () => {
  it('no TLS parameter, or a disabling one: plain text', () => {
    expect(tls('')).toBeUndefined();
    expect(tls('?ssl-mode=DISABLED')).toBeUndefined();
    expect(tls('?sslmode=disable')).toBeUndefined();
    expect(tls('?ssl=false')).toBeUndefined();
  });

  it('REQUIRED in every spelling: encrypted, unverified', () => {
    for (const query of ['?ssl-mode=REQUIRED', '?ssl_mode=required', '?sslmode=require', '?ssl=true', '?ssl=1']) {
      expect(tls(query), query).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
    }
  });

  it('with an authority: REQUIRED and VERIFY_CA check the chain, VERIFY_IDENTITY (verify-full) also the host name', () => {
    expect(tls(`?ssl-mode=REQUIRED&ssl-ca=${ca}`)).toEqual({ ca: 'CA PEM', rejectUnauthorized: true, verifyIdentity: false });
    expect(tls(`?ssl-mode=VERIFY_CA&ssl_ca=${ca}`)).toEqual({ ca: 'CA PEM', rejectUnauthorized: true, verifyIdentity: false });
    expect(tls(`?sslmode=verify-full&sslrootcert=${ca}`)).toEqual({ ca: 'CA PEM', rejectUnauthorized: true, verifyIdentity: true });
    expect(tls(`?ssl-mode=VERIFY_IDENTITY&ssl-ca=${ca}&ssl-cert=${join(dir, 'cert.pem')}&ssl-key=${join(dir, 'key.pem')}`)).toEqual({
      ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', rejectUnauthorized: true, verifyIdentity: true,
    });
  });

  it.each([
    ['?ssl-mode=PREFERRED', /not supported: retort never falls back to plain text/],
    ['?sslmode=prefer', /not supported: retort never falls back to plain text/],
    ['?ssl-mode=VERIFY_CA', /needs the certificate authority/],
    [`?ssl-ca=${ca}`, /TLS is not asked for/],
    [`?ssl-mode=DISABLED&ssl-ca=${ca}`, /TLS is disabled/],
    ['?ssl-mode=SOMETIMES', /not a TLS mode/],
    ['?ssl=maybe', /neither true nor false/],
    ['?ssl-mode=REQUIRED&ssl-ca=/nonexistent/ca.pem', /cannot be read/],
    ['?ssl-cipher=AES', /`ssl-cipher` is not supported/],
    ['?charset=latin1', /`charset` is not supported/],
  ])('%s is refused with BadUrl, the password masked', (query, message) => {
    let error: unknown;
    try {
      tls(query);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'BadUrl', exitCode: 2 });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(':pw@');
  });

  it('VERIFY_IDENTITY with an IP address is refused (the driver would check the name localhost)', () => {
    expect(() => tls(`?ssl-mode=VERIFY_IDENTITY&ssl-ca=${ca}`, '10.0.0.7')).toThrow(/not an IP address/);
  });
});
