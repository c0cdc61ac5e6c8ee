// Request and response schemas of every HTTP endpoint, shared by the server (which
// validates requests with them) and the browser (which types its calls with them).
export * from './patterns.js';
export * from './common.js';
export * from './accounts.js';
export * from './admin.js';
export * from './uploads.js';
export * from './shares.js';
export * from './drops.js';
export * from './clients.js';
export * from './contacts.js';
export * from './devices.js';
export * from './errors.js';
export * from './health.js';
export * from './setup.js';
export * from './audit.js';
export * from './privacy.js';
