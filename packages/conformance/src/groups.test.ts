import { describe, expect, it } from 'vitest';
import { chooseTargets, groupTargets } from './run.ts';

describe('splitting the targets between processes (--jobs)', () => {
  const all = chooseTargets();

  it('keeps the targets of one vendor (one simulator, reset by each) in one group, in order, balanced', () => {
    const groups = groupTargets(all, 2);
    expect(groups).toEqual([
      ['alma', 'alma-ncip', 'wms', 'symphony', 'symphony-ws'],
      ['horizon', 'horizon-ws', 'sierra', 'millennium'],
    ]);
    expect(groups.flat()).toEqual(all);
  });

  it('one job is every target in one group; more jobs than vendors is a group per vendor', () => {
    expect(groupTargets(all, 1)).toEqual([all]);
    expect(groupTargets(['alma', 'alma-ncip'], 2)).toEqual([['alma', 'alma-ncip']]);
    expect(groupTargets(all, 99)).toEqual([['alma', 'alma-ncip'], ['wms'], ['symphony', 'symphony-ws'], ['horizon', 'horizon-ws'], ['sierra'], ['millennium']]);
  });
});
