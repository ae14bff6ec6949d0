import type { IncomingMessage } from 'node:http';

import { maybeContextOf, type Caller } from '@gateway/request-context';

/** Who is calling, once authenticated, and what they may do. */
export type Principal = Caller;

/** The authenticated caller of this request; undefined when auth is off or the route is public. */
export function principalOf(req: IncomingMessage): Principal | undefined {
  return maybeContextOf(req)?.caller;
}
