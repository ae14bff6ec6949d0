import { imageCommand } from './image-command';

describe('imageCommand', () => {
  it('splits the CMD into Node flags and the entry point', () => {
    const dockerfile =
      'FROM x\nCMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=20", "dist/main.js"]\n';
    expect(imageCommand(dockerfile)).toEqual({
      nodeFlags: ['--max-semi-space-size=8', '--heap-growing-percent=20'],
      entry: 'dist/main.js',
    });
  });

  it('accepts a CMD without flags', () => {
    expect(imageCommand('CMD ["node", "dist/main.js"]')).toEqual({ nodeFlags: [], entry: 'dist/main.js' });
  });

  it('refuses a CMD that does not run a script with node', () => {
    expect(() => imageCommand('CMD ["npm", "start"]')).toThrow(/Dockerfile CMD/);
    expect(() => imageCommand('CMD ["node", "dist/main.js", "--port"]')).toThrow(/Dockerfile CMD/);
    expect(() => imageCommand('CMD node dist/main.js')).toThrow(/Dockerfile CMD/);
  });

  it('reads the repository Dockerfile', () => {
    const { entry, nodeFlags } = imageCommand();
    expect(entry).toBe('dist/apps/gateway/src/main.js');
    expect(nodeFlags.every((flag) => flag.startsWith('--'))).toBe(true);
  });
});
