/** Exit code of a completed check whose answer is no: verify rejected, identify found no enrolled speaker. */
export const EXIT_REJECTED = 3;
