import { describe, expect, it } from 'vitest';
import { isCanonicalUtcTime } from '../src/utc-time.js';

// The DateTime scalars return a stored time as it is when isCanonicalUtcTime says parsing and
// writing it again would give it back: that must hold for every text it accepts.

const roundTrips = (text: string) => {
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text;
};

describe('isCanonicalUtcTime', () => {
  it('accepts only texts that toISOString writes back unchanged', () => {
    const parts = {
      year: ['0000', '1970', '2026', '9999'],
      month: ['00', '01', '02', '04', '09', '10', '12', '13'],
      day: ['00', '01', '09', '10', '19', '20', '28', '29', '30', '31', '32'],
      hour: ['00', '09', '19', '23', '24'],
      minute: ['00', '59', '60'],
      second: ['00', '59', '60'],
    };
    let accepted = 0;
    for (const year of parts.year)
      for (const month of parts.month)
        for (const day of parts.day)
          for (const hour of parts.hour)
            for (const minute of parts.minute)
              for (const second of parts.second) {
                const text = `${year}-${month}-${day}T${hour}:${minute}:${second}.250Z`;
                if (isCanonicalUtcTime(text)) {
                  accepted++;
                  expect(roundTrips(text), text).toBe(true);
                }
              }
    // Every in-range time takes the short way but February's 29th.
    // Of the values above: years × (months × days 01–28, months but February × 29th and 30th,
    // months of 31 days × 31st) × hours 00–23 × minutes × seconds.
    expect(accepted).toBe(4 * (6 * 6 + 5 * 2 + 3 * 1) * 4 * 2 * 2);
  });

  it('leaves every other form to the parser', () => {
    for (const text of [
      '2026-11-29T10:11:12Z',
      '2026-11-29T10:11:12.123456Z',
      '2026-11-29T10:11:12.123+00:00',
      '2026-11-29 10:11:12.123Z',
      '2026-02-30T10:11:12.123Z',
      '2024-02-29T10:11:12.123Z',
      '2026-04-31T10:11:12.123Z',
      '2026-11-28T24:00:00.000Z',
      '+012026-11-29T10:11:12.123Z',
      ' 2026-11-29T10:11:12.123Z',
      '2026-11-29T10:11:12.123Z\n',
    ])
      expect(isCanonicalUtcTime(text), text).toBe(false);
    expect(isCanonicalUtcTime('2026-11-28T10:11:12.123Z')).toBe(true);
  });
});
