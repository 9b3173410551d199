/** The web dashboard, served by the API's app at `/` (agent/api/app.ts mounts it). */
export { type DashboardOptions, dashboardRouter } from './dashboard-router.js';
export { CONTENT_SECURITY_POLICY, CspReports } from './security.js';
export { type DashboardSession, SessionStore } from './session.js';
