import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

/** Says loudly at start-up when nobody is being authenticated. */
@Injectable()
export class AuthStartupWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(private readonly config: GatewayConfig) {}

  onApplicationBootstrap(): void {
    const { methods, modeDefaulted } = this.config.auth;
    if (methods.length > 0) {
      this.logger.log(`authentication on: ${methods.join(', ')}`);
      return;
    }
    const why = modeDefaulted ? 'AUTH_MODE is unset (the default outside production)' : 'AUTH_MODE=none';
    this.logger.warn(`authentication is OFF: ${why}; anyone who can reach /v1/* can use it, unlimited`);
  }
}
