import { decodeEpochs, decodeLeader, decodeMember, encodeEpochs, encodeRecord } from './leader-record';

describe('leader topic records', () => {
  it('round-trips a leader record, keeping a resignation', () => {
    const record = { term: 7, leaderId: 'coord-a', address: 'a:7000', at: 1, resigned: true };
    expect(decodeLeader(encodeRecord(record))).toEqual(record);
    expect(decodeLeader(encodeRecord({ term: 8, leaderId: 'b', address: 'b:7000', at: 2 }))).not.toHaveProperty('resigned');
  });

  it('round-trips the mark of a takeover record, absent from records that may confirm their writer', () => {
    const takeover = { term: 9, leaderId: 'c', address: 'c:7000', at: 3, takeover: true };
    expect(decodeLeader(encodeRecord(takeover))).toEqual(takeover);
    expect(decodeLeader(encodeRecord({ term: 9, leaderId: 'c', address: 'c:7000', at: 4 }))).not.toHaveProperty('takeover');
  });

  it('round-trips epochs and drops entries that are not positive integers', () => {
    expect(decodeEpochs(encodeEpochs(new Map([['partition/A->B/t/0', 3]])))).toEqual(new Map([['partition/A->B/t/0', 3]]));
    expect(decodeEpochs(Buffer.from('{"a":2,"b":-1,"c":"x","d":1.5}'))).toEqual(new Map([['a', 2]]));
  });

  it('reads nothing from a value that is not one of ours, instead of failing', () => {
    for (const bad of [null, Buffer.from('not json'), Buffer.from('[1]'), Buffer.from('{"term":"x"}')]) {
      expect(decodeLeader(bad)).toBeUndefined();
    }
    expect(decodeMember(Buffer.from('{"id":"a","role":"boss"}'))).toBeUndefined();
    expect(decodeEpochs(Buffer.from('oops'))).toBeUndefined();
  });
});
