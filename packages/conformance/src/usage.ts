/** A mistake in how the kit was called: the CLI prints the message alone, without a stack. */
export class UsageError extends Error {}
