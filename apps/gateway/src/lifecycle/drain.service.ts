import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import { Injectable, Logger, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GatewayConfig } from '@gateway/config';
import { DrainState } from '@gateway/health';

import { InFlightTracker } from './in-flight.tracker';

/** After the deadline: time for the terminal error events and 503s to be written before connections close. */
export const TERMINAL_GRACE_MS = 2_000;

/**
 * Graceful drain on SIGTERM. Nest's shutdown runs onModuleDestroy, then beforeApplicationShutdown, then
 * closes the HTTP server: readiness fails in the first phase, the second waits until the API requests
 * already accepted (streams included) are finished or DRAIN_TIMEOUT_MS has passed, then the server
 * closes (idle keep-alive sockets with it) and the process exits 0. At the deadline every generation
 * still running is ended with a terminal error (a stream's error event in its dialect, or a 503 with
 * Retry-After), given up to TERMINAL_GRACE_MS to be written; only what is left then is cut.
 */
@Injectable()
export class DrainService implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Drain');
  private signalled = false;

  constructor(
    private readonly state: DrainState,
    private readonly tracker: InFlightTracker,
    private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Runs first on shutdown. Only a signal drains: a plain app.close() (tests, embedders) does not wait. */
  onModuleDestroy(): void {
    this.state.begin();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!signal || this.signalled) {
      return;
    }
    this.signalled = true;
    // Keep-alive clients are told to reconnect elsewhere after their current response.
    this.server()?.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Connection', 'close');
    });
    const timeoutMs = this.config.server.drainTimeoutMs;
    const pending = this.tracker.inFlight;
    this.logger.log(`${signal}: readiness is failing; draining ${pending} request(s), up to ${timeoutMs} ms`);
    if (await this.tracker.whenIdle(timeoutMs)) {
      this.logger.log('drained: every accepted request finished');
      return;
    }
    this.logger.warn(`drain deadline: ending ${this.tracker.inFlight} request(s) with a terminal error`);
    this.state.expire();
    if (!(await this.tracker.whenIdle(TERMINAL_GRACE_MS))) {
      this.logger.warn(
        `closing ${this.tracker.inFlight} connection(s) that could not take their terminal error`,
      );
      this.server()?.closeAllConnections();
    }
  }

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }
}
