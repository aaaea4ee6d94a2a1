// Aggregation, broadcast and active/active (docs/use-cases/) on three real clusters: `east` and
// `west` are the two shared test clusters, `central` one of this file's own. One fleet (every
// service its own process) runs the six flows of the three scenarios from one mm2.properties, as
// an operator would run them; each scenario checks every record field by field.
import { decodeCheckpoint, decodeHeartbeat } from '@mirrormaker/mm2-formats';
import { DefaultReplicationPolicy, replicationHops, upstreamClusters } from '@mirrormaker/replication-policy';
import { IdleGroupOffsets } from '@mirrormaker/kafka';
import { readUntil } from '@mirrormaker/service-kit/testing';
import { eventually, startExtraTestClusters, testClusters, uniqueName, type ExtraTestClusters } from '@mirrormaker/testing';
import { patiently, startSystem, testClusterDefaults, uniqueAlias, type RunningSystem } from '../running-system';
import { closeClusters, produceRecords, readTopic, recordsIn, scenarioCluster, summary, type ScenarioCluster, type SeenRecord } from './scenario-records';

jest.setTimeout(300_000);

describe('use cases on three clusters', () => {
  const shared = testClusters();
  const [e, w, c] = [uniqueAlias('east'), uniqueAlias('west'), uniqueAlias('central')];
  const orders = uniqueName('orders');
  const prices = uniqueName('prices');
  const payments = uniqueName('payments');
  let extra: ExtraTestClusters<'central'>;
  let east: ScenarioCluster;
  let west: ScenarioCluster;
  let central: ScenarioCluster;
  let system: RunningSystem;
  const produced: Record<string, SeenRecord[]> = {};

  beforeAll(async () => {
    extra = await startExtraTestClusters(['central']);
    east = scenarioCluster(e, shared.source);
    west = scenarioCluster(w, shared.target);
    central = scenarioCluster(c, extra.connections.central);
    await east.admin.createTopics([
      { name: orders, partitions: 2, replicationFactor: 1 },
      { name: payments, partitions: 2, replicationFactor: 1 },
    ]);
    await west.admin.createTopics([
      { name: orders, partitions: 2, replicationFactor: 1 },
      { name: payments, partitions: 2, replicationFactor: 1 },
    ]);
    await central.admin.createTopics([{ name: prices, partitions: 3, replicationFactor: 1 }]);
    [produced.eastOrders, produced.westOrders, produced.prices, produced.eastPayments, produced.westPayments] = await Promise.all([
      produceRecords(east, orders, 2, 300, 'east-orders'),
      produceRecords(west, orders, 2, 250, 'west-orders'),
      produceRecords(central, prices, 3, 240, 'central-prices'),
      produceRecords(east, payments, 2, 120, 'east-payments'),
      produceRecords(west, payments, 2, 80, 'west-payments'),
    ]);

    const quick = (flow: string) => [
      `${flow}.enabled = true`,
      `${flow}.emit.checkpoints.interval.seconds = 1`,
      `${flow}.refresh.groups.interval.seconds = 1`,
      `${flow}.refresh.topics.interval.seconds = 2`,
    ];
    system = await startSystem(
      [
        `clusters = ${e}, ${w}, ${c}`,
        `${e}.bootstrap.servers = ${east.connection.bootstrap}`,
        `${w}.bootstrap.servers = ${west.connection.bootstrap}`,
        `${c}.bootstrap.servers = ${central.connection.bootstrap}`,
        // Aggregation: both regions into central.
        ...quick(`${e}->${c}`),
        `${e}->${c}.topics = ${orders}`,
        ...quick(`${w}->${c}`),
        `${w}->${c}.topics = ${orders}`,
        // Broadcast: central out to both regions.
        ...quick(`${c}->${e}`),
        `${c}->${e}.topics = ${prices}`,
        ...quick(`${c}->${w}`),
        `${c}->${w}.topics = ${prices}`,
        // Active/active between the regions.
        ...quick(`${e}->${w}`),
        `${e}->${w}.topics = ${payments}`,
        ...quick(`${w}->${e}`),
        `${w}->${e}.topics = ${payments}`,
        ...testClusterDefaults(),
      ],
      [{ app: 'data-mirror' }, { app: 'offset-sync' }, { app: 'topic-config-sync' }],
    );
  });

  afterAll(async () => {
    const exits = await system?.stop();
    await closeClusters([east, west, central].filter(Boolean));
    await extra?.stop();
    expect(exits).toEqual([0, 0, 0, 0]);
  });

  it('aggregation: central holds every record of east.orders and west.orders once, also through a regex', async () => {
    const fromEast = await readTopic(central, `${e}.${orders}`, produced.eastOrders!.length);
    const fromWest = await readTopic(central, `${w}.${orders}`, produced.westOrders!.length);
    expect(fromEast).toEqual(produced.eastOrders);
    expect(fromWest).toEqual(produced.westOrders);

    // A consumer subscribed by pattern sees both remote topics and nothing else of ours.
    const pattern = new RegExp(`^[^.]+\\.${orders.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const matched = (await central.admin.listTopics()).filter((t) => pattern.test(t)).sort();
    expect(matched).toEqual([`${e}.${orders}`, `${w}.${orders}`].sort());
    const throughPattern = (await Promise.all(matched.map((t) => readTopic(central, t, t.startsWith(`${e}.`) ? 300 : 250)))).flat();
    const values = throughPattern.map((r) => `${r.headers[0]![1]}/${r.headers[1]![1]}`);
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBe(produced.eastOrders!.length + produced.westOrders!.length);
    summary('aggregation', { east: fromEast.length, west: fromWest.length, viaPattern: throughPattern.length, duplicates: values.length - new Set(values).size });
  });

  it('broadcast: east and west each read central.prices locally, record for record', async () => {
    const inEast = await readTopic(east, `${c}.${prices}`, produced.prices!.length);
    const inWest = await readTopic(west, `${c}.${prices}`, produced.prices!.length);
    expect(inEast).toEqual(produced.prices);
    expect(inWest).toEqual(produced.prices);
    summary('broadcast', { produced: produced.prices!.length, east: inEast.length, west: inWest.length });
  });

  it('active/active: each side has its local and the remote payments, nothing loops back, heartbeats and checkpoints flow both ways', async () => {
    expect(await readTopic(west, `${e}.${payments}`, produced.eastPayments!.length)).toEqual(produced.eastPayments);
    expect(await readTopic(east, `${w}.${payments}`, produced.westPayments!.length)).toEqual(produced.westPayments);
    // The local topics hold only what was produced locally: no copy came back.
    expect(await recordsIn(east, payments)).toBe(BigInt(produced.eastPayments!.length));
    expect(await recordsIn(west, payments)).toBe(BigInt(produced.westPayments!.length));

    // A group on each side commits; its checkpoint appears on the other side.
    const group = uniqueName('payments-app');
    const commitOn = async (side: ScenarioCluster) => {
      const commits = new IdleGroupOffsets(side.client);
      await commits.commit(group, [{ topic: payments, partition: 0, offset: 10n, metadata: side.alias }]);
      await commits.close();
    };
    await Promise.all([commitOn(east), commitOn(west)]);
    const checkpointOf = async (on: ScenarioCluster, from: string) => {
      const records = await readUntil(
        on.client,
        `${from}.checkpoints.internal`,
        [0],
        (m) => m.get(0)!.some((r) => decodeCheckpoint(r.key!, r.value!).group === group),
        patiently.timeoutMs,
      );
      return records.get(0)!.map((r) => decodeCheckpoint(r.key!, r.value!)).find((cp) => cp.group === group)!;
    };
    const [onWest, onEast] = await Promise.all([checkpointOf(west, e), checkpointOf(east, w)]);
    expect(onWest).toMatchObject({ topic: `${e}.${payments}`, partition: 0, upstreamOffset: 10n, downstreamOffset: 10n, metadata: e });
    expect(onEast).toMatchObject({ topic: `${w}.${payments}`, partition: 0, upstreamOffset: 10n, downstreamOffset: 10n, metadata: w });

    // Heartbeats of each direction reach the other side under the source's prefix. A region's
    // `heartbeats` topic also holds those of central's broadcast flow (and of other test files'
    // flows on the shared clusters), so wait for this direction's own record, not for any record.
    const heartbeatFrom = async (on: ScenarioCluster, from: string, to: string) => {
      const isOurs = (r: { key: Buffer | null; value: Buffer | null }) => {
        const h = decodeHeartbeat(r.key!, r.value!);
        return h.sourceClusterAlias === to && h.targetClusterAlias === from;
      };
      await eventually(`${from}.heartbeats on ${on.alias}`, async () => ((await recordsIn(on, `${from}.heartbeats`)) ?? 0n) > 0n || undefined, patiently);
      const records = await readUntil(on.client, `${from}.heartbeats`, [0], (m) => m.get(0)!.some(isOurs), patiently.timeoutMs);
      return records.get(0)!.map((r) => decodeHeartbeat(r.key!, r.value!));
    };
    const [westSees, eastSees] = await Promise.all([heartbeatFrom(west, e, w), heartbeatFrom(east, w, e)]);
    expect(westSees.some((h) => h.sourceClusterAlias === w && h.targetClusterAlias === e)).toBe(true);
    expect(eastSees.some((h) => h.sourceClusterAlias === e && h.targetClusterAlias === w)).toBe(true);

    const [westAll, eastAll] = await Promise.all([west.admin.listTopics(), east.admin.listTopics()]);
    for (const looped of [`${e}.${w}.${payments}`, `${w}.${e}.${payments}`]) {
      expect(westAll).not.toContain(looped);
      expect(eastAll).not.toContain(looped);
    }
    // What MM2's RemoteClusterUtils answers from the topic names on each side. The two regions are
    // the shared test clusters, where other test files' flows copy heartbeats too (under their own
    // aliases, e.g. `<their source>.<west>.heartbeats`): only this scenario's topics count.
    const policy = new DefaultReplicationPolicy();
    const ours = (topics: string[]) => topics.filter((t) => t === 'heartbeats' || [e, w, c].some((alias) => t.startsWith(`${alias}.`)));
    const westTopics = ours(westAll);
    const eastTopics = ours(eastAll);
    expect([...upstreamClusters(policy, westTopics)]).toEqual(expect.arrayContaining([e, c]));
    expect([...upstreamClusters(policy, westTopics)]).not.toContain(w);
    expect([...upstreamClusters(policy, eastTopics)]).toEqual(expect.arrayContaining([w, c]));
    expect([...upstreamClusters(policy, eastTopics)]).not.toContain(e);
    expect([replicationHops(policy, westTopics, e), replicationHops(policy, westTopics, w)]).toEqual([1, -1]);
    expect([replicationHops(policy, eastTopics, w), replicationHops(policy, eastTopics, e)]).toEqual([1, -1]);
    summary('active/active', {
      eastToWest: produced.eastPayments!.length,
      westToEast: produced.westPayments!.length,
      loops: 0,
      heartbeats: `${westSees.length}+${eastSees.length}`,
      hopsWestFromEast: replicationHops(policy, westTopics, e),
    });
  });
});
