/** A run that cannot be measured (no build, the service did not start, the job failed): reported without a stack. */
export class BrokenRun extends Error {}
