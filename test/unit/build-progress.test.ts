// What a newcomer reads while the upstream components compile: the count, and how long is left.
import { describe, expect, it } from 'vitest';
import { compileProgress, roughly } from '../../src/binaries/build.ts';

const minutes = (n: number) => n * 60_000;

describe('build progress', () => {
  it('shows only the count while the pace says too little', () => {
    expect(compileProgress(10, 3000, minutes(2))).toBe('compiling 10/3000 packages');
    expect(compileProgress(400, 3000, 5_000)).toBe('compiling 400/3000 packages');
  });

  it('estimates the time left from the packages compiled so far', () => {
    // 1000 packages in 5 minutes: 2000 more take 10.
    expect(compileProgress(1000, 3000, minutes(5))).toBe('compiling 1000/3000 packages, about 10 minutes left, then linking');
    expect(compileProgress(2900, 3000, minutes(10))).toBe('compiling 2900/3000 packages, under a minute left, then linking');
  });

  it('says nothing of time left once every package is compiled', () => {
    expect(compileProgress(3000, 3000, minutes(10))).toBe('compiling 3000/3000 packages');
  });

  it('rounds to whole minutes', () => {
    expect(roughly(20_000)).toBe('under a minute');
    expect(roughly(minutes(1.2))).toBe('about 1 minute');
    expect(roughly(minutes(16.5))).toBe('about 17 minutes');
  });
});
