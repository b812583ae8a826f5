/**
 * Session affinity across pools (the seed's §4.1 and §4.2): which pool a session's requests prefer
 * ({@link dev.pooler.api.affinity.SessionAffinity}) and running a session's request with a pool selector
 * ({@link dev.pooler.api.affinity.CrossPoolSessionManager}). Provided by the {@code dev.pooler.affinity}
 * bundle; the strengths are {@link dev.pooler.api.routing.AffinityStrength}, whose promises the router keeps.
 */
@Export
@Version("1.1.0")
package dev.pooler.api.affinity;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
