import { LiveView } from './live-view';

function output(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  return { written, out: { isTTY, columns, write: (t: string) => written.push(t) } };
}

describe('LiveView', () => {
  it('prints the plain lines, and never escape codes, when the output is not a terminal', () => {
    const { written, out } = output(false);
    const view = new LiveView(out);
    view.show({ screen: ['big', 'screen'], plain: ['one line'] });
    view.show({ screen: ['big', 'screen'], plain: ['next line'] });
    expect(written.join('')).toBe('one line\nnext line\n');
  });

  it('redraws in place on a terminal: back up over the last frame, clear each line and what is left below', () => {
    const { written, out } = output(true);
    const view = new LiveView(out);
    view.show({ screen: ['a', 'b', 'c'], plain: [] });
    view.show({ screen: ['x'], plain: [] });
    expect(written[0]).toBe('a\x1b[K\nb\x1b[K\nc\x1b[K\n\x1b[J');
    expect(written[1]).toBe('\x1b[3Fx\x1b[K\n\x1b[J');
  });

  it('cuts lines to the terminal width so a wrapped line cannot spoil the next redraw', () => {
    const { written, out } = output(true, 6);
    new LiveView(out).show({ screen: ['abcdefghij'], plain: [] });
    expect(written[0]).toBe('abcde\x1b[K\n\x1b[J');
  });
});
