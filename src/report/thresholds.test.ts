// --fail-on metric names are looked up as own properties: names every object inherits
// (toString, constructor, __proto__, hasOwnProperty) are unknown metrics, not functions to call.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KbenchError } from '../errors.js';
import { parseFailOn } from './thresholds.js';

describe('parseFailOn', () => {
  it.each(['toString>1', 'constructor>1', 'hasOwnProperty<0', 'valueOf>+10%', 'isPrototypeOf>1', 'propertyIsEnumerable>1'])('refuses the inherited name %s as an unknown metric', (rule) => {
    let error: unknown;
    try { parseFailOn(rule); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(KbenchError);
    expect((error as KbenchError).code).toBe(ERROR_CODES.badOption);
    expect((error as KbenchError).message).toMatch(/unknown metric/);
  });

  it('still accepts the real metrics', () => {
    expect(parseFailOn('maxMeanRatio>+0.2, p99>+10%, produce.p50<-5%').map((r) => r.metric)).toEqual(['maxMeanRatio', 'p99', 'produce.p50']);
  });
});
