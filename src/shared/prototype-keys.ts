/**
 * Keys that lead into an object's prototype when client JSON is walked or merged (JSON.parse keeps
 * `__proto__` as an own key; assigning it sets the prototype). A request may never name them.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
