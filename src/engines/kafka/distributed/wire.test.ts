import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_STRIDE } from '../slice-protocol.js';
import { decodeEvents, encodeEvents } from './wire.js';

const event = fc.tuple(
  fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: -1, max: 1e7 }),
  fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0, max: 9e10, noNaN: true }), fc.integer({ min: 0, max: 1e6 }),
  fc.integer({ min: -1, max: 999 }), fc.integer({ min: -1, max: 9999 }), fc.integer({ min: -1, max: 2 ** 40 }), fc.double({ min: -1e6, max: 9e10, noNaN: true }), fc.integer({ min: 0, max: 2e6 }),
);

describe('events on the results topic', () => {
  it('come back exactly as they went, whatever the values (columns, or plain float64 when a value does not fit)', () => {
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 200 }), (events) => {
      const data = Float64Array.from(events.flat());
      expect(decodeEvents(encodeEvents(data, data.length))).toEqual(data);
    }), { numRuns: 200 });
  });

  it('a slice\'s larger buffer: only the first `numbers` go', () => {
    const data = new Float64Array(10 * EVENT_STRIDE).map((_, i) => i);
    expect(decodeEvents(encodeEvents(data, 3 * EVENT_STRIDE))).toEqual(data.subarray(0, 3 * EVENT_STRIDE));
  });
});
