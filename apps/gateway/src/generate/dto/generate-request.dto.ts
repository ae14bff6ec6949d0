import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export const MAX_TOKENS_LIMIT = 2048;

/**
 * Optional, but `null` is validated like any other value: IsOptional lets null through, and a null
 * max_tokens would reach the backend with no limit at all.
 */
const OmittableNotNull = (): PropertyDecorator =>
  ValidateIf((_body: object, value: unknown) => value !== undefined);

/** Body of POST /v1/generate. Unknown fields are rejected and nothing is coerced. */
export class GenerateRequestDto {
  @IsNotEmpty()
  @IsString()
  prompt!: string;

  @OmittableNotNull()
  @Min(1)
  @Max(MAX_TOKENS_LIMIT)
  @IsInt()
  max_tokens: number = 256;

  @OmittableNotNull()
  @Min(0)
  @Max(2)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  temperature: number = 0.7;

  @OmittableNotNull()
  @Min(0)
  @Max(1)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  top_p: number = 0.9;

  /** Server-Sent Events instead of one JSON body. */
  @IsOptional()
  @IsBoolean()
  stream: boolean = false;
}
