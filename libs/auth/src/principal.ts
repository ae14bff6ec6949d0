import type { Request } from 'express';

/** Who is calling, once authenticated, and what they may do. */
export interface Principal {
  /** Key id from the keys file, or `jwt:<subject>`; never secret, safe to log. */
  id: string;
  /** Requests and tokens per minute; 0 means unlimited. */
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** Generations this caller may run at once; 0 means unlimited. */
  concurrency: number;
  /** Public model ids this caller may use; undefined means every model. */
  models?: string[];
}

const PRINCIPAL = Symbol('principal');

type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function attachPrincipal(req: Request, principal: Principal): void {
  (req as WithPrincipal)[PRINCIPAL] = principal;
}

/** The authenticated caller of this request; undefined when auth is off or the route is open. */
export function principalOf(req: Request): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}
