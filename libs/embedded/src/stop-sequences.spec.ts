import { StopSequences } from './stop-sequences';

describe('StopSequences', () => {
  it('emits everything at once without stop strings', () => {
    const stops = new StopSequences([]);
    expect(stops.push('hello')).toEqual({ text: 'hello', stopped: false });
  });

  it('holds back a possible prefix and stops before a stop string split across chunks', () => {
    const stops = new StopSequences(['END']);
    expect(stops.push('abcE')).toEqual({ text: 'ab', stopped: false });
    expect(stops.push('N')).toEqual({ text: 'c', stopped: false });
    expect(stops.push('Dxyz')).toEqual({ text: '', stopped: true });
  });

  it('releases held text that turned out not to be a stop string', () => {
    const stops = new StopSequences(['\n\n', 'STOP']);
    expect(stops.push('one\n')).toEqual({ text: 'o', stopped: false });
    expect(stops.push('two')).toEqual({ text: 'ne\n', stopped: false });
    expect(stops.flush()).toBe('two');
  });

  it('stops at the earliest of several stop strings', () => {
    const stops = new StopSequences(['b', 'a']);
    expect(stops.push('xxab')).toEqual({ text: 'xx', stopped: true });
  });
});
