import { planTopics } from './topic-plan';

const remote = (t: string) => `A.${t}`;

describe('planTopics', () => {
  it('creates missing remote topics with the source partition count', () => {
    expect(planTopics(new Map([['b', 2], ['a', 3]]), new Map(), remote)).toEqual({
      create: [
        { source: 'a', remote: 'A.a', partitions: 3 },
        { source: 'b', remote: 'A.b', partitions: 2 },
      ],
      grow: [],
      existing: [],
    });
  });

  it('grows a remote topic with fewer partitions, never shrinks one with more', () => {
    const plan = planTopics(
      new Map([
        ['grew', 5],
        ['shrank', 2],
        ['same', 4],
      ]),
      new Map([
        ['A.grew', 3],
        ['A.shrank', 4],
        ['A.same', 4],
        ['A.orphan', 9],
      ]),
      remote,
    );
    expect(plan.create).toEqual([]);
    expect(plan.grow).toEqual([{ source: 'grew', remote: 'A.grew', from: 3, to: 5 }]);
    expect(plan.existing.map((p) => p.source)).toEqual(['grew', 'same', 'shrank']);
  });
});
