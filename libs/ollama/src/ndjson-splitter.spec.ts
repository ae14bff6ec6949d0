import { UpstreamProtocolError } from '@gateway/inference';
import { NdjsonSplitter } from './ndjson-splitter';

describe('NdjsonSplitter', () => {
  it('cuts lines across chunk boundaries and skips blank lines', () => {
    const splitter = new NdjsonSplitter(1024);
    expect(splitter.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(splitter.push(Buffer.from(':2}\n\n  \n{"c":3}'))).toEqual(['{"b":2}']);
    expect(splitter.end()).toBe('{"c":3}');
  });

  it('decodes a multi-byte character split between two chunks whole', () => {
    const bytes = Buffer.from('{"t":"é😀"}\n');
    const splitter = new NdjsonSplitter(1024);
    const lines = [...splitter.push(bytes.subarray(0, 8)), ...splitter.push(bytes.subarray(8))];
    expect(lines).toEqual(['{"t":"é😀"}']);
  });

  it('accepts a line of exactly the cap, one byte at a time', () => {
    const splitter = new NdjsonSplitter(4096);
    const line = Buffer.from(`${'x'.repeat(4096)}\n`);
    const lines: string[] = [];
    for (let i = 0; i < line.length; i += 1) {
      lines.push(...splitter.push(line.subarray(i, i + 1)));
    }
    expect(lines).toEqual(['x'.repeat(4096)]);
  });

  it('refuses a line one byte over the cap, with or without its newline yet', () => {
    expect(() => new NdjsonSplitter(10).push(Buffer.from(`${'x'.repeat(11)}\n`))).toThrow(
      UpstreamProtocolError,
    );
    const splitter = new NdjsonSplitter(10);
    splitter.push(Buffer.from('x'.repeat(6)));
    expect(() => splitter.push(Buffer.from('x'.repeat(5)))).toThrow(UpstreamProtocolError);
  });
});
