import { chunkBySize } from './record-chunks';

describe('chunkBySize', () => {
  const size = (n: number) => n;

  it('keeps order and fills chunks up to the budget', () => {
    expect(chunkBySize([3, 3, 3, 1, 5], size, 6)).toEqual([[3, 3], [3, 1], [5]]);
  });

  it('sends a record larger than the budget on its own', () => {
    expect(chunkBySize([1, 10, 1], size, 4)).toEqual([[1], [10], [1]]);
  });

  it('returns nothing for nothing, and one chunk when everything fits', () => {
    expect(chunkBySize([], size, 4)).toEqual([]);
    expect(chunkBySize([1, 1, 1], size, 100)).toEqual([[1, 1, 1]]);
  });

  it('refuses a non-positive budget', () => {
    expect(() => chunkBySize([1], size, 0)).toThrow(RangeError);
  });
});
