/**
 * Pooler's core contracts: pools of external Python workers, their configuration,
 * requests, responses and the one typed error.
 */
@Export
@Version("2.3.0")
package dev.pooler.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
