import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from './delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('redeliveries are duplicates and never settle a different record', () => {
    const l = new DeliveryLedger();
    for (let n = 0; n < 100; n++) l.ack(n, n % 3);
    // 90 distinct records consumed, 30 of them twice: 120 consumptions.
    for (let n = 0; n < 90; n++) l.consume(n, n % 3);
    for (let n = 0; n < 30; n++) expect(l.consume(n, n % 3)).toBe(false);
    expect(l.consumed).toBe(90);
    expect(l.duplicates).toBe(30);
    expect(l.outstanding).toBe(10);
    // A counter of consumption events (120) would claim everything acked had been read.
    for (let n = 90; n < 100; n++) l.skip(n);
    expect(l.outstanding).toBe(0);
  });

  it('records far apart (the bitsets grow) and acks repeated', () => {
    const l = new DeliveryLedger();
    expect(l.ack(5_000_000, 0)).toBe(true);
    expect(l.ack(5_000_000, 0)).toBe(false);
    expect(l.consume(7, 1)).toBe(true);
    expect(l.outstanding).toBe(1);
    l.ack(7, 1);
    expect(l.outstanding).toBe(1);
    l.consume(5_000_000, 0);
    expect(l.outstanding).toBe(0);
    expect(l.acked).toBe(2);
  });
});

describe('DeliveryLedger placement', () => {
  it('counts records consumed from another partition than their ack named, once, whichever arrives first', () => {
    const l = new DeliveryLedger();
    l.ack(1, 2);
    l.consume(1, 2); // where it was acked
    l.ack(2, 0);
    l.consume(2, 5); // misplaced
    l.consume(3, 4); // consumed before its ack (another thread's report) …
    l.ack(3, 1); // … which names another partition: misplaced
    l.consume(4, 7);
    l.ack(4, 7);
    l.consume(4, 7); // a redelivery from the right partition
    l.consume(5, 1); // a copy on the wrong partition, read before the original …
    l.consume(5, 0); // … the original, still before its ack …
    l.ack(5, 0); // … which confirms partition 0: one misplaced record, not two
    expect(l.misplaced).toBe(3);
    expect(l.duplicates).toBe(2);
    expect(l.outstanding).toBe(0);
  });
});

describe('DeliveryLedger unread records', () => {
  it('an acked record found still in the log is unconsumed, not lost; a consumed or unacked one is not', () => {
    const l = new DeliveryLedger();
    for (let n = 0; n < 4; n++) l.ack(n, 0);
    l.consume(0, 0);
    expect(l.outstanding).toBe(3);
    expect(l.unread(1)).toBe(true);
    expect(l.unread(1)).toBe(false); // once
    expect(l.unread(0)).toBe(false); // consumed
    expect(l.unread(9)).toBe(false); // never acked
    expect(l.isOutstanding(2)).toBe(true);
    expect(l.unconsumed).toBe(1);
    expect(l.outstanding).toBe(2); // records 2 and 3: lost unless found in the log
    // Record 1's consumption arrives after all (it was on its way when the run ended): consumed, not unconsumed.
    expect(l.consume(1, 0)).toBe(true);
    expect(l.unconsumed).toBe(0);
    expect(l.consumed).toBe(2);
    expect(l.outstanding).toBe(2);
  });
});
