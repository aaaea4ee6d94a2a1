import { boundStatusDetails, MAX_STATUS_DETAILS_BYTES } from './bounded-status';

describe('boundStatusDetails', () => {
  it('keeps a message that fits', () => {
    expect(boundStatusDetails("no instance 'w-1' is registered")).toBe("no instance 'w-1' is registered");
  });

  it('cuts a message echoing a megabyte-long field, saying how long it was', () => {
    const details = boundStatusDetails(`no instance '${'x'.repeat(1_000_000)}' is registered`);
    expect(Buffer.byteLength(details)).toBeLessThanOrEqual(MAX_STATUS_DETAILS_BYTES);
    expect(details).toMatch(/^no instance 'x+ … \(1000028 bytes, cut\)$/);
  });

  it('never cuts a character in half', () => {
    const details = boundStatusDetails('€'.repeat(5000));
    expect(Buffer.byteLength(details)).toBeLessThanOrEqual(MAX_STATUS_DETAILS_BYTES);
    expect(details).toMatch(/^€+ … \(15000 bytes, cut\)$/);
  });
});
