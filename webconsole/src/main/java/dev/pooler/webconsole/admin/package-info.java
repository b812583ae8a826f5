/**
 * The console's own model: the utilization history and the JSON model of the "Pools" page, built over
 * {@link dev.pooler.admin.PoolerAdmin} (the shell bundle's administration model).
 */
package dev.pooler.webconsole.admin;
