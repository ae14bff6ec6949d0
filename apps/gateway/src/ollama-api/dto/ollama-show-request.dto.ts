import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

/** Body of POST /api/show: `model`, or `name` as older clients send it. */
export class OllamaShowRequestDto {
  @ValidateIf((body: OllamaShowRequestDto) => body.name === undefined)
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model?: string;

  @IsOptional()
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  name?: string;

  @IsOptional()
  @IsBoolean()
  verbose?: boolean;
}
