/**
 * Administration sections contributed by plug-in bundles: the worker-sharing bundle publishes an
 * {@link dev.pooler.api.admin.AdminSection} for loans and sharing agreements, the affinity bundle one for
 * sessions. The Web Console page "Pools" and the {@code pooler:} shell commands show a section, and
 * offer its actions, only while such a service is present.
 */
@Export
@Version("1.0.0")
package dev.pooler.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
