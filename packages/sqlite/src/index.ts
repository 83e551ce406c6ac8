export { cached, findBy } from './prepared.ts';
export { withStatementCache } from './statement-cache.ts';
