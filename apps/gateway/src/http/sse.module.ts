import { Module } from '@nestjs/common';

import { SseStreamer } from './sse-streamer';

@Module({
  providers: [SseStreamer],
  exports: [SseStreamer],
})
export class SseModule {}
