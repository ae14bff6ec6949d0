import { Writable } from 'node:stream';

import { GatewayConfig } from '@gateway/config';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { PARAMS_PROVIDER_TOKEN, type Params } from 'nestjs-pino';
import type { Options } from 'pino-http';

import { loggerParams } from '../../src/http/logging';

/** Everything the gateway logs: the text as written, and each JSON line parsed. */
export class LogCapture extends Writable {
  text = '';
  readonly lines: Array<Record<string, unknown>> = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const text = chunk.toString();
    this.text += text;
    for (const line of text.split('\n')) {
      if (line.trim() !== '') {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    }
    done();
  }

  /** The access-log line of one request (by its X-Request-Id). */
  accessLine(requestId: string): Record<string, unknown> | undefined {
    return this.lines.find(
      (line) => (line.req as { id?: string } | undefined)?.id === requestId && 'outcome' in line,
    );
  }

  /**
   * For TestAppOptions.customise: the gateway's own logger configuration (level, redaction,
   * serializers), writing here instead of stdout.
   */
  readonly into = (builder: TestingModuleBuilder): TestingModuleBuilder =>
    builder.overrideProvider(PARAMS_PROVIDER_TOKEN).useFactory({
      inject: [GatewayConfig],
      factory: (config: GatewayConfig): Params => {
        const params = loggerParams(config);
        return { ...params, pinoHttp: [params.pinoHttp as Options, this] };
      },
    });
}
