import { ImportStatus } from './import-status';
import { jobProgress } from './job-progress';

const started = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(started.getTime() + seconds * 1000);

describe('jobProgress', () => {
  it('is unknown while the total is not known', () => {
    expect(
      jobProgress(
        { status: ImportStatus.Queued, totalItems: null, processedItems: 0, startedAt: null },
        at(1),
      ),
    ).toEqual({ progressPercent: null, estimatedSecondsRemaining: null });
    expect(
      jobProgress(
        { status: ImportStatus.InProgress, totalItems: null, processedItems: 0, startedAt: started },
        at(1),
      ),
    ).toEqual({ progressPercent: null, estimatedSecondsRemaining: null });
  });

  it('rounds the percentage down to one decimal and estimates from the rate since the start', () => {
    const job = {
      status: ImportStatus.InProgress,
      totalItems: 3000,
      processedItems: 1000,
      startedAt: started,
    };
    // 1000 rows in 10 s = 100 rows/s; 2000 rows left → 20 s.
    expect(jobProgress(job, at(10))).toEqual({ progressPercent: 33.3, estimatedSecondsRemaining: 20 });
    expect(jobProgress({ ...job, processedItems: 2999 }, at(10)).progressPercent).toBe(99.9);
  });

  it('has no estimate before the first batch, and 0 when every row is done', () => {
    const job = { status: ImportStatus.InProgress, totalItems: 3000, processedItems: 0, startedAt: started };
    expect(jobProgress(job, at(5))).toEqual({ progressPercent: 0, estimatedSecondsRemaining: null });
    expect(jobProgress({ ...job, processedItems: 3000 }, at(5))).toEqual({
      progressPercent: 100,
      estimatedSecondsRemaining: 0,
    });
  });

  it('is 100 and 0 at Completed, and keeps the percentage reached when Failed or Cancelled', () => {
    const base = { totalItems: 10, processedItems: 10, startedAt: started };
    expect(jobProgress({ ...base, status: ImportStatus.Completed }, at(1))).toEqual({
      progressPercent: 100,
      estimatedSecondsRemaining: 0,
    });
    expect(
      jobProgress({ ...base, status: ImportStatus.Completed, totalItems: 0, processedItems: 0 }, at(1)),
    ).toEqual({ progressPercent: 100, estimatedSecondsRemaining: 0 });
    expect(jobProgress({ ...base, processedItems: 4, status: ImportStatus.Cancelled }, at(1))).toEqual({
      progressPercent: 40,
      estimatedSecondsRemaining: 0,
    });
    expect(
      jobProgress(
        { status: ImportStatus.Failed, totalItems: null, processedItems: 0, startedAt: null },
        at(1),
      ),
    ).toEqual({ progressPercent: null, estimatedSecondsRemaining: 0 });
  });
});
