import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** Body of POST /api/show: `model`, or `name` as older clients send it. */
export class OllamaShowRequestDto {
  @ValidateIf((body: OllamaShowRequestDto) => body.name === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  model?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name?: string;

  @IsOptional()
  @IsBoolean()
  verbose?: boolean;
}
