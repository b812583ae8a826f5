/**
 * The Web Console page "Pools" ({@code /system/console/pooler}): a static page
 * ({@link dev.pooler.webconsole.plugin.PoolsPage}) whose script, served from this bundle, refreshes it
 * from {@code data.json} and posts the actions to {@code action}
 * ({@link dev.pooler.webconsole.plugin.ConsoleActions}).
 */
package dev.pooler.webconsole.plugin;
