import { alignUp, GGUF_TYPE, writeGguf, type GgufFile } from './gguf-writer';

/** Reads back what the writer wrote, independently of it, following gguf.md. */
class Reader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}
  u32(): number {
    this.offset += 4;
    return this.buf.readUInt32LE(this.offset - 4);
  }
  u64(): bigint {
    this.offset += 8;
    return this.buf.readBigUInt64LE(this.offset - 8);
  }
  string(): string {
    const length = Number(this.u64());
    this.offset += length;
    return this.buf.toString('utf8', this.offset - length, this.offset);
  }
}

const sample: GgufFile = {
  metadata: [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.alignment', { type: 'uint32', value: 32 }],
    ['flag', { type: 'bool', value: true }],
    ['scores', { type: 'array', of: 'float32', values: [0.5, -1] }],
    ['names', { type: 'array', of: 'string', values: ['a', 'bé'] }],
  ],
  tensors: [
    { name: 'odd', dims: [3], data: new Float32Array([1, 2, 3]) },
    { name: 'matrix', dims: [2, 2], data: new Float32Array([4, 5, 6, 7]) },
  ],
};

describe('writeGguf', () => {
  const file = writeGguf(sample);
  const reader = new Reader(file);

  it('writes the v3 header with tensor and metadata counts', () => {
    expect(file.subarray(0, 4).toString('ascii')).toBe('GGUF');
    reader.offset = 4;
    expect(reader.u32()).toBe(3);
    expect(reader.u64()).toBe(2n);
    expect(reader.u64()).toBe(5n);
  });

  it('writes typed metadata entries in order', () => {
    reader.offset = 24;
    expect(reader.string()).toBe('general.architecture');
    expect(reader.u32()).toBe(GGUF_TYPE.STRING);
    expect(reader.string()).toBe('llama');
    expect(reader.string()).toBe('general.alignment');
    expect(reader.u32()).toBe(GGUF_TYPE.UINT32);
    expect(reader.u32()).toBe(32);
    expect(reader.string()).toBe('flag');
    expect(reader.u32()).toBe(GGUF_TYPE.BOOL);
    expect(file[reader.offset]).toBe(1);
    reader.offset += 1;
    expect(reader.string()).toBe('scores');
    expect([reader.u32(), reader.u32(), reader.u64()]).toEqual([GGUF_TYPE.ARRAY, GGUF_TYPE.FLOAT32, 2n]);
    expect([file.readFloatLE(reader.offset), file.readFloatLE(reader.offset + 4)]).toEqual([0.5, -1]);
    reader.offset += 8;
    expect(reader.string()).toBe('names');
    expect([reader.u32(), reader.u32(), reader.u64()]).toEqual([GGUF_TYPE.ARRAY, GGUF_TYPE.STRING, 2n]);
    expect([reader.string(), reader.string()]).toEqual(['a', 'bé']);
  });

  it('aligns the data section and every tensor to 32 bytes', () => {
    const infos = [];
    for (let i = 0; i < 2; i += 1) {
      const name = reader.string();
      const dims = Array.from({ length: reader.u32() }, () => Number(reader.u64()));
      infos.push({ name, dims, type: reader.u32(), offset: Number(reader.u64()) });
    }
    expect(infos).toEqual([
      { name: 'odd', dims: [3], type: 0, offset: 0 },
      { name: 'matrix', dims: [2, 2], type: 0, offset: 32 },
    ]);
    const dataStart = alignUp(reader.offset, 32);
    expect(dataStart % 32).toBe(0);
    expect(file.readFloatLE(dataStart + 8)).toBe(3);
    expect(file.readFloatLE(dataStart + 32)).toBe(4);
    expect(file.readFloatLE(dataStart + 44)).toBe(7);
    expect(file.length % 32).toBe(0);
  });

  it('gives the same bytes for the same input', () => {
    expect(writeGguf(sample).equals(file)).toBe(true);
  });

  it('rejects a tensor whose data does not match its dims', () => {
    expect(() =>
      writeGguf({ metadata: [], tensors: [{ name: 't', dims: [2, 2], data: new Float32Array(3) }] }),
    ).toThrow('tensor t: dims hold 4 values, data has 3');
  });
});
