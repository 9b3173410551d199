/** Every route of the API, in one list: the router and the OpenAPI document are both made from it. */
import type { RouteSpec } from '../route.js';
import { ADMIN_ROUTES } from './admin-routes.js';
import { EVENT_ROUTES } from './events-routes.js';
import { INVENTORY_ROUTES } from './inventory-routes.js';
import { REPORT_ROUTES } from './report-routes.js';
import { USAGE_ROUTES } from './usage-routes.js';
import { VM_ACTION_ROUTES } from './vm-action-routes.js';

export const API_ROUTES: readonly RouteSpec[] = Object.freeze([
  ...INVENTORY_ROUTES,
  ...EVENT_ROUTES,
  ...USAGE_ROUTES,
  ...REPORT_ROUTES,
  ...VM_ACTION_ROUTES,
  ...ADMIN_ROUTES,
]);
