/**
 * What the shell commands, the console and the HTTP API share: {@link dev.pooler.admin.PoolerAdmin} (the
 * services present and the administrative actions: strategy switch, rebalance, contributed sections) and
 * {@link dev.pooler.admin.PoolHealth}.
 */
@Export
@Version("1.0.0")
package dev.pooler.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
