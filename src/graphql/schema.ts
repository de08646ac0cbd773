// The schema index: it only imports the modules, each of which adds its own types and fields.
import { builder } from './builder.js';
import './scalars.js';
import './common.schema.js';
import '../modules/access/token.schema.js';
import '../modules/production/work-center.schema.js';
import '../modules/production/batch.schema.js';
import '../modules/production/unit.schema.js';
import '../modules/accounts/account.schema.js';
import '../modules/events/event.schema.js';

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema({ sortSchema: true });
