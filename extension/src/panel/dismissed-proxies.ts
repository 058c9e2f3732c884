/**
 * The proxies whose "is running" notice the user dismissed, by dashboard origin: the panel does not
 * offer them again. Bounded like the learned dashboards (a dismissal per port a proxy ever ran on).
 */
import { RecentList, type StorageArea } from '../discovery/recent-list.js';

const KEY = 'dismissedProxies';
const MAX = 20;

export function dismissedProxies(area: StorageArea): RecentList<string> {
  return new RecentList(
    area,
    KEY,
    MAX,
    (v): v is string => typeof v === 'string',
    (a, b) => a === b,
  );
}
