import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('redeliveries are duplicates and never settle a different record', () => {
    const l = new DeliveryLedger();
    for (let n = 0; n < 100; n++) l.ack(n);
    // 90 distinct records consumed, 30 of them twice: 120 consumptions.
    for (let n = 0; n < 90; n++) l.consume(n);
    for (let n = 0; n < 30; n++) expect(l.consume(n)).toBe(false);
    expect(l.consumed).toBe(90);
    expect(l.duplicates).toBe(30);
    expect(l.outstanding).toBe(10);
    // A counter of consumption events (120) would claim everything acked had been read.
    for (let n = 90; n < 100; n++) l.skip(n);
    expect(l.outstanding).toBe(0);
  });

  it('records far apart (the bitsets grow) and acks repeated', () => {
    const l = new DeliveryLedger();
    expect(l.ack(5_000_000)).toBe(true);
    expect(l.ack(5_000_000)).toBe(false);
    expect(l.consume(7)).toBe(true);
    expect(l.outstanding).toBe(1);
    l.ack(7);
    expect(l.outstanding).toBe(1);
    l.consume(5_000_000);
    expect(l.outstanding).toBe(0);
    expect(l.acked).toBe(2);
  });
});
