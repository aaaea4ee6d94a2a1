import { progressBar } from './progress-bar';

describe('progressBar', () => {
  it('fills in proportion and never passes 100%', () => {
    expect(progressBar(45n, 100n, 20)).toBe('[#########-----------]  45%');
    expect(progressBar(0n, 100n, 10)).toBe('[----------]   0%');
    expect(progressBar(150n, 100n, 10)).toBe('[##########] 100%');
  });

  it('shows an empty backlog as done', () => {
    expect(progressBar(0n, 0n, 4)).toBe('[####] 100%');
  });
});
