import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import 'reflect-metadata';

import { getMetadataStorage } from 'class-validator';

import { EmbeddingsRequestDto } from '../embeddings/dto/embeddings-request.dto';
import { ChatCompletionRequestDto, ChatMessageDto } from './dto/chat-completion-request.dto';
import { CompletionRequestDto } from './dto/completion-request.dto';

/** Each table of docs/api.md "Request fields", by its heading, and the DTO whose validators it describes. */
const TABLES: Array<[string, object]> = [
  ['#### `POST /v1/chat/completions`', ChatCompletionRequestDto],
  ['#### `messages[]`', ChatMessageDto],
  ['#### `POST /v1/completions`', CompletionRequestDto],
  ['#### `POST /v1/embeddings`', EmbeddingsRequestDto],
];

const docs = readFileSync(join(__dirname, '../../../../docs/api.md'), 'utf8');

function tableAfter(heading: string): string[] {
  const start = docs.indexOf(`${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = docs.slice(start).split('\n').slice(1);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows = lines.slice(
    first,
    lines.findIndex((line, i) => i > first && !line.startsWith('|')),
  );
  expect(rows[0].split('|').map((cell) => cell.trim())).toEqual([
    '',
    'Field',
    'Ollama',
    'Embedded',
    'Notes',
    '',
  ]);
  return rows.slice(2);
}

function validatedFields(dto: object): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto as never, '', true, false);
  return [...new Set(metadata.map((item) => item.propertyName))].sort();
}

describe('docs/api.md request field tables', () => {
  it.each(TABLES)(
    '%s lists exactly the fields the validators accept, with both backend columns',
    (heading, dto) => {
      const rows = tableAfter(heading);
      const cells = rows.map((row) => row.split('|').map((cell) => cell.trim()));
      for (const row of cells) {
        // ['', field, ollama, embedded, notes, '']
        expect(row).toHaveLength(6);
        expect(row[2]).not.toBe('');
        expect(row[3]).not.toBe('');
      }
      const documented = cells.flatMap((row) =>
        [...row[1].matchAll(/`([a-z_]+)`/g)].map((match) => match[1]),
      );
      expect([...new Set(documented)].sort()).toEqual(validatedFields(dto));
    },
  );
});
