/** When a fine-tuned version becomes the one in use (./finetune-options); apart so the CLI's option list does not load zod schemas. */
export const KEEP_POLICIES = ['auto', 'always', 'never'] as const;
