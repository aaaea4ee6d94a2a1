/** @mirrormaker/lease/testing: helpers for the property tests of the domain libs (not part of the lease API). */
export { SeededRandom } from './seeded-random';
