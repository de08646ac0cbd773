/**
 * The shape of a language's word tables beside English: one table per page, named by the page's
 * `defineMessages(name, english)`, with exactly the English keys. locales/ru.ts and locales/ro.ts
 * are typed by it, so TypeScript refuses a translation that misses a key or brings one English
 * lacks; the build emits them as JSON assets fetched for the chosen language (i18n.ts).
 */
import type { Messages, Table } from '../i18n';
import type { statusMessages as status } from '../components.messages';
import type { messages as accounts } from '../accounts.messages';
import type { catalogMessages as catalog } from '../catalog.messages';
import type { channelStatsMessages as channelStats } from '../channel-stats.messages';
import type { componentMessages as components } from '../components.messages';
import type { conflictsMessages as conflicts } from '../conflicts.messages';
import type { exportMessages as csvExport } from '../export.messages';
import type { figuresMessages as figures } from '../figures.messages';
import type { messages as files } from '../files.messages';
import type { formatMessages as format } from '../format.messages';
import type { messages as history } from '../history.messages';
import type { logsMessages as logs } from '../logs.messages';
import type { ordersMessages as orders } from '../orders.messages';
import type { overviewMessages as overview } from '../overview.messages';
import type { productionMessages as production } from '../production.messages';
import type { messages as schedules } from '../schedules.messages';
import type { shellMessages as shell } from '../shell.messages';
import type { signInMessages as signIn } from '../sign-in.messages';
import type { messages as tokens } from '../tokens.messages';
import type { messages as webhooks } from '../webhooks.messages';

type Tables = typeof accounts | typeof catalog | typeof channelStats | typeof components | typeof conflicts | typeof csvExport | typeof figures | typeof files | typeof format | typeof history | typeof logs | typeof orders | typeof overview | typeof production | typeof schedules | typeof shell | typeof signIn | typeof tokens | typeof webhooks | typeof status;

export type Translations = { [M in Tables as M['name']]: M extends Messages<string, infer K> ? Table<K> : never };
