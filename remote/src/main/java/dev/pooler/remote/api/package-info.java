/**
 * The contract one node's pool offers another through OSGi Remote Services (DESIGN §10). Only serializable
 * values cross it: JSON text and OSGi promises of JSON text.
 */
@Export
@Version("1.0.0")
package dev.pooler.remote.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
