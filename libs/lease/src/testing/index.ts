/** @mirrormaker/lease/testing: helpers for the property and fuzz tests of the domain libs (not part of the lease API). */
export { SeededRandom } from './seeded-random';
export { forEachSeed, mutateBytes, mutateText, randomBytes, randomText, type Mutation } from './fuzz-inputs';
