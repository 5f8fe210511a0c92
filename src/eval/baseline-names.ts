/** The classic baselines `voxprint eval` can score with (./baselines); apart so the CLI's option list does not load them. */
export const BASELINES = ['mfcc-stats', 'lda'] as const;
export type BaselineName = (typeof BASELINES)[number];
