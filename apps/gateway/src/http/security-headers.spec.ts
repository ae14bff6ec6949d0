import type { HttpHardeningConfig } from '@gateway/config';

import { helmetHeaders } from './security-headers';

const withOrigins = (corsOrigins: string[]) => ({ corsOrigins }) as unknown as HttpHardeningConfig;

describe('helmetHeaders', () => {
  it("records helmet's headers for a JSON API once: nothing framed, sniffed or referred", () => {
    const headers = new Map(helmetHeaders(withOrigins([])));
    expect(headers.get('Content-Security-Policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(headers.get('X-Frame-Options')).toBe('DENY');
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(headers.has('Strict-Transport-Security')).toBe(false);
    expect(headers.has('X-Powered-By')).toBe(false);
  });

  it('lets browsers on the configured origins read the answers', () => {
    const headers = new Map(helmetHeaders(withOrigins(['https://app.example'])));
    expect(headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
  });
});
