// Public API of the generated protobuf/gRPC code (package mirrormaker.v1). The files under gen/
// are produced by `nx run proto:generate` and never edited by hand.
import { join } from 'node:path';

export * from './gen/mirrormaker/v1/common';
export * from './gen/mirrormaker/v1/lease';
export * from './gen/mirrormaker/v1/offset_sync';
export * from './gen/mirrormaker/v1/control';
export { protobufPackage, protobufFileName, type DeepPartial, type MessageFns } from './gen/mirrormaker/v1/common';

/** Binary FileDescriptorSet of every mirrormaker.v1 file, for gRPC server reflection. */
export const descriptorSetPath = join(__dirname, 'gen', 'descriptor.binpb');
