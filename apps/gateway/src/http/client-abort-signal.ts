import type { Response } from 'express';

/**
 * A signal that fires when the client goes away before the response is complete.
 * (`req`'s close event fires as soon as the body is read, so the response's is the one to watch.)
 */
export function clientAbortSignal(res: Response): AbortSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) {
      controller.abort(new Error('client disconnected'));
    }
  };
  if (res.destroyed) {
    onClose();
  } else {
    res.once('close', onClose);
  }
  return controller.signal;
}
