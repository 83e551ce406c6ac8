import type { NoticeKind } from '@bookstrap/core';

/** How the history names each notice, as seed 004's staff do ("Item about to be due", …). */
const names: Record<NoticeKind, string> = {
  'request-confirmation': 'Request confirmation',
  'loan-available-for-pickup': 'Loan available for pickup',
  cancelled: 'Request cancelled',
  'due-soon': 'Item about to be due',
  overdue: 'Overdue',
};

export const noticeName = (kind: NoticeKind): string => names[kind];
