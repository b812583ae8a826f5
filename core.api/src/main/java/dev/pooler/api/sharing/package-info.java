/**
 * Worker sharing between pools (the seed's {@code WorkerSharing} and {@code WorkerMigration}):
 * services that the worker-sharing bundle ({@code dev.pooler.sharing}) provides on top of
 * {@link dev.pooler.api.WorkerExchange}. Without that bundle no service of this package is present.
 */
@Export
@Version("1.0.0")
package dev.pooler.api.sharing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
