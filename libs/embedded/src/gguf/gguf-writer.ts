/** GGUF v3 value type ids (see gguf.md). */
export const GGUF_TYPE = {
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
} as const;

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGML_TYPE_F32 = 0;
export const DEFAULT_ALIGNMENT = 32;

type ScalarType = 'uint32' | 'int32' | 'float32' | 'bool' | 'string' | 'uint64';

export type GgufValue =
  | { type: 'uint32' | 'int32' | 'float32'; value: number }
  | { type: 'uint64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'array'; of: 'uint32' | 'int32' | 'float32'; values: readonly number[] }
  | { type: 'array'; of: 'string'; values: readonly string[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the innermost, fastest-varying dimension. */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufFile {
  /** Written in this order; `general.alignment`, if present, must match `alignment`. */
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
  alignment?: number;
}

const TYPE_IDS: Record<ScalarType, number> = {
  uint32: GGUF_TYPE.UINT32,
  int32: GGUF_TYPE.INT32,
  float32: GGUF_TYPE.FLOAT32,
  bool: GGUF_TYPE.BOOL,
  string: GGUF_TYPE.STRING,
  uint64: GGUF_TYPE.UINT64,
};

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

/** Serialises a GGUF v3 file with F32 tensors; the output depends on nothing but the input. */
export function writeGguf(file: GgufFile): Buffer {
  const alignment = file.alignment ?? DEFAULT_ALIGNMENT;
  const header = new ByteSink();
  header.ascii(GGUF_MAGIC);
  header.u32(GGUF_VERSION);
  header.u64(BigInt(file.tensors.length));
  header.u64(BigInt(file.metadata.length));
  for (const [key, value] of file.metadata) {
    header.string(key);
    writeValue(header, value);
  }
  // Each tensor's offset within the data section, written into the header and used again to copy it there.
  const offsets: number[] = [];
  let dataSize = 0;
  for (const tensor of file.tensors) {
    checkTensor(tensor);
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    tensor.dims.forEach((dim) => header.u64(BigInt(dim)));
    header.u32(GGML_TYPE_F32);
    dataSize = alignUp(dataSize, alignment);
    offsets.push(dataSize);
    header.u64(BigInt(dataSize));
    dataSize += tensor.data.byteLength;
  }
  const dataStart = alignUp(header.length, alignment);
  const out = Buffer.alloc(dataStart + alignUp(dataSize, alignment));
  header.copyTo(out);
  file.tensors.forEach((tensor, i) => {
    const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    bytes.copy(out, dataStart + offsets[i]);
  });
  return out;
}

function checkTensor(tensor: GgufTensor): void {
  const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (elements !== tensor.data.length) {
    throw new Error(`tensor ${tensor.name}: dims hold ${elements} values, data has ${tensor.data.length}`);
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  if (value.type === 'array') {
    sink.u32(GGUF_TYPE.ARRAY);
    sink.u32(TYPE_IDS[value.of]);
    sink.u64(BigInt(value.values.length));
    for (const element of value.values) {
      writeScalar(sink, value.of, element);
    }
    return;
  }
  sink.u32(TYPE_IDS[value.type]);
  writeScalar(sink, value.type, value.value);
}

function writeScalar(sink: ByteSink, type: ScalarType, value: number | bigint | boolean | string): void {
  switch (type) {
    case 'uint32':
      return sink.u32(value as number);
    case 'int32':
      return sink.i32(value as number);
    case 'float32':
      return sink.f32(value as number);
    case 'bool':
      return sink.u8(value ? 1 : 0);
    case 'string':
      return sink.string(value as string);
    case 'uint64':
      return sink.u64(value as bigint);
  }
}

/** A growable little-endian byte buffer for the header part of the file. */
class ByteSink {
  private buffer = Buffer.alloc(64 * 1024);
  length = 0;

  ascii(text: string): void {
    this.bytes(Buffer.from(text, 'ascii'));
  }

  string(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.u64(BigInt(bytes.length));
    this.bytes(bytes);
  }

  u8(value: number): void {
    this.reserve(1).writeUInt8(value, this.length - 1);
  }

  u32(value: number): void {
    this.reserve(4).writeUInt32LE(value, this.length - 4);
  }

  i32(value: number): void {
    this.reserve(4).writeInt32LE(value, this.length - 4);
  }

  f32(value: number): void {
    this.reserve(4).writeFloatLE(value, this.length - 4);
  }

  u64(value: bigint): void {
    this.reserve(8).writeBigUInt64LE(value, this.length - 8);
  }

  copyTo(target: Buffer): void {
    this.buffer.copy(target, 0, 0, this.length);
  }

  private bytes(bytes: Buffer): void {
    bytes.copy(this.reserve(bytes.length), this.length - bytes.length);
  }

  /** Grows the buffer if needed, advances `length` by `size` and returns the buffer to write into. */
  private reserve(size: number): Buffer {
    if (this.length + size > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + size));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += size;
    return this.buffer;
  }
}
