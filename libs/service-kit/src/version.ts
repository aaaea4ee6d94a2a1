/** Version reported by every service (build-info metric, lease registration); kept equal to package.json's. */
export const MIRRORMAKER_VERSION = '0.1.0';
