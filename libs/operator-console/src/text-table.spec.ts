import { renderTable } from './text-table';

describe('renderTable', () => {
  it('pads columns to their widest cell, right-aligns numbers and leaves no trailing spaces', () => {
    const lines = renderTable(
      [{ header: 'TOPIC' }, { header: 'LAG', align: 'right' }, { header: 'NOTE' }],
      [
        ['orders', '1,200', ''],
        ['a', '3', 'stalled'],
      ],
    );
    expect(lines).toEqual(['TOPIC     LAG  NOTE', 'orders  1,200', 'a           3  stalled']);
  });
});
