/**
 * What the console, the HTTP API and the shell share: {@link dev.pooler.webconsole.admin.PoolerAdmin}
 * (the services present and the administrative actions), the utilization history, and the JSON model
 * of the "Pools" page.
 */
package dev.pooler.webconsole.admin;
