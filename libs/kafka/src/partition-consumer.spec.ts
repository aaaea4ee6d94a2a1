import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { exactAssigner } from './partition-consumer';

const context = { cluster: {} as Cluster, groupId: 'g', logger: {} as Logger };

describe('exactAssigner', () => {
  it('gives every member exactly the partitions it declared', async () => {
    const mine = exactAssigner({ orders: [0, 2], payments: [5] })(context);
    const other = exactAssigner({ orders: [1] })(context);
    const members = [
      { memberId: 'm1', memberMetadata: mine.protocol({ topics: ['orders', 'payments'] }).metadata },
      { memberId: 'm2', memberMetadata: other.protocol({ topics: ['orders'] }).metadata },
    ];
    const assignment = await mine.assign({ members, topics: ['orders', 'payments'] });
    const decoded = Object.fromEntries(assignment.map((a) => [a.memberId, AssignerProtocol.MemberAssignment.decode(a.memberAssignment)?.assignment]));
    expect(decoded).toEqual({ m1: { orders: [0, 2], payments: [5] }, m2: { orders: [1] } });
  });

  it('declares its topics in the subscription metadata', () => {
    const { name, metadata } = exactAssigner({ t: [3] })(context).protocol({ topics: ['t'] });
    expect(name).toBe('MirrorMakerExactAssigner');
    expect(AssignerProtocol.MemberMetadata.decode(metadata)).toMatchObject({ version: 1, topics: ['t'] });
  });

  it('assigns nothing to a member whose metadata it cannot read', async () => {
    const assigner = exactAssigner({ t: [0] })(context);
    const garbage = AssignerProtocol.MemberMetadata.encode({ version: 1, topics: ['t'], userData: Buffer.from('not json') });
    const [result] = await assigner.assign({ members: [{ memberId: 'x', memberMetadata: garbage }], topics: ['t'] });
    expect(AssignerProtocol.MemberAssignment.decode(result.memberAssignment)?.assignment).toEqual({});
  });
});
