import { Module } from '@nestjs/common';

import { GenerationModule } from '../generation/generation.module';
import { GenerateController } from './generate.controller';

@Module({
  imports: [GenerationModule],
  controllers: [GenerateController],
})
export class GenerateModule {}
